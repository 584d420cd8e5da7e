"""An LSH index of signatures that keeps what exact verification and linking need.

Candidates are the keys sharing at least one band with the query; next to the bands the index
keeps one :class:`Entry` per key: its group (the site of an article, the article of a
passage), its signature and its root (the first-landed member of its cluster).

Two stores. In memory (the default), bands live in a :class:`~dedup.band_table.BandTable`
and entries in columns: datasketch's in-memory :class:`~datasketch.MinHashLSH` keeps a Python
set per bucket, which at 100,000 articles and their passages took 7 GiB. With Redis,
datasketch's :class:`~datasketch.MinHashLSH` on its Redis storage holds the bands and a Redis
hash the entries, so a worker can verify a candidate another worker added and link to that
worker's root.
"""

from __future__ import annotations

import json
import os
import tempfile
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import redis
from datasketch import MinHashLSH

from dedup.band_table import BandTable
from dedup.key_rows import KeyRows
from dedup.segment import Segment
from dedup.signatures import Signature, SignatureSpec, require_same_spec


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


#: ``(key, group, signature)``: an item to link.
Item = tuple[str, str | None, Signature]
#: Picks the root of an item from its group, signature and candidate entries (None: itself).
Chooser = Callable[[str | None, Signature, list[Entry]], str | None]


class _SignatureRows:
    """Signature rows by number: the block being filled in memory, full blocks appended to
    an unlinked temporary file and read back with ``pread``.

    Rows are written once and read only for the few candidates a query finds, so the file
    lives in the kernel's page cache, which gives it back under pressure, and not in the
    process: at 100,000 articles and their passages that is about 400 MB the process no
    longer holds. (Where ``TMPDIR`` is a tmpfs the file is in RAM all the same.)
    """

    #: Rows per block written at once.
    BLOCK = 4096

    def __init__(self, width: int, dtype: type[np.unsignedinteger]) -> None:
        self._dtype = np.dtype(dtype)
        self._row_bytes = width * self._dtype.itemsize
        self._block = np.empty((self.BLOCK, width), self._dtype)
        self._filled = 0  # rows in the current block
        self._written = 0  # rows in the file
        # Open as long as the index lives; closed (and its space freed) when it is collected.
        self._file = tempfile.TemporaryFile(prefix="presswash-signatures-")  # noqa: SIM115

    def __len__(self) -> int:
        return self._written + self._filled

    def extend(self, values: np.ndarray) -> None:
        """Append the rows of the 2-D array ``values``."""
        done = 0
        while done < len(values):
            take = min(self.BLOCK - self._filled, len(values) - done)
            self._block[self._filled : self._filled + take] = values[done : done + take]
            self._filled += take
            done += take
            if self._filled == self.BLOCK:
                self._file.write(self._block.tobytes())
                self._file.flush()
                self._written += self.BLOCK
                self._filled = 0

    def __getitem__(self, row: int) -> np.ndarray:
        if row >= self._written:
            values = self._block[row - self._written].copy()
            values.flags.writeable = False
            return values
        blob = os.pread(self._file.fileno(), self._row_bytes, row * self._row_bytes)
        return np.frombuffer(blob, self._dtype)


