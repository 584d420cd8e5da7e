"""Segments on disk stand in for articles held in memory: the same candidates, the same
links, the same cluster merges."""

from __future__ import annotations

import numpy as np
import pytest

from dedup.band_table import BandTable
from dedup.matching import ARTICLE_SPEC, PASSAGE_SPEC, ArticleIndex, PassageIndex
from dedup.segment import Segment
from dedup.signatures import Signature
from dedup.site_repetition import RepetitionRow, SiteRepetition, passage_hash, site_mask
from dedup.sorted_keys import SortedKeys

N = ARTICLE_SPEC.num_perm


def _sig(values: np.ndarray, size: int, spec=ARTICLE_SPEC) -> Signature:
    return Signature.from_values(spec, values, size)


def test_a_segment_finds_rows_by_band_key_and_root(tmp_path):
    rng = np.random.default_rng(3)
    values = rng.integers(0, 4, (900, 8), dtype=np.uint32)  # small range: crowded buckets
    spec = ARTICLE_SPEC.__class__(shingle_size=3, num_perm=8)
    keys = [f"стаття-{i}" if i % 4 else f"a{i}" for i in range(900)]
    roots = [keys[i - i % 5] for i in range(900)]
    groups = [None if i % 3 == 0 else f"site{i % 7}" for i in range(900)]
    sigs = [Signature(spec, values[i], 10 + i) for i in range(900)]
    sigs[11] = Signature(spec, values[11], 0)  # an empty text: stored, never a candidate
    rows = list(zip(keys, groups, roots, sigs, strict=True))
    segment = Segment.build(
        tmp_path / "s", spec, (4, 2), [rows[i : i + 250] for i in range(0, 900, 250)]
    )
    assert len(segment) == 900
    table = BandTable(4, 2)
    banded = np.array([i for i in range(900) if i != 11])
    table.add(banded, values[banded])
    queries = np.concatenate([values[:20], rng.integers(0, 5, (20, 8), dtype=np.uint32)])
    positions, found = segment.search(queries)
    for i, query in enumerate(queries):
        assert set(found[positions == i].tolist()) == table.query(query)
    assert segment.rows([keys[899], "missing", keys[0], keys[11]]).tolist() == [899, -1, 0, 11]
    assert segment.members([keys[5], "missing"]).tolist() == [5, 6, 7, 8, 9]
    read = segment.read(np.array([0, 1, 11, 899]))
    assert [(k, g, r, s.size) for k, g, r, s in read] == [
        (keys[i], groups[i], roots[i], sigs[i].size) for i in (0, 1, 11, 899)
    ]
    assert np.array_equal(read[3][3].hashvalues, values[899])


def test_a_segment_of_another_spec_is_refused(tmp_path):
    sig = _sig(np.arange(N, dtype=np.uint32), 5)
    Segment.build(tmp_path / "s", ARTICLE_SPEC, (42, 3), [[("a", None, "a", sig)]])
    with pytest.raises(ValueError, match="holds"):
        Segment(tmp_path / "s", PASSAGE_SPEC)


def _stream(seed: int, stories: int = 40) -> list[tuple[str, str | None, Signature]]:
    """Stories as the cluster-merge tests make them (an original O, its first two fifths H,
    a heavily edited copy E that do not match each other), exact copies, and unrelated
    articles, in a random landing order."""
    rng = np.random.default_rng(seed)
    items = []
    for s in range(stories):
        o = rng.integers(0, 2**32, N, dtype=np.uint32)
        h, e = rng.integers(0, 2**32, (2, N), dtype=np.uint32)
        h[:63] = o[:63]
        e[42:105] = o[42:105]
        site = f"site{s % 5}"
        items += [(f"{s}-O", site, _sig(o, 1000)), (f"{s}-H", site, _sig(h, 400)),
                  (f"{s}-E", None, _sig(e, 1000)), (f"{s}-C", site, _sig(o, 1000))]  # fmt: skip
        items.append((f"{s}-X", site, _sig(rng.integers(0, 2**32, N, dtype=np.uint32), 800)))
    order = rng.permutation(len(items))
    return [items[i] for i in order]


def _segment(path, index: ArticleIndex, keys: list[str]) -> Segment:
    """What the warehouse would write: the entries of ``keys`` as ``index`` holds them now."""
    entries = index._index.get_many(keys)
    rows = [(e.key, e.group, e.root, e.signature) for e in entries]
    return Segment.build(
        path, ARTICLE_SPEC, index.policy.bands, [rows[i : i + 37] for i in range(0, len(rows), 37)]
    )


