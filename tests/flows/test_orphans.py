"""A run killed with SIGKILL leaves no process behind, and the next run books it as
``interrupted``."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import psutil
import pytest

from tests.helpers import hostile

ROOT = Path(__file__).resolve().parents[2]


def _descendants(process: psutil.Process) -> list[psutil.Process]:
    try:
        return process.children(recursive=True)
    except psutil.Error:
        return []


def _running(process: psutil.Process) -> bool:
    """Alive and not a zombie (whoever inherits it may be slow to reap it)."""
    try:
        return process.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def test_killed_run_leaves_no_workers_and_is_marked_interrupted(
    tmp_path: Path, prefect_server: str
) -> None:
    inbox, db = tmp_path / "inbox", tmp_path / "w.duckdb"
    inbox.mkdir()
    for n, story in enumerate(hostile.distinct_stories(3000)):
        hostile.write(inbox, f"{n:05}.txt", f"Story {n}\n\n{story}\n")
    env = os.environ | {
        "PREFECT_API_URL": prefect_server,
        "PRESSWASH_TASK_RUNNER": "processes",
        "PRESSWASH_BATCH_SIZE": "20",
    }
    cmd = [sys.executable, "-m", "flows.cli", "run", str(inbox), "--db", str(db)]
    run = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    main = psutil.Process(run.pid)
    deadline = time.monotonic() + 300
    # The fork server and at least one worker under it.
    while len(_descendants(main)) < 2 and time.monotonic() < deadline and run.poll() is None:
        time.sleep(0.2)
    left_behind = _descendants(main)
    assert run.poll() is None and len(left_behind) >= 2, "the run ended before it could be killed"
    os.kill(run.pid, signal.SIGKILL)
    run.wait()
    deadline = time.monotonic() + 30
    while (alive := [p for p in left_behind if _running(p)]) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert alive == [], [" ".join(p.cmdline())[:200] for p in alive]

    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT status, pid FROM runs").fetchall() == [("running", run.pid)]
    small = tmp_path / "small"
    small.mkdir()
    hostile.write(small, "one.txt", "One\n\n" + hostile.distinct_stories(1, seed=9)[0] + "\n")
    env["PRESSWASH_TASK_RUNNER"] = "threads"
    again = subprocess.run(
        [sys.executable, "-m", "flows.cli", "run", str(small), "--db", str(db)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert again.returncode == 0, again.stderr[-2000:]
    with duckdb.connect(str(db), read_only=True) as con:
        statuses = con.execute("SELECT status FROM runs ORDER BY started_at").fetchall()
    assert statuses == [("interrupted",), ("ok",)]


pytestmark = pytest.mark.slow
