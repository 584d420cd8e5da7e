"""Ctrl-C during a DuckDB statement of the run's writer is an interrupt, not a failure to
retry: DuckDB itself reports it as RuntimeError('Query interrupted')."""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path

import duckdb
import pytest

from warehouse.writer import Writer


def test_sigint_during_a_statement_raises_keyboard_interrupt_and_closes(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    writer = Writer(db, wait_seconds=5)
    timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT))
    with pytest.raises(KeyboardInterrupt) as caught, writer.session() as con:
        timer.start()
        con.execute("SELECT count(*) FROM range(100000000000) t(a) WHERE a % 7 = 3").fetchall()
    timer.join()
    assert "interrupted" in str(caught.value.__cause__)
    with duckdb.connect(str(db)) as other:  # the writer let the file go
        assert other.execute("SELECT 1").fetchone() == (1,)


def test_another_runtime_error_is_raised_as_it_is(tmp_path: Path) -> None:
    writer = Writer(tmp_path / "w.duckdb", wait_seconds=5)
    with pytest.raises(RuntimeError, match="not an interrupt"), writer.session():
        raise RuntimeError("not an interrupt")
