"""A map of unsigned 64-bit integers to unsigned 64-bit integers, 16 bytes an entry.

A ``dict[int, int]`` of such values takes about 110 bytes an entry (two int objects and a
slot); the site-repetition counts hold one entry per paragraph ever landed, so at 100,000
articles that alone was 0.2 GB. Here settled entries are two sorted numpy arrays, looked up
with ``searchsorted`` a batch of keys at a time, and new keys wait in a small dict until it
is merged into the arrays (by insertion, no sort of the whole).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np


class U64Map:
    """``uint64 -> uint64``, read and written a batch of keys at a time; an absent key reads
    as 0."""

    #: The dict of new keys is merged into the arrays once it holds this many keys, or a
    #: sixteenth of the arrays if that is more (so merges cost O(n log n) in all).
    MERGE_AT = 1 << 15

    def __init__(self, items: Iterable[tuple[int, int]] = ()) -> None:
        self._keys = np.empty(0, np.uint64)
        self._values = np.empty(0, np.uint64)
        self._recent: dict[int, int] = dict(items)
        self._merge()

    def __len__(self) -> int:
        return len(self._keys) + len(self._recent)

    def get_many(self, keys: Sequence[int]) -> list[int]:
        if not len(self._keys):
            return [self._recent.get(key, 0) for key in keys]
        positions, settled = self._find(keys)
        found = np.where(settled, self._values[positions], 0).tolist()
        recent = self._recent
        return [recent.get(key, value) for key, value in zip(keys, found, strict=True)]

    def put_many(self, keys: Sequence[int], values: Sequence[int]) -> None:
        if not len(keys):
            return
        positions, settled = self._find(keys)
        if settled.any():
            self._values[positions[settled]] = np.array(values, np.uint64)[settled]
        for key, value, there in zip(keys, values, settled.tolist(), strict=True):
            if not there:
                self._recent[key] = value
        if len(self._recent) >= max(self.MERGE_AT, len(self._keys) >> 4):
            self._merge()

    def _find(self, keys: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
        """Positions of ``keys`` in the arrays (clipped to a valid index) and whether each
        is there."""
        wanted = np.array(keys, np.uint64)
        if not len(self._keys):
            return np.zeros(len(wanted), np.intp), np.zeros(len(wanted), bool)
        # Searched in sorted order, each search starts where the last one ended: on arrays
        # far larger than the CPU's caches that is several times faster than in any order.
        order = np.argsort(wanted)
        positions = np.empty(len(wanted), np.intp)
        positions[order] = np.searchsorted(self._keys, wanted[order])
        np.minimum(positions, len(self._keys) - 1, out=positions)
        return positions, self._keys[positions] == wanted

    def _merge(self) -> None:
        if not self._recent:
            return
        keys = np.fromiter(self._recent.keys(), np.uint64, len(self._recent))
        values = np.fromiter(self._recent.values(), np.uint64, len(self._recent))
        order = np.argsort(keys)
        keys, values = keys[order], values[order]
        at = np.searchsorted(self._keys, keys)
        self._keys = np.insert(self._keys, at, keys)
        self._values = np.insert(self._values, at, values)
        self._recent = {}
