"""The flow's task runner, chosen by settings: threads by default, Dask for more cores.

Cleaning and signatures are CPU-bound Python, so threads overlap only the I/O; a Dask cluster
of worker processes uses every core (a local one, or a running scheduler by address, for
more than one machine). Landing stays in the flow process either way: the warehouse is
single-writer.
"""

from __future__ import annotations

from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner

from flows.settings import Settings


def task_runner(settings: Settings) -> TaskRunner:
    if settings.task_runner == "threads":
        return ThreadPoolTaskRunner(max_workers=max(2, settings.dask_workers))
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
    raise ValueError(f"task_runner must be 'threads' or 'dask', not {settings.task_runner!r}")
