"""A sorted file of ``(64-bit key, 32-bit id)`` entries on disk, searched with ``pread``.

The on-disk indexes (:mod:`dedup.band_store`, :mod:`dedup.segment`) look ids up by a 64-bit
key: a band's bucket key, or the hash of an article id. The keys sit in one ``.npy`` file
sorted (equal keys in the order they were written), their ids in another in the same order;
the process holds only a sparse index of every :data:`FENCE`-th key (8 bytes per 256
entries). A search narrows each key to one block through the fences, reads the blocks of
keys it needs (merged where they touch) with one ``pread`` each, binary-searches them in
memory (``O(log n)`` per key), and reads the ids of the keys found only: most keys a batch
looks for are not there (the bands of new articles), so keeping the ids apart halves what a
search reads. The file is not
memory-mapped: every page a lookup touched would stay mapped, and the process's resident
memory would grow towards the size of the file; read, the pages stay in the kernel's cache,
where they count against no process.

The file is written once from a stream of ``(keys, ids)`` chunks in bounded memory: entries
are first spread over :data:`PARTITIONS` files by the top bits of their key, then each
partition is sorted on its own; partitions in key order make one sorted array.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

import numpy as np

#: Entries per fence: one key in memory for each block of this many on disk.
FENCE = 256
#: Partitions of the build, by the top 8 bits of the key.
PARTITIONS = 256
#: An entry while the file is built.
ENTRY = np.dtype([("key", "<u8"), ("id", "<i4")])
_NONE = np.zeros(0, np.int64)


class SortedKeys:
    """The entries of ``path`` (written by :meth:`build`) and their fences."""

    def __init__(self, path: Path) -> None:
        self._keys = NpyFile(path)
        self._ids = NpyFile(_sibling(path, "ids"))
        self._fences = np.load(_sibling(path, "fences"))

    def __len__(self) -> int:
        return self._keys.size

    def close(self) -> None:
        self._keys.close()
        self._ids.close()

    @classmethod
    def build(cls, path: Path, chunks: Iterable[tuple[np.ndarray, np.ndarray]]) -> SortedKeys:
        """Write the entries of every ``(keys, ids)`` chunk, sorted by key (earlier chunks
        first among equal keys), and open the result."""
        with SortedKeysWriter(path) as writer:
            for keys, ids in chunks:
                writer.add(keys, ids)
        return cls(path)

    def first(self, keys: np.ndarray, cap: int) -> tuple[np.ndarray, np.ndarray]:
        """``(i, id)`` pairs, sorted and each once, for the first ``cap`` entries (in written
        order) whose key is ``keys[i]``."""
        keys = np.asarray(keys, np.uint64)
        order = np.argsort(keys)  # sorted needles: searchsorted walks the blocks in order
        keys, owners = keys[order], order.astype(np.int64)
        stored, where = self._blocks_for(keys, cap)
        # The blocks read are in file order and each holds, from a key's first position on,
        # the cap entries after it: searched as one array, they give each key's first cap.
        first = np.searchsorted(stored, keys, side="left")
        n = len(stored)
        hit = first < n
        hit[hit] = stored[first[hit]] == keys[hit]
        keys, owners, first = keys[hit], owners[hit], first[hit]
        if not len(keys):
            return _NONE, _NONE
        spans = first[:, np.newaxis] + np.arange(cap)
        inside = spans < n
        same = np.zeros(spans.shape, bool)
        same[inside] = stored[spans[inside]] == np.broadcast_to(keys[:, None], spans.shape)[inside]
        ids = self._ids_at(where[spans[same]])
        pairs = np.unique(np.repeat(owners, cap)[same.ravel()] << 32 | ids.astype(np.int64))
        return pairs >> 32, pairs & np.int64(0xFFFFFFFF)

    def every(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(i, id)`` pairs, sorted and each once, for every entry whose key is ``keys[i]``
        however many there are (reading every block its run of equal keys spans)."""
        if not len(self) or not len(keys):
            return _NONE, _NONE
        keys = np.asarray(keys, np.uint64)
        low = np.maximum(np.searchsorted(self._fences, keys, side="left") - 1, 0) * FENCE
        high = np.minimum(np.searchsorted(self._fences, keys, side="right") * FENCE, len(self))
        owners, ids = [], []
        for i, (start, stop) in enumerate(zip(low.tolist(), high.tolist(), strict=True)):
            found = start + np.flatnonzero(self._keys.read([(start, stop)]) == keys[i])
            owners.append(np.full(len(found), i, np.int64))
            ids.append(self._ids_at(found).astype(np.int64))
        pairs = np.unique(np.concatenate(owners) << 32 | np.concatenate(ids))
        return pairs >> 32, pairs & np.int64(0xFFFFFFFF)

    def _ids_at(self, positions: np.ndarray) -> np.ndarray:
        """The ids at ascending file ``positions``, each run of neighbours read at once."""
        if not len(positions):
            return np.zeros(0, np.int32)
        breaks = np.flatnonzero(np.diff(positions) != 1) + 1
        starts = positions[np.r_[0, breaks]]
        stops = positions[np.r_[breaks - 1, len(positions) - 1]] + 1
        return self._ids.read(list(zip(starts.tolist(), stops.tolist(), strict=True)))

    def _blocks_for(self, keys: np.ndarray, cap: int) -> tuple[np.ndarray, np.ndarray]:
        """The stored keys of every block a search of sorted ``keys`` needs, in file order,
        and the file position of each.

        A key's first position at or above it lies in the block its fences bound, or is the
        block's end; the cap entries from there may run on. So each block is read with the
        ``cap`` entries after it, and blocks whose ranges touch are read as one."""
        total = len(self)
        if not total or not len(keys):
            return np.zeros(0, np.uint64), _NONE
        block = np.unique(np.maximum(np.searchsorted(self._fences, keys, side="left") - 1, 0))
        starts = block * FENCE
        ends = np.minimum(starts + FENCE + cap, total)
        # A new read begins where a block starts past every range before it.
        reach = np.maximum.accumulate(ends)
        new = np.ones(len(starts), bool)
        new[1:] = starts[1:] > reach[:-1]
        first_of = np.flatnonzero(new)
        last_of = np.append(first_of[1:], len(starts)) - 1
        read_starts, read_stops = starts[first_of], reach[last_of]
        lengths = read_stops - read_starts
        # Item i of the buffer, in the read of range r: file position i + start(r) - offset(r).
        shift = read_starts - (np.cumsum(lengths) - lengths)
        where = np.arange(int(lengths.sum()), dtype=np.int64) + np.repeat(shift, lengths)
        reads = list(zip(read_starts.tolist(), read_stops.tolist(), strict=True))
        return self._keys.read(reads), where


