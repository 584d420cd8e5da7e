"""MinHash signatures of texts, computed in bulk, stored as plain arrays.

A :class:`Signature` is what the warehouse keeps: ``num_perm`` unsigned integers (a BLOB via
:meth:`Signature.to_bytes`, or a list via ``hashvalues.tolist()``) plus the number of distinct
shingles, and the id of the :class:`SignatureSpec` that made it. Signatures made under
different specs are not comparable (another shingle size, hash or datasketch scheme gives
unrelated values), so every comparison checks the spec id and refuses a mismatch.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import xxhash
from datasketch import LeanMinHash, MinHash

from cleaners.shingles import shingles, words

#: datasketch seeds its permutations with this; fixed so stored signatures stay comparable.
_SEED = 1
#: Input hash for each datasketch scheme: the hash must be as wide as the scheme.
_HASHES: dict[str, tuple[str, Callable[[bytes], int], type[np.unsignedinteger]]] = {
    "affine32": ("xxh32", xxhash.xxh32_intdigest, np.uint32),
    "affine64": ("xxh64", xxhash.xxh64_intdigest, np.uint64),
}
_SPEC_ID = re.compile(r"w(\d+)-p(\d+)-(xxh32|xxh64)-(affine32|affine64)")


class SpecMismatch(ValueError):
    """Two signatures (or a signature and an index) come from different specs."""


@dataclass(frozen=True, slots=True)
class SignatureSpec:
    """How signatures are made: ``shingle_size``-word shingles, ``num_perm`` permutations,
    datasketch ``scheme`` (the input hash follows from it: xxh32 for ``affine32``)."""

    shingle_size: int = 3
    num_perm: int = 128
    scheme: str = "affine32"

    def __post_init__(self) -> None:
        if self.scheme not in _HASHES:
            raise ValueError(f"unsupported scheme {self.scheme!r}; use one of {list(_HASHES)}")
        if self.shingle_size < 1 or self.num_perm < 2:
            raise ValueError("shingle_size must be >= 1 and num_perm >= 2")

    @property
    def hash_name(self) -> str:
        return _HASHES[self.scheme][0]

    @property
    def dtype(self) -> type[np.unsignedinteger]:
        return _HASHES[self.scheme][2]

    @property
    def id(self) -> str:
        """A stable name such as ``"w3-p128-xxh32-affine32"``, stored next to signatures."""
        return f"w{self.shingle_size}-p{self.num_perm}-{self.hash_name}-{self.scheme}"

    @classmethod
    def parse(cls, spec_id: str) -> SignatureSpec:
        """The spec named by ``spec_id`` (the inverse of :attr:`id`)."""
        found = _SPEC_ID.fullmatch(spec_id)
        if not found or _HASHES[found[4]][0] != found[3]:
            raise ValueError(f"not a signature spec id: {spec_id!r}")
        return cls(int(found[1]), int(found[2]), found[4])


@dataclass(frozen=True, slots=True, eq=False)
class Signature:
    """A text's MinHash: ``hashvalues`` (read-only array of ``spec.dtype``) and ``size``, the
    number of distinct shingles (needed to turn a Jaccard estimate into containment)."""

    spec: SignatureSpec
    hashvalues: np.ndarray
    size: int

    @classmethod
    def from_values(
        cls, spec: SignatureSpec, values: Sequence[int] | np.ndarray, size: int
    ) -> Signature:
        """Rebuild a stored signature from its values (a list or an array), no recomputation."""
        array = np.array(values, dtype=spec.dtype)
        if array.shape != (spec.num_perm,):
            raise SpecMismatch(f"{spec.id} needs {spec.num_perm} values, got shape {array.shape}")
        array.flags.writeable = False
        return cls(spec, array, size)

    @classmethod
    def from_bytes(cls, spec: SignatureSpec, blob: bytes, size: int) -> Signature:
        """Rebuild a signature from :meth:`to_bytes` output."""
        itemsize = np.dtype(spec.dtype).itemsize
        if len(blob) != spec.num_perm * itemsize:
            raise SpecMismatch(f"{spec.id} needs {spec.num_perm * itemsize} bytes, got {len(blob)}")
        return cls.from_values(
            spec, np.frombuffer(blob, dtype=np.dtype(spec.dtype).newbyteorder("<")), size
        )

    def to_bytes(self) -> bytes:
        """The hash values as little-endian bytes (``num_perm`` x 4 bytes for affine32)."""
        return self.hashvalues.astype(np.dtype(self.spec.dtype).newbyteorder("<")).tobytes()

    @property
    def empty(self) -> bool:
        """True for a text without words: such a signature matches nothing."""
        return self.size == 0

    def minhash(self) -> LeanMinHash:
        """The datasketch object, for :class:`datasketch.MinHashLSH`."""
        return LeanMinHash(seed=_SEED, hashvalues=self.hashvalues, scheme=self.spec.scheme)

    def jaccard(self, other: Signature) -> float:
        """Estimated Jaccard similarity of the two shingle sets."""
        require_same_spec(self.spec, other.spec)
        return float(np.count_nonzero(self.hashvalues == other.hashvalues)) / self.spec.num_perm

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Signature)
            and self.spec == other.spec
            and self.size == other.size
            and np.array_equal(self.hashvalues, other.hashvalues)
        )


def require_same_spec(expected: SignatureSpec, got: SignatureSpec) -> None:
    """Raise :class:`SpecMismatch` unless ``got`` is ``expected``."""
    if got != expected:
        raise SpecMismatch(f"signature spec {got.id} cannot be compared with {expected.id}")


def signatures(texts: Sequence[str], spec: SignatureSpec | None = None) -> list[Signature]:
    """Signatures of ``texts``, computed in one :meth:`datasketch.MinHash.bulk` call with an
    xxhash input hash (no per-shingle ``update``). Duplicate shingles within a text are
    dropped first: MinHash is a set sketch, and the set's size is kept for containment."""
    spec = spec or SignatureSpec()
    sets = [set(shingles(words(text), spec.shingle_size)) for text in texts]
    hashfunc = _HASHES[spec.scheme][1]
    minhashes = MinHash.bulk(
        sets, num_perm=spec.num_perm, seed=_SEED, hashfunc=hashfunc, scheme=spec.scheme
    )
    out = []
    for shingle_set, minhash in zip(sets, minhashes, strict=True):
        values = minhash.hashvalues
        values.flags.writeable = False
        out.append(Signature(spec, values, len(shingle_set)))
    return out
