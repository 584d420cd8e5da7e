"""Shape tests shared by rules of several kinds: words, sentence ends, bare phrases.

Every test runs in time linear in the text's length.
"""

from __future__ import annotations

import functools
import re

WORD = re.compile(r"\w+")
_SENTENCE_END = re.compile(r"[.!?…。！？｡](?:[\"'”’)\]」』）]*)$")
_NOT_WORD = re.compile(r"[^\w\s'@]")


def has_any(key: str, words: tuple[str, ...]) -> bool:
    """Whether ``key`` holds one of ``words``: a substring search, far cheaper than a regex
    that every match of must contain one of them."""
    return any(word in key for word in words)


def word_count(key: str) -> int:
    return len(WORD.findall(key))


@functools.lru_cache(maxsize=4)
def bare(key: str) -> str:
    """Key without punctuation and symbols, for whole-line phrase tests.

    Several rules test the same block's bare key one after the other: the last few are cached.
    """
    return " ".join(_NOT_WORD.sub(" ", key).split())


def is_truncated_teaser(key: str) -> bool:
    return key.endswith(("...", "…", "…]", "[…]"))


def ends_sentence(text: str) -> bool:
    """Ends with a sentence's final punctuation (Latin or CJK), before closing quotes."""
    return bool(_SENTENCE_END.search(text[-20:]))
