"""The flow's task runner, chosen by settings: automatic, threads, a process pool, or Dask.

Cleaning and signatures are CPU-bound Python, so threads overlap only the I/O. ``auto`` (the
default) is the process pool, whose workers start on the first batch submitted to it; a run of
fewer than :data:`POOL_MIN_INPUTS` documents (counted by files and by size,
:func:`estimated_documents`) cleans its batches in the flow process instead and so never
starts a pool (:func:`submits`). ``processes``
runs tasks in a pool of ``workers`` worker processes (Prefect's ``ProcessPoolTaskRunner``):
every core of one machine. Prefect starts them with ``spawn``, so each worker imports Prefect,
DuckDB and the cleaners again: measured here, 2.3 CPU s per worker and per run. On Linux they
come from a ``forkserver`` instead (``start_method``): one process imports those modules once
and forks every worker from that state, so a pool of two pays the imports once, and a
process that runs several flows (``serve``, a test session) pays them once in all. The
workers are not forked from the flow process itself: it runs Prefect's threads, and a
worker forked from it hung in Prefect's events service here.
With no Prefect server configured, the flow process talks to a temporary server of its own;
the workers are pointed at that server, or each would start (and, exiting without running
``atexit``, leave behind) a temporary server of its own.
A Dask cluster does the same with a longer start (a local cluster of worker processes), or
reaches more than one machine through a running scheduler's address. Landing stays in the
flow process whatever the runner: the warehouse is single-writer.
"""

from __future__ import annotations

import functools
import math
import multiprocessing
import sys
import types
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any, Self
from unittest import mock

import prefect.task_runners
from prefect.client.base import ServerType
from prefect.context import SyncClientContext
from prefect.settings import PREFECT_API_URL, temporary_settings
from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner, ThreadPoolTaskRunner

from flows.processes import expect_children, start_worker
from flows.settings import Settings

RUNNERS = ("auto", "threads", "processes", "dask")
START_METHODS = ("forkserver", "spawn")
#: Imported once by the fork server, before it forks any worker (see its docstring).
PRELOAD = ["flows.worker_preload"]
#: Fewest input documents for which ``auto`` submits batches to its process pool. Below it,
#: the pool's start (a fork server, its preloaded imports, a worker per core) costs more than
#: the second core gives back.
POOL_MIN_INPUTS = 400
#: Bytes of input counted as one document when a run is sized (:func:`estimated_documents`):
#: a text dump is a few kB; a JSONL or WARC file holds thousands of documents; an HTML page of
#: 100 kB costs about as much CPU as 20 text dumps, as cleaning costs about the same per byte.
DOCUMENT_BYTES = 5_000
#: How many times its size on disk a gzipped input is counted.
GZIP_RATIO = 4
#: Batch sizes ``batch_size = 0`` chooses between (see :func:`batch_size`).
BATCH_RANGE = (50, 1000)
#: Batches per worker that ``batch_size = 0`` aims at, so that the workers stay busy while the
#: flow process deduplicates and lands the batch before.
BATCHES_PER_WORKER = 4


def estimated_documents(files: Iterable[Path]) -> int:
    """About how many documents of work ``files`` hold: one per file, or one per
    :data:`DOCUMENT_BYTES` of their size when that is more (a container, HTML pages), so that
    a single 500 MB JSONL file gets the pool and batches of its size."""
    count = size = 0
    for path in files:
        count += 1
        try:
            on_disk = path.stat().st_size
        except OSError:
            continue  # the read step rejects it with the OS's reason
        size += on_disk * (GZIP_RATIO if path.name.lower().endswith(".gz") else 1)
    return max(count, size // DOCUMENT_BYTES)


def submits(settings: Settings, inputs: int) -> bool:
    """Whether a run of about ``inputs`` documents (:func:`estimated_documents`) submits its
    batches to the task runner; if not, it cleans them in the flow process, one after the
    other."""
    return settings.task_runner != "auto" or inputs >= POOL_MIN_INPUTS


def batch_size(settings: Settings, inputs: int) -> int:
    """Documents per batch, for a run of about ``inputs``: the ``batch_size`` setting, or
    when it is 0, enough batches for :data:`BATCHES_PER_WORKER` per worker within
    :data:`BATCH_RANGE`. Each task run costs Prefect tenths of a second of its own, so
    batches are as large as keeps the workers fed; the upper bound caps what a batch in
    flight holds in memory."""
    if settings.batch_size > 0:
        return settings.batch_size
    low, high = BATCH_RANGE
    per_batch = math.ceil(inputs / (BATCHES_PER_WORKER * max(1, settings.workers)))
    return min(high, max(low, per_batch))


def task_runner(settings: Settings, worker_setup: Callable[[], None] | None = None) -> TaskRunner:
    """The task runner named by ``settings.task_runner``.

    ``worker_setup`` (picklable, no arguments) runs once in each worker process of the
    ``processes`` runner before its first task, e.g. to import and warm modules; the other
    runners ignore it.
    """
    if settings.task_runner == "threads":
        return ThreadPoolTaskRunner(max_workers=max(2, settings.workers))
    if settings.task_runner in ("auto", "processes"):
        return StartMethodProcessPoolTaskRunner(
            start_method(settings),
            max_workers=settings.workers,
            initializer=functools.partial(start_worker, worker_setup),
        )
    if settings.task_runner == "dask":
        from prefect_dask import DaskTaskRunner

        if settings.dask_address:
            return DaskTaskRunner(address=settings.dask_address)
        return DaskTaskRunner(
            cluster_kwargs={
                "n_workers": settings.workers,
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

    def submit(
        self,
        task: Any,
        parameters: dict[str, Any],
        wait_for: Iterable[Any] | None = None,
        dependencies: dict[str, Any] | None = None,
    ) -> Any:
        # The task's context and environment are captured for the worker inside this call.
        url = _temporary_server_url()
        pointed = temporary_settings(updates={PREFECT_API_URL: url}) if url else nullcontext()
        with pointed:
            return super().submit(task, parameters, wait_for, dependencies)


def _temporary_server_url() -> str | None:
    """The API address of the temporary server this process started, if it talks to one."""
    if PREFECT_API_URL.value():
        return None
    context = SyncClientContext.get()
    if context is None or context.client.server_type != ServerType.EPHEMERAL:
        return None
    return str(context.client.api_url).rstrip("/")


@contextmanager
def _context_for_any_method(method: str) -> Iterator[None]:
    shim = types.SimpleNamespace(get_context=lambda _asked: multiprocessing.get_context(method))
    with mock.patch.object(prefect.task_runners, "multiprocessing", shim):
        yield
