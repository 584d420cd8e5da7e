"""The on-disk band store against the in-memory band table it stands in for."""

from __future__ import annotations

import numpy as np
import pytest

from dedup.band_store import FENCE, BandStore, NpyFile
from dedup.band_table import BandTable


@pytest.mark.parametrize(
    ("count", "cap"), [(50, 1000), (3000, 4), (3000, 3000 * 4 // FENCE), (3000, FENCE + 44)]
)
def test_store_finds_what_the_band_table_finds(tmp_path, count, cap):
    """Small value ranges make buckets of every size, across fence blocks; the store gives
    each query the same ids as a table holding the same items, earliest first up to cap."""
    rng = np.random.default_rng(count)
    stored = rng.integers(0, 5, (count, 8), dtype=np.uint32)
    ids = np.arange(count) * 7 + 3
    chunks = [(ids[i : i + 700], stored[i : i + 700]) for i in range(0, count, 700)]
    store = BandStore.build(tmp_path / "bands", bands=4, rows=2, chunks=chunks, cap=cap)
    assert len(store) == count * 4
    table = BandTable(4, 2, cap=cap)
    table.add(ids, stored)
    queries = np.concatenate([stored[:30], rng.integers(0, 6, (30, 8), dtype=np.uint32)])
    positions, found = store.search(queries)
    for i, query in enumerate(queries):
        assert set(found[positions == i].tolist()) == table.query(query)
    assert list(zip(positions, found, strict=True)) == sorted(zip(positions, found, strict=True))


def test_unrelated_query_finds_nothing(tmp_path):
    rng = np.random.default_rng(1)
    stored = rng.integers(0, 2**32, (500, 8), dtype=np.uint32)
    store = BandStore.build(tmp_path / "b", 4, 2, [(np.arange(500), stored)])
    positions, found = store.search(rng.integers(0, 2**32, (10, 8), dtype=np.uint32))
    assert len(positions) == len(found) == 0
    positions, found = store.search(stored[[7, 9]])
    assert (positions.tolist(), found.tolist()) == ([0, 1], [7, 9])


def test_npy_file_reads_rows_and_ranges_as_numpy_does(tmp_path):
    rows = np.arange(5000 * 3, dtype=np.uint32).reshape(5000, 3)
    np.save(tmp_path / "rows.npy", rows)
    column = np.arange(700, dtype=np.int64) * 3
    np.save(tmp_path / "column.npy", column)
    file, one = NpyFile(tmp_path / "rows.npy"), NpyFile(tmp_path / "column.npy")
    assert file.size == 5000 and one.size == 700
    picked = np.array([4999, 0, 17, 17])
    assert np.array_equal(file.rows(picked), rows[picked])
    assert np.array_equal(one.read([(0, 3), (690, 700)]), np.r_[column[:3], column[690:]])
    assert one.read([]).shape == (0,)


def test_npy_file_cut_short_is_an_error_naming_it(tmp_path):
    np.save(tmp_path / "c.npy", np.arange(100, dtype=np.uint64))
    file = NpyFile(tmp_path / "c.npy")
    with open(tmp_path / "c.npy", "r+b") as handle:
        handle.truncate(handle.seek(0, 2) - 8)
    with pytest.raises(OSError, match=r"c\.npy ended early"):
        file.read([(90, 100)])


def test_closing_an_npy_file_twice_leaves_other_files_open(tmp_path):
    np.save(tmp_path / "a.npy", np.arange(10, dtype=np.int64))
    np.save(tmp_path / "b.npy", np.arange(20, dtype=np.int64))
    first = NpyFile(tmp_path / "a.npy")
    first.close()
    second = NpyFile(tmp_path / "b.npy")  # likely given the number the first one had
    first.close()
    assert second.read([(18, 20)]).tolist() == [18, 19]
