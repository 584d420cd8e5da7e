"""Word shingles over a detection key: the sets that MinHash signatures summarize.

The key is lossy on purpose (it is never stored): NFKC folds styled and full-width letters to
ASCII, case folding makes "Kabul" and "KABUL" one word, and punctuation is dropped so that a
copy whose quotes were uncurled or whose dashes changed still shingles the same. Digits stay:
"13 troops" and "31 troops" are different facts.
"""

from __future__ import annotations

import re
import unicodedata

# Punctuation and symbols separate words ("word—word", "U.S." -> "u s"); \w keeps letters,
# digits and the underscore of every script.
_NON_WORD = re.compile(r"[^\w\s]+")


def words(text: str) -> list[bytes]:
    """The detection words of ``text``: NFKC, case-folded, punctuation removed, UTF-8 bytes.

    Bytes, because the shingles are hashed as bytes and joining bytes is cheaper than
    encoding each shingle.
    """
    key = unicodedata.normalize("NFKC", text).casefold()
    return _NON_WORD.sub(" ", key).encode().split()


def shingles(tokens: list[bytes], size: int) -> list[bytes]:
    """Overlapping ``size``-word shingles of ``tokens``, each one space-joined bytes string.

    A text shorter than ``size`` words yields one shingle of all its words (so a short text
    still has a signature); an empty text yields none.
    """
    if len(tokens) <= size:
        return [b" ".join(tokens)] if tokens else []
    return list(map(b" ".join, zip(*(tokens[i:] for i in range(size)), strict=False)))
