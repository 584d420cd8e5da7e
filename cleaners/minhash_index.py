"""An LSH index of signatures that keeps what exact verification and linking need.

Candidates are the keys sharing at least one band with the query; next to the bands the index
keeps one :class:`Entry` per key: its group (the site of an article, the article of a
passage), its signature and its root (the first-landed member of its cluster).

Two stores. In memory (the default), bands live in a :class:`~cleaners.band_table.BandTable`
and entries in columns: datasketch's in-memory :class:`~datasketch.MinHashLSH` keeps a Python
set per bucket, which at 100,000 articles and their passages took 7 GiB. With Redis,
datasketch's :class:`~datasketch.MinHashLSH` on its Redis storage holds the bands and a Redis
hash the entries, so a worker can verify a candidate another worker added and link to that
worker's root.
"""

from __future__ import annotations

import json
from array import array
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import redis
from datasketch import MinHashLSH

from cleaners.band_table import BandTable
from cleaners.signatures import Signature, SignatureSpec, require_same_spec


@dataclass(frozen=True, slots=True)
class RedisConfig:
    """Where a shared index lives. ``prefix`` namespaces its keys; the spec id and bands are
    appended, so indexes of different specs never share tables."""

    host: str = "127.0.0.1"
    port: int = 6379
    db: int = 0
    prefix: str = "presswash"


@dataclass(frozen=True, slots=True)
class Entry:
    """What the index remembers of one key."""

    key: str
    group: str | None
    root: str
    signature: Signature


