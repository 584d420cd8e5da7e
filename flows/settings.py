"""Settings of a presswash run, and quiet Prefect defaults applied before Prefect is imported.

Prefect reads its settings from the environment when it is first imported, so
:func:`quiet_prefect` must run before any ``import prefect`` (``flows/__init__.py`` does it).
Values already set in the environment win: a team that runs a Prefect server or wants
Prefect's own logs keeps its settings.
"""

from __future__ import annotations

import os
from pathlib import Path

#: Where ``presswash run`` lands articles unless ``--db`` or ``PRESSWASH_DB`` says otherwise.
DEFAULT_DB = Path(os.environ.get("PRESSWASH_DB", "warehouse/presswash.duckdb"))
#: What ``presswash run`` ingests when given no path.
DEFAULT_INPUTS = ["seeds"]
#: Documents per task run. Prefect's API sustains a few hundred task runs a second, so one
#: task per document would make the orchestrator the bottleneck; batches amortize it.
BATCH_SIZE = int(os.environ.get("PRESSWASH_BATCH_SIZE", "500"))
#: How long a run waits for another process to release the warehouse before giving up.
LOCK_WAIT_SECONDS = float(os.environ.get("PRESSWASH_LOCK_WAIT", "30"))

_PREFECT_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_LOGGING_TO_API_ENABLED": "false",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
}


def quiet_prefect() -> None:
    for name, value in _PREFECT_DEFAULTS.items():
        os.environ.setdefault(name, value)
