"""LSH band buckets of millions of stored items on disk: one sorted array, read by ``pread``.

:class:`~dedup.band_table.BandTable` keeps its sorted runs in the process heap, 12 bytes per
band and item: 5 GB at 10 million articles of 42 bands. Here the same entries (a 64-bit band
key, a 32-bit id) sit in one ``.npy`` file beside the warehouse, sorted by key. The process
holds only a sparse index of every :data:`FENCE`-th key (8 bytes per 256 entries, 13 MB at
10 million articles). A search narrows each key to one block through the fences, reads the
blocks it needs (merged where they touch) with one ``pread`` each, and binary-searches them
in memory: ``O(log n)`` per key. The files are not memory-mapped: every page a lookup
touched would stay mapped, and the process's resident memory would grow towards the size
of the files (2.5 GB after 12 batches against 10 million articles); read, the pages stay in
the kernel's cache, where they count against no process.

The files are written once from a stream of ``(ids, hashvalues)`` chunks in bounded memory:
entries are first spread over :data:`PARTITIONS` files by the top bits of their key, then
each partition is sorted on its own; partitions in key order make one sorted array. New
items are searched here and in a :class:`BandTable` of the current run, and folded into the
files by rebuilding them.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

import numpy as np

from dedup.band_table import BandTable

#: Entries per fence: one key in memory for each block of this many on disk.
FENCE = 256
#: Partitions of the build, by the top 8 bits of the band key.
PARTITIONS = 256
_ENTRY = np.dtype([("key", "<u8"), ("id", "<i4")])


class BandStore:
    """The sorted band entries in ``directory`` (see :meth:`build`), searched like a
    :class:`BandTable`: at most ``cap`` ids per bucket, its earliest."""

    def __init__(self, directory: Path, cap: int = 32) -> None:
        meta = json.loads((directory / "bands.json").read_text())
        self.bands, self.rows, self.cap = meta["bands"], meta["rows"], cap
        self.table = BandTable(self.bands, self.rows, cap)  # for keys() only
        self._entries = NpyFile(directory / "entries.npy")
        self._fences = np.load(directory / "fences.npy")

    def __len__(self) -> int:
        return self._entries.size

    def close(self) -> None:
        self._entries.close()

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
            fences, start = [], 0
            with open(directory / "entries.npy", "wb") as out:
                write_npy_header(out, _ENTRY, (total,))
                for p in range(PARTITIONS):
                    entries = np.fromfile(Path(spill) / f"{p:03d}.bin", _ENTRY)
                    entries = entries[np.argsort(entries["key"], kind="stable")]
                    entries.tofile(out)  # written, not mapped: the build's memory stays small
                    fences.append(entries["key"][-start % FENCE :: FENCE].copy())  # not a view
                    start += len(entries)
            np.save(directory / "fences.npy", np.concatenate(fences))
        (directory / "bands.json").write_text(json.dumps({"bands": bands, "rows": rows}))
        return cls(directory, cap)

    def search(self, hashvalues: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(i, id)`` pairs, sorted and each once, for the stored ids sharing a bucket with
        ``hashvalues[i]`` (at most ``cap`` per bucket)."""
        keys = self.table.keys(hashvalues).ravel()
        owners = np.repeat(np.arange(len(hashvalues), dtype=np.int64), self.bands)
        order = np.argsort(keys)  # sorted needles: searchsorted walks the blocks in order
        keys, owners = keys[order], owners[order]
        stored = self._blocks_for(keys)
        stored_keys, stored_ids = np.ascontiguousarray(stored["key"]), stored["id"]
        # The blocks read are in file order and each holds, from a key's first position on,
        # the cap entries after it: searched as one array, they give each key's bucket.
        first = np.searchsorted(stored_keys, keys, side="left")
        n = len(stored_keys)
        hit = first < n
        hit[hit] = stored_keys[first[hit]] == keys[hit]
        keys, owners, first = keys[hit], owners[hit], first[hit]
        spans = first[:, np.newaxis] + np.arange(self.cap)
        inside = spans < n
        same = np.zeros(spans.shape, bool)
        same[inside] = (
            stored_keys[spans[inside]] == np.broadcast_to(keys[:, None], spans.shape)[inside]
        )
        pairs = np.repeat(owners, self.cap)[same.ravel()] << 32 | stored_ids[spans[same]].astype(
            np.int64
        )
        pairs = np.unique(pairs)
        return pairs >> 32, pairs & np.int64(0xFFFFFFFF)

    def _blocks_for(self, keys: np.ndarray) -> np.ndarray:
        """The stored entries of every block a search of ``keys`` needs, in file order.

        A key's first position at or above it lies in the block its fences bound, or is the
        block's end; the cap entries from there may run on. So each block is read with the
        ``cap`` entries after it, and blocks whose ranges touch are read as one."""
        total = len(self)
        block = np.unique(np.maximum(np.searchsorted(self._fences, keys, side="left") - 1, 0))
        starts = block * FENCE
        ends = np.minimum(starts + FENCE + self.cap, total)
        # A new read begins where a block starts past every range before it.
        reach = np.maximum.accumulate(ends)
        new = np.ones(len(starts), bool)
        new[1:] = starts[1:] > reach[:-1]
        first_of = np.flatnonzero(new)
        last_of = np.append(first_of[1:], len(starts)) - 1
        reads = list(zip(starts[first_of].tolist(), reach[last_of].tolist(), strict=True))
        return self._entries.read(reads)


def write_npy_header(handle: BinaryIO, dtype: np.dtype, shape: tuple[int, ...]) -> None:
    """Start a ``.npy`` file of ``shape`` at ``handle``; the rows follow with ``tofile``, so
    a file larger than memory is written without mapping it."""
    header = {"descr": np.lib.format.dtype_to_descr(dtype), "fortran_order": False}
    np.lib.format.write_array_header_2_0(handle, header | {"shape": shape})


class NpyFile:
    """A one- or two-dimensional ``.npy`` array read by ranges of rows with ``pread``, so
    that what was read is the caller's and nothing stays mapped."""

    def __init__(self, path: Path) -> None:
        header = np.load(path, mmap_mode="r")  # only to learn the layout
        self.size, self._offset = len(header), header.offset
        self.dtype = np.dtype((header.dtype, header.shape[1:])) if header.ndim > 1 else header.dtype
        del header
        self.path, self._fd = path, os.open(path, os.O_RDONLY)

    def read(self, ranges: list[tuple[int, int]]) -> np.ndarray:
        """Rows ``start:stop`` of each range, concatenated."""
        # A row of a 2-D array is one item of a sub-array dtype: numpy makes ``out`` 2-D.
        out = np.empty(sum(stop - start for start, stop in ranges), self.dtype)
        view, width, at = memoryview(out).cast("B"), self.dtype.itemsize, 0
        for start, stop in ranges:
            length = (stop - start) * width
            got = os.preadv(self._fd, [view[at : at + length]], self._offset + start * width)
            if got != length:
                raise OSError(f"{self.path} ended early: {got} of {length} bytes read")
            at += length
        return out

    def rows(self, indices: np.ndarray) -> np.ndarray:
        """The rows at ``indices`` (one read each; sorted indices read in file order)."""
        return self.read([(i, i + 1) for i in np.asarray(indices).tolist()])

    def close(self) -> None:
        os.close(self._fd)
