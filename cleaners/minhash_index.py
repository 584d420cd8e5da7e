"""An LSH index of signatures that keeps what exact verification and linking need.

datasketch's :class:`~datasketch.MinHashLSH` finds candidates (keys sharing at least one band
with the query); it does not keep the signatures. This module keeps, next to the LSH tables
and in the same storage, one :class:`Entry` per key: its group (the site of an article, the
article of a passage), its signature and its root (the first-landed member of its cluster).
With Redis storage both live in Redis, so a worker can verify a candidate another worker
added and link to that worker's root.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import redis
from datasketch import MinHashLSH

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


class _MemoryEntries:
    def __init__(self) -> None:
        self._entries: dict[str, Entry] = {}

    def __contains__(self, key: str) -> bool:
        return key in self._entries

    def put(self, entry: Entry) -> None:
        self._entries[entry.key] = entry

    def get_many(self, keys: Iterable[str]) -> list[Entry]:
        return [self._entries[key] for key in keys]


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
        self._entries: _MemoryEntries | _RedisEntries
        if redis_config is None:
            self._lsh = MinHashLSH(num_perm=spec.num_perm, params=bands)
            self._entries = _MemoryEntries()
        else:
            name = f"{redis_config.prefix}:{spec.id}:b{bands[0]}r{bands[1]}"
            connection = {
                "host": redis_config.host,
                "port": redis_config.port,
                "db": redis_config.db,
            }
            self._lsh = MinHashLSH(
                num_perm=spec.num_perm,
                params=bands,
                storage_config={"type": "redis", "basename": name.encode(), "redis": connection},
            )
            self._entries = _RedisEntries(redis.Redis(**connection), f"{name}:entries", spec)

    def __contains__(self, key: str) -> bool:
        return key in self._entries

    def add(self, key: str, group: str | None, signature: Signature, root: str) -> None:
        """Index ``signature`` under ``key``. The entry is stored before the LSH insert, so a
        worker that finds ``key`` as a candidate can always read it. An empty signature (a
        text without words) is stored but not banded: it must match nothing, and all empty
        signatures would otherwise share every bucket."""
        require_same_spec(self.spec, signature.spec)
        self._entries.put(Entry(key, group, root, signature))
        if not signature.empty:
            self._lsh.insert(key, signature.minhash(), check_duplication=False)

    def get(self, key: str) -> Entry:
        """The entry of an indexed ``key`` (:class:`KeyError` if absent)."""
        (entry,) = self._entries.get_many([key])
        return entry

    def candidates(self, signature: Signature) -> list[Entry]:
        """Entries sharing at least one band with ``signature``."""
        require_same_spec(self.spec, signature.spec)
        return self._entries.get_many(self._lsh.query(signature.minhash()))


def jaccard_many(signature: Signature, entries: list[Entry]) -> np.ndarray:
    """Estimated Jaccard of ``signature`` with each entry: the share of equal hash values."""
    if not entries:
        return np.zeros(0)
    matrix = np.stack([entry.signature.hashvalues for entry in entries])
    return np.count_nonzero(matrix == signature.hashvalues, axis=1) / signature.spec.num_perm
