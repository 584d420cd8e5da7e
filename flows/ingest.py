"""The ingest flow: discover → read, decode and clean → dedup → land, one task run per batch.

Reading and cleaning of batches are submitted to the flow's task runner (threads by default,
a process pool or Dask for more cores, see ``flows.runners``), a bounded number at a time;
dedup and landing stay in the flow, one batch after the other: dedup holds the indexes, and
the warehouse has a single writer.

Runs with no Prefect server configured (Prefect then starts a temporary local one).
``python -m flows.ingest [PATH ...] [--db FILE]`` is the same as ``presswash run``.
"""

from __future__ import annotations

import datetime as dt
import gc
import sys
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from prefect import flow, runtime, task
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture
from prefect.utilities.annotations import quote

import warehouse
from flows import index_segments, interrupts, progress, run_report, runners, stages
from flows.caching import CACHE_DAYS, clean_batch_key
from flows.dedup_stage import Deduped, Deduplicator, redis_config, reject_row
from flows.resign import resign_stale
from flows.run_report import RunReport
from flows.settings import Settings, load_settings, settings_from
from sources.read import Discovery, FileRead, Item, discover, item_bytes, items, source_name

#: Input bytes (as stored: compressed for ``.gz``) per batch, besides the batch_size setting.
BATCH_BYTES = 8 * 1024 * 1024
#: In inbox mode, a file modified less than this many seconds ago is still being written:
#: it is left for a later run.
SETTLE_SECONDS = 5.0


@task(name="discover", cache_policy=NO_CACHE)
def discover_inputs(paths: list[str], writer: warehouse.Writer, inbox: bool) -> Discovery:
    found = discover(paths, empty_ok=inbox)
    if inbox:
        found.files = _new_inbox_files(found.files, writer, time.time() - SETTLE_SECONDS)
    return found


@task(
    name="clean",
    cache_key_fn=clean_batch_key,
    cache_expiration=dt.timedelta(days=CACHE_DAYS),
    persist_result=True,
    retries=2,
    retry_delay_seconds=1,
)
def clean(items: list[Item]) -> bytes:
    """Read, decode, clean and sign a batch of items (:func:`sources.read.items`) in one
    task run: files and JSONL lines are read and parsed here, so the documents never travel
    through the flow process before they are cleaned, and each task run costs Prefect a
    tenth of a second or so of its own. Returns the batch packed (:func:`stages.pack`)."""
    return stages.pack(stages.clean_items(items))


@task(name="dedup", cache_policy=NO_CACHE)
def dedup(deduplicator: Deduplicator, cleaned: stages.Cleaned, run_id: str) -> Deduped:
    """Called, never submitted: it runs in the flow process, which holds the indexes."""
    return deduplicator.process(cleaned, run_id)


@task(name="land", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=2)
def land(writer: warehouse.Writer, batch: warehouse.Batch) -> warehouse.LandResult:
    with writer.session() as con:
        return warehouse.land(con, batch)


@flow(name="presswash-ingest")
def ingest(
    paths: list[str] | None = None,
    db: str | None = None,
    inbox: bool = False,
    settings: dict[str, Any] | None = None,
) -> RunReport:
    """Ingest files and directories into the warehouse at ``db``; return the run's report.

    With ``inbox``, files already taken by an earlier run (same path, size and mtime) are
    skipped, and each file taken is recorded in the same transaction as its articles.
    ``settings`` come from the edge that starts the run (the CLI, ``serve``), as a plain
    mapping (:func:`flows.settings.as_parameter`: Prefect stores and shows parameters as
    JSON); a deployment run without them loads them once here, in the working directory its
    pull step set.
    """
    settings = settings_from(settings) if settings is not None else load_settings()
    db = db or settings.db
    paths = list(paths or settings.inputs)
    run_id = str(runtime.flow_run.id or uuid.uuid4())
    run = RunReport(run_id=run_id, db=db)
    writer = warehouse.Writer(
        db, wait_seconds=settings.lock_wait, memory_limit=settings.writer_memory
    )
    _record_start(writer, run_id)
    display = progress.current()
    status = "failed"
    deduplicator: Deduplicator | None = None
    try:
        discovery = discover_inputs(paths, quote(writer), inbox)
        if discovery.rejects:
            rows = [reject_row(r) for r in discovery.rejects]
            land(quote(writer), warehouse.Batch(run_id=run_id, rejects=rows))
            run.add_rejects(discovery.rejects)
        deduplicator = _deduplicator(writer, settings)
        # What exists now (Prefect's and our modules, the indexes restored from earlier
        # runs) lives for the whole run: keep it out of the collector's full passes. Batches
        # are not frozen: they come back from the workers tangled in cycles with Prefect's
        # futures, and frozen they would stay alive until the run ends.
        gc.freeze()
        display.start(len(discovery.files), rejected=len(discovery.rejects))
        for cleaned in _cleaned_batches(discovery.files, settings, writer.release):
            interrupts.check()
            repeats = stages.drop_repeats(cleaned)
            # quote(): Prefect would otherwise walk every row of a batch (and the indexes)
            # looking for futures, which costs more than the dedup itself.
            deduped = dedup(quote(deduplicator), quote(cleaned), run_id)
            if inbox:
                deduped.batch.inbox_files = _inbox_rows(cleaned.files)
            before = (run.landed, run.duplicates, run.rejected)
            run.add_batch(deduped, land(quote(writer), quote(deduped.batch)), repeats)
            if 0 < settings.index_memory_articles < deduplicator.articles.held:
                deduplicator.close()  # what it holds has landed: write it to disk
                deduplicator = None
                deduplicator = _deduplicator(writer, settings)
            display.batch(
                files=len(cleaned.files),
                landed=run.landed - before[0],
                duplicates=run.duplicates - before[1],
                rejected=run.rejected - before[2],
            )
        run.check_balance()
        status = "ok"
    finally:
        gc.unfreeze()
        if deduplicator is not None:
            deduplicator.close()
        _record_finish(writer, run, status)
        writer.release()
    run_report.publish(run)
    display.finish(run)
    return run


