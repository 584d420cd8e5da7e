"""Dedup through the real flow: copies across runs, shared passages, site chrome by repetition."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from flows.ingest import ingest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.usefixtures("prefect_server")


def _body(name: str) -> list[str]:
    """Body paragraphs of a seed (lines of 20+ words), as material for synthetic pages."""
    text = (ROOT / "seeds" / name).read_text("utf-8")
    return [line.strip() for line in text.splitlines() if len(line.split()) >= 20]


TALIBAN = _body("000_449e434309c5e533.txt")
EXAMINER = _body("001_fa8557c005fb274b.txt")
DRONE = _body("002_7999bad3e4a4883b.txt")
ENEMY = _body("004_2f6d8688ad184860.txt")


def page(masthead: str, title: str, paragraphs: list[str], footer: str = "") -> str:
    return "\n\n".join([masthead, title, *paragraphs, footer]).strip() + "\n"


def days(tmp_path: Path) -> tuple[Path, Path]:
    """Two inbox directories, one per day's run."""
    day1, day2 = tmp_path / "day1", tmp_path / "day2"
    day1.mkdir()
    day2.mkdir()
    return day1, day2


def query(db: Path, sql: str, *params: object) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def test_copies_link_to_originals_across_runs(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    day1, day2 = days(tmp_path)
    (day1 / "wire.txt").write_text(page("Capital Post", "Taliban kill ISIS leader", TALIBAN))
    (day1 / "other.txt").write_text(page("Capital Post", "Drone strike in Nangarhar", DRONE))
    first = ingest([str(day1)], str(db))
    assert (first.landed, first.near_duplicates) == (2, 0)

    # Day 2: the wire story re-published with other chrome and a new headline, and trimmed
    # by a fifth; plus an unrelated story.
    trimmed = TALIBAN[: int(len(TALIBAN) * 0.8)]
    (day2 / "reprint.txt").write_text(
        page("The Northern Herald", "Taliban said to have killed ISIS planner", trimmed,
             "© 2024 The Northern Herald. All rights reserved.")
    )  # fmt: skip
    (day2 / "unrelated.txt").write_text(page("The Northern Herald", "Enemy of my enemy", ENEMY))
    second = ingest([str(day2)], str(db))
    assert (second.inputs, second.landed, second.near_duplicates) == (2, 1, 1)

    rows = {
        s: (d, r)
        for s, d, r in query(db, "SELECT source, duplicate_of, duplicate_relation FROM articles")
    }
    originals = dict(query(db, "SELECT source, article_id FROM articles"))
    assert rows[str(day2 / "reprint.txt")] == (originals[str(day1 / "wire.txt")], "copy")
    assert rows[str(day2 / "unrelated.txt")] == (None, None)
    # Signatures were stored once per article, with the spec that made them.
    specs = query(db, "SELECT spec, count(*) FROM article_signatures GROUP BY spec")
    assert specs == [("w3-p128-wxxh32-affine32", 4)]


def test_top_of_a_stored_story_lands_as_contained_in_it(tmp_path: Path) -> None:
    """An outlet runs the first half of yesterday's wire story; a third site runs it whole
    under its own chrome, and a fourth runs it followed by its own analysis."""
    db = tmp_path / "w.duckdb"
    day1, day2 = days(tmp_path)
    (day1 / "wire.txt").write_text(page("Capital Post", "Drone strike in Nangarhar", DRONE))
    ingest([str(day1)], str(db))
    (day2 / "top.txt").write_text(
        page("Valley Times", "Strike reported", DRONE[: len(DRONE) // 2], "Read more")
    )
    (day2 / "more.txt").write_text(page("Evening Ledger", "Strike and after", DRONE + ENEMY))
    ingest([str(day2)], str(db))
    rows = {
        Path(source).name: (duplicate_of is not None, relation)
        for source, duplicate_of, relation in query(
            db, "SELECT source, duplicate_of, duplicate_relation FROM articles"
        )
    }
    assert rows == {
        "wire.txt": (False, None),
        "top.txt": (True, "contained_in"),
        "more.txt": (True, "contains"),
    }


def test_signatures_of_an_earlier_spec_are_recomputed_before_matching(tmp_path: Path) -> None:
    """A warehouse signed under an older spec: the next run re-signs it from the stored
    passages (same values a fresh run stores) and still links a copy to its original."""
    db = tmp_path / "w.duckdb"
    day1, day2 = days(tmp_path)
    (day1 / "wire.txt").write_text(page("Capital Post", "Taliban kill ISIS leader", TALIBAN))
    (day1 / "other.txt").write_text(page("Capital Post", "Examiner story", EXAMINER))
    ingest([str(day1)], str(db))
    # Day 1's signatures: the reprint of day 2 is a duplicate, so it is left out later.
    signed = (
        "SELECT s.* FROM {} AS s JOIN articles USING (article_id)"
        " WHERE duplicate_of IS NULL ORDER BY ALL"
    )
    fresh = [query(db, signed.format(t)) for t in ("article_signatures", "passage_signatures")]
    with duckdb.connect(str(db)) as con:  # as an older release would have left them
        for table in ("article_signatures", "passage_signatures"):
            con.execute(f"UPDATE {table} SET spec = 'w3-p128-xxh32-affine32', hashvalues = 'x'")

    (day2 / "reprint.txt").write_text(page("Daily Courier", "ISIS leader killed", TALIBAN))
    second = ingest([str(day2)], str(db))

    assert (second.landed, second.near_duplicates) == (0, 1)
    resigned = [query(db, signed.format(t)) for t in ("article_signatures", "passage_signatures")]
    assert resigned == fresh and len(fresh[1]) > 0


def test_a_passage_quoted_from_another_article_is_linked(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    inbox = tmp_path / "in"
    inbox.mkdir()
    (inbox / "a.txt").write_text(page("Capital Post", "Examiner story", EXAMINER))
    quoted = EXAMINER[3]
    (inbox / "b.txt").write_text(page("Daily Courier", "Enemy story", [*ENEMY[:4], quoted]))
    ingest([str(inbox)], str(db))
    linked = query(
        db,
        "SELECT p.text, o.text FROM passages p JOIN passages o ON p.duplicate_of = o.passage_id",
    )
    assert linked == [(quoted, quoted)]
    assert query(db, "SELECT count(duplicate_of) FROM articles") == [(0,)]


def test_chrome_repeated_on_one_site_is_removed_and_remembered(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    pitch = (
        "Our reporting is free to read because readers like you pay for it: become a member "
        "today from 5 dollars a month and keep independent local journalism going."
    )
    stories = [TALIBAN, DRONE, ENEMY, EXAMINER]
    run1 = tmp_path / "run1"
    run1.mkdir()
    for i, body in enumerate(stories[:3]):
        story = page("Harbour Times", f"Story {i} of the day", [*body, pitch])
        (run1 / f"{i}.txt").write_text(story)
    # The same paragraph on three other sites, once each, is wire copy, not chrome.
    for i, site in enumerate(["Daily Courier", "Capital Post", "Northern Herald"]):
        (run1 / f"wire{i}.txt").write_text(
            page(site, f"Wire story {i}", [*stories[i][:2], EXAMINER[5], *stories[i][2:4]])
        )
    ingest([str(run1)], str(db))
    removed = query(
        db, "SELECT count(*) FROM removals WHERE rule = 'repeated_on_site' AND kind = 'widget'"
    )
    assert removed == [(3,)]
    passages_with = "SELECT count(*) FROM passages WHERE text = ?"
    assert query(db, passages_with, pitch) == [(0,)]
    assert query(db, passages_with, EXAMINER[5]) == [(3,)]

    run2 = tmp_path / "run2"
    run2.mkdir()
    (run2 / "later.txt").write_text(page("Harbour Times", "A later story", [*EXAMINER, pitch]))
    ingest([str(run2)], str(db))
    assert query(db, "SELECT count(*) FROM removals WHERE rule = 'repeated_on_site'") == [(4,)]
