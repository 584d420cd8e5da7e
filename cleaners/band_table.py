"""LSH band buckets for integer ids, in sorted numpy arrays instead of Python sets.

A signature of ``bands x rows`` values falls into one bucket per band; two signatures are
candidates when they share a bucket. datasketch's in-memory :class:`~datasketch.MinHashLSH`
keeps a Python dict of sets per band, about 360 bytes per band and item (15 KiB per article
at 42 bands); here a bucket entry is 12 bytes: a 64-bit band key and a 32-bit id.

New entries collect in a small dict; every ``flush_keys`` entries they become a sorted run,
and runs of similar size are merged (size-tiered, as in an LSM tree), so there are
``O(log n)`` runs to search and each entry is copied ``O(log n)`` times: time and memory stay
linear in the number of items.
"""

from __future__ import annotations

import numpy as np

#: Odd 64-bit multipliers, one per row of a band, and a salt per band index: a band's key is
#: the wrapping sum of its values times the multipliers plus the salt, so equal rows in
#: different bands give different keys. Unequal bands sharing a key only add a candidate,
#: which callers verify.
_RNG = np.random.default_rng(20261121)
_MULTIPLIERS = _RNG.integers(0, 2**63, 64, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
_SALTS = _RNG.integers(0, 2**63, 512, dtype=np.uint64)


class BandTable:
    """Buckets of ``bands`` bands of ``rows`` hash values each, holding integer ids."""

    def __init__(self, bands: int, rows: int, flush_keys: int = 1 << 16) -> None:
        if not 1 <= rows <= len(_MULTIPLIERS) or not 1 <= bands <= len(_SALTS):
            raise ValueError(f"unsupported bands {bands} x rows {rows}")
        self.bands, self.rows = bands, rows
        self._flush_keys = flush_keys
        self._weights = _MULTIPLIERS[:rows]
        self._salts = _SALTS[:bands]
        self._pending: dict[int, list[int]] = {}
        self._pending_count = 0
        self._runs: list[tuple[np.ndarray, np.ndarray]] = []  # (sorted keys, ids), oldest first

    def keys(self, hashvalues: np.ndarray) -> np.ndarray:
        """The ``bands`` bucket keys of a signature."""
        rows = hashvalues[: self.bands * self.rows].reshape(self.bands, self.rows)
        return (rows.astype(np.uint64) * self._weights).sum(axis=1, dtype=np.uint64) + self._salts

    def add(self, item: int, hashvalues: np.ndarray) -> None:
        """Put ``item`` into the buckets of ``hashvalues``."""
        for key in self.keys(hashvalues).tolist():
            self._pending.setdefault(key, []).append(item)
        self._pending_count += self.bands
        if self._pending_count >= self._flush_keys:
            self.flush()

    def query(self, hashvalues: np.ndarray) -> set[int]:
        """Ids sharing at least one bucket with ``hashvalues``."""
        keys = np.sort(self.keys(hashvalues))  # sorted needles: numpy narrows each search
        found: set[int] = set()
        for run_keys, run_ids in self._runs:
            starts = np.searchsorted(run_keys, keys)
            hit = run_keys[np.minimum(starts, len(run_keys) - 1)] == keys
            if not hit.any():  # the usual case: unrelated to everything in the run
                continue
            stops = np.searchsorted(run_keys, keys[hit], side="right")
            for start, stop in zip(starts[hit].tolist(), stops.tolist(), strict=True):
                found.update(run_ids[start:stop].tolist())
        for key in keys.tolist():
            found.update(self._pending.get(key, ()))
        return found

    def flush(self) -> None:
        """Turn the pending entries into a sorted run and merge runs of similar size."""
        if not self._pending:
            return
        sizes = [len(ids) for ids in self._pending.values()]
        keys = np.repeat(np.fromiter(self._pending.keys(), np.uint64, len(sizes)), sizes)
        ids = np.fromiter((i for group in self._pending.values() for i in group), np.int32)
        self._pending, self._pending_count = {}, 0
        order = np.argsort(keys, kind="stable")
        self._runs.append((keys[order], ids[order]))
        while len(self._runs) > 1 and len(self._runs[-2][0]) <= 2 * len(self._runs[-1][0]):
            (old_keys, old_ids), (new_keys, new_ids) = self._runs[-2:]
            keys = np.concatenate([old_keys, new_keys])
            ids = np.concatenate([old_ids, new_ids])
            order = np.argsort(keys, kind="stable")
            self._runs[-2:] = [(keys[order], ids[order])]

    @property
    def runs(self) -> int:
        """How many sorted runs a query searches."""
        return len(self._runs)

    @property
    def nbytes(self) -> int:
        """Bytes held by the sorted runs (the pending dict is at most ``flush_keys`` entries)."""
        return sum(keys.nbytes + ids.nbytes for keys, ids in self._runs)
