"""A local Prefect server for ``presswash serve`` when none is configured.

Prefect's temporary in-process server cannot schedule deployments, so serving needs a real
one. When ``PREFECT_API_URL`` is not set, ``serve`` starts ``prefect server start`` as a
child process on 127.0.0.1, waits until its API answers, points this process at it, and
stops it on exit. Teams with a persistent server set ``PREFECT_API_URL`` instead.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

STARTUP_SECONDS = 120.0


@contextmanager
def local_server(port: int = 0) -> Iterator[str]:
    """Run a Prefect server for the duration of the block; yields its API URL."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    port = port or _free_port()
    url = f"http://127.0.0.1:{port}/api"
    server = subprocess.Popen(
        [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
         "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    try:
        _wait_healthy(url, server)
        with temporary_settings(updates={PREFECT_API_URL: url}):
            os.environ["PREFECT_API_URL"] = url  # for the flow-run subprocesses serve starts
            yield url
    finally:
        os.environ.pop("PREFECT_API_URL", None)
        _stop(server)


def _wait_healthy(url: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"prefect server exited with code {server.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"prefect server at {url} did not answer within {STARTUP_SECONDS:g} s")


def _stop(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
