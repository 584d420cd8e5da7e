"""The same inputs through the thread runner, a process pool and a two-worker local Dask
cluster; how the process pool starts its workers; what the ``auto`` default chooses."""

from __future__ import annotations

import gc
import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from prefect import flow, task

from flows.ingest import ingest
from flows.runners import (
    BATCH_RANGE,
    POOL_MIN_INPUTS,
    StartMethodProcessPoolTaskRunner,
    batch_size,
    estimated_documents,
    start_method,
    submits,
    task_runner,
)
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


def test_auto_is_the_default_and_a_process_pool() -> None:
    assert Settings().task_runner == "auto"
    assert isinstance(task_runner(Settings()), StartMethodProcessPoolTaskRunner)


@pytest.mark.parametrize("runner", ["threads", "processes", "dask"])
def test_auto_cleans_a_few_files_in_the_flow_and_a_named_runner_always_submits(
    runner: str,
) -> None:
    auto = Settings(task_runner="auto")
    assert not submits(auto, 20)
    assert not submits(auto, POOL_MIN_INPUTS - 1)
    assert submits(auto, POOL_MIN_INPUTS)
    assert submits(Settings(task_runner=runner), 1)


def test_a_run_is_sized_by_its_files_and_by_their_bytes(tmp_path: Path) -> None:
    auto = Settings(task_runner="auto")
    dumps = [tmp_path / f"{n}.txt" for n in range(20)]
    for path in dumps:
        path.write_text("A short dump of a story. " * 100)  # 2.5 kB, under one document
    assert estimated_documents(dumps) == 20
    assert not submits(auto, estimated_documents(dumps))
    # One container of many records is many documents: the pool, and batches of its size.
    container = tmp_path / "records.jsonl"
    container.write_text('{"text": "A paragraph of a story, told at length."}\n' * 50_000)
    many = estimated_documents([container])
    assert submits(auto, many) and batch_size(auto, many) > BATCH_RANGE[0]
    # A gzipped container counts more than its compressed size; a vanished file as one.
    packed = tmp_path / "records.jsonl.gz"
    packed.write_bytes(container.read_bytes()[: container.stat().st_size // 4])
    assert estimated_documents([packed]) == many
    assert estimated_documents([tmp_path / "gone.txt"]) == 1


def test_batch_size_grows_with_the_input_within_its_range_unless_set() -> None:
    low, high = BATCH_RANGE
    two = Settings(workers=2)
    sizes = [batch_size(two, n) for n in (1, 100, 2_000, 5_000, 20_000, 1_000_000)]
    assert sizes == sorted(sizes)
    assert sizes[0] == low and sizes[-1] == high
    assert low < batch_size(two, 5_000) < high
    # more workers, smaller batches: each worker still gets several
    assert batch_size(Settings(workers=4), 5_000) < batch_size(two, 5_000)
    assert batch_size(Settings(batch_size=7), 1_000_000) == 7


@pytest.mark.slow
def test_a_captured_command_line_run_with_the_process_pool_returns(tmp_path: Path) -> None:
    """No Prefect server configured: the flow starts a temporary one, and its workers must
    use it; a worker that started its own would leave it running after the run, holding
    the captured output open, and the command would never return."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PREFECT_API")}
    env |= {
        "PREFECT_HOME": str(tmp_path / "prefect"),
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "300",
        "PRESSWASH_TASK_RUNNER": "processes",
        "PRESSWASH_BATCH_SIZE": "2",
        # The temporary server the docstring means (a reusable one would outlive the test;
        # that nothing outlives the run is test_cli_server's check).
        "PRESSWASH_REUSE_SERVER": "false",
    }
    cmd = [sys.executable, "-m", "flows.cli", "run", str(ROOT / "seeds")]
    cmd += ["--db", str(tmp_path / "w.duckdb")]
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert re.search(r"^\s*landed\s+5$", done.stdout, re.M), done.stdout
