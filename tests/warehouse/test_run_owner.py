"""Runs record the process that ran them; a run whose process is gone is ``interrupted``."""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
from pathlib import Path

from warehouse import open_warehouse, start_run

T0 = dt.datetime(2024, 1, 1)


def _dead_pid() -> int:
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def test_start_marks_runs_of_dead_processes_on_this_host_interrupted(tmp_path: Path) -> None:
    with open_warehouse(tmp_path / "w.duckdb") as con:
        insert = "INSERT INTO runs (run_id, started_at, inputs, pid, host) VALUES (?, ?, 0, ?, ?)"
        host = socket.gethostname()
        con.execute(insert, ["killed", T0, _dead_pid(), host])
        con.execute(insert, ["alive", T0, os.getppid(), host])
        con.execute(insert, ["elsewhere", T0, _dead_pid(), host + "-other"])
        assert start_run(con, "new", T0, inputs=0) == ["killed"]
        rows = con.execute("SELECT run_id, status, pid, host FROM runs ORDER BY run_id").fetchall()
    assert rows == [
        ("alive", "running", os.getppid(), host),
        ("elsewhere", "running", rows[1][2], host + "-other"),
        ("killed", "interrupted", rows[2][2], host),
        ("new", "running", os.getpid(), host),
    ]
