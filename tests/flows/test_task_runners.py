"""The same inputs through the default thread runner, a process pool and a two-worker local
Dask cluster; how the process pool starts its workers."""

from __future__ import annotations

import gc
import sys
from pathlib import Path

import duckdb
import pytest
from prefect import flow, task

from flows.ingest import ingest
from flows.runners import StartMethodProcessPoolTaskRunner, start_method, task_runner
from flows.settings import Settings
from tests.helpers import hostile

ROOT = Path(__file__).resolve().parents[2]

SNAPSHOT = {
    "articles": "SELECT * EXCLUDE (run_id, ingested_at) FROM articles ORDER BY article_id",
    "passages": "SELECT * FROM passages ORDER BY passage_id",
    "removals": "SELECT * FROM removals ORDER BY article_id, position",
    "rejects": "SELECT source, reason FROM rejects ORDER BY ALL",
}


def _snapshot(db: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {name: con.execute(sql).fetchall() for name, sql in SNAPSHOT.items()}


@pytest.mark.usefixtures("prefect_server")
def test_process_pool_and_dask_cluster_land_the_same_rows_as_threads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRESSWASH_BATCH_SIZE", "2")  # several batches, so workers share them
    inputs = [str(ROOT / "seeds"), str(hostile.png_file(tmp_path))]
    dbs = {}
    for name in ("threads", "processes", "dask"):
        runner = task_runner(Settings(task_runner=name, workers=2))
        dbs[name] = tmp_path / f"{name}.duckdb"
        report = ingest.with_options(task_runner=runner)(inputs, str(dbs[name]))
        assert (report.landed, report.rejected) == (5, 1)
    threads = _snapshot(dbs["threads"])
    assert len(threads["articles"]) == 5
    assert _snapshot(dbs["processes"]) == threads
    assert _snapshot(dbs["dask"]) == threads


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        ("", "forkserver" if sys.platform == "linux" else "spawn"),
        ("spawn", "spawn"),
    ],
)
def test_process_pool_starts_workers_by_the_start_method_setting(
    setting: str, expected: str
) -> None:
    runner = task_runner(Settings(task_runner="processes", start_method=setting))
    assert isinstance(runner, StartMethodProcessPoolTaskRunner)
    with runner.duplicate() as started:  # Prefect runs each flow with a duplicate
        assert started._executor._mp_context.get_start_method() == expected


def test_an_unknown_start_method_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match=r"start_method must be one of .*not 'fork'"):
        start_method(Settings(start_method="fork"))


@task
def _frozen_objects() -> int:
    return gc.get_freeze_count()


@pytest.mark.skipif(sys.platform != "linux", reason="the fork server is the Linux default")
@pytest.mark.usefixtures("prefect_server")
def test_fork_server_workers_start_from_the_preloaded_frozen_heap() -> None:
    @flow(task_runner=task_runner(Settings(task_runner="processes", workers=1)))
    def probe() -> int:
        return _frozen_objects.submit().result()

    assert probe() > 0  # a worker forked from an unfrozen process has nothing frozen
