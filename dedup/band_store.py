"""LSH band buckets of millions of stored items on disk: one sorted file, read by ``pread``.

:class:`~dedup.band_table.BandTable` keeps its sorted runs in the process heap, 12 bytes per
band and item: 5 GB at 10 million articles of 42 bands. Here the same entries (a 64-bit band
key, a 32-bit id) are a :class:`~dedup.sorted_keys.SortedKeys` file beside the warehouse:
the process holds only every 256th key (13 MB at 10 million articles), and a search reads
the blocks it needs (see that module for why they are read and not mapped).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from dedup.band_table import BandTable
from dedup.sorted_keys import FENCE, NpyFile, SortedKeys, write_npy_header

__all__ = ["FENCE", "BandStore", "NpyFile", "write_npy_header"]


class BandStore:
    """The sorted band entries in ``directory`` (see :meth:`build`), searched like a
    :class:`BandTable`: at most ``cap`` ids per bucket, its earliest."""

    def __init__(self, directory: Path, cap: int = 32) -> None:
        meta = json.loads((directory / "bands.json").read_text())
        self.bands, self.rows, self.cap = meta["bands"], meta["rows"], cap
        self.table = BandTable(self.bands, self.rows, cap)  # for keys() only
        self._entries = SortedKeys(directory / "entries.npy")

    def __len__(self) -> int:
        return len(self._entries)

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
        SortedKeys.build(
            directory / "entries.npy",
            (
                (table.keys(values).ravel(), np.repeat(np.asarray(ids, np.int32), bands))
                for ids, values in chunks
            ),
        ).close()
        (directory / "bands.json").write_text(json.dumps({"bands": bands, "rows": rows}))
        return cls(directory, cap)

    def search(self, hashvalues: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(i, id)`` pairs, sorted and each once, for the stored ids sharing a bucket with
        ``hashvalues[i]`` (at most ``cap`` per bucket)."""
        keys = self.table.keys(hashvalues).ravel()
        flat, ids = self._entries.first(keys, self.cap)
        pairs = np.unique((flat // self.bands) << 32 | ids)
        return pairs >> 32, pairs & np.int64(0xFFFFFFFF)