class SortedKeysWriter:
    """Writes a :class:`SortedKeys` file from chunks of entries added in order: each chunk is
    spread over partition files at once, and the partitions are sorted when the writer
    closes without an error (after an error nothing is written)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._spill = tempfile.TemporaryDirectory(dir=path.parent)
        self._parts = [
            open(Path(self._spill.name) / f"{p:03d}.bin", "wb")  # noqa: SIM115
            for p in range(PARTITIONS)
        ]
        self._total = 0

    def __enter__(self) -> SortedKeysWriter:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        try:
            for handle in self._parts:
                handle.close()
            if kind is None:
                self._sort()
        finally:
            self._spill.cleanup()

    def add(self, keys: np.ndarray, ids: np.ndarray) -> None:
        entries = np.empty(len(keys), ENTRY)
        entries["key"], entries["id"] = keys, ids
        part = (entries["key"] >> np.uint64(56)).astype(np.uint8)
        order = np.argsort(part, kind="stable")  # a radix sort for uint8
        entries = entries[order]
        bounds = np.searchsorted(part[order], np.arange(PARTITIONS + 1))
        for p in range(PARTITIONS):
            entries[bounds[p] : bounds[p + 1]].tofile(self._parts[p])
        self._total += len(entries)

    def _sort(self) -> None:
        fences, start = [], 0
        with open(self.path, "wb") as keys, open(_sibling(self.path, "ids"), "wb") as ids:
            write_npy_header(keys, np.dtype("<u8"), (self._total,))
            write_npy_header(ids, np.dtype("<i4"), (self._total,))
            for p in range(PARTITIONS):
                entries = np.fromfile(Path(self._spill.name) / f"{p:03d}.bin", ENTRY)
                entries = entries[np.argsort(entries["key"], kind="stable")]
                sorted_keys = np.ascontiguousarray(entries["key"])
                sorted_keys.tofile(keys)  # written, not mapped: the build's memory stays small
                np.ascontiguousarray(entries["id"]).tofile(ids)
                fences.append(sorted_keys[-start % FENCE :: FENCE].copy())  # not a view
                start += len(entries)
        np.save(_sibling(self.path, "fences"), np.concatenate(fences))


def _sibling(path: Path, part: str) -> Path:
    """``keys.npy`` -> ``keys.ids.npy``: the other files of a :class:`SortedKeys`."""
    return path.with_name(f"{path.stem}.{part}.npy")


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
        if not len(out):
            return out
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
        """Close the file; again is a no-op (closing a number twice would close whatever
        file the system gave that number since)."""
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
