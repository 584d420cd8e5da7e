"""Text normalization: repair the stored text without losing it, and build detection keys.

Two different normalizations are kept apart on purpose:

* :func:`normalize_document` repairs what is broken (mojibake, zero-width characters, soft
  hyphens, odd line breaks) and keeps every meaningful character: curly quotes, full-width
  text, styled letters and ``x²`` stay as they are in the stored text.
* :func:`detection_key` is lossy (NFKC folds mathematical bold to ASCII, ``x²`` to ``x2``) and
  is used only to match rules, never stored as text.
"""

from __future__ import annotations

import re
import unicodedata

import ftfy

# ftfy repairs encodings; turn off its cosmetic changes so stored text keeps its characters.
_FTFY = ftfy.TextFixerConfig(
    uncurl_quotes=False,
    fix_character_width=False,
    fix_latin_ligatures=False,
    explain=False,
)

#: Invisible characters that only get in the way: zero-width space/joiners, word joiner, BOM,
#: soft hyphen. (Removed from stored text too: they carry no meaning in a news paragraph.)
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"), None)

_WS = re.compile(r"\s+")


def normalize_document(text: str) -> str:
    """Repair a whole document: fix mojibake, drop invisible characters, unify line breaks.

    ftfy runs first, before anything that could hide its evidence (DESIGN.md: ftfy before
    NFKC, never after); its ``remove_control_chars`` also drops NUL and other controls.
    """
    return ftfy.fix_text(text, config=_FTFY).translate(_INVISIBLE)


def fold_ws(text: str) -> str:
    """Collapse runs of whitespace (including non-breaking spaces) to one space, and strip."""
    return _WS.sub(" ", text).strip()


def detection_key(text: str) -> str:
    """The string rules match on: NFKC-folded, case-folded, whitespace folded.

    NFKC maps styled alphabets (mathematical bold, full-width, circled letters) to ASCII so
    that ``𝗖𝗼𝗽𝘆𝗿𝗶𝗴𝗵𝘁`` and ``Copyright`` match the same rule.
    """
    return fold_ws(unicodedata.normalize("NFKC", text).casefold())


def word_count(text: str) -> int:
    return len(text.split())
