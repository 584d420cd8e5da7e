"""The compact LSH buckets against their definition: ids sharing at least one whole band."""

from __future__ import annotations

import numpy as np
import pytest

from cleaners.band_table import BandTable


def _brute_force(signatures: list[np.ndarray], query: np.ndarray, bands: int, rows: int):
    shape = (bands, rows)
    q = query[: bands * rows].reshape(shape)
    return {
        i
        for i, sig in enumerate(signatures)
        if (sig[: bands * rows].reshape(shape) == q).all(axis=1).any()
    }


@pytest.mark.parametrize("flush_keys", [1, 7, 64, 1 << 16])
def test_candidates_are_the_ids_sharing_a_band_across_flushes_and_merges(flush_keys):
    rng = np.random.default_rng(3)
    bands, rows = 8, 2
    # Small value ranges so that bands collide often, plus planted copies with a few changes.
    signatures = [rng.integers(0, 6, 16, dtype=np.uint32) for _ in range(120)]
    for i in range(0, 120, 10):
        copy = signatures[i].copy()
        copy[rng.integers(0, 16, 3)] += 100
        signatures.append(copy)
    table = BandTable(bands, rows, flush_keys=flush_keys)
    for item, sig in enumerate(signatures):
        expected = _brute_force(signatures[:item], sig, bands, rows)
        assert table.query(sig) == expected
        table.add(item, sig)
    table.flush()
    for sig in signatures[:20]:
        assert table.query(sig) == _brute_force(signatures, sig, bands, rows)


def test_equal_rows_in_different_bands_are_not_candidates():
    table = BandTable(bands=2, rows=2)
    table.add(0, np.array([1, 2, 3, 4], dtype=np.uint32))
    assert table.query(np.array([3, 4, 9, 9], dtype=np.uint32)) == set()
    assert table.query(np.array([9, 9, 3, 4], dtype=np.uint32)) == {0}


def test_runs_stay_few_and_hold_every_entry():
    table = BandTable(bands=4, rows=1, flush_keys=4)
    for item in range(1000):
        table.add(item, np.array([item, item + 1, item + 2, item + 3], dtype=np.uint32))
    table.flush()
    assert table.runs <= 12  # size-tiered: O(log n) runs
    assert table.nbytes == 1000 * 4 * (8 + 4)
