"""The ingest flow: discover → read/decode → clean → land, one task run per batch of documents.

Runs with no Prefect server configured (Prefect then starts a temporary local one).
``python -m flows.ingest [PATH ...] [--db FILE]`` is the same as ``presswash run``.
"""

from __future__ import annotations

import datetime as dt
import sys
import uuid
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from prefect import flow, runtime, task
from prefect.cache_policies import NO_CACHE

import warehouse
from flows import settings, steps
from flows.sources import Discovery, Reject, discover, read


@dataclass(slots=True)
class RunReport:
    """What one run did. ``inputs == landed + duplicates + rejected`` always holds."""

    run_id: str
    db: str
    inputs: int = 0
    landed: int = 0
    duplicates: int = 0
    near_duplicates: int = 0
    rejected: int = 0
    removals_by_kind: Counter[str] = field(default_factory=Counter)
    rejects: list[Reject] = field(default_factory=list)

    def check_balance(self) -> None:
        """Fail loudly if some input is not accounted for."""
        accounted = self.landed + self.duplicates + self.rejected
        if accounted != self.inputs:
            raise RuntimeError(
                f"run {self.run_id}: {self.inputs} inputs but {accounted} accounted for "
                f"(landed {self.landed}, duplicates {self.duplicates}, rejected {self.rejected})"
            )


@task(name="discover", cache_policy=NO_CACHE)
def discover_inputs(paths: list[str]) -> Discovery:
    return discover(paths)


@task(name="read-decode", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=1)
def read_decode(files: list[Path]) -> steps.Decoded:
    return steps.decode_batch(read(files))


@task(name="clean", cache_policy=NO_CACHE)
def clean(decoded: steps.Decoded) -> steps.Cleaned:
    cleaned = steps.clean_batch(decoded.documents)
    cleaned.rejects[:0] = decoded.rejects
    return cleaned


@task(name="land", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=2)
def land(db: str, run_id: str, cleaned: steps.Cleaned) -> warehouse.LandResult:
    batch = warehouse.Batch(
        run_id=run_id,
        articles=cleaned.articles,
        passages=cleaned.passages,
        removals=cleaned.removals,
        rejects=[{"source": r.source, "reason": r.reason} for r in cleaned.rejects],
    )
    con = warehouse.open_warehouse(db, wait_seconds=settings.LOCK_WAIT_SECONDS)
    try:
        return warehouse.land(con, batch)
    finally:
        con.close()


@flow(name="presswash-ingest")
def ingest(paths: list[str] | None = None, db: str = str(settings.DEFAULT_DB)) -> RunReport:
    """Ingest files and directories into the warehouse at ``db``; return the run's report."""
    paths = list(paths or settings.DEFAULT_INPUTS)
    run_id = str(runtime.flow_run.id or uuid.uuid4())
    report = RunReport(run_id=run_id, db=db)
    _record_start(db, run_id)
    status = "failed"
    try:
        discovery = discover_inputs(paths)
        _count_rejects(report, discovery.rejects)
        if discovery.rejects:
            land(db, run_id, steps.Cleaned(rejects=list(discovery.rejects)))
        for files in _chunks(discovery.files, settings.BATCH_SIZE):
            cleaned = clean(read_decode(files))
            result = land(db, run_id, cleaned)
            report.inputs += len(cleaned.articles)
            report.landed += len(result.landed)
            report.duplicates += len(result.existing)
            landed = set(result.landed)
            report.removals_by_kind.update(
                r["kind"] for r in cleaned.removals if r["article_id"] in landed
            )
            _count_rejects(report, cleaned.rejects)
        report.check_balance()
        status = "ok"
    finally:
        _record_finish(report, status)
    return report


def _count_rejects(report: RunReport, rejects: Sequence[Reject]) -> None:
    report.inputs += len(rejects)
    report.rejected += len(rejects)
    report.rejects.extend(rejects)


def _chunks(items: Sequence[Path], size: int) -> Iterator[list[Path]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def _record_start(db: str, run_id: str) -> None:
    con = warehouse.open_warehouse(db, wait_seconds=settings.LOCK_WAIT_SECONDS)
    try:
        warehouse.start_run(con, run_id, started_at=_now(), inputs=0)
    finally:
        con.close()


def _record_finish(report: RunReport, status: str) -> None:
    con = warehouse.open_warehouse(report.db, wait_seconds=settings.LOCK_WAIT_SECONDS)
    try:
        warehouse.finish_run(
            con,
            report.run_id,
            finished_at=_now(),
            inputs=report.inputs,
            landed=report.landed,
            duplicates=report.duplicates,
            rejected=report.rejected,
            near_duplicates=report.near_duplicates,
            removals_by_kind=dict(report.removals_by_kind),
            status=status,
        )
    finally:
        con.close()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


if __name__ == "__main__":
    from flows.cli import main

    sys.exit(main(["run", *sys.argv[1:]]))
