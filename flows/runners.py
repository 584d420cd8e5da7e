"""The flow's task runner, chosen by settings: threads, a process pool, or Dask.

Cleaning and signatures are CPU-bound Python, so threads overlap only the I/O. ``processes``
runs tasks in a pool of ``dask_workers`` worker processes (Prefect's ``ProcessPoolTaskRunner``):
every core of one machine. Prefect starts them with ``spawn``, so each worker imports Prefect,
DuckDB and the cleaners again: measured here, 2.3 CPU s per worker and per run. On Linux they
come from a ``forkserver`` instead (``start_method``): one process imports those modules once
and forks every worker from that state, so a pool of two pays the imports once, and a
process that runs several flows (``serve``, a test session) pays them once in all. The
workers are not forked from the flow process itself: it runs Prefect's threads, and a
worker forked from it hung in Prefect's events service here.
A Dask cluster does the same with a longer start (a local cluster of worker processes), or
reaches more than one machine through a running scheduler's address. Landing stays in the
flow process whatever the runner: the warehouse is single-writer.
"""

from __future__ import annotations

import functools
import multiprocessing
import sys
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Self
from unittest import mock

import prefect.task_runners
from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner, ThreadPoolTaskRunner

from flows.processes import expect_children, start_worker
from flows.settings import Settings

RUNNERS = ("threads", "processes", "dask")
START_METHODS = ("forkserver", "spawn")
#: Imported once by the fork server, before it forks any worker (see its docstring).
PRELOAD = ["flows.worker_preload"]


def task_runner(settings: Settings, worker_setup: Callable[[], None] | None = None) -> TaskRunner:
    """The task runner named by ``settings.task_runner``.

    ``worker_setup`` (picklable, no arguments) runs once in each worker process of the
    ``processes`` runner before its first task, e.g. to import and warm modules; the other
    runners ignore it.
    """
    if settings.task_runner == "threads":
        return ThreadPoolTaskRunner(max_workers=max(2, settings.dask_workers))
    if settings.task_runner == "processes":
        return StartMethodProcessPoolTaskRunner(
            start_method(settings),
            max_workers=settings.dask_workers,
            initializer=functools.partial(start_worker, worker_setup),
        )
    if settings.task_runner == "dask":
        from prefect_dask import DaskTaskRunner

        if settings.dask_address:
            return DaskTaskRunner(address=settings.dask_address)
        return DaskTaskRunner(
            cluster_kwargs={
                "n_workers": settings.dask_workers,
                "threads_per_worker": 1,
                "processes": True,
                "dashboard_address": None,
            }
        )
    names = ", ".join(repr(name) for name in RUNNERS)
    raise ValueError(f"task_runner must be one of {names}, not {settings.task_runner!r}")


def start_method(settings: Settings) -> str:
    """How the ``processes`` runner starts its workers: ``settings.start_method`` if set,
    else ``forkserver`` on Linux, where it was measured and tested, and Prefect's ``spawn``
    elsewhere (Windows has no fork)."""
    method = settings.start_method or ("forkserver" if sys.platform == "linux" else "spawn")
    if method not in START_METHODS:
        names = ", ".join(repr(name) for name in START_METHODS)
        raise ValueError(f"start_method must be one of {names}, not {method!r}")
    return method


class StartMethodProcessPoolTaskRunner(ProcessPoolTaskRunner):
    """Prefect's process pool with the workers started by ``method`` rather than ``spawn``."""

    def __init__(self, method: str = "spawn", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.method = method

    def duplicate(self) -> Self:
        twin = super().duplicate()
        twin.method = self.method
        return twin

    def __enter__(self) -> Self:
        # Prefect's __enter__ asks multiprocessing for the spawn context by name; answer with
        # ours for the duration of that call only.
        expect_children()
        if self.method == "forkserver":
            multiprocessing.set_forkserver_preload(PRELOAD)  # read when the server starts
        with _context_for_any_method(self.method):
            return super().__enter__()


@contextmanager
def _context_for_any_method(method: str) -> Iterator[None]:
    shim = types.SimpleNamespace(get_context=lambda _asked: multiprocessing.get_context(method))
    with mock.patch.object(prefect.task_runners, "multiprocessing", shim):
        yield
