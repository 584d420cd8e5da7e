"""LSH band buckets for integer ids, in sorted numpy arrays instead of Python sets.

A signature of ``bands x rows`` values falls into one bucket per band; two signatures are
candidates when they share a bucket. datasketch's in-memory :class:`~datasketch.MinHashLSH`
keeps a Python dict of sets per band, about 360 bytes per band and item (15 KiB per article
at 42 bands); here a bucket entry is 8 bytes: a 32-bit band key (the top half of a 64-bit
one) and a 32-bit id. Two unequal bands share a 32-bit key with probability 2^-32: at 2 million
entries per band, a query meets 0.0005 such false bucket-mates per band, each only a
candidate that callers verify and reject.

Items arrive in batches. Each batch becomes one sorted run, and runs of similar size are
merged (size-tiered, as in an LSM tree) until a run holds :data:`MAX_RUN` entries, so there
are ``O(log n)`` runs below that size and one more per ``MAX_RUN`` entries beyond it; each
entry is copied ``O(log n)`` times: time and memory stay linear in the number of items. A
batch is searched and added with a handful of numpy calls whatever its size, where a call per
item cost more than the search itself.

A bucket gives at most ``cap`` ids to a query, its earliest members (runs are searched oldest
first, and equal keys keep their insertion order): a template or a wire story on a million
pages fills one bucket per band, and pairing every new copy with every earlier one is
quadratic, where the earliest members already lead to the cluster's original. Unrelated items
that happen to share a band with a crowded bucket still meet through their other bands.
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
_MASK32 = np.int64(0xFFFFFFFF)
#: Entries past which runs are no longer merged. A merge holds both runs and their union at
#: once, so merging without bound made the table's peak about twice its size (at 100,000
#: articles' passages, hundreds of MB); runs of this size keep that peak to a few tens of MB,
#: at the cost of one more sorted run to search per few million entries.
MAX_RUN = 1 << 21


class BandTable:
    """Buckets of ``bands`` bands of ``rows`` hash values each, holding integer ids; a query
    reads at most ``cap`` ids of a bucket."""

    def __init__(self, bands: int, rows: int, cap: int = 32) -> None:
        if not 1 <= rows <= len(_MULTIPLIERS) or not 1 <= bands <= len(_SALTS):
            raise ValueError(f"unsupported bands {bands} x rows {rows}")
        if cap < 1:
            raise ValueError(f"a bucket must give at least one id to a query, not cap={cap}")
        self.bands, self.rows, self.cap = bands, rows, cap
        self._weights = _MULTIPLIERS[:rows]
        self._salts = _SALTS[:bands]
        self._runs: list[tuple[np.ndarray, np.ndarray]] = []  # (sorted keys, ids), oldest first

    def keys(self, hashvalues: np.ndarray) -> np.ndarray:
        """The 64-bit bucket keys of signatures: shape ``(n, bands)`` for ``(n, k)`` hash
        values (the table holds their top halves; the band store all 64 bits)."""
        n = len(hashvalues)
        rows = hashvalues[:, : self.bands * self.rows].reshape(n, self.bands, self.rows)
        weighted = rows.astype(np.uint64) * self._weights
        return weighted.sum(axis=2, dtype=np.uint64) + self._salts

    def add(self, ids: np.ndarray, hashvalues: np.ndarray) -> None:
        """Put each ``ids[i]`` into the buckets of ``hashvalues[i]``."""
        keys = _short(self.keys(hashvalues).ravel())
        order = np.argsort(keys, kind="stable")
        self._add_run(keys[order], np.repeat(np.asarray(ids, np.int32), self.bands)[order])

    def query(self, hashvalues: np.ndarray) -> set[int]:
        """Ids sharing at least one bucket with the signature ``hashvalues`` (at most
        ``cap`` of each bucket, its earliest)."""
        keys = np.sort(_short(self.keys(hashvalues[np.newaxis]).ravel()))
        _, found = self._search(keys, np.zeros(len(keys), np.int64))
        return set(found.tolist())

    def link(self, ids: np.ndarray, hashvalues: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Search a batch, then add it.

        Returns pairs ``(i, id)``, sorted and each once: ``i`` a position in the batch, ``id``
        an id sharing a bucket with ``hashvalues[i]`` that was in the table before the batch
        or is ``ids[j]`` for an earlier position ``j < i``. That is what adding the batch one
        item at a time, querying each before adding it, would find, except that a bucket
        gives at most ``cap`` stored ids and ``cap`` ids of the batch, its earliest.
        """
        ids = np.asarray(ids, np.int32)
        keys = _short(self.keys(hashvalues).ravel())
        owners = np.repeat(np.arange(len(ids), dtype=np.int64), self.bands)
        order = np.lexsort((owners, keys))
        keys, owners = keys[order], owners[order]
        found_owners, found_ids = self._search(keys, owners)
        # Within the batch: each entry pairs with the earlier entries of its bucket.
        position = np.arange(len(keys))
        first = np.r_[True, keys[1:] != keys[:-1]]
        bucket_start = np.maximum.accumulate(np.where(first, position, 0))
        earlier = np.minimum(position - bucket_start, self.cap)
        hit = earlier > 0
        partners = owners[_expand(bucket_start[hit], earlier[hit])]
        mine = np.repeat(owners[hit], earlier[hit])
        self._add_run(keys, ids[owners])
        pairs = np.concatenate(
            [found_owners << 32 | found_ids, (mine << 32 | ids[partners])[partners != mine]]
        )
        pairs = np.unique(pairs)
        return pairs >> 32, pairs & _MASK32

    def _search(self, keys: np.ndarray, owners: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(owner, id)`` for every stored entry whose key is in ``keys`` (sorted, so numpy
        narrows each search), the owner being that of the matching key; at most ``cap``
        entries per key, the earliest."""
        found_owners, found_ids = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)]
        taken = np.zeros(len(keys), np.int64)
        for run_keys, run_ids in self._runs:
            starts = np.searchsorted(run_keys, keys)
            hit = run_keys[np.minimum(starts, len(run_keys) - 1)] == keys
            if not hit.any():  # the usual case: unrelated to everything in the run
                continue
            starts = starts[hit]
            counts = np.searchsorted(run_keys, keys[hit], side="right") - starts
            counts = np.minimum(counts, self.cap - taken[hit])
            taken[hit] += counts
            found_owners.append(np.repeat(owners[hit], counts))
            found_ids.append(run_ids[_expand(starts, counts)].astype(np.int64))
        return np.concatenate(found_owners), np.concatenate(found_ids)

    def _add_run(self, keys: np.ndarray, ids: np.ndarray) -> None:
        """Append a sorted run and merge runs of similar size, up to :data:`MAX_RUN` entries."""
        if not len(keys):
            return
        self._runs.append((keys, ids))
        while len(self._runs) > 1:
            (old_keys, old_ids), (new_keys, new_ids) = self._runs[-2:]
            if len(old_keys) > 2 * len(new_keys) or len(old_keys) + len(new_keys) > MAX_RUN:
                break
            self._runs[-2:] = [_merge(old_keys, old_ids, new_keys, new_ids)]

    @property
    def runs(self) -> int:
        """How many sorted runs a query searches."""
        return len(self._runs)

    @property
    def nbytes(self) -> int:
        """Bytes held by the sorted runs."""
        return sum(keys.nbytes + ids.nbytes for keys, ids in self._runs)


def _short(keys: np.ndarray) -> np.ndarray:
    """The 32-bit keys the table holds: the top halves of 64-bit ones, where the products
    of every value of the band have mixed."""
    return (keys >> np.uint64(32)).astype(np.uint32)


def _merge(
    old_keys: np.ndarray, old_ids: np.ndarray, new_keys: np.ndarray, new_ids: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Two sorted runs as one, equal keys in insertion order (the older run's first): each
    new entry goes after the older entries not greater than it, with no sort and no
    temporary copy of the union."""
    total = len(old_keys) + len(new_keys)
    at = np.searchsorted(old_keys, new_keys, side="right") + np.arange(len(new_keys))
    old = np.ones(total, bool)
    old[at] = False
    keys, ids = np.empty(total, old_keys.dtype), np.empty(total, old_ids.dtype)
    keys[at], ids[at] = new_keys, new_ids
    keys[old], ids[old] = old_keys, old_ids
    return keys, ids


def _expand(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The positions ``start, start + 1, ..., start + count - 1`` of every range, in order."""
    total = int(counts.sum())
    if not total:
        return np.zeros(0, np.int64)
    offsets = np.repeat(starts - (np.cumsum(counts) - counts), counts)
    return offsets + np.arange(total)