class _MemoryIndex:
    """Entries in columns (a row number per key) and LSH buckets in a :class:`BandTable`.

    Per article (128 values, 42 bands) about 1.2 KiB, per passage (64 values, 16 bands)
    about 0.6 KiB, where datasketch's in-memory LSH plus an object per entry took 14 and 6.4;
    of that, the signatures (0.5 and 0.25 KiB) are in a temporary file (:class:`_SignatureRows`).
    """

    def __init__(self, spec: SignatureSpec, bands: tuple[int, int]) -> None:
        self._spec = spec
        self._table = BandTable(*bands)
        self._keys = KeyRows()
        self._groups: list[str | None] = []
        self._group_names: dict[str | None, str | None] = {}  # one object per distinct group
        self._roots = array("l")  # the row of each row's root (its own row: it is a root)
        self._foreign_roots: dict[int, str] = {}  # roots that are not keys of this index
        self._sizes = array("l")
        self._signatures = _SignatureRows(spec.num_perm, spec.dtype)

    def __len__(self) -> int:
        return len(self._keys)

    def known(self, keys: Sequence[str]) -> list[bool]:
        return [row >= 0 for row in self._keys.rows(keys)]

    def add_many(self, entries: Sequence[Entry]) -> None:
        rows = self._append(entries)
        banded = [i for i, entry in enumerate(entries) if not entry.signature.empty]
        if banded:
            values = np.stack([entries[i].signature.hashvalues for i in banded])
            self._table.add(rows[banded], values)

    def link(
        self, items: Sequence[Item], choose: Chooser, stored: dict[int, list[Entry]] | None = None
    ) -> dict[str, str]:
        """As :meth:`MinHashIndex.link`; ``stored`` adds candidates found outside this index
        (on disk, see :class:`_TieredIndex`) to the items at those positions."""
        rows = self._append([Entry(key, group, key, sig) for key, group, sig in items])
        banded = [i for i, (_, _, sig) in enumerate(items) if not sig.empty]
        candidates: dict[int, list[int]] = {}
        if banded:
            values = np.stack([items[i][2].hashvalues for i in banded])
            positions, found = self._table.link(rows[banded], values)
            found = found.tolist()
            owners, starts, counts = np.unique(positions, return_index=True, return_counts=True)
            for owner, start, count in zip(owners, starts, counts, strict=True):
                candidates[banded[owner]] = found[start : start + count]
        stored = stored or {}
        links: dict[str, str] = {}
        for i in sorted(candidates.keys() | stored.keys()):  # in item order: earlier roots first
            key, group, sig = items[i]
            entries = stored.get(i, []) + [self._entry(row) for row in candidates.get(i, [])]
            original = choose(group, sig, entries)
            if original is not None:
                links[key] = original
                self._set_roots([int(rows[i])], [original])
        return links

    def get_many(self, keys: Iterable[str]) -> list[Entry]:
        keys = list(keys)
        rows = self._keys.rows(keys)
        if -1 in rows:
            raise KeyError(keys[rows.index(-1)])
        return [self._entry(row) for row in rows]

    def set_root(self, key: str, root: str) -> None:
        (row,) = self._keys.rows([key])
        if row < 0:
            raise KeyError(key)
        self._set_roots([row], [root])

    def candidates(self, signature: Signature) -> list[Entry]:
        return [self._entry(row) for row in sorted(self._table.query(signature.hashvalues))]

    def added_order(self, keys: Sequence[str]) -> list[int]:
        return self._keys.rows(keys)

    def merge(self, root: str, into: str) -> list[str]:
        """Make ``into`` the root of every entry whose root is ``root``; their keys."""
        root_row = self._keys.rows([root])[0]
        members: set[int] = {row for row, r in self._foreign_roots.items() if r == root}
        if root_row >= 0:
            roots = np.frombuffer(self._roots, dtype=np.int64)
            members.update(np.flatnonzero(roots == root_row).tolist())
            del roots  # the array cannot grow while numpy holds a view of it
        ordered = sorted(members)
        self._set_roots(ordered, [into] * len(ordered))
        return [self._keys.key(row) for row in ordered]

    def _append(self, entries: Sequence[Entry]) -> np.ndarray:
        """Store entries (banding is the caller's); return their row numbers."""
        rows = self._keys.add([entry.key for entry in entries])
        if entries:
            self._signatures.extend(np.stack([entry.signature.hashvalues for entry in entries]))
        names = self._group_names
        self._groups.extend(names.setdefault(entry.group, entry.group) for entry in entries)
        self._roots.extend(rows)
        self._sizes.extend(entry.signature.size for entry in entries)
        linked = [(row, e.root) for row, e in zip(rows, entries, strict=True) if e.root != e.key]
        if linked:
            self._set_roots(*zip(*linked, strict=True))
        return np.arange(rows.start, rows.stop, dtype=np.int32)

    def _set_roots(self, rows: Sequence[int], roots: Sequence[str]) -> None:
        for row, root, root_row in zip(rows, roots, self._keys.rows(roots), strict=True):
            if root_row >= 0:
                self._roots[row] = root_row
                self._foreign_roots.pop(row, None)
            else:
                self._roots[row] = row
                self._foreign_roots[row] = root

    def _entry(self, row: int) -> Entry:
        signature = Signature(self._spec, self._signatures[row], self._sizes[row])
        root = self._foreign_roots.get(row) if self._foreign_roots else None
        key = self._keys.key(row)
        if root is None:
            root_row = self._roots[row]
            root = key if root_row == row else self._keys.key(root_row)
        return Entry(key, self._groups[row], root, signature)


