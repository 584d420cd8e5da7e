"""Counting words in any script: a script written without spaces counts by its characters."""

from __future__ import annotations

import re

#: Han, kana and hangul: scripts written without spaces between words.
UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]")
#: Characters of unspaced script counted as one word (a Chinese word is about two characters).
CHARS_PER_WORD = 2
#: Only this much of a text is looked at for unspaced script: every threshold is far below.
SCAN = 4000


def unspaced_words(text: str) -> int:
    """The words that the unspaced-script characters among the first :data:`SCAN` characters
    of ``text`` count as (0 for a text without any, found without a regex pass)."""
    if text.isascii() or max(text) < "\u3040":
        return 0
    return sum(1 for _ in UNSPACED.finditer(text, 0, SCAN)) // CHARS_PER_WORD
