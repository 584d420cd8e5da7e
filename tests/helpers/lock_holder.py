"""Another process holding a DuckDB file open read-write, as a running ingest would."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_HOLDER = "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('ready', flush=True); input()"


@contextmanager
def held_by_other_process(path: Path) -> Iterator[subprocess.Popen[str]]:
    """``path`` open read-write in another process until the block ends."""
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        yield holder
    finally:
        if holder.poll() is None:
            holder.communicate("\n", timeout=10)
