"""Imported once by the process runner's fork server, before it forks any worker.

Everything a worker needs for a clean task is loaded here, so each worker starts from it
instead of loading it again: the flow and the cleaners, Prefect's task engine, and the
Prefect collections (``prefect-dask`` brings Dask and ``distributed``, some 300 modules) that
Prefect otherwise loads in every worker on its first task. Then the heap is frozen
(:func:`gc.freeze`): the collector of each worker no longer walks those objects (measured
here, 5 to 8% of a clean task's CPU) and no longer writes to their pages, which stay shared
with the fork server instead of being copied into every worker.
"""

import gc

from flows.processes import die_with_parent

die_with_parent()  # the fork server goes when the flow's process goes

import prefect.engine  # noqa: E402
import prefect.task_engine  # noqa: E402, F401
from prefect.plugins import load_prefect_collections  # noqa: E402

import flows.ingest  # noqa: E402, F401

load_prefect_collections()
gc.freeze()
