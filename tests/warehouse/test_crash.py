"""SIGKILL in the middle of an ingest: the warehouse stays whole and a rerun completes it.

Each run is a real ``presswash run`` in a subprocess (against the session's Prefect server).
The test wraps one stage of that process so that, at its third batch, it writes a marker and
stalls; the test then kills the process with SIGKILL at exactly that point:

* ``clean``: while a batch is being cleaned (earlier batches already landed);
* ``dedup``: while a batch is being linked, before it is landed;
* ``land``: inside the landing transaction, after every row of the batch was inserted and
  before the commit.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.usefixtures("prefect_server")

#: Runs in the subprocess: wrap the chosen stage, then run the CLI.
STALL = """
import sys, time
from pathlib import Path
stage, marker = sys.argv[1], Path(sys.argv[2])
calls = 0

def stall():
    global calls
    calls += 1
    if calls == 3:
        marker.write_text(stage)
        time.sleep(600)

import flows.stages, flows.dedup_stage, warehouse.load
if stage == "clean":
    real_clean = flows.stages.clean_batch
    def clean_batch(docs):
        docs = list(docs)
        out = real_clean(docs[: len(docs) // 2])
        stall()
        return out
    flows.stages.clean_batch = clean_batch
elif stage == "dedup":
    real_process = flows.dedup_stage.Deduplicator.process
    def process(self, cleaned, run_id):
        out = real_process(self, cleaned, run_id)
        stall()
        return out
    flows.dedup_stage.Deduplicator.process = process
elif stage == "land":
    from contextlib import contextmanager
    real_transaction = warehouse.load.transaction
    @contextmanager
    def transaction(con):
        with real_transaction(con):
            yield con
            stall()  # every insert done, commit not yet
    warehouse.load.transaction = transaction
from flows.cli import main
sys.exit(main(sys.argv[3:]))
"""

SNAPSHOT = {
    "articles": "SELECT * EXCLUDE (run_id, ingested_at) FROM articles ORDER BY article_id",
    "passages": "SELECT * FROM passages ORDER BY passage_id",
    "removals": "SELECT * FROM removals ORDER BY article_id, position",
    "signatures": "SELECT * FROM article_signatures ORDER BY article_id",
}


def _inputs(directory: Path) -> Path:
    """Twelve distinct articles (the seeds, each in variants), in batches of two."""
    directory.mkdir()
    for i in range(12):
        seed = sorted((ROOT / "seeds").glob("*.txt"))[i % 5]
        text = seed.read_text("utf-8") + f"\n\nThis is edition {i} of the story.\n"
        (directory / f"{i:02d}.txt").write_text(text, "utf-8")
    return directory


def _env(api_url: str) -> dict[str, str]:
    return os.environ | {
        "PREFECT_API_URL": api_url,
        "PRESSWASH_BATCH_SIZE": "2",
        "PREFECT_TASKS_REFRESH_CACHE": "true",  # really clean: no batch from the cache
    }


def _snapshot(db: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {name: con.execute(sql).fetchall() for name, sql in SNAPSHOT.items()}


def _assert_whole(db: Path) -> None:
    """No partial article: every article's body is exactly its passages, nothing orphaned."""
    with duckdb.connect(str(db), read_only=True) as con:
        broken = con.execute(
            """
            SELECT a.article_id FROM articles a LEFT JOIN (
                SELECT article_id, string_agg(text, chr(10) || chr(10) ORDER BY position) AS body
                FROM passages GROUP BY article_id) p USING (article_id)
            WHERE p.body IS DISTINCT FROM a.body
            """
        ).fetchall()
        orphans = con.execute(
            """
            SELECT (SELECT count(*) FROM passages ANTI JOIN articles USING (article_id))
                 + (SELECT count(*) FROM removals ANTI JOIN articles USING (article_id))
                 + (SELECT count(*) FROM article_signatures ANTI JOIN articles USING (article_id))
            """
        ).fetchone()
    assert broken == [] and orphans == (0,)


@pytest.mark.parametrize("stage", ["clean", "dedup", "land"])
def test_sigkill_leaves_the_warehouse_whole_and_a_rerun_completes_it(
    stage: str, tmp_path: Path, prefect_server: str
) -> None:
    inputs = _inputs(tmp_path / "in")
    reference = tmp_path / "reference.duckdb"
    run = [sys.executable, "-m", "flows.cli", "run", str(inputs)]
    env = _env(prefect_server)
    subprocess.run([*run, "--db", str(reference)], env=env, cwd=ROOT, check=True,
                   capture_output=True)  # fmt: skip

    db, marker = tmp_path / "killed.duckdb", tmp_path / "marker"
    victim = subprocess.Popen(
        [sys.executable, "-c", STALL, stage, str(marker), "run", str(inputs), "--db", str(db)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while not marker.exists():
        assert victim.poll() is None, f"the run ended before reaching {stage}"
        assert time.monotonic() < deadline, f"never reached {stage}"
        time.sleep(0.1)
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait()

    _assert_whole(db)
    assert len(_snapshot(db)["articles"]) < 12  # killed before the end

    rerun = subprocess.run([*run, "--db", str(db)], env=env, cwd=ROOT, capture_output=True)
    assert rerun.returncode == 0, rerun.stderr.decode()
    _assert_whole(db)
    assert _snapshot(db) == _snapshot(reference)