@pytest.mark.parametrize("seed", range(3))
def test_linking_over_segments_gives_what_linking_in_memory_gives(tmp_path, seed):
    """Three runs: the first in memory, the second restored from a segment of the first,
    the third from that segment, a second one of the second run's articles and the
    second run's merges (as the warehouse gives them back); every link, merge, original and
    relation is the in-memory index's."""
    items = _stream(seed)
    batches = [items[i : i + 25] for i in range(0, len(items), 25)]
    thirds = [batches[:3], batches[3:6], batches[6:]]
    memory = ArticleIndex()
    run_links = []
    run_merges = []
    for run in thirds:
        links, merges = {}, []
        for batch in run:
            links.update(memory.link(batch))
            merges += [(m.root, m.into, sorted(m.articles)) for m in memory.take_merges()]
        run_links.append(links)
        run_merges.append(merges)
    assert any(run_merges), "the stream must make merges across runs for this test to check them"

    first = [key for batch in thirds[0] for key, _, _ in batch]
    second = [key for batch in thirds[1] for key, _, _ in batch]
    reference = ArticleIndex()
    for batch in thirds[0]:
        reference.link(batch)
    reference.take_merges()
    one = _segment(tmp_path / "one", reference, first)

    tiered = ArticleIndex(segments=[one])
    links, merges = {}, []
    for batch in thirds[1]:
        links.update(tiered.link(batch))
        merges += [(m.root, m.into, sorted(m.articles)) for m in tiered.take_merges()]
    assert (links, merges) == (run_links[1], run_merges[1])
    for batch in thirds[1]:
        reference.link(batch)
    reference.take_merges()

    # The third run: segment one (roots of its build), segment two, and the moves since.
    two = _segment(tmp_path / "two", reference, second)
    moves = [(root, into) for root, into, _ in run_merges[1]]
    restored = ArticleIndex(segments=[one, two], moves=moves)
    links, merges = {}, []
    for batch in thirds[2]:
        links.update(restored.link(batch))
        merges += [(m.root, m.into, sorted(m.articles)) for m in restored.take_merges()]
    assert (links, merges) == (run_links[2], run_merges[2])
    every = [key for key, _, _ in items]
    assert restored.known([*every, "never-landed"]) == [True] * len(every) + [False]
    assert [restored.original(k) for k in every] == [memory.original(k) for k in every]
    assert [restored.relation(k) for k in every] == [memory.relation(k) for k in every]


def test_passages_link_to_passages_stored_in_a_segment(tmp_path):
    rng = np.random.default_rng(5)
    values = rng.integers(0, 2**32, (3, PASSAGE_SPEC.num_perm), dtype=np.uint32)
    stored = [(f"a:{i}", "a", f"a:{i}", _sig(values[i], 40, PASSAGE_SPEC)) for i in range(3)]
    segment = Segment.build(tmp_path / "p", PASSAGE_SPEC, (16, 4), [stored])
    index = PassageIndex(segments=[segment])
    quoted = values[1].copy()
    quoted[:6] = 7  # a light edit: Jaccard about 0.9
    links, met = index.link_and_meet(
        [
            ("b:0", "b", _sig(quoted, 40, PASSAGE_SPEC)),
            ("a:2", "a", _sig(values[2], 40, PASSAGE_SPEC)),
        ]
    )
    assert links == {"b:0": "a:1"}  # a:2 is stored already: skipped
    assert met == {"b": {"a"}}


@pytest.mark.parametrize("on_disk", [1, 2])
def test_site_counts_read_from_disk_count_towards_chrome(tmp_path, on_disk):
    """A passage that articles of a site had, counted on disk, is chrome once the count
    with the new article reaches the bar; the newest file wins; memory comes first."""
    site, other = "news.example", "other.example"
    line, body = passage_hash("Sign up for the morning briefing"), passage_hash("A story.")
    older = SortedKeys.build(
        tmp_path / "old.npy",
        [(np.array([line ^ site_mask(site)], np.uint64), np.array([1], np.int32))],
    )
    newer = SortedKeys.build(
        tmp_path / "new.npy",
        [(np.array([line ^ site_mask(site), line ^ site_mask(other)], np.uint64),
          np.array([on_disk, 2], np.int32))],
    )  # fmt: skip
    counts = SiteRepetition(3, [], [newer, older])
    counts.observe([(site, "a3", [line, body]), (other, "b3", [body])])
    pages = [(site, [line, body]), (other, [line]), (None, [line])]
    assert counts.flag(pages) == [[on_disk == 2, False], [False], [False]]
    assert [(r.site, r.passage_hash, r.article_count) for r in counts.changes()] == sorted(
        [(site, line, on_disk + 1), (site, body, 1), (other, body, 1)]
    )
    remembered = SiteRepetition(3, [RepetitionRow(other, line, 5, "b1")], [newer])
    assert remembered.flag([(other, [line])]) == [[True]]
