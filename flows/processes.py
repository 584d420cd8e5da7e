"""Processes that die with the process that started them.

The ``processes`` runner's fork server and its workers would otherwise outlive a run killed
with SIGKILL (no ``finally`` runs then): hundreds of MB each, indefinitely. On Linux each asks
the kernel to kill it when its parent dies (``PR_SET_PDEATHSIG``): the fork server when the
flow's process dies, each worker when the fork server dies; and a temporary Prefect server,
which is not a Python process of ours, through :func:`signal_on_parent_death` run between fork
and exec. Elsewhere this does nothing.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from collections.abc import Callable

_PR_SET_PDEATHSIG = 1
#: The pid a process started for the runner expects as its parent. Set by the process that
#: starts it; read at start, then set to the process's own pid for the processes it starts.
PARENT_ENV = "PRESSWASH_PARENT_PID"


def expect_children() -> None:
    """Tell the processes this one starts from now on who their parent is."""
    os.environ[PARENT_ENV] = str(os.getpid())


def die_with_parent() -> None:
    """Have the kernel SIGKILL this process when its parent process exits (Linux only).

    The signal is tied to the parent's thread that forked this process: for the fork server,
    the thread that runs the flow and submits its first task, which outlives the flow's pool;
    for a worker, the fork server's only thread. A parent that died before the request was
    made is caught by comparing the parent's pid with the one it announced
    (:data:`PARENT_ENV`): by then this process has been handed to another parent.
    """
    if sys.platform != "linux":
        return
    announced = os.environ.get(PARENT_ENV)
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    if announced is not None and os.getppid() != int(announced):
        os._exit(1)  # the parent is gone already
    expect_children()


def signal_on_parent_death(sig: signal.Signals) -> Callable[[], None] | None:
    """A ``preexec_fn`` for :class:`subprocess.Popen` that has the child sent ``sig`` when the
    calling thread's process exits, by any death (``None`` off Linux).

    The C function is looked up here, before the fork: between fork and exec the child may
    only make the system call, not load libraries or take Python's import lock.
    """
    if sys.platform != "linux":
        return None
    prctl = ctypes.CDLL(None, use_errno=True).prctl
    parent = os.getpid()

    def preexec() -> None:
        prctl(_PR_SET_PDEATHSIG, int(sig), 0, 0, 0)
        if os.getppid() != parent:
            os._exit(1)  # the parent died before the request was made

    return preexec


def start_worker(setup: Callable[[], None] | None = None) -> None:
    """A worker's first step: tie it to its parent, then run the caller's ``setup``."""
    die_with_parent()
    if setup is not None:
        setup()