class _TieredIndex:
    """Segments written to disk by earlier runs (see :mod:`dedup.segment`) beneath a
    :class:`_MemoryIndex` of what this process added: the flow restores into memory only
    what landed after the last segment, so its memory does not grow with the warehouse.

    A segment keeps the roots of its build. A cluster merged later is a *move* (its root to
    the root it joined), recorded in the warehouse as a ``cluster_merges`` row and given
    back at the next start; a stored entry's root is its stored one followed through the
    moves. A stored entry linked anew (:meth:`set_root`) keeps its new root in a dict.
    """

    def __init__(
        self,
        spec: SignatureSpec,
        bands: tuple[int, int],
        segments: Sequence[Segment],
        moves: Iterable[tuple[str, str]],
    ) -> None:
        self.memory = _MemoryIndex(spec, bands)
        self._segments = list(segments)
        self._bases = np.cumsum([0] + [len(segment) for segment in self._segments]).tolist()
        self._moves = dict(moves)  # in order: a later move of a root wins
        self._linked: dict[str, str] = {}  # stored keys given a root after their build

    def known(self, keys: Sequence[str]) -> list[bool]:
        there = self.memory.known(keys)
        missing = [key for key, found in zip(keys, there, strict=True) if not found]
        if missing:
            stored = set(self._locate(missing))
            there = [found or key in stored for key, found in zip(keys, there, strict=True)]
        return there

    def add_many(self, entries: Sequence[Entry]) -> None:
        self.memory.add_many(entries)

    def link(self, items: Sequence[Item], choose: Chooser) -> dict[str, str]:
        banded = [i for i, (_, _, sig) in enumerate(items) if not sig.empty]
        stored: dict[int, list[Entry]] = {}
        if banded and self._segments:
            values = np.stack([items[i][2].hashvalues for i in banded])
            for segment in self._segments:
                positions, rows = segment.search(values)
                for position, entry in zip(positions.tolist(), self._read(segment, rows),
                                           strict=True):  # fmt: skip
                    stored.setdefault(banded[position], []).append(entry)
        return self.memory.link(items, choose, stored)

    def get_many(self, keys: Iterable[str]) -> list[Entry]:
        keys = list(keys)
        held = [key for key, there in zip(keys, self.memory.known(keys), strict=True) if there]
        found = dict(zip(held, self.memory.get_many(held), strict=True))
        missing = [key for key in keys if key not in found]
        located = self._locate(missing)
        by_segment: dict[int, list[int]] = {}
        for key in missing:
            if key not in located:
                raise KeyError(key)
            by_segment.setdefault(located[key][0], []).append(located[key][1])
        for number, rows in by_segment.items():
            segment = self._segments[number]
            for entry in self._read(segment, np.array(sorted(set(rows)), np.int64)):
                found[entry.key] = entry
        return [found[key] for key in keys]

    def set_root(self, key: str, root: str) -> None:
        if self.memory.known([key])[0]:
            self.memory.set_root(key, root)
        elif key in self._locate([key]):
            self._linked[key] = root
        else:
            raise KeyError(key)

    def candidates(self, signature: Signature) -> list[Entry]:
        entries = self.memory.candidates(signature)
        if not signature.empty:
            for segment in self._segments:
                _, rows = segment.search(signature.hashvalues[np.newaxis])
                entries.extend(self._read(segment, rows))
        return entries

    def added_order(self, keys: Sequence[str]) -> list[int]:
        """Stored entries first, by segment and row; then this process's, in its order."""
        located = self._locate(keys)
        stored = self._bases[-1]
        return [
            self._bases[located[key][0]] + located[key][1] if key in located else
            (stored + row if row >= 0 else -1)
            for key, row in zip(keys, self.memory.added_order(keys), strict=True)
        ]  # fmt: skip

    def merge(self, root: str, into: str) -> list[str]:
        """Re-point the cluster of ``root`` here and in memory, and record the move."""
        ancestors = {root} | {r for r in self._moves if self._final(r) == root}
        members: dict[str, None] = {}  # in order, each once
        for segment in self._segments:
            rows = segment.members(sorted(ancestors))
            members.update((e.key, None) for e in self._read(segment, rows) if e.root == root)
        linked = (key for key, new in self._linked.items() if self._final(new) == root)
        members.update((key, None) for key in linked)
        self._moves[root] = into
        return [*members, *self.memory.merge(root, into)]

    def _final(self, root: str) -> str:
        seen = 0
        while root in self._moves and seen <= len(self._moves):
            root, seen = self._moves[root], seen + 1
        return root

    def _read(self, segment: Segment, rows: np.ndarray) -> list[Entry]:
        return [
            Entry(key, group, self._final(self._linked.get(key, root)), signature)
            for key, group, root, signature in segment.read(rows)
        ]

    def _locate(self, keys: Sequence[str]) -> dict[str, tuple[int, int]]:
        """``key -> (segment number, row)`` for the keys stored in a segment."""
        found: dict[str, tuple[int, int]] = {}
        for number, segment in enumerate(self._segments):
            left = [key for key in keys if key not in found]
            if not left:
                break
            for key, row in zip(left, segment.rows(left).tolist(), strict=True):
                if row >= 0:
                    found[key] = (number, row)
        return found


