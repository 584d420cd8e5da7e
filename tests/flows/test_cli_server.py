"""`presswash run` with no Prefect server configured: the reusable local server, the temporary
one, and no process left holding the caller's output, under each task runner."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
#: A run that hangs on a pipe held by a leftover process ends here, as a failure.
TIMEOUT = 400


def _environ(home: Path, **settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_API", "PRESSWASH_"))}
    env["PREFECT_HOME"] = str(home)
    return env | {f"PRESSWASH_{k.upper()}": v for k, v in settings.items()}


def _presswash(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "flows.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,  # a process that keeps the pipes open would hang this call
        text=True,
        timeout=TIMEOUT,
    )


def _processes_of(home: Path) -> list[psutil.Process]:
    """Live processes started with ``PREFECT_HOME=home`` (this test's commands and servers)."""
    found = []
    for process in psutil.process_iter():
        try:
            if process.environ().get("PREFECT_HOME") == str(home) and process.status() != "zombie":
                found.append(process)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return found


@pytest.fixture
def home(tmp_path: Path) -> Iterator[Path]:
    home = tmp_path / "prefect"
    yield home
    subprocess.run(
        [sys.executable, "-m", "flows.cli", "server", "stop"],
        cwd=ROOT, env=_environ(home), capture_output=True, timeout=60,
    )  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize("runner", ["threads", "processes"])
def test_a_temporary_server_ends_with_the_run(home: Path, tmp_path: Path, runner: str) -> None:
    env = _environ(home, task_runner=runner, reuse_server="false", workers="2")
    done = _presswash(env, "run", str(SEEDS), "--db", str(tmp_path / "w.duckdb"))
    assert done.returncode == 0, done.stderr
    assert "landed" in done.stdout and "Traceback" not in done.stderr
    assert _processes_of(home) == []


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_a_temporary_server_ends_when_the_run_is_killed(
    home: Path, tmp_path: Path, sig: signal.Signals
) -> None:
    """Killed while its temporary server starts, the run has no chance to stop it (SIGKILL,
    or SIGTERM before Prefect handles it): the kernel ends the server with the run."""
    env = _environ(home, reuse_server="false")
    run = subprocess.Popen(
        [sys.executable, "-m", "flows.cli", "run", str(SEEDS), "--db", str(tmp_path / "w.duckdb")],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + TIMEOUT
    while not (servers := [p for p in _processes_of(home) if "server" in p.cmdline()]):
        assert run.poll() is None and time.monotonic() < deadline, "no server was started"
        time.sleep(0.1)
    run.send_signal(sig)
    assert run.wait(60) == -sig
    deadline = time.monotonic() + 60
    while _processes_of(home) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _processes_of(home) == [], [" ".join(p.cmdline()) for p in servers]


@pytest.mark.slow
@pytest.mark.parametrize("runner", ["threads", "processes"])
def test_the_reusable_server_is_started_once_detached_and_stopped_on_request(
    home: Path, tmp_path: Path, runner: str
) -> None:
    env = _environ(home, task_runner=runner)
    db = str(tmp_path / "w.duckdb")
    first = _presswash(env, "run", str(SEEDS), "--db", db)
    assert first.returncode == 0, first.stderr
    assert "started a local Prefect server" in first.stderr
    left = _processes_of(home)
    assert len(left) == 1 and "server" in left[0].cmdline()  # the server, and nothing else
    server = left[0]

    second = _presswash(env, "run", str(SEEDS), "--db", db)
    assert second.returncode == 0, second.stderr
    assert "started" not in second.stderr
    assert "duplicates" in second.stdout
    assert _processes_of(home) == [server]

    status = _presswash(env, "server", "status")
    assert status.returncode == 0 and f"pid {server.pid}" in status.stdout
    stopped = _presswash(env, "server", "stop")
    assert stopped.returncode == 0 and f"stopped: pid {server.pid}" in stopped.stdout
    assert _processes_of(home) == []
    assert _presswash(env, "server", "status").returncode == 1


@pytest.mark.slow
def test_a_dead_server_in_the_state_file_is_replaced(home: Path, tmp_path: Path) -> None:
    env = _environ(home)
    assert _presswash(env, "server", "start").returncode == 0
    (server,) = _processes_of(home)
    server.kill()
    server.wait(30)
    done = _presswash(env, "run", str(SEEDS), "--db", str(tmp_path / "w.duckdb"))
    assert done.returncode == 0, done.stderr
    assert "started a local Prefect server" in done.stderr
    assert [p.pid for p in _processes_of(home)] != [server.pid]
