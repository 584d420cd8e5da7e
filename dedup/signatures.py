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

from dedup.shingles import POSITION_MULTIPLIERS, shingle_hashes, words

#: datasketch seeds its permutations with this; fixed so stored signatures stay comparable.
_SEED = 1
#: Word hash for each datasketch scheme (as wide as the scheme), and its name in spec ids:
#: "wxxh32" is xxh32 of each word, a shingle being a sum of its words' hashes (see
#: :func:`dedup.shingles.shingle_hashes`).
_HASHES: dict[str, tuple[str, Callable[[bytes], int], type[np.unsignedinteger]]] = {
    "affine32": ("wxxh32", xxhash.xxh32_intdigest, np.uint32),
    "affine64": ("wxxh64", xxhash.xxh64_intdigest, np.uint64),
}
_SPEC_ID = re.compile(r"w(\d+)-p(\d+)-(wxxh32|wxxh64)-(affine32|affine64)")


class SpecMismatch(ValueError):
    """Two signatures (or a signature and an index) come from different specs."""


@dataclass(frozen=True, slots=True)
class SignatureSpec:
    """How signatures are made: ``shingle_size``-word shingles, ``num_perm`` permutations,
    datasketch ``scheme`` (the word hash follows from it: xxh32 for ``affine32``)."""

    shingle_size: int = 3
    num_perm: int = 128
    scheme: str = "affine32"

    def __post_init__(self) -> None:
        if self.scheme not in _HASHES:
            raise ValueError(f"unsupported scheme {self.scheme!r}; use one of {list(_HASHES)}")
        if not 1 <= self.shingle_size <= len(POSITION_MULTIPLIERS) or self.num_perm < 2:
            raise ValueError(
                f"shingle_size must be 1 to {len(POSITION_MULTIPLIERS)} and num_perm >= 2"
            )

    @property
    def hash_name(self) -> str:
        return _HASHES[self.scheme][0]

    @property
    def dtype(self) -> type[np.unsignedinteger]:
        return _HASHES[self.scheme][2]

    @property
    def id(self) -> str:
        """A stable name such as ``"w3-p128-wxxh32-affine32"``, stored next to signatures."""
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

    def __reduce__(self) -> tuple[Callable[..., Signature], tuple[SignatureSpec, bytes, int]]:
        # Batches of signatures cross process boundaries; the dataclass default (a Python
        # __getstate__ per object plus an array's own reduction) costs several times more.
        return _unpickle, (self.spec, self.hashvalues.tobytes(), self.size)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Signature)
            and self.spec == other.spec
            and self.size == other.size
            and np.array_equal(self.hashvalues, other.hashvalues)
        )


def _unpickle(spec: SignatureSpec, blob: bytes, size: int) -> Signature:
    return Signature(spec, np.frombuffer(blob, dtype=spec.dtype), size)


def require_same_spec(expected: SignatureSpec, got: SignatureSpec) -> None:
    """Raise :class:`SpecMismatch` unless ``got`` is ``expected``."""
    if got != expected:
        raise SpecMismatch(f"signature spec {got.id} cannot be compared with {expected.id}")


def signatures(texts: Sequence[str], spec: SignatureSpec | None = None) -> list[Signature]:
    """Signatures of ``texts``, computed in one :meth:`datasketch.MinHash.bulk` call (no
    per-shingle ``update``): each word is hashed once with xxhash and each shingle's input
    hash is combined from its words' hashes in numpy. Duplicate shingles within a text count
    once: MinHash is a set sketch, and the set's size is kept for containment."""
    spec = spec or SignatureSpec()
    return _sign([_Shingled(words(text), spec).item() for text in texts], spec)


def signatures_with_parts(
    documents: Sequence[Sequence[str]],
    spec: SignatureSpec,
    part_spec: SignatureSpec,
    wanted: Callable[[str], bool],
) -> list[tuple[Signature, list[Signature | None]]]:
    """For each document given as its parts (paragraphs): the signature of the whole, the
    parts joined by a blank line, under ``spec``, and of each part under ``part_spec``
    (``None`` for a part that is not ``wanted``).

    The values are those of :func:`signatures` on the joined text and on each part, but each
    part is split into words once and each shingle hashed once: the words of the whole are
    the words of its parts in turn (no word runs across a line break), so a part's shingles
    are a run of the whole's. Specs that shingle or hash differently are computed apart.
    """
    if (spec.shingle_size, spec.scheme) != (part_spec.shingle_size, part_spec.scheme):
        wholes = signatures(["\n\n".join(parts) for parts in documents], spec)
        return [
            (whole, _wanted_signatures(parts, part_spec, wanted))
            for whole, parts in zip(wholes, documents, strict=True)
        ]
    whole_items: list[tuple[np.ndarray, int]] = []
    part_items: list[tuple[np.ndarray, int]] = []
    where: list[list[int | None]] = []
    for parts in documents:
        tokens = [words(part) for part in parts]
        whole = _Shingled([t for part in tokens for t in part], spec)
        whole_items.append(whole.item())
        slots: list[int | None] = []
        start = 0
        for part, part_tokens in zip(parts, tokens, strict=True):
            if wanted(part):
                slots.append(len(part_items))
                part_items.append(whole.run(start, len(part_tokens)))
            else:
                slots.append(None)
            start += len(part_tokens)
        where.append(slots)
    wholes = _sign(whole_items, spec)
    signed = _sign(part_items, part_spec)
    return [
        (whole, [None if slot is None else signed[slot] for slot in slots])
        for whole, slots in zip(wholes, where, strict=True)
    ]


