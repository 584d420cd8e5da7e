"""The dedup index on disk beside the warehouse gives the links the in-memory index gives.

Stories made of the seeds' paragraphs land over several runs as copies on other sites,
first halves, edited copies and unrelated articles quoting two of their paragraphs, in an
order where copies often land before their original (so clusters merge); each site ends its
articles with the same line (site chrome once three of them have it). Each corpus lands
twice: with the whole index in memory, and with segments written whenever more than a
handful of articles would be held in memory. Every article's original and relation, every
passage's link and every site chrome removal must be the same.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import duckdb
import pytest

import warehouse
from flows import index_segments
from flows.dedup_stage import Deduplicator
from flows.ingest import ingest
from flows.stages import clean_items
from sources.read import items

ROOT = Path(__file__).resolve().parents[2]


def _paragraphs() -> list[str]:
    lines = []
    for seed in sorted((ROOT / "seeds").glob("*.txt")):
        lines += [line.strip() for line in seed.read_text("utf-8").splitlines()]
    return [line for line in lines if len(line.split()) >= 25]


def _corpus(seed: int, stories: int = 6) -> list[list[tuple[str, str]]]:
    """Runs of ``(name, text)`` files."""
    rng = random.Random(seed)
    pool = _paragraphs()
    files: list[tuple[str, str]] = []
    for s in range(stories):
        body = rng.sample(pool, 8)
        words = " ".join(body).split()
        edited = [w if i % 9 else "changed" for i, w in enumerate(words)]
        variants = {
            "original": body,
            "copy": body,
            "half": body[:4],
            "edited": [" ".join(edited[i : i + 60]) for i in range(0, len(edited), 60)],
            "quote": rng.sample([p for p in pool if p not in body], 5) + body[2:4],
        }
        for v, paragraphs in variants.items():
            n = rng.randrange(4)
            head = f"---\ntitle: Story {s} {v}\nurl: https://site{n}.example/{s}-{v}\n---"
            desk = f"Reporting for the site {n} desk was done by our regional team of writers."
            text = "\n\n".join([head, *paragraphs, desk]) + "\n"
            files.append((f"s{s}-{v}.txt", text))
    rng.shuffle(files)
    return [files[i : i + 8] for i in range(0, len(files), 8)]


def _land(tmp_path: Path, db: Path, runs, threshold: int, first: int = 0) -> None:
    """Land each run's files (written once under ``tmp_path``: the same sources, so the
    same article ids, whichever warehouse they land in)."""
    for number, run in enumerate(runs, start=first):
        folder = tmp_path / f"run{number}"
        folder.mkdir(exist_ok=True)
        for name, text in run:
            (folder / name).write_text(text, "utf-8")
        cleaned = clean_items(items(sorted(folder.iterdir())))
        with warehouse.open_warehouse(db) as con:
            stored = index_segments.open_index(con, db, threshold)
            dedup = Deduplicator.from_warehouse(con, stored=stored)
            deduped = dedup.process(cleaned, f"run{number}")
            warehouse.land(con, deduped.batch)
            dedup.close()


def _links(db: Path) -> tuple[dict, dict]:
    with duckdb.connect(str(db), read_only=True) as con:
        articles = con.execute(
            "SELECT a.source, o.source, a.duplicate_relation FROM articles a"
            " LEFT JOIN articles o ON o.article_id = a.duplicate_of"
        ).fetchall()
        passages = con.execute(
            "SELECT a.source, p.position, o.source"
            " FROM passages p JOIN articles a USING (article_id)"
            " LEFT JOIN passages q ON q.passage_id = p.duplicate_of"
            " LEFT JOIN articles o ON o.article_id = q.article_id"
        ).fetchall()
        chrome = con.execute(
            "SELECT a.source, r.text FROM removals r JOIN articles a USING (article_id)"
            " WHERE r.rule = 'repeated_on_site'"
        ).fetchall()
    name = lambda source: Path(source).name if source else None  # noqa: E731
    return (
        {name(a): (name(o), r) for a, o, r in articles},
        {(name(a), p): name(o) for a, p, o in passages},
        sorted((name(a), text) for a, text in chrome),
    )


@pytest.mark.parametrize("seed", range(3))
def test_segments_on_disk_link_as_the_index_in_memory(tmp_path: Path, seed: int) -> None:
    runs = _corpus(seed)
    _land(tmp_path, tmp_path / "memory.duckdb", runs, threshold=0)
    _land(tmp_path, tmp_path / "disk.duckdb", runs, threshold=4)
    memory, disk = _links(tmp_path / "memory.duckdb"), _links(tmp_path / "disk.duckdb")
    for what, on_disk, in_memory in zip(
        ("articles", "passages", "chrome"), disk, memory, strict=True
    ):
        assert on_disk == in_memory, what
    articles, passages, chrome = memory
    assert sum(o is not None for o, _ in articles.values()) >= 10  # copies were found
    assert any(o is not None for o in passages.values())
    assert len(chrome) >= 5
    assert not (tmp_path / "memory.duckdb.index").exists()
    manifest = json.loads((tmp_path / "disk.duckdb.index" / "manifest.json").read_text())
    assert sum(g["articles"] for g in manifest["generations"]) >= 20
    assert 1 <= len(manifest["generations"]) <= 3  # rebuilt into fewer as they grow


def test_a_manifest_that_does_not_match_the_warehouse_is_rebuilt(tmp_path: Path) -> None:
    runs = _corpus(7)
    db = tmp_path / "w.duckdb"
    _land(tmp_path, db, runs[:2], threshold=4)
    manifest = db.with_name("w.duckdb.index") / "manifest.json"
    meta = json.loads(manifest.read_text())
    meta["generations"][0]["articles"] += 1  # as if an article were missing from its segment
    manifest.write_text(json.dumps(meta))
    with warehouse.open_warehouse(db) as con:
        stored = index_segments.open_index(con, db, threshold=4)
        rebuilt = json.loads(manifest.read_text())["generations"]
        assert len(rebuilt) == 1 and rebuilt[0]["after"] is None
        (landed,) = con.execute("SELECT count(*) FROM articles").fetchone()
        assert rebuilt[0]["articles"] == landed
        stored.close()
    _land(tmp_path, db, runs[2:], threshold=4, first=2)
    _land(tmp_path, tmp_path / "memory.duckdb", runs, threshold=0)
    assert _links(db) == _links(tmp_path / "memory.duckdb")


@pytest.mark.usefixtures("prefect_server")
def test_a_run_writes_segments_between_batches_and_links_as_in_memory(tmp_path: Path) -> None:
    """A real run of batches of two files with room for three articles in memory: it writes
    segments between batches, and its links are those of a run holding everything."""
    files = [f for run in _corpus(11, stories=3) for f in run]
    inputs = tmp_path / "in"
    inputs.mkdir()
    for name, text in files:
        (inputs / name).write_text(text, "utf-8")
    results = {}
    for threshold in (0, 3):
        db = tmp_path / f"t{threshold}.duckdb"
        settings = {"index_memory_articles": threshold, "batch_size": 2, "task_runner": "threads"}
        report = ingest([str(inputs)], str(db), settings=settings)
        assert report.landed + report.duplicates == len(files)
        results[threshold] = _links(db)
    assert results[3] == results[0]
    manifest = json.loads((tmp_path / "t3.duckdb.index" / "manifest.json").read_text())
    assert sum(g["articles"] for g in manifest["generations"]) > 3


def test_a_segment_file_gone_missing_is_rebuilt(tmp_path: Path) -> None:
    runs = _corpus(8)
    db = tmp_path / "w.duckdb"
    _land(tmp_path, db, runs[:2], threshold=4)
    index = index_segments.directory_of(db)
    (generation,) = [p for p in index.iterdir() if p.is_dir()]
    (generation / "articles" / "signatures.npy").unlink()
    _land(tmp_path, db, runs[2:], threshold=4, first=2)
    _land(tmp_path, tmp_path / "memory.duckdb", runs, threshold=0)
    assert _links(db) == _links(tmp_path / "memory.duckdb")
    assert not generation.exists()
