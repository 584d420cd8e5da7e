"""LSH band buckets of millions of stored items on disk: one sorted array, memory-mapped.

:class:`~dedup.band_table.BandTable` keeps its sorted runs in the process heap, 12 bytes per
band and item: 5 GB at 10 million articles of 42 bands. Here the same entries (a 64-bit band
key, a 32-bit id) sit in two ``.npy`` files beside the warehouse, sorted by key, and are read
through memory maps: the kernel keeps the hot pages in its cache, the process holds only a
sparse index of every :data:`FENCE`-th key (8 bytes per 256 entries, 13 MB at 10 million
articles). A lookup narrows to one block through the fences, then binary-searches the block
with a handful of vectorised gathers: ``O(log n)`` per key, a few pages read.

The files are written once from a stream of ``(ids, hashvalues)`` chunks in bounded memory:
entries are first spread over :data:`PARTITIONS` files by the top bits of their key, then
each partition is sorted on its own; partitions in key order make one sorted array. New
items are searched here and in a :class:`BandTable` of the current run, and folded into the
files by rebuilding them.
"""

from __future__ import annotations

import json
import mmap
import tempfile
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from dedup.band_table import BandTable

#: Entries per fence: one key in memory for each block of this many on disk.
FENCE = 256
#: Partitions of the build, by the top 8 bits of the band key.
PARTITIONS = 256
_ENTRY = np.dtype([("key", "<u8"), ("id", "<i4")])


def random_access(array: np.memmap) -> np.memmap:
    """``array`` with its pages read one by one: lookups are scattered, and the kernel's
    read-ahead and fault-around would otherwise map dozens of neighbouring pages into the
    process for each one read."""
    array._mmap.madvise(mmap.MADV_RANDOM)  # numpy keeps its mmap object here
    return array


class BandStore:
    """The sorted band entries in ``directory`` (see :meth:`build`), searched like a
    :class:`BandTable`: at most ``cap`` ids per bucket, its earliest."""

    def __init__(self, directory: Path, cap: int = 32) -> None:
        meta = json.loads((directory / "bands.json").read_text())
        self.bands, self.rows, self.cap = meta["bands"], meta["rows"], cap
        self.table = BandTable(self.bands, self.rows, cap)  # for keys() only
        self._keys = random_access(np.load(directory / "keys.npy", mmap_mode="r"))
        self._ids = random_access(np.load(directory / "ids.npy", mmap_mode="r"))
        self._fences = np.load(directory / "fences.npy")

    def __len__(self) -> int:
        return len(self._keys)

    @classmethod
    def build(
        cls,
        directory: Path,
        bands: int,
        rows: int,
        chunks: Iterable[tuple[np.ndarray, np.ndarray]],
        cap: int = 32,
    ) -> BandStore:
        """Write the band entries of every ``(ids, hashvalues)`` chunk, in order (earlier
        chunks are earlier members of their buckets), and open the result."""
        directory.mkdir(parents=True, exist_ok=True)
        table = BandTable(bands, rows, cap)
        with tempfile.TemporaryDirectory(dir=directory) as spill:
            parts = [open(Path(spill) / f"{p:03d}.bin", "wb") for p in range(PARTITIONS)]  # noqa: SIM115
            total = 0
            try:
                for ids, hashvalues in chunks:
                    entries = np.empty(len(ids) * bands, _ENTRY)
                    entries["key"] = table.keys(hashvalues).ravel()
                    entries["id"] = np.repeat(np.asarray(ids, np.int32), bands)
                    part = (entries["key"] >> np.uint64(56)).astype(np.uint8)
                    order = np.argsort(part, kind="stable")  # a radix sort for uint8
                    entries = entries[order]
                    bounds = np.searchsorted(part[order], np.arange(PARTITIONS + 1))
                    for p in range(PARTITIONS):
                        entries[bounds[p] : bounds[p + 1]].tofile(parts[p])
                    total += len(entries)
            finally:
                for handle in parts:
                    handle.close()
            keys = np.lib.format.open_memmap(directory / "keys.npy", "w+", np.uint64, (total,))
            ids = np.lib.format.open_memmap(directory / "ids.npy", "w+", np.int32, (total,))
            start = 0
            for p in range(PARTITIONS):
                entries = np.fromfile(Path(spill) / f"{p:03d}.bin", _ENTRY)
                entries = entries[np.argsort(entries["key"], kind="stable")]
                keys[start : start + len(entries)] = entries["key"]
                ids[start : start + len(entries)] = entries["id"]
                start += len(entries)
            np.save(directory / "fences.npy", np.array(keys[::FENCE]))
            keys.flush()
            ids.flush()
            del keys, ids
        (directory / "bands.json").write_text(json.dumps({"bands": bands, "rows": rows}))
        return cls(directory, cap)

    def search(self, hashvalues: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(i, id)`` pairs, sorted and each once, for the stored ids sharing a bucket with
        ``hashvalues[i]`` (at most ``cap`` per bucket)."""
        keys = self.table.keys(hashvalues).ravel()
        owners = np.repeat(np.arange(len(hashvalues), dtype=np.int64), self.bands)
        order = np.argsort(keys)
        keys, owners = keys[order], owners[order]
        first = self._first_at_least(keys)
        n = len(self._keys)
        hit = first < n
        hit[hit] = self._keys[first[hit]] == keys[hit]
        keys, owners, first = keys[hit], owners[hit], first[hit]
        # The first cap entries of each bucket: positions first .. first + cap - 1 that
        # still hold the bucket's key.
        spans = first[:, np.newaxis] + np.arange(self.cap)
        inside = spans < n
        same = np.zeros(spans.shape, bool)
        same[inside] = (
            self._keys[spans[inside]] == np.broadcast_to(keys[:, None], spans.shape)[inside]
        )
        pairs = np.repeat(owners, self.cap)[same.ravel()] << 32 | self._ids[spans[same]].astype(
            np.int64
        )
        pairs = np.unique(pairs)
        return pairs >> 32, pairs & np.int64(0xFFFFFFFF)

    def _first_at_least(self, keys: np.ndarray) -> np.ndarray:
        """For each key, the position of the first stored key not less than it."""
        block = np.searchsorted(self._fences, keys, side="left")
        lo = np.maximum(block - 1, 0) * FENCE
        hi = np.minimum(block * FENCE, len(self._keys))
        while (active := lo < hi).any():
            mid = (lo + hi) // 2
            less = np.zeros(len(keys), bool)
            less[active] = self._keys[mid[active]] < keys[active]
            lo = np.where(active & less, mid + 1, lo)
            hi = np.where(active & ~less, mid, hi)
        return lo
