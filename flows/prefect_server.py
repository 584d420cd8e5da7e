"""Local Prefect servers for the CLI when no ``PREFECT_API_URL`` is configured.

Prefect's own fallback, a temporary server inside each process, costs 12-17 s at every
start and, with a process pool, can outlive the command while holding its output. So the
CLI runs flows against a server of its own:

- the **reusable server** (``presswash run``, setting ``reuse_server``, on by default):
  started once, detached, its output in ``$PREFECT_HOME/presswash-server.log``, and reused by
  later commands while it answers its health check; its pid, port and URL are in
  ``$PREFECT_HOME/presswash-server.json``. ``presswash server status|start|stop`` shows and
  manages it. Its runs are visible in Prefect's UI at its URL.
- a **temporary server** (``serve``, and ``run`` with ``reuse_server = false``): a child
  process for the duration of one command, stopped when it ends, and sent SIGTERM by the
  kernel when the command dies without a chance to stop it (SIGKILL, or SIGTERM before
  Prefect's handler is in place).

Teams with a Prefect server of their own set ``PREFECT_API_URL``, and none of this runs.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from importlib.metadata import version
from pathlib import Path

from flows import processes

STARTUP_SECONDS = 300.0
STOP_SECONDS = 20.0
STATE_FILE = "presswash-server.json"
LOG_FILE = "presswash-server.log"


@dataclass(frozen=True, slots=True)
class ServerState:
    """What the state file records of the reusable server."""

    pid: int
    port: int
    url: str
    prefect: str
    log: str
    started_at: float


def prefect_home() -> Path:
    """Prefect's home directory, as Prefect itself resolves it by default."""
    return Path(os.environ.get("PREFECT_HOME") or Path.home() / ".prefect").expanduser()


def read_state(home: Path | None = None) -> ServerState | None:
    """The recorded reusable server, if the state file names one (it may have died since)."""
    path = (home or prefect_home()) / STATE_FILE
    try:
        return ServerState(**json.loads(path.read_text("utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def running_server(home: Path | None = None) -> ServerState | None:
    """The reusable server, if it is alive, answers its health check and runs this
    Prefect version (a server of another version is stopped and replaced on next use)."""
    state = read_state(home)
    if state and _alive(state.pid) and healthy(state.url) and state.prefect == version("prefect"):
        return state
    return None


def ensure_server(home: Path | None = None) -> tuple[ServerState, bool]:
    """The running reusable server, started first when there is none; and whether this
    call started it. Two commands that start at once share one server (a file lock)."""
    home = home or prefect_home()
    home.mkdir(parents=True, exist_ok=True)
    with _locked(home):
        state = running_server(home)
        if state:
            return state, False
        _stop_recorded(home)
        port = _free_port()
        url = f"http://127.0.0.1:{port}/api"
        log = home / LOG_FILE
        with log.open("ab") as out:
            process = subprocess.Popen(
                _command(port),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=home,
                env=_server_environ(),
                start_new_session=True,  # not in the caller's process group: Ctrl-C spares it
            )
        _wait_healthy(url, process.poll, f"see {log}")
        state = ServerState(process.pid, port, url, version("prefect"), str(log), time.time())
        (home / STATE_FILE).write_text(json.dumps(asdict(state)), "utf-8")
        return state, True


def stop_server(home: Path | None = None) -> ServerState | None:
    """Stop the reusable server; returns what was recorded of it (``None``: none was)."""
    home = home or prefect_home()
    with _locked(home):
        return _stop_recorded(home)


@contextlib.contextmanager
def using(url: str) -> Iterator[str]:
    """Point this process (and the worker processes it starts) at the server at ``url``.

    Threads that Prefect starts without copying the context (the process pool's message
    forwarder) read the process-global settings, made from the environment when Prefect was
    imported. They are replaced for the block too: else such a thread finds no API URL and
    starts a server of its own (Prefect's ephemeral one: 0.2 GB, and a 5 s wait at the end).
    """
    import prefect.context
    from prefect.settings import PREFECT_API_URL, temporary_settings

    previous = os.environ.get("PREFECT_API_URL")
    previous_global = prefect.context.GLOBAL_SETTINGS_CONTEXT
    os.environ["PREFECT_API_URL"] = url
    prefect.context.refresh_global_settings_context()
    try:
        with temporary_settings(updates={PREFECT_API_URL: url}):
            yield url
    finally:
        if previous is None:
            os.environ.pop("PREFECT_API_URL", None)
        else:
            os.environ["PREFECT_API_URL"] = previous
        prefect.context.GLOBAL_SETTINGS_CONTEXT = previous_global


@contextlib.contextmanager
def local_server(port: int = 0) -> Iterator[str]:
    """Run a temporary Prefect server for the duration of the block, this process pointed
    at it; yields its API URL. Its output is discarded: it must not hold the caller's."""
    port = port or _free_port()
    url = f"http://127.0.0.1:{port}/api"
    server = subprocess.Popen(
        _command(port),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=_server_environ(),
        start_new_session=True,
        preexec_fn=processes.signal_on_parent_death(signal.SIGTERM),
    )
    try:
        _wait_healthy(url, server.poll, "its output is discarded; start it by hand to see why")
        with using(url):
            yield url
    finally:
        _stop_group(server.pid, server.wait)


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def _command(port: int) -> list[str]:
    return [
        sys.executable, "-m", "prefect", "server", "start",
        "--host", "127.0.0.1", "--port", str(port),
    ]  # fmt: skip


def _server_environ() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    env.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "WARNING")
    return env


def _wait_healthy(url: str, poll, hint: str) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        code = poll()
        if code is not None:
            raise RuntimeError(f"the local Prefect server exited with code {code} ({hint})")
        if healthy(url):
            return
        time.sleep(0.3)
    raise RuntimeError(f"the local Prefect server at {url} did not answer ({hint})")


def _stop_recorded(home: Path) -> ServerState | None:
    state = read_state(home)
    if state and _alive(state.pid) and _is_prefect_server(state.pid):
        _stop_group(state.pid, lambda timeout: _wait_gone(state.pid, timeout))
    (home / STATE_FILE).unlink(missing_ok=True)
    return state


def _stop_group(pid: int, wait) -> None:
    """SIGTERM the server's process group, SIGKILL it if it has not ended in time."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, sig)
        try:
            wait(timeout=STOP_SECONDS)
            return
        except subprocess.TimeoutExpired:
            continue


def _wait_gone(pid: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while _alive(pid):
        if time.monotonic() > deadline:
            raise subprocess.TimeoutExpired("prefect server", timeout)
        time.sleep(0.1)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie (ended, not yet reaped by its parent) is as good as gone.
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rpartition(")")[2].split()[0] != "Z"


def _is_prefect_server(pid: int) -> bool:
    """Whether ``pid`` still is a Prefect server (a recorded pid may have been reused)."""
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return True  # no /proc: trust the state file
    return b"prefect" in argv and b"server" in argv


@contextlib.contextmanager
def _locked(home: Path) -> Iterator[None]:
    with (home / "presswash-server.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