def _cleaned_batches(
    files: Sequence[Path], settings: Settings, idle: Callable[[], None]
) -> Iterator[stages.Cleaned]:
    """Cleaned batches in input order, with a bounded number of batches in flight.

    Keeps ``settings.in_flight()`` batches submitted so every worker stays busy while the
    flow lands, without holding the whole input in memory: the items of the files are read
    only as batches are submitted, so a container of any size costs a window of batches.
    Calls ``idle`` before waiting for a batch that is not ready yet. A run the task runner
    is not worth starting for (:func:`runners.submits`) cleans each batch in the flow
    process instead.
    """
    documents = runners.estimated_documents(files)
    chunks = _chunks(items(list(files)), runners.batch_size(settings, documents))
    if not runners.submits(settings, documents):
        for chunk in chunks:
            yield stages.unpack(clean(chunk))
        return
    window: deque[PrefectFuture[bytes]] = deque()
    depth = settings.in_flight()
    for chunk in chunks:
        window.append(clean.submit(chunk))
        if len(window) >= depth:
            yield _next_cleaned(window, idle)
    while window:
        yield _next_cleaned(window, idle)


def _next_cleaned(window: deque[PrefectFuture[bytes]], idle: Callable[[], None]) -> stages.Cleaned:
    future = window.popleft()
    if not _ready(future):
        idle()
    return stages.unpack(future.result())


def _ready(future: PrefectFuture[bytes]) -> bool:
    """Whether the batch is done, asked of the task runner's own future (``future.state``
    would be a call to the Prefect API)."""
    wrapped = getattr(future, "wrapped_future", None)
    return wrapped is not None and wrapped.done()


def _chunks(stream: Iterator[Item], size: int) -> Iterator[list[Item]]:
    """Batches of at most ``size`` documents and, past the first one, about
    :data:`BATCH_BYTES` of input, whether the documents are files or the records of one
    container: a batch of HTML pages weighs a hundred times a batch of text dumps, and with
    the process runner each batch is held several times over (in the worker, in transit, in
    the flow) while it is in flight. A file's :class:`~sources.read.FileRead` closes the
    batch its last record is in."""
    chunk: list[Item] = []
    documents = weight = 0
    for item in stream:
        bytes_in = item_bytes(item)
        is_document = not isinstance(item, FileRead)
        if documents and is_document and (documents >= size or weight + bytes_in > BATCH_BYTES):
            yield chunk
            chunk, documents, weight = [], 0, 0
        chunk.append(item)
        documents += is_document
        weight += bytes_in
    if chunk:
        yield chunk


def _inbox_rows(files: list[FileRead]) -> list[dict[str, object]]:
    """Inbox rows of the files a batch read to their end, as they were read; a file that
    changed while it was read is left out, for a later run to take whole."""
    return [
        {"path": f.source, "size": f.size, "mtime_ns": f.mtime_ns} for f in files if not f.changed
    ]


def _new_inbox_files(files: list[Path], writer: warehouse.Writer, settled: float) -> list[Path]:
    """The files no earlier run took, and that nobody modified after ``settled`` (a Unix
    time): a file still being written is left for a later run."""
    keys: dict[Path, tuple[str, int, int] | None] = {}
    for path in files:
        try:
            info = path.stat()
        except OSError:
            keys[path] = None  # let the read step reject it with the OS's reason
            continue
        if info.st_mtime_ns > settled * 1e9:
            continue
        keys[path] = (source_name(path), info.st_size, info.st_mtime_ns)
    with writer.session() as con:
        done = warehouse.processed_files(con, [k for k in keys.values() if k])
    return [path for path, key in keys.items() if key not in done]


def _deduplicator(writer: warehouse.Writer, settings: Settings) -> Deduplicator:
    """The dedup state of the warehouse: its segments on disk (written first where too many
    articles would be held in memory) and what landed after them."""
    redis = redis_config(settings.redis_url) if settings.redis_url else None
    with writer.session() as con:
        resign_stale(con)
        stored = None
        if redis is None:
            stored = index_segments.open_index(con, writer.path, settings.index_memory_articles)
        return Deduplicator.from_warehouse(
            con, min_site_articles=settings.min_site_articles, redis=redis, stored=stored
        )


def _record_start(writer: warehouse.Writer, run_id: str) -> None:
    with writer.session() as con:
        warehouse.start_run(con, run_id, started_at=_now(), inputs=0)


def _record_finish(writer: warehouse.Writer, run: RunReport, status: str) -> None:
    with writer.session() as con:
        warehouse.finish_run(
            con,
            run.run_id,
            finished_at=_now(),
            inputs=run.inputs,
            landed=run.landed,
            duplicates=run.duplicates,
            rejected=run.rejected,
            near_duplicates=run.near_duplicates,
            removals_by_kind=dict(run.removals_by_kind),
            status=status,
        )


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


if __name__ == "__main__":
    from flows.cli import main

    sys.exit(main(["run", *sys.argv[1:]]))