def _wanted_signatures(
    parts: Sequence[str], spec: SignatureSpec, wanted: Callable[[str], bool]
) -> list[Signature | None]:
    chosen = [part for part in parts if wanted(part)]
    signed = iter(signatures(chosen, spec))
    return [next(signed) if wanted(part) else None for part in parts]


class _Shingled:
    """The shingle hashes of a word sequence, in order (repeats kept)."""

    __slots__ = ("hashes", "spec", "word_hashes")

    def __init__(self, tokens: list[bytes], spec: SignatureSpec) -> None:
        _, hash_word, dtype = _HASHES[spec.scheme]
        self.spec = spec
        self.word_hashes = np.fromiter(map(hash_word, tokens), dtype=dtype, count=len(tokens))
        self.hashes = shingle_hashes(self.word_hashes, spec.shingle_size)

    def item(self) -> tuple[np.ndarray, int]:
        """The shingle hashes and the number of distinct ones, for :func:`_sign`."""
        return _item(self.hashes)

    def run(self, start: int, length: int) -> tuple[np.ndarray, int]:
        """:meth:`item` of the ``length`` words from ``start``, as if they were a text of
        their own."""
        size = self.spec.shingle_size
        if length <= size:  # a short text is one shingle of all its words (or none)
            hashes = shingle_hashes(self.word_hashes[start : start + length], size)
        else:
            hashes = self.hashes[start : start + length - size + 1]
        return _item(hashes)


def _item(hashes: np.ndarray) -> tuple[np.ndarray, int]:
    # Distinct hashes stand for distinct shingles: at 32 bits, two shingles of one article
    # collide with odds of about 1 in 30,000, and then the size is off by one. Counted on a
    # sorted copy, which takes half the time of a set of Python ints.
    ordered = np.sort(hashes)
    return hashes, int(np.count_nonzero(ordered[1:] != ordered[:-1])) + (len(ordered) > 0)


def _whole(hashes: np.ndarray) -> np.ndarray:
    """datasketch's ``hashfunc`` here: a batch item is an array of input hashes already."""
    return hashes


#: Input hashes per datasketch call: it holds a ``n x num_perm`` matrix, so a 2-million-word
#: document signed in one call would take 1 GB; chunks keep it to ~32 MB.
_CHUNK = 65_536


def _sign(items: Sequence[tuple[np.ndarray, int]], spec: SignatureSpec) -> list[Signature]:
    """Signatures from ``(shingle hashes, distinct shingle count)`` pairs, in one
    :meth:`datasketch.MinHash.bulk` call.

    Each document is handed to datasketch as a batch of one item, its array of input
    hashes, with ``hashfunc`` returning it as is: ``update_batch`` turns what ``hashfunc``
    returns into an array and flattens it to one column before permuting, so the whole array
    is permuted at once, without a Python call per shingle (a third less time than a list
    of ints through ``operator.index``). ``test_bulk_signatures_equal_a_per_shingle_update
    _loop`` holds datasketch to that. Documents too long for one call are folded in chunk by
    chunk: the minimum of minimums is the same. A text without words is an empty batch.
    """
    minhashes = MinHash.bulk(
        ([hashes[:_CHUNK]] if len(hashes) else [] for hashes, _ in items),
        num_perm=spec.num_perm,
        seed=_SEED,
        hashfunc=_whole,
        scheme=spec.scheme,
    )
    for (hashes, _), minhash in zip(items, minhashes, strict=True):
        for start in range(_CHUNK, len(hashes), _CHUNK):
            minhash.update_batch([hashes[start : start + _CHUNK]])
    out = []
    for (_, size), minhash in zip(items, minhashes, strict=True):
        values = minhash.hashvalues
        values.flags.writeable = False
        out.append(Signature(spec, values, size))
    return out
