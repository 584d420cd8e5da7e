"""Word shingles over a detection key: the sets that MinHash signatures summarize.

The key is lossy on purpose (it is never stored): NFKC folds styled and full-width letters to
ASCII, case folding makes "Kabul" and "KABUL" one word, and punctuation is dropped so that a
copy whose quotes were uncurled or whose dashes changed still shingles the same. Digits stay:
"13 troops" and "31 troops" are different facts.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np

# Punctuation and symbols separate words ("word—word", "U.S." -> "u s"); \w keeps letters,
# digits and the underscore of every script.
_NON_WORD = re.compile(r"[^\w\s]+")
#: The same rule for ASCII bytes, as a translation table: what ``_NON_WORD`` replaces becomes a
#: space, everything else stays.
_ASCII_PUNCTUATION = bytes(
    byte if chr(byte).isalnum() or chr(byte) == "_" or chr(byte).isspace() else ord(" ")
    for byte in range(128)
) + bytes(range(128, 256))
_ASCII = bytes(range(128))
#: Above this many distinct non-ASCII characters (Chinese or Japanese text), one pass of the
#: regular expression is cheaper than a replace per character.
_MAX_REPLACED = 32


def words(text: str) -> list[bytes]:
    """The detection words of ``text``: NFKC, case-folded, punctuation removed, UTF-8 bytes.

    Bytes, because the words are hashed as bytes. The words are those of ``_NON_WORD`` run
    over the whole text, found in a fraction of its time: ASCII punctuation goes through a
    byte translation table, and each distinct non-ASCII punctuation character (curly quotes,
    dashes: a handful per article) through one ``bytes.replace``.
    """
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    key = text.casefold().encode().translate(_ASCII_PUNCTUATION)
    if not key.isascii():
        key = _space_non_ascii_punctuation(key)
    return key.split()


def _space_non_ascii_punctuation(key: bytes) -> bytes:
    # Dropping the ASCII bytes of UTF-8 leaves whole characters, and replacing a character's
    # bytes cannot cut another character (UTF-8 is self-synchronizing).
    others = set(key.translate(None, _ASCII).decode())
    if len(others) > _MAX_REPLACED:
        return _NON_WORD.sub(" ", key.decode()).encode()
    for char in others:
        if _NON_WORD.match(char):
            key = key.replace(char.encode(), b" ")
    return key


def shingles(tokens: list[bytes], size: int) -> list[bytes]:
    """Overlapping ``size``-word shingles of ``tokens``, each one space-joined bytes string.

    A text shorter than ``size`` words yields one shingle of all its words (so a short text
    still has a signature); an empty text yields none. For exact shingle sets (benchmarks'
    ground truth); signatures hash shingles with :func:`shingle_hashes` instead.
    """
    if len(tokens) <= size:
        return [b" ".join(tokens)] if tokens else []
    return list(map(b" ".join, zip(*(tokens[i:] for i in range(size)), strict=False)))


#: Odd multipliers (the golden ratio's and xxhash's primes), one per word position of a
#: shingle, so that "a b c" and "c b a" hash apart; their low 32 bits are odd too.
POSITION_MULTIPLIERS = (
    0x9E3779B97F4A7C15,
    0xC2B2AE3D27D4EB4F,
    0x165667B19E3779F9,
    0x85EBCA77C2B2AE63,
    0x27D4EB2F165667C5,
)


def shingle_hashes(word_hashes: np.ndarray, size: int) -> np.ndarray:
    """One hash per ``size``-word shingle from the hashes of its words, in order.

    Each word is hashed once and a shingle's hash is a position-weighted sum of its words'
    hashes (wrapping in the array's unsigned type), so no shingle string is ever built. A text
    of ``size`` words or fewer gives one hash of all its words, an empty text none. The sum is
    not a strong hash by itself; datasketch's affine schemes pass every input through the
    MurmurHash3 finalizer before permuting, which spreads it.
    """
    dtype = word_hashes.dtype
    if not 1 <= size <= len(POSITION_MULTIPLIERS):
        raise ValueError(f"shingles of 1 to {len(POSITION_MULTIPLIERS)} words are supported")
    count = max(len(word_hashes) - size + 1, 1) if len(word_hashes) else 0
    out = np.zeros(count, dtype=dtype)
    mask = np.iinfo(dtype).max
    for offset in range(min(size, len(word_hashes))):
        multiplier = dtype.type(POSITION_MULTIPLIERS[offset] & mask)
        out += word_hashes[offset : offset + count] * multiplier
    return out
