"""Ctrl-C during a DuckDB statement of the run's writer is an interrupt, not a failure to
retry: DuckDB reports it as RuntimeError('Query interrupted') (or InterruptException), and
the writer raises KeyboardInterrupt for it. The real signal, through a real run, is
``tests/flows/test_cli_exit_codes.py``'s Ctrl-C test."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from warehouse.writer import Writer


@pytest.mark.parametrize(
    "error", [RuntimeError("Query interrupted"), duckdb.InterruptException("INTERRUPT Error")]
)
def test_duckdb_s_interrupt_is_raised_as_keyboard_interrupt_and_lets_the_file_go(
    tmp_path: Path, error: Exception
) -> None:
    db = tmp_path / "w.duckdb"
    writer = Writer(db, wait_seconds=5)
    with pytest.raises(KeyboardInterrupt) as caught, writer.session() as con:
        con.execute("SELECT 1")
        raise error
    assert caught.value.__cause__ is error
    with duckdb.connect(str(db)) as other:  # the writer closed its connection
        assert other.execute("SELECT 1").fetchone() == (1,)


def test_another_runtime_error_is_raised_as_it_is(tmp_path: Path) -> None:
    writer = Writer(tmp_path / "w.duckdb", wait_seconds=5)
    with pytest.raises(RuntimeError, match="not an interrupt"), writer.session():
        raise RuntimeError("not an interrupt")
