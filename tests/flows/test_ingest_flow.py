"""The real ingest flow (Prefect + DuckDB) on the seeds and on bad inputs."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from flows.cli import main
from flows.ingest import ingest
from tests.helpers import hostile

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"

pytestmark = pytest.mark.usefixtures("prefect_server")


def query(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_seeds_twice_leave_exactly_five_articles(db: Path) -> None:
    first = ingest([str(SEEDS)], str(db))
    second = ingest([str(SEEDS)], str(db))
    assert (first.inputs, first.landed, first.duplicates, first.rejected) == (5, 5, 0, 0)
    assert (second.inputs, second.landed, second.duplicates, second.rejected) == (5, 0, 5, 0)
    assert query(db, "SELECT count(*) FROM articles") == [(5,)]
    runs = query(
        db, "SELECT inputs, landed, duplicates, rejected, status FROM runs ORDER BY started_at"
    )
    assert runs == [(5, 5, 0, 0, "ok"), (5, 0, 5, 0, "ok")]
    # Every article has its passages, and its removals are all explained.
    orphans = query(
        db,
        "SELECT count(*) FROM articles a WHERE NOT EXISTS "
        "(SELECT 1 FROM passages p WHERE p.article_id = a.article_id)",
    )
    assert orphans == [(0,)]
    assert query(db, "SELECT count(*) FROM removals WHERE rule = '' OR kind = ''") == [(0,)]
    titles = {t for (t,) in query(db, "SELECT title FROM articles WHERE title IS NOT NULL")}
    assert "Enemy of my enemy: ISIS hit shows where U.S., Taliban interests align" in titles


def test_changed_source_lands_a_new_version_and_keeps_the_old(tmp_path: Path, db: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    page = inbox / "story.txt"
    shutil.copy(SEEDS / "000_449e434309c5e533.txt", page)
    ingest([str(inbox)], str(db))
    page.write_text(page.read_text("utf-8") + "\n\nA late paragraph was added to the story.\n")
    report = ingest([str(inbox)], str(db))
    # The new version lands as a new article, linked as a near-duplicate of the old one.
    assert (report.inputs, report.landed, report.near_duplicates) == (1, 0, 1)
    versions = query(
        db, "SELECT article_id, duplicate_of FROM articles ORDER BY ingested_at, article_id"
    )
    assert len(versions) == 2
    assert versions[0][1] is None and versions[1][1] == versions[0][0]
    latest = query(db, "SELECT body FROM articles_latest WHERE source LIKE '%story.txt'")
    assert len(latest) == 1 and latest[0][0].endswith("A late paragraph was added to the story.")


def test_bad_inputs_are_rejected_with_reasons_and_the_rest_lands(
    tmp_path: Path, db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(SEEDS / "003_4d1b6555c6d018b8.txt", inbox / "good.txt")
    hostile.empty_file(inbox)
    hostile.blank_file(inbox)
    hostile.png_file(inbox)
    hostile.nul_padded(inbox)
    hostile.encoded_file(inbox, "cp1252.txt", hostile.CP1252_TEXT * 3, "cp1252")
    hostile.encoded_file(inbox, "utf16.txt", hostile.CP1252_TEXT * 3, "utf-16")
    hostile.fifo(inbox)
    nothing = tmp_path / "nothing-here"
    nothing.mkdir()

    code = main(["run", str(inbox), str(nothing), "--db", str(db)])
    assert code == 0
    err = capsys.readouterr().err
    landed = {Path(s).name: enc for s, enc in query(db, "SELECT source, encoding FROM articles")}
    rejected = {Path(s).name: r for s, r in query(db, "SELECT source, reason FROM rejects")}
    assert landed == {"good.txt": "utf-8", "cp1252.txt": "cp1252", "utf16.txt": "utf-16"}
    assert set(rejected) == {
        "empty.txt",
        "blank.txt",
        "photo.txt",
        "padded.txt",
        "pipe.txt",
        "nothing-here",
    }
    assert "empty" in rejected["empty.txt"] and "PNG" in rejected["photo.txt"]
    for name in rejected:
        assert name in err  # one line per reject on stderr, naming the input
    (inputs, landed_n, dups, rejected_n) = query(
        db, "SELECT inputs, landed, duplicates, rejected FROM runs"
    )[0]
    assert inputs == landed_n + dups + rejected_n == 9


def test_rerun_of_unchanged_batches_reuses_the_cleaned_result(tmp_path: Path) -> None:
    from uuid import UUID

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    def clean_states(run_id: str) -> list[str]:
        with get_client(sync_client=True) as client:
            runs = client.read_task_runs(
                flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[UUID(run_id)]))
            )
        return [r.state_name for r in runs if r.name.startswith("clean")]

    inputs = tmp_path / "seeds"  # sources no other test has cleaned
    shutil.copytree(SEEDS, inputs)
    first = ingest([str(inputs)], str(tmp_path / "a.duckdb"))
    second = ingest([str(inputs)], str(tmp_path / "b.duckdb"))
    assert clean_states(first.run_id) == ["Completed"]
    assert clean_states(second.run_id) == ["Cached"]
    assert second.landed == first.landed == 5  # a cached batch still lands in a new warehouse
