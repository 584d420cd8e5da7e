"""The near-duplicate index of a warehouse on disk: segments beside the DuckDB file.

A run that restored the signatures of every stored article and passage into memory held
about 4 kB per article: a warehouse of 10 million articles could not be deduplicated
against on one machine. Instead, the articles and passages landed up to some moment are
written into *generations* of :class:`~dedup.segment.Segment` files in the directory
``DB.index`` beside the warehouse ``DB``, and a run restores into memory only what landed
after the newest generation (:func:`open_index`); the segments are read on demand.

A new generation is written when more than ``threshold`` articles would be held in memory:
at the start of a run (a warehouse that grew, or one from before segments), and during a
run, between two batches, when the run itself has landed that many. Generations of similar
size are rebuilt as one (each twice the size of the next, as a binary counter), so there are
``O(log n)`` of them and each article is rewritten ``O(log n)`` times.

The manifest (``manifest.json``) lists the generations, each covering the articles landed
after its predecessor's ``through`` and by its own, and is replaced atomically after a new
generation is complete, so a crash leaves either the old or the new set. It is checked
against the warehouse at every open (the counts of signatures it covers, their specs); a
manifest that does not match (a re-sign, a restored backup, a deleted index) is set aside
and the segments rebuilt. Everything is written while the run holds the warehouse's write
lock, so two runs never write it at once.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from itertools import islice
from pathlib import Path

import duckdb
import numpy as np

from dedup.matching import ARTICLE_POLICY, PASSAGE_POLICY
from dedup.segment import Segment
from dedup.signatures import Signature, SignatureSpec
from dedup.site_repetition import site_mask
from dedup.sorted_keys import SortedKeys
from warehouse import dedup_state
from warehouse.clock import utc_naive

#: Rows written to a segment at once.
_CHUNK = 50_000
#: The layout of the files; a directory of another layout is rebuilt.
FORMAT = 2


@dataclass(frozen=True, slots=True)
class Generation:
    """Segments of the articles (and their passages) landed after ``after`` and by
    ``through``; ``built`` is when they were written (cluster merges made after it are
    applied on top of the roots they hold)."""

    name: str
    after: str | None
    through: str
    built: str
    articles: int
    passages: int
    site_passages: int

    @property
    def after_time(self) -> dt.datetime | None:
        return dt.datetime.fromisoformat(self.after) if self.after else None

    @property
    def through_time(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.through)


@dataclass(slots=True)
class OpenIndex:
    """The segments a run searches, and what it must restore into memory beside them."""

    articles: list[Segment]
    passages: list[Segment]
    #: The site chrome counts (slot -> article count), newest first.
    sites: list[SortedKeys]
    #: Restore the articles landed after this (None: every article), and the site chrome
    #: counts counted after it.
    after: dt.datetime | None
    #: ``(root, into)`` cluster merges made since the oldest generation was written.
    moves: list[tuple[str, str]]

    def close(self) -> None:
        for part in [*self.articles, *self.passages, *self.sites]:
            part.close()


def directory_of(db: str | os.PathLike[str]) -> Path:
    """Where the segments of the warehouse ``db`` live."""
    return Path(f"{os.fspath(db)}.index")


def open_index(
    con: duckdb.DuckDBPyConnection, db: str | os.PathLike[str], threshold: int
) -> OpenIndex:
    """The warehouse's segments, written first where more than ``threshold`` articles
    landed after the newest generation (``threshold`` 0: no segments, all in memory). A
    directory that cannot be read (a file missing or cut short) is rebuilt."""
    root = directory_of(db)
    try:
        return _open(con, root, threshold)
    except (OSError, ValueError):
        shutil.rmtree(root, ignore_errors=True)
        return _open(con, root, threshold)


def _open(con: duckdb.DuckDBPyConnection, root: Path, threshold: int) -> OpenIndex:
    generations = _checked(con, root)
    if threshold > 0:
        after = generations[-1].through_time if generations else None
        waiting = dedup_state.article_count(con, ARTICLE_POLICY.spec.id, after, None)
        if waiting > threshold:
            generations = _write_generation(con, root, generations, waiting)
    elif generations:
        generations = []  # segments switched off: everything is restored into memory
    opened = OpenIndex([], [], [], generations[-1].through_time if generations else None, [])
    try:
        for g in generations:
            opened.articles.append(Segment(root / g.name / "articles", ARTICLE_POLICY.spec))
            opened.passages.append(Segment(root / g.name / "passages", PASSAGE_POLICY.spec))
            opened.sites.insert(0, SortedKeys(root / g.name / "site_passages.npy"))
    except BaseException:
        opened.close()
        raise
    if generations:
        built = min(dt.datetime.fromisoformat(g.built) for g in generations)
        opened.moves = dedup_state.cluster_moves(con, built)
    return opened


def _checked(con: duckdb.DuckDBPyConnection, root: Path) -> list[Generation]:
    """The generations of the manifest, if it still matches the warehouse; else none (and
    the directory emptied)."""
    manifest = root / "manifest.json"
    try:
        meta = json.loads(manifest.read_text())
        generations = [Generation(**g) for g in meta["generations"]]
        specs = (meta["article_spec"], meta["passage_spec"])
        if meta["format"] != FORMAT:
            generations = []
    except FileNotFoundError:
        return []
    except (ValueError, KeyError, TypeError):
        generations, specs = [], ("", "")
    if generations and specs == (ARTICLE_POLICY.spec.id, PASSAGE_POLICY.spec.id):
        covered = (sum(g.articles for g in generations), sum(g.passages for g in generations))
        through = generations[-1].through_time
        stored = (
            dedup_state.article_count(con, specs[0], None, through),
            dedup_state.passage_count(con, specs[1], None, through),
        )
        if stored == covered:  # files missing or cut short fail to open: see open_index
            return generations
    shutil.rmtree(root, ignore_errors=True)
    return []


def _write_generation(
    con: duckdb.DuckDBPyConnection, root: Path, generations: list[Generation], waiting: int
) -> list[Generation]:
    """Write the articles landed since the newest generation, with the generations before
    it that are no larger than everything rebuilt so far, as one new generation; replace
    the manifest and remove what it no longer names."""
    keep, total = len(generations), waiting
    while keep and generations[keep - 1].articles <= total:
        keep -= 1
        total += generations[keep].articles
    after = generations[keep].after_time if keep < len(generations) else (
        generations[-1].through_time if generations else None
    )  # fmt: skip
    through = dedup_state.last_landed(con)
    built = utc_naive()
    name = f"g{built:%Y%m%dT%H%M%S%f}"
    root.mkdir(parents=True, exist_ok=True)
    staging = root / f"{name}.tmp"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    articles = Segment.build(
        staging / "articles", ARTICLE_POLICY.spec, ARTICLE_POLICY.bands,
        _chunks(dedup_state.article_signatures(con, ARTICLE_POLICY.spec.id, after, through),
                ARTICLE_POLICY.spec),
    )  # fmt: skip
    passages = Segment.build(
        staging / "passages", PASSAGE_POLICY.spec, PASSAGE_POLICY.bands,
        _chunks(dedup_state.passage_signatures(con, PASSAGE_POLICY.spec.id, after, through),
                PASSAGE_POLICY.spec),
    )  # fmt: skip
    sites = SortedKeys.build(
        staging / "site_passages.npy", _site_chunks(dedup_state.site_counts(con, after, through))
    )
    new = Generation(name, after.isoformat() if after else None, through.isoformat(),
                     built.isoformat(), len(articles), len(passages), len(sites))  # fmt: skip
    for part in (articles, passages, sites):
        part.close()
    staging.rename(root / name)
    generations = [*generations[:keep], new]
    meta = {
        "format": FORMAT,
        "article_spec": ARTICLE_POLICY.spec.id,
        "passage_spec": PASSAGE_POLICY.spec.id,
        "generations": [asdict(g) for g in generations],
    }
    temporary = root / "manifest.json.tmp"
    temporary.write_text(json.dumps(meta, indent=1))
    os.replace(temporary, root / "manifest.json")
    named = {g.name for g in generations} | {"manifest.json"}
    for path in root.iterdir():
        if path.name not in named:
            shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink()
    return generations


def _site_chunks(rows: Iterator[tuple[str, int, int]]) -> Iterable[tuple[np.ndarray, np.ndarray]]:
    """Site chrome counts as ``(slot, article count)`` entries, :data:`_CHUNK` at a time."""
    while chunk := list(islice(rows, _CHUNK)):
        slots = [digest ^ site_mask(site) for site, digest, _ in chunk]
        yield np.array(slots, np.uint64), np.array([count for *_, count in chunk], np.int32)


def _chunks(
    rows: Iterator[tuple[str, str | None, int, bytes, str | None]], spec: SignatureSpec
) -> Iterable[list[tuple[str, str | None, str, Signature]]]:
    """Stored signature rows as segment entries, :data:`_CHUNK` at a time."""
    while chunk := list(islice(rows, _CHUNK)):
        yield [
            (key, group, original or key, Signature.from_bytes(spec, blob, size))
            for key, group, size, blob, original in chunk
        ]
