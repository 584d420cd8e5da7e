"""A part of an index written once to disk: the entries of many stored articles (or
passages), found by band, by key and by root without holding them in memory.

A run that restored every article of a large warehouse into memory held about 1.2 KiB per
article and 0.6 KiB per passage (tens of GB at 10 million articles). A segment keeps the
same :class:`~dedup.index.Entry` columns in files read with ``pread``: signatures and sizes
as ``.npy`` arrays, keys, groups and roots as UTF-8 strings, and three
:class:`~dedup.sorted_keys.SortedKeys` files that find rows by band key (candidates), by the
hash of a key (is it stored, which row) and by the hash of a root (the members of a cluster,
for a merge). What a process holds of it is the fences: a few bytes per 256 entries.

A segment is immutable. The roots it stores are those of its build; a cluster merged later
is followed through the index's moves (see :class:`~dedup.index.MinHashIndex`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import xxhash

from dedup.band_table import BandTable
from dedup.signatures import Signature, SignatureSpec
from dedup.sorted_keys import NpyFile, SortedKeys, SortedKeysWriter, write_npy_header

#: A missing group, stored as one byte that no UTF-8 string is.
_NONE = b"\xff"
#: Entries searched per bucket of a band (as :class:`~dedup.band_table.BandTable`'s cap).
CAP = 32
#: Entries read per key hash: more than one only where two keys share a 64-bit hash.
_KEY_CAP = 4


def key_hashes(keys: Iterable[str]) -> np.ndarray:
    """The 64-bit hashes by which a segment finds string keys."""
    return np.array([xxhash.xxh3_64_intdigest(key.encode()) for key in keys], np.uint64)


class Segment:
    """The segment in ``directory`` (see :meth:`build`)."""

    def __init__(self, directory: Path, spec: SignatureSpec) -> None:
        meta = json.loads((directory / "segment.json").read_text())
        if meta["spec"] != spec.id:
            raise ValueError(f"{directory} holds {meta['spec']} signatures, not {spec.id}")
        self.directory, self.spec = directory, spec
        self.bands: tuple[int, int] = (meta["bands"][0], meta["bands"][1])
        self._table = BandTable(*self.bands, CAP)  # for keys() only
        self._signatures = NpyFile(directory / "signatures.npy")
        self._sizes = NpyFile(directory / "sizes.npy")
        self._keys = _Strings(directory / "keys")
        self._groups = _Strings(directory / "groups")
        self._roots = _Strings(directory / "roots")
        self._by_band = SortedKeys(directory / "bands.npy")
        self._by_key = SortedKeys(directory / "key_hashes.npy")
        self._by_root = SortedKeys(directory / "root_hashes.npy")

    def __len__(self) -> int:
        return self._signatures.size

    def close(self) -> None:
        for part in (self._signatures, self._sizes, self._keys, self._groups, self._roots):
            part.close()
        for keys in (self._by_band, self._by_key, self._by_root):
            keys.close()

    @classmethod
    def build(
        cls,
        directory: Path,
        spec: SignatureSpec,
        bands: tuple[int, int],
        chunks: Iterable[Sequence[tuple[str, str | None, str, Signature]]],
    ) -> Segment:
        """Write every ``(key, group, root, signature)`` of ``chunks``, in order, into the
        new directory ``directory`` in bounded memory, and open it. Empty signatures are
        stored but not banded (they match nothing)."""
        directory.mkdir(parents=True)
        table = BandTable(*bands, CAP)
        count = 0
        with (
            open(directory / "signatures.tmp", "wb") as signatures,
            open(directory / "sizes.tmp", "wb") as sizes,
            _StringsWriter(directory / "keys") as keys,
            _StringsWriter(directory / "groups") as groups,
            _StringsWriter(directory / "roots") as roots,
            SortedKeysWriter(directory / "bands.npy") as by_band,
            SortedKeysWriter(directory / "key_hashes.npy") as by_key,
            SortedKeysWriter(directory / "root_hashes.npy") as by_root,
        ):
            for chunk in chunks:
                if not chunk:
                    continue
                rows = np.arange(count, count + len(chunk), dtype=np.int32)
                values = np.stack([sig.hashvalues for *_, sig in chunk]).astype(spec.dtype)
                values.tofile(signatures)
                np.array([sig.size for *_, sig in chunk], np.int32).tofile(sizes)
                keys.extend(key for key, *_ in chunk)
                groups.extend(group for _, group, _, _ in chunk)
                roots.extend(root for _, _, root, _ in chunk)
                banded = np.array([not sig.empty for *_, sig in chunk])
                if banded.any():
                    by_band.add(
                        table.keys(values[banded]).ravel(), np.repeat(rows[banded], bands[0])
                    )
                by_key.add(key_hashes(key for key, *_ in chunk), rows)
                by_root.add(key_hashes(root for _, _, root, _ in chunk), rows)
                count += len(chunk)
        _finish_npy(directory / "signatures.tmp", directory / "signatures.npy",
                    np.dtype(spec.dtype), (count, spec.num_perm))  # fmt: skip
        _finish_npy(directory / "sizes.tmp", directory / "sizes.npy", np.dtype(np.int32), (count,))
        meta = {"spec": spec.id, "bands": list(bands), "count": count}
        (directory / "segment.json").write_text(json.dumps(meta))
        return cls(directory, spec)

    def search(self, hashvalues: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(i, row)`` pairs, sorted and each once, for the rows sharing a band bucket with
        ``hashvalues[i]`` (at most :data:`CAP` per bucket, its earliest)."""
        flat, rows = self._by_band.first(self._table.keys(hashvalues).ravel(), CAP)
        pairs = np.unique((flat // self.bands[0]) << 32 | rows)
        return pairs >> 32, pairs & np.int64(0xFFFFFFFF)

    def rows(self, keys: Sequence[str]) -> np.ndarray:
        """The row of each key, -1 for a key not stored here."""
        out = np.full(len(keys), -1, np.int64)
        owners, rows = self._by_key.first(key_hashes(keys), _KEY_CAP)
        for owner, row, stored in zip(owners, rows, self._keys.get(rows), strict=True):
            if stored == keys[owner]:
                out[owner] = row
        return out

    def members(self, roots: Sequence[str]) -> np.ndarray:
        """The rows stored with one of ``roots`` as their root, sorted."""
        _, rows = self._by_root.every(key_hashes(roots))
        rows = np.unique(rows)
        wanted = set(roots)
        kept = [root in wanted for root in self._roots.get(rows)]
        return rows[np.array(kept, bool)] if len(rows) else rows

    def keys(self, rows: np.ndarray) -> list[str]:
        return self._keys.get(rows)  # type: ignore[return-value]  # keys are never None

    def read(self, rows: np.ndarray) -> list[tuple[str, str | None, str, Signature]]:
        """``(key, group, stored root, signature)`` of each row, in order."""
        rows = np.asarray(rows, np.int64)
        values, sizes = self._signatures.rows(rows), self._sizes.rows(rows)
        values.flags.writeable = False
        return [
            (key, group, root, Signature(self.spec, value, int(size)))
            for key, group, root, value, size in zip(
                self._keys.get(rows),
                self._groups.get(rows),
                self._roots.get(rows),
                values,
                sizes.tolist(),
                strict=True,
            )
        ]


def _finish_npy(raw: Path, path: Path, dtype: np.dtype, shape: tuple[int, ...]) -> None:
    """Turn the raw rows written to ``raw`` into the ``.npy`` file ``path``."""
    with open(path, "wb") as out, open(raw, "rb") as source:
        write_npy_header(out, dtype, shape)
        while block := source.read(1 << 24):
            out.write(block)
    raw.unlink()


class _Strings:
    """A column of strings: their UTF-8 bytes back to back (``NAME.bin.npy``) and the offset
    where each starts, with the end of the last (``NAME.offsets.npy``), read with ``pread``."""

    def __init__(self, base: Path) -> None:
        self._offsets = NpyFile(base.with_suffix(".offsets.npy"))
        self._data = NpyFile(base.with_suffix(".bin.npy"))

    def get(self, rows: np.ndarray) -> list[str | None]:
        rows = np.asarray(rows, np.int64).tolist()
        if not rows:
            return []
        bounds = self._offsets.read([(row, row + 2) for row in rows]).tolist()
        data = self._data.read(list(zip(bounds[::2], bounds[1::2], strict=True))).tobytes()
        out: list[str | None] = []
        at = 0
        for start, stop in zip(bounds[::2], bounds[1::2], strict=True):
            raw = data[at : at + stop - start]
            at += stop - start
            out.append(None if raw == _NONE else raw.decode())
        return out

    def close(self) -> None:
        self._offsets.close()
        self._data.close()


class _StringsWriter:
    """Writes a :class:`_Strings` column from strings added in order, in bounded memory."""

    def __init__(self, base: Path) -> None:
        self._base = base
        self._data = open(base.with_suffix(".bin.tmp"), "wb")  # noqa: SIM115
        self._offsets = open(base.with_suffix(".offsets.tmp"), "wb")  # noqa: SIM115
        self._at, self._count = 0, 0
        np.zeros(1, np.int64).tofile(self._offsets)

    def __enter__(self) -> _StringsWriter:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        self._data.close()
        self._offsets.close()
        if kind is not None:
            return
        base = self._base
        _finish_npy(base.with_suffix(".bin.tmp"), base.with_suffix(".bin.npy"),
                    np.dtype(np.uint8), (self._at,))  # fmt: skip
        _finish_npy(base.with_suffix(".offsets.tmp"), base.with_suffix(".offsets.npy"),
                    np.dtype(np.int64), (self._count + 1,))  # fmt: skip

    def extend(self, values: Iterable[str | None]) -> None:
        encoded = [_NONE if value is None else value.encode() for value in values]
        if not encoded:
            return
        self._data.write(b"".join(encoded))
        ends = self._at + np.cumsum([len(b) for b in encoded], dtype=np.int64)
        ends.tofile(self._offsets)
        self._at, self._count = int(ends[-1]), self._count + len(encoded)
