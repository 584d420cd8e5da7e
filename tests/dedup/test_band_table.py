"""The compact LSH buckets against their definition: ids sharing at least one whole band."""

from __future__ import annotations

import numpy as np
import pytest

from dedup import band_table
from dedup.band_table import BandTable


def _brute_force(signatures: list[np.ndarray], query: np.ndarray, bands: int, rows: int):
    shape = (bands, rows)
    q = query[: bands * rows].reshape(shape)
    return {
        i
        for i, sig in enumerate(signatures)
        if (sig[: bands * rows].reshape(shape) == q).all(axis=1).any()
    }


def _corpus(seed: int) -> list[np.ndarray]:
    """Small value ranges so that bands collide often, plus planted copies with a few changes
    and exact repeats (a bucket holding several ids of one batch)."""
    rng = np.random.default_rng(seed)
    signatures = [rng.integers(0, 6, 16, dtype=np.uint32) for _ in range(120)]
    for i in range(0, 120, 10):
        copy = signatures[i].copy()
        copy[rng.integers(0, 16, 3)] += 100
        signatures += [copy, signatures[i].copy()]
    order = rng.permutation(len(signatures))
    return [signatures[i] for i in order]


@pytest.mark.parametrize("batch", [1, 7, 64, 1000])
def test_link_finds_what_one_item_at_a_time_would_across_batches_and_merges(batch):
    """Each item's candidates are the earlier items sharing a band, whether they came in an
    earlier batch (and run, merged or not) or earlier in the same batch."""
    bands, rows = 8, 2
    signatures = _corpus(batch)
    table = BandTable(bands, rows, cap=len(signatures))
    for first in range(0, len(signatures), batch):
        chunk = signatures[first : first + batch]
        ids = np.arange(first, first + len(chunk)) * 3 + 5  # ids need not be positions
        positions, found = table.link(ids, np.stack(chunk))
        pairs = set(zip(positions.tolist(), found.tolist(), strict=True))
        expected = {
            (i, j * 3 + 5)
            for i, sig in enumerate(chunk)
            for j in _brute_force(signatures[: first + i], sig, bands, rows)
        }
        assert pairs == expected
        assert list(zip(positions, found, strict=True)) == sorted(pairs)
    for sig in signatures[:20]:
        assert table.query(sig) == {j * 3 + 5 for j in _brute_force(signatures, sig, bands, rows)}


def test_add_makes_items_found_by_query_and_link():
    signatures = _corpus(1)
    table = BandTable(bands=8, rows=2, cap=len(signatures))
    table.add(np.arange(100), np.stack(signatures[:100]))
    for sig in signatures[100:110]:
        assert table.query(sig) == _brute_force(signatures[:100], sig, 8, 2)
    positions, found = table.link(np.array([100]), signatures[100][np.newaxis])
    assert set(found.tolist()) == _brute_force(signatures[:100], signatures[100], 8, 2)
    assert set(positions.tolist()) <= {0}


def test_equal_rows_in_different_bands_are_not_candidates():
    table = BandTable(bands=2, rows=2)
    table.add(np.array([0]), np.array([[1, 2, 3, 4]], dtype=np.uint32))
    assert table.query(np.array([3, 4, 9, 9], dtype=np.uint32)) == set()
    assert table.query(np.array([9, 9, 3, 4], dtype=np.uint32)) == {0}


def test_runs_stay_few_and_hold_every_entry():
    table = BandTable(bands=4, rows=1)
    for item in range(1000):
        table.add(np.array([item]), np.array([[item, item + 1, item + 2, item + 3]], np.uint32))
    assert table.runs <= 12  # size-tiered: O(log n) runs
    assert table.nbytes == 1000 * 4 * (4 + 4)  # a 32-bit key and a 32-bit id per entry


def test_runs_past_the_merge_bound_stay_apart_and_find_what_a_merged_table_finds(monkeypatch):
    """A bound on run size changes how entries are stored, not what a query or a link sees:
    the earliest ``cap`` members of each bucket, whichever runs hold them."""
    signatures = _corpus(7)
    batches = [np.arange(start, min(start + 9, len(signatures))) for start in range(0, 140, 9)]

    def filled() -> BandTable:
        table = BandTable(bands=8, rows=2, cap=3)
        for ids in batches:
            table.link(ids, np.stack([signatures[i] for i in ids]))
        return table

    merged = filled()
    monkeypatch.setattr(band_table, "MAX_RUN", 40)
    bounded = filled()
    assert bounded.runs > merged.runs
    assert bounded.nbytes == merged.nbytes
    for query in signatures[140:]:
        assert bounded.query(query) == merged.query(query)
    rest = np.arange(140, len(signatures))
    new = np.stack([signatures[i] for i in rest])
    for found, expected in zip(bounded.link(rest, new), merged.link(rest, new), strict=True):
        assert found.tolist() == expected.tolist()


def _first_members(signatures: list[np.ndarray], query: np.ndarray, rows: int, cap: int):
    """Per band of ``query``, the first ``cap`` earlier signatures holding the same band."""
    bands = len(query) // rows
    found = set()
    for band in range(bands):
        part = slice(band * rows, (band + 1) * rows)
        members = [i for i, sig in enumerate(signatures) if (sig[part] == query[part]).all()]
        found.update(members[:cap])
    return found


@pytest.mark.parametrize("batch", [1, 9, 1000])
def test_a_bucket_gives_a_query_its_earliest_members_up_to_the_cap(batch):
    """Stored runs and the batch itself each give at most ``cap`` ids per bucket, the
    earliest ones, so a crowded bucket costs a query ``cap`` pairs, not its size."""
    cap, rows = 3, 2
    signatures = _corpus(batch)
    table = BandTable(8, rows, cap=cap)
    for first in range(0, len(signatures), batch):
        chunk = signatures[first : first + batch]
        positions, found = table.link(np.arange(first, first + len(chunk)), np.stack(chunk))
        for i, sig in enumerate(chunk):
            got = set(found[positions == i].tolist())
            earlier = first + i
            stored = _first_members(signatures[:first], sig, rows, cap)
            in_batch = {first + j for j in _first_members(chunk[:i], sig, rows, cap)}
            assert stored | in_batch == got, earlier


def test_thousands_of_copies_of_one_story_cost_linear_pairs():
    """A wire story on 4,000 pages: every copy is paired with the first copies only, and the
    first one is among them, in one batch and against stored runs alike."""
    rng = np.random.default_rng(7)
    story = rng.integers(0, 2**32, 16, dtype=np.uint32)
    copies = np.tile(story, (4000, 1))
    table = BandTable(bands=8, rows=2, cap=4)
    for first in (0, 2000):
        positions, found = table.link(np.arange(first, first + 2000), copies[first : first + 2000])
        assert len(found) <= 2000 * 2 * 4
        starts = np.searchsorted(positions, np.arange(1 if first == 0 else 0, 2000))
        assert (found[starts] == 0).all()  # pairs are sorted: the first id comes first
    assert table.query(story) == {0, 1, 2, 3}
