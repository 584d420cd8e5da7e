"""String keys numbered in the order they were added, without a Python object per key.

The passage index numbers every passage of every article it holds (13 a news article, and
runs of 100,000 articles hold 1.3 million). As a ``dict[str, int]`` and a ``list[str]`` that
took about 160 bytes a key: a string object, an int object and a slot. Here the keys are
UTF-8 in one byte arena, and their 64-bit hashes map to row numbers in a :class:`U64Map`:
about 45 bytes a passage key. A hash found for another key (two keys with one 64-bit hash,
about one chance in 10^7 at 10 million keys) sends the newer key to a small dict instead.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from itertools import accumulate

import xxhash

from dedup.u64_map import U64Map


class KeyRows:
    """Row numbers of string keys, 0, 1, 2... in the order the keys were added."""

    def __init__(self) -> None:
        self._arena = bytearray()
        self._ends = array("q")  # the arena offset where each row's key ends
        self._by_hash = U64Map()  # hash of a key -> its row + 1
        self._collided: dict[str, int] = {}  # keys whose hash an earlier key had

    def __len__(self) -> int:
        return len(self._ends)

    def key(self, row: int) -> str:
        return self._bytes(row).decode()

    def rows(self, keys: Sequence[str]) -> list[int]:
        """The row of each key, -1 for a key not added."""
        encoded = [key.encode() for key in keys]
        found = self._by_hash.get_many([xxhash.xxh3_64_intdigest(b) for b in encoded])
        rows = []
        for key, blob, row_plus_one in zip(keys, encoded, found, strict=True):
            if self._collided and key in self._collided:
                rows.append(self._collided[key])
            elif row_plus_one and self._bytes(row_plus_one - 1) == blob:
                rows.append(row_plus_one - 1)
            else:
                rows.append(-1)
        return rows

    def add(self, keys: Sequence[str]) -> range:
        """Number new keys (a key added again gets the new row); return their rows."""
        first = len(self._ends)
        encoded = [key.encode() for key in keys]
        hashes = [xxhash.xxh3_64_intdigest(b) for b in encoded]
        held = self._by_hash.get_many(hashes)
        self._ends.extend(accumulate(map(len, encoded), initial=len(self._arena)))
        self._ends.pop(first)  # the arena's length before: where the first new key starts
        self._arena += b"".join(encoded)
        rows = range(first, len(self._ends))
        if any(held) or len(set(hashes)) < len(hashes):
            fresh = self._numbered(keys, encoded, hashes, held, rows)
        else:  # the usual case: every hash new
            fresh = dict(zip(hashes, range(first + 1, rows.stop + 1), strict=True))
        self._by_hash.put_many(list(fresh), list(fresh.values()))
        return rows

    def _numbered(
        self,
        keys: Sequence[str],
        encoded: list[bytes],
        hashes: list[int],
        held: list[int],
        rows: range,
    ) -> dict[int, int]:
        """``hash -> row + 1`` for the new keys that take their hash; the others, whose hash
        another key holds, go to the collided keys."""
        fresh: dict[int, int] = {}
        for row, key, blob, digest, old in zip(rows, keys, encoded, hashes, held, strict=True):
            taken = fresh.get(digest, old)
            if taken and self._bytes(taken - 1) != blob:
                self._collided[key] = row
            else:
                fresh[digest] = row + 1
        return fresh

    def _bytes(self, row: int) -> bytes:
        start = self._ends[row - 1] if row else 0
        return bytes(self._arena[start : self._ends[row]])
