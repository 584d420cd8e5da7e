"""The real ingest flow loses nothing: poison names and strings are one reject each and a
watched inbox moves past them, records of a container are each counted (repeats as
duplicates, each reject its own row), a container streams through bounded batches, and an
inbox file still being written is left for a later run."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import duckdb
import pytest

from flows.ingest import BATCH_BYTES, _chunks, ingest
from sources.read import FileRead, items, source_name
from tests.helpers import hostile

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seeds" / "000_449e434309c5e533.txt"
PAGES = [
    (f"https://example.org/story-{n}", hostile.html_page(f"Story {n} of the harbour. " * 30))
    for n in range(3)
]

pytestmark = pytest.mark.usefixtures("prefect_server")


def query(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def _age(directory: Path, seconds: float = 3600) -> None:
    """Make every file of ``directory`` look finished ``seconds`` ago."""
    past = time.time() - seconds
    for path in directory.iterdir():
        os.utime(path, (past, past))


def test_poison_names_and_strings_are_rejected_and_the_inbox_moves_on(
    tmp_path: Path, db: Path
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(SEED, inbox / "good.txt")
    poison = hostile.poison_name(inbox)
    records = hostile.surrogate_records(inbox)
    _age(inbox)
    runs = [ingest([str(inbox)], str(db), inbox=True) for _ in range(3)]
    first = runs[0]
    assert (first.inputs, first.landed, first.rejected) == (1 + 1 + 5, 3, 4)
    rejected = dict(query(db, "SELECT source, reason FROM rejects"))
    assert rejected[source_name(poison)] == "file name is not valid UTF-8: rename the file"
    assert "lone surrogate" in rejected[f"{records}#https://example.org/s"]
    assert query(db, "SELECT count(*) FROM inbox_files") == [(3,)]
    # Later runs are not stuck on them: nothing left to take.
    assert [(r.inputs, r.landed) for r in runs[1:]] == [(0, 0), (0, 0)]
    assert query(db, "SELECT status FROM runs") == [("ok",)] * 3


def test_every_record_is_an_input_and_every_reject_a_row(tmp_path: Path, db: Path) -> None:
    repeats = hostile.identical_records(tmp_path, copies=3)
    gone = PAGES[1][0]
    warc, _ = hostile.warc_file(
        tmp_path, "w.warc.gz", [*PAGES, (gone, PAGES[1][1])], statuses={gone: "404 Not Found"}
    )
    report = ingest([str(repeats), str(warc)], str(db))
    # 4 JSONL records (one written three times) and 4 WARC responses (two 404s of one URL).
    assert (report.inputs, report.landed, report.duplicates, report.rejected) == (8, 4, 2, 2)
    assert query(db, "SELECT inputs, landed + duplicates + rejected FROM runs") == [(8, 8)]
    rows = query(db, "SELECT source, position FROM rejects ORDER BY position")
    assert [source for source, _ in rows] == [f"{warc}#{gone}"] * 2
    assert rows[0][1] != rows[1][1]


def test_a_container_streams_through_bounded_batches(
    tmp_path: Path, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = tmp_path / "many.jsonl"
    stories = hostile.distinct_stories(25)
    lines = [
        json.dumps({"url": f"https://example.org/{n}", "text": t}) for n, t in enumerate(stories)
    ]
    records.write_text("\n".join(lines) + "\n")
    batches = list(_chunks(items([records]), 4))
    assert [sum(not isinstance(i, FileRead) for i in b) for b in batches] == [4] * 6 + [1]
    assert isinstance(batches[-1][-1], FileRead)  # the file is recorded with its last record
    # Cut by bytes too: records of 3/8 of the byte bound go two to a batch.
    heavy = tmp_path / "heavy" / "heavy.jsonl"
    heavy.parent.mkdir()
    body = "word " * (BATCH_BYTES * 3 // 8 // 5)
    heavy.write_text("".join(f'{{"text": "{n} {body}"}}\n' for n in range(5)))
    sizes = [sum(not isinstance(i, FileRead) for i in b) for b in _chunks(items([heavy]), 500)]
    assert sizes == [2, 2, 1]
    shutil.rmtree(heavy.parent)

    monkeypatch.setenv("PRESSWASH_BATCH_SIZE", "4")
    _age(tmp_path)
    report = ingest([str(tmp_path)], str(db), inbox=True)
    assert (report.inputs, report.landed) == (25, 25)
    assert query(db, "SELECT path, size FROM inbox_files") == [
        (str(records), records.stat().st_size)
    ]


def test_an_inbox_file_still_being_written_is_left_for_a_later_run(
    tmp_path: Path, db: Path
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    empty = ingest([str(inbox)], str(db), inbox=True)
    assert (empty.inputs, empty.rejected) == (0, 0)  # nothing delivered yet: not a reject
    shutil.copy(SEED, inbox / "fresh.txt")  # just written: modified now
    first = ingest([str(inbox)], str(db), inbox=True)
    assert (first.inputs, first.landed) == (0, 0)
    assert query(db, "SELECT count(*) FROM inbox_files") == [(0,)]
    _age(inbox, 60)  # the scraper is done with it
    second = ingest([str(inbox)], str(db), inbox=True)
    assert (second.inputs, second.landed) == (1, 1)
    size = (inbox / "fresh.txt").stat().st_size
    assert query(db, "SELECT size FROM inbox_files") == [(size,)]