class _MemoryIndex:
    """Entries in columns (a row number per key) and LSH buckets in a :class:`BandTable`.

    Per article (128 values, 42 bands) about 1.2 KiB, per passage (64 values, 16 bands)
    about 0.6 KiB, where datasketch's in-memory LSH plus an object per entry took 14 and 6.4.
    """

    #: Signature rows per numpy block: blocks are never copied as the index grows.
    _BLOCK = 4096

    def __init__(self, spec: SignatureSpec, bands: tuple[int, int]) -> None:
        self._spec = spec
        self._table = BandTable(*bands)
        self._rows: dict[str, int] = {}
        self._keys: list[str] = []
        self._groups: list[str | None] = []
        self._group_names: dict[str | None, str | None] = {}  # one object per distinct group
        self._roots: list[str] = []
        self._sizes = array("l")
        self._blocks: list[np.ndarray] = []

    def __contains__(self, key: str) -> bool:
        return key in self._rows

    def add(self, key: str, group: str | None, signature: Signature, root: str) -> None:
        row = len(self._keys)
        if row % self._BLOCK == 0:
            self._blocks.append(np.empty((self._BLOCK, self._spec.num_perm), self._spec.dtype))
        self._blocks[-1][row % self._BLOCK] = signature.hashvalues
        self._rows[key] = row
        self._keys.append(key)
        self._groups.append(self._group_names.setdefault(group, group))
        self._roots.append(key if root == key else root)
        self._sizes.append(signature.size)
        if not signature.empty:
            self._table.add(row, signature.hashvalues)

    def get_many(self, keys: Iterable[str]) -> list[Entry]:
        return [self._entry(self._rows[key]) for key in keys]

    def candidates(self, signature: Signature) -> list[Entry]:
        return [self._entry(row) for row in sorted(self._table.query(signature.hashvalues))]

    def _entry(self, row: int) -> Entry:
        values = self._blocks[row // self._BLOCK][row % self._BLOCK]
        signature = Signature(self._spec, values, self._sizes[row])
        return Entry(self._keys[row], self._groups[row], self._roots[row], signature)


class _RedisEntries:
    """Entries in one Redis hash: key -> JSON ``[group, root, size]``, a newline, then the
    signature's little-endian bytes."""

    def __init__(self, client: redis.Redis, name: str, spec: SignatureSpec) -> None:
        self._client = client
        self._name = name
        self._spec = spec

    def __contains__(self, key: str) -> bool:
        return bool(self._client.hexists(self._name, key))

    def put(self, entry: Entry) -> None:
        meta = json.dumps([entry.group, entry.root, entry.signature.size]).encode()
        self._client.hset(self._name, entry.key, meta + b"\n" + entry.signature.to_bytes())

    def get_many(self, keys: Iterable[str]) -> list[Entry]:
        keys = list(keys)
        if not keys:
            return []
        entries = []
        for key, value in zip(keys, self._client.hmget(self._name, keys), strict=True):
            if value is None:
                raise KeyError(key)
            meta, blob = value.split(b"\n", 1)
            group, root, size = json.loads(meta)
            entries.append(Entry(key, group, root, Signature.from_bytes(self._spec, blob, size)))
        return entries


class _RedisIndex:
    """datasketch's :class:`~datasketch.MinHashLSH` on Redis storage, entries in a Redis
    hash next to it: what every worker pointed at the same Redis shares."""

    def __init__(self, spec: SignatureSpec, bands: tuple[int, int], config: RedisConfig) -> None:
        name = f"{config.prefix}:{spec.id}:b{bands[0]}r{bands[1]}"
        connection = {"host": config.host, "port": config.port, "db": config.db}
        self._lsh = MinHashLSH(
            num_perm=spec.num_perm,
            params=bands,
            storage_config={"type": "redis", "basename": name.encode(), "redis": connection},
        )
        self._entries = _RedisEntries(redis.Redis(**connection), f"{name}:entries", spec)

    def __contains__(self, key: str) -> bool:
        return key in self._entries

    def add(self, key: str, group: str | None, signature: Signature, root: str) -> None:
        self._entries.put(Entry(key, group, root, signature))
        if not signature.empty:
            self._lsh.insert(key, signature.minhash(), check_duplication=False)

    def get_many(self, keys: Iterable[str]) -> list[Entry]:
        return self._entries.get_many(keys)

    def candidates(self, signature: Signature) -> list[Entry]:
        return self._entries.get_many(self._lsh.query(signature.minhash()))


class MinHashIndex:
    """LSH candidates plus stored entries, in memory or in Redis.

    ``bands`` is ``(b, r)``: ``b`` bands of ``r`` rows (``b * r <= num_perm``). A pair with
    Jaccard ``s`` becomes a candidate with probability ``1 - (1 - s**r)**b``; callers choose
    bands for the recall they need and verify candidates themselves.
    """

    def __init__(
        self, spec: SignatureSpec, bands: tuple[int, int], redis_config: RedisConfig | None = None
    ) -> None:
        self.spec = spec
        self.bands = bands
        self._store: _MemoryIndex | _RedisIndex = (
            _MemoryIndex(spec, bands) if redis_config is None
            else _RedisIndex(spec, bands, redis_config)
        )  # fmt: skip

    def __contains__(self, key: str) -> bool:
        return key in self._store

    def add(self, key: str, group: str | None, signature: Signature, root: str) -> None:
        """Index ``signature`` under ``key``. The entry is stored before it is banded, so a
        worker that finds ``key`` as a candidate can always read it. An empty signature (a
        text without words) is stored but not banded: it must match nothing, and all empty
        signatures would otherwise share every bucket."""
        require_same_spec(self.spec, signature.spec)
        self._store.add(key, group, signature, root)

    def get(self, key: str) -> Entry:
        """The entry of an indexed ``key`` (:class:`KeyError` if absent)."""
        (entry,) = self._store.get_many([key])
        return entry

    def candidates(self, signature: Signature) -> list[Entry]:
        """Entries sharing at least one band with ``signature``."""
        require_same_spec(self.spec, signature.spec)
        return self._store.candidates(signature)


def jaccard_many(signature: Signature, entries: list[Entry]) -> np.ndarray:
    """Estimated Jaccard of ``signature`` with each entry: the share of equal hash values."""
    if not entries:
        return np.zeros(0)
    matrix = np.stack([entry.signature.hashvalues for entry in entries])
    return np.count_nonzero(matrix == signature.hashvalues, axis=1) / signature.spec.num_perm