class _RedisEntries:
    """Entries in one Redis hash: key -> JSON ``[group, root, size]``, a newline, then the
    signature's little-endian bytes."""

    def __init__(self, client: redis.Redis, name: str, spec: SignatureSpec) -> None:
        self._client = client
        self._name = name
        self._spec = spec

    def known(self, keys: Sequence[str]) -> list[bool]:
        pipe = self._client.pipeline(transaction=False)
        for key in keys:
            pipe.hexists(self._name, key)
        return [bool(there) for there in pipe.execute()]

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

    def set_root(self, key: str, root: str) -> None:
        (entry,) = self.get_many([key])
        self.put(Entry(key, entry.group, root, entry.signature))


#: Gives a key the next number of the index, once, in one atomic step: KEYS[1] the counter,
#: KEYS[2] the hash of numbers, ARGV[1] the key. Returns the key's number.
_NUMBER = """
local known = redis.call('HGET', KEYS[2], ARGV[1])
if known then return tonumber(known) end
local n = redis.call('INCR', KEYS[1])
redis.call('HSET', KEYS[2], ARGV[1], n)
return n
"""


class _RedisIndex:
    """datasketch's :class:`~datasketch.MinHashLSH` on Redis storage, entries in a Redis
    hash next to it: what every worker pointed at the same Redis shares.

    Workers agree on one original for copies added at the same instant: an item is stored
    and banded first, then numbered (an atomic counter, :data:`_NUMBER`), then searched, and
    it may only link to candidates numbered before it. Of two matching items, the one
    numbered later was searched after the other was stored, so it sees it and links to it;
    the earlier one cannot link to the later, so exactly one of them is an original.
    """

    def __init__(self, spec: SignatureSpec, bands: tuple[int, int], config: RedisConfig) -> None:
        name = f"{config.prefix}:{spec.id}:b{bands[0]}r{bands[1]}"
        connection = {"host": config.host, "port": config.port, "db": config.db}
        self._lsh = MinHashLSH(
            num_perm=spec.num_perm,
            params=bands,
            storage_config={"type": "redis", "basename": name.encode(), "redis": connection},
        )
        client = redis.Redis(**connection)
        self._entries = _RedisEntries(client, f"{name}:entries", spec)
        self._number = client.register_script(_NUMBER)
        self._counter, self._numbers = f"{name}:counter", f"{name}:numbers"
        self._client = client

    def known(self, keys: Sequence[str]) -> list[bool]:
        return self._entries.known(keys)

    def add_many(self, entries: Sequence[Entry]) -> None:
        for entry in entries:
            self._entries.put(entry)
        with self._lsh.insertion_session() as session:
            for entry in entries:
                if not entry.signature.empty:
                    session.insert(entry.key, entry.signature.minhash(), check_duplication=False)
        for entry in entries:
            self._numbered(entry.key)

    def link(self, items: Sequence[Item], choose: Chooser) -> dict[str, str]:
        """One item after the other: another worker may add between two of them, or at the
        same instant (see the class docstring)."""
        links: dict[str, str] = {}
        for key, group, sig in items:
            self.add_many([Entry(key, group, key, sig)])
            number = self._numbered(key)
            entries = [e for e in self.candidates(sig) if e.key != key] if not sig.empty else []
            numbers = self._client.hmget(self._numbers, [e.key for e in entries]) if entries else []
            earlier = [
                entry
                for entry, n in zip(entries, numbers, strict=True)
                if n is not None and int(n) < number
            ]
            original = choose(group, sig, earlier) if earlier else None
            if original is not None:
                links[key] = original
                self._entries.set_root(key, original)
        return links

    def _numbered(self, key: str) -> int:
        return int(self._number(keys=[self._counter, self._numbers], args=[key]))

    def get_many(self, keys: Iterable[str]) -> list[Entry]:
        return self._entries.get_many(keys)

    def set_root(self, key: str, root: str) -> None:
        self._entries.set_root(key, root)

    def candidates(self, signature: Signature) -> list[Entry]:
        return self._entries.get_many(self._lsh.query(signature.minhash()))


