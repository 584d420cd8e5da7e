"""The same inputs through the default thread runner and a two-worker local Dask cluster."""

from __future__ import annotations

from pathlib import Path

import duckdb
import hostile
import pytest

from flows.ingest import ingest
from flows.runners import task_runner
from flows.settings import Settings

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.usefixtures("prefect_server")

SNAPSHOT = {
    "articles": "SELECT * EXCLUDE (run_id, ingested_at) FROM articles ORDER BY article_id",
    "passages": "SELECT * FROM passages ORDER BY passage_id",
    "removals": "SELECT * FROM removals ORDER BY article_id, position",
    "rejects": "SELECT source, reason FROM rejects ORDER BY ALL",
}


def _snapshot(db: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {name: con.execute(sql).fetchall() for name, sql in SNAPSHOT.items()}


def test_dask_cluster_lands_the_same_rows_as_threads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRESSWASH_BATCH_SIZE", "2")  # several batches, so workers share them
    inputs = [str(ROOT / "seeds"), str(hostile.png_file(tmp_path))]
    dbs = {}
    for name in ("threads", "dask"):
        runner = task_runner(Settings(task_runner=name, dask_workers=2))
        dbs[name] = tmp_path / f"{name}.duckdb"
        report = ingest.with_options(task_runner=runner)(inputs, str(dbs[name]))
        assert (report.landed, report.rejected) == (5, 1)
    threads, dask = _snapshot(dbs["threads"]), _snapshot(dbs["dask"])
    assert len(threads["articles"]) == 5
    assert dask == threads
