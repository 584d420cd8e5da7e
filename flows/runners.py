"""The flow's task runner, chosen by settings: threads, a process pool, or Dask.

Cleaning and signatures are CPU-bound Python, so threads overlap only the I/O. ``processes``
runs tasks in a pool of ``dask_workers`` spawned worker processes (Prefect's
``ProcessPoolTaskRunner``): every core of one machine, a second or two of start-up per run.
A Dask cluster does the same with a longer start (a local cluster of worker processes), or
reaches more than one machine through a running scheduler's address. Landing stays in the
flow process whatever the runner: the warehouse is single-writer.
"""

from __future__ import annotations

from collections.abc import Callable

from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner, ThreadPoolTaskRunner

from flows.settings import Settings

RUNNERS = ("threads", "processes", "dask")


def task_runner(settings: Settings, worker_setup: Callable[[], None] | None = None) -> TaskRunner:
    """The task runner named by ``settings.task_runner``.

    ``worker_setup`` (picklable, no arguments) runs once in each worker process of the
    ``processes`` runner before its first task, e.g. to import and warm modules; the other
    runners ignore it.
    """
    if settings.task_runner == "threads":
        return ThreadPoolTaskRunner(max_workers=max(2, settings.dask_workers))
    if settings.task_runner == "processes":
        return ProcessPoolTaskRunner(max_workers=settings.dask_workers, initializer=worker_setup)
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
