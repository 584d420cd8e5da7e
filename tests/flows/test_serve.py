"""`presswash serve` for real: a local Prefect server, a scheduled deployment, an inbox."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

# serve runs real flows against its own temporary Prefect server.
pytestmark = pytest.mark.flow

ROOT = Path(__file__).resolve().parents[2]
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
DEADLINE = 180.0
SUMMARY = r"run [0-9a-f-]{36}: \d+ inputs, \d+ landed, \d+ duplicates, \d+ rejected -> .+"


def _read(db: Path, sql: str) -> list[tuple] | None:
    """Rows of ``sql``, or None while the file is missing or an ingest holds it."""
    try:
        with duckdb.connect(str(db), read_only=True) as con:
            return con.execute(sql).fetchall()
    except (duckdb.IOException, duckdb.CatalogException):
        return None


def _wait_for(db: Path, sql: str, expected: list[tuple], server: subprocess.Popen) -> None:
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        assert server.poll() is None, "presswash serve exited early"
        if _read(db, sql) == expected:
            return
        time.sleep(1)
    raise AssertionError(f"{sql!r} never gave {expected}; last: {_read(db, sql)}")


def test_serve_lands_each_inbox_file_exactly_once(tmp_path: Path) -> None:
    inbox, db = tmp_path / "inbox", tmp_path / "w.duckdb"
    inbox.mkdir()
    shutil.copy(SEEDS[0], inbox)
    (inbox / "empty.txt").write_bytes(b"")
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env |= {
        "PREFECT_HOME": str(tmp_path / "prefect"),
        # Schedule and pick up runs every second or two instead of every minute.
        "PREFECT_API_SERVICES_SCHEDULER_LOOP_SECONDS": "2",
        "PREFECT_RUNNER_POLL_FREQUENCY": "1",
    }
    cmd = [sys.executable, "-m", "flows.cli", "serve", "--inbox", str(inbox), "--db", str(db)]
    log = tmp_path / "serve.log"
    server = subprocess.Popen(
        [*cmd, "--interval", "3"],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
        # As a shell starts a background job (`presswash serve &`): Ctrl-C must still stop it.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )
    try:
        _wait_for(db, "SELECT count(*) FROM inbox_files", [(2,)], server)
        shutil.copy(SEEDS[1], inbox)
        _wait_for(db, "SELECT count(*) FROM inbox_files", [(3,)], server)
        # Let several more runs pass over the unchanged inbox.
        runs_now = _read(db, "SELECT count(*) FROM runs") or [(0,)]
        _wait_for_more_runs(db, runs_now[0][0] + 3, server)
    finally:
        os.killpg(server.pid, signal.SIGINT)
        try:
            stopped = server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            stopped = None
    assert stopped == 0, "Ctrl-C did not stop presswash serve within 30 s"
    per_source = _read(db, "SELECT source, count(*) FROM articles GROUP BY source ORDER BY 1")
    assert per_source == [(str(inbox / SEEDS[0].name), 1), (str(inbox / SEEDS[1].name), 1)]
    assert _read(db, "SELECT sum(landed), sum(duplicates) FROM runs WHERE status = 'ok'") == [
        (2, 0)
    ]
    # One line per run and one per reject: the first run took a seed and the empty file.
    lines = log.read_text("utf-8", "replace").splitlines()
    summaries = [line for line in lines if re.fullmatch(SUMMARY, line)]
    assert summaries[0].split(": ", 1)[1].startswith("2 inputs, 1 landed, 0 duplicates, 1 rejected")
    assert len(summaries) >= 4  # and every later run, with or without new files
    rejects = [line for line in lines if line.startswith("rejected: ")]
    assert len(rejects) == 1 and rejects[0].startswith(f"rejected: {inbox / 'empty.txt'}: ")
    assert not any("Traceback" in line for line in lines)
    assert lines[-1] == "stopped serving presswash-inbox"


def _wait_for_more_runs(db: Path, count: int, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        assert server.poll() is None, "presswash serve exited early"
        rows = _read(db, "SELECT count(*) FROM runs WHERE status = 'ok'")
        if rows and rows[0][0] >= count:
            return
        time.sleep(1)
    raise AssertionError(f"fewer than {count} runs finished")
