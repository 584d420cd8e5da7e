"""Settings of presswash, from one place, and quiet Prefect defaults.

Precedence, lowest first: built-in defaults, the ``[tool.presswash]`` table of
``pyproject.toml`` in the working directory, ``presswash.toml`` in the working directory,
then ``PRESSWASH_*`` environment variables (``PRESSWASH_DB``, ``PRESSWASH_INBOX``,
``PRESSWASH_CRON``, ...: the upper-cased key). Command-line options override all of them.

Prefect reads its own settings from the environment when it is first imported, so
:func:`quiet_prefect` runs before any ``import prefect`` (``flows/__init__.py`` calls it).
Values already in the environment win: a team that runs a Prefect server or wants Prefect's
own logs keeps its settings.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any


@dataclass(frozen=True, slots=True)
class Settings:
    #: Warehouse file written by ``presswash run`` and read by the other commands.
    db: str = "warehouse/presswash.duckdb"
    #: What ``presswash run`` ingests when given no path.
    inputs: tuple[str, ...] = ("seeds",)
    #: Directory ``presswash serve`` watches; each file in it is ingested exactly once.
    inbox: str = "inbox"
    #: Schedule of ``presswash serve``: a cron expression, or else an interval in seconds.
    cron: str = ""
    interval: float = 300.0
    #: Documents per task run. Prefect's API sustains a few hundred task runs a second, so one
    #: task per document would make the orchestrator the bottleneck; batches amortize it.
    #: 0: chosen from the number of inputs (``flows.runners.batch_size``).
    batch_size: int = 0
    #: Seconds a run waits for another process to release the warehouse before giving up.
    lock_wait: float = 30.0
    #: DuckDB's ``memory_limit`` for the run's connection to the warehouse (``"1GB"``; empty:
    #: DuckDB's default, 80% of RAM). Unbounded, DuckDB kept every block it wrote cached, up
    #: to 776 MiB after 90,000 articles; at 400 MB landing took about 7% more CPU.
    writer_memory: str = "400MB"
    #: ``auto`` (default: ``processes`` for runs of many files, the flow process for a few),
    #: ``threads``, ``processes`` (a pool of ``dask_workers`` processes) or ``dask``;
    #: with ``dask``, ``dask_address`` names a running scheduler (``tcp://host:8786``) or,
    #: when empty, a local cluster of ``dask_workers``.
    task_runner: str = "auto"
    #: A passage found in this many articles of one site is that site's chrome (see
    #: ``dedup.site_repetition``): two articles may honestly share a paragraph, three rarely.
    min_site_articles: int = 3
    #: ``redis://host:port/db`` to share the near-duplicate index between workers; empty keeps
    #: it in the flow's memory, rebuilt from the warehouse at each run.
    redis_url: str = ""
    dask_address: str = ""
    dask_workers: int = 2
    #: How the ``processes`` runner starts its workers: ``forkserver`` or ``spawn``; empty
    #: means ``forkserver`` on Linux (the imports are paid once, not once per worker), else
    #: ``spawn``.
    start_method: str = ""


def load_settings(cwd: Path | None = None, environ: dict[str, str] | None = None) -> Settings:
    """Settings from the files in ``cwd`` and the environment (see the module docstring)."""
    cwd = cwd or Path.cwd()
    environ = dict(os.environ if environ is None else environ)
    values: dict[str, Any] = {}
    pyproject = cwd / "pyproject.toml"
    if pyproject.is_file():
        values |= _read_toml(pyproject).get("tool", {}).get("presswash", {})
    own = cwd / "presswash.toml"
    if own.is_file():
        values |= _read_toml(own)
    for f in fields(Settings):
        env = environ.get(f"PRESSWASH_{f.name.upper()}")
        if env is not None:
            values[f.name] = env
    return _coerce(values)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text("utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"{path}: cannot read settings: {exc}") from exc


def _coerce(values: dict[str, Any]) -> Settings:
    known = {f.name: f for f in fields(Settings)}
    unknown = set(values) - set(known)
    if unknown:
        raise ValueError(f"unknown presswash settings: {', '.join(sorted(unknown))}")
    out: dict[str, Any] = {}
    for name, value in values.items():
        default = getattr(Settings(), name)
        try:
            if isinstance(default, tuple):
                out[name] = tuple(value.split(",") if isinstance(value, str) else value)
            else:
                out[name] = type(default)(value)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"setting {name}={value!r}: {exc}") from exc
    return replace(Settings(), **out)


_PREFECT_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_LOGGING_TO_API_ENABLED": "false",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
}


def quiet_prefect() -> None:
    for name, value in _PREFECT_DEFAULTS.items():
        os.environ.setdefault(name, value)