class MinHashIndex:
    """LSH candidates plus stored entries, in memory, in memory over segments on disk
    (``segments``, with the cluster ``moves`` made since they were written), or in Redis.

    ``bands`` is ``(b, r)``: ``b`` bands of ``r`` rows (``b * r <= num_perm``). A pair with
    Jaccard ``s`` becomes a candidate with probability ``1 - (1 - s**r)**b``; callers choose
    bands for the recall they need and verify candidates themselves.
    """

    def __init__(
        self,
        spec: SignatureSpec,
        bands: tuple[int, int],
        redis_config: RedisConfig | None = None,
        segments: Sequence[Segment] = (),
        moves: Iterable[tuple[str, str]] = (),
    ) -> None:
        self.spec = spec
        self.bands = bands
        self._store: _MemoryIndex | _TieredIndex | _RedisIndex
        if redis_config is not None:
            self._store = _RedisIndex(spec, bands, redis_config)
        elif segments:
            self._store = _TieredIndex(spec, bands, segments, moves)
        else:
            self._store = _MemoryIndex(spec, bands)

    @property
    def held(self) -> int:
        """Entries held in this process's memory (not on disk, not in Redis)."""
        if isinstance(self._store, _RedisIndex):
            return 0
        memory = self._store if isinstance(self._store, _MemoryIndex) else self._store.memory
        return len(memory)

    def known(self, keys: Sequence[str]) -> list[bool]:
        """Whether each of ``keys`` is indexed: one lookup for all of them."""
        return self._store.known(keys)

    def add_many(self, entries: Sequence[Entry]) -> None:
        """Index entries whose roots are known (e.g. restored from the warehouse). An entry
        is stored before it is banded, so a worker that finds its key as a candidate can
        always read it. An empty signature (a text without words) is stored but not banded:
        it must match nothing, and all empty signatures would otherwise share every bucket."""
        for entry in entries:
            require_same_spec(self.spec, entry.signature.spec)
        self._store.add_many(entries)

    def link(self, items: Iterable[Item], choose: Chooser) -> dict[str, str]:
        """Add ``(key, group, signature)`` items in order, each with the root ``choose``
        picks for it, and return ``{key: root}`` for the items it gave a root.

        ``choose(group, signature, candidates)`` sees the entries sharing a band with the
        item, among those indexed before it (earlier items of the same call included), and
        returns the root to link the item to, or None to make the item its own root. It is
        not called for an item without candidates, which is its own root. Keys
        already indexed, and repeats of a key, are skipped.
        """
        batch: dict[str, Item] = {}
        for item in items:
            require_same_spec(self.spec, item[2].spec)
            batch.setdefault(item[0], item)
        known = self.known(list(batch))
        new = [item for item, there in zip(batch.values(), known, strict=True) if not there]
        return self._store.link(new, choose) if new else {}

    def get(self, key: str) -> Entry:
        """The entry of an indexed ``key`` (:class:`KeyError` if absent)."""
        (entry,) = self._store.get_many([key])
        return entry

    def get_many(self, keys: Iterable[str]) -> list[Entry]:
        """The entries of indexed ``keys``, in order (:class:`KeyError` if one is absent)."""
        return self._store.get_many(keys)

    def set_root(self, key: str, root: str) -> None:
        """Make ``root`` the root of the indexed ``key`` (a link found after it was added)."""
        self._store.set_root(key, root)

    @property
    def merges(self) -> bool:
        """Whether :meth:`merge` and :meth:`added_order` work here: in memory, not in Redis
        (where workers agree on one original per item, see :class:`_RedisIndex`, and a
        merge would need the same agreement over whole clusters)."""
        return not isinstance(self._store, _RedisIndex)

    def added_order(self, keys: Sequence[str]) -> list[int]:
        """The place of each key in the order the index was given them (-1: not indexed);
        an index restored from the warehouse is given articles in landing order."""
        if isinstance(self._store, _RedisIndex):
            raise NotImplementedError("the Redis index keeps no order of its keys")
        return self._store.added_order(keys)

    def merge(self, root: str, into: str) -> list[str]:
        """Make ``into`` the root of every entry whose root is ``root`` (``root`` included);
        return their keys (none if either is not indexed here)."""
        if isinstance(self._store, _RedisIndex):
            raise NotImplementedError("clusters are not merged in the Redis index")
        return self._store.merge(root, into)

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
