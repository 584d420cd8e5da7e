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
from ftfy.chardata import CONTROL_CHARS

# ftfy repairs encodings; turn off its cosmetic changes so stored text keeps its characters.
_FTFY = ftfy.TextFixerConfig(
    uncurl_quotes=False,
    fix_character_width=False,
    fix_latin_ligatures=False,
    explain=False,
)
#: The same, for a line after one with a ``<``: ftfy then leaves HTML entities alone.
_FTFY_MARKUP = _FTFY._replace(unescape_html=False)

#: Where ftfy, under :data:`_FTFY`, may change a line. It changes nothing in a line with none
#: of these (and the document NFC already): an HTML entity; a character that it removes or
#: replaces (control characters and terminal escapes, C1 controls, CR, U+2028/U+2029, lone
#: surrogates); and what its mojibake test (``ftfy.badness``) looks for, which every time is
#: two non-ASCII characters side by side, or a lone ``Â``, ``Ã``, ``Œ``, ``œ`` or C1 control.
#: The first character is taken from one class, so the regex engine skips plain text fast.
_CONTROLS = "".join(map(chr, sorted(CONTROL_CHARS)))
_MAY_REPAIR = re.compile(
    rf"[&\r{_CONTROLS}\x80-\U0010ffff]"
    r"(?:(?<=&)#?[0-9A-Za-z]{1,24};"
    rf"|(?<=[\r{_CONTROLS}\x80-\x9f\u2028\u2029\ud800-\udfffÂÃŒœ])"
    r"|(?<=[^\x00-\x7f])[^\x00-\x7f])"
)

#: Invisible characters that only get in the way: zero-width space/joiners, word joiner, BOM,
#: soft hyphen. (Removed from stored text too: they carry no meaning in a news paragraph.)
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e]")

_WS = re.compile(r"\s+")
#: Whitespace that :func:`fold_ws` changes inside stripped text: other than a space, or doubled.
_UNFOLDED = re.compile(r"[^\S ]|  ")


def normalize_document(text: str) -> str:
    """Repair a whole document: fix mojibake, drop invisible characters, unify line breaks.

    ftfy runs first, before anything that could hide its evidence (DESIGN.md: ftfy before
    NFKC, never after); its ``remove_control_chars`` also drops NUL and other controls.
    """
    return _INVISIBLE.sub("", _fix_text(text))


def _fix_text(text: str) -> str:
    """``ftfy.fix_text(text, config=_FTFY)``, with ftfy run only on the lines it may change.

    ftfy fixes a document line by line (each line with its ``\\n``), and a line's only
    dependence on the lines before it is whether one of them had a ``<``; so handing it just
    the lines that :data:`_MAY_REPAIR` flags, with that setting, gives the same text. A
    document that is not NFC, or long enough for ftfy to cut lines into pieces, goes whole.
    """
    if len(text) > _FTFY.max_decode_length or not unicodedata.is_normalized("NFC", text):
        return ftfy.fix_text(text, config=_FTFY)
    found = _MAY_REPAIR.search(text)
    if found is None:
        return text
    markup_from = text.find("<")
    parts: list[str] = []
    done = 0
    while found is not None:
        start = text.rfind("\n", 0, found.start()) + 1
        end = text.find("\n", found.start()) + 1 or len(text)
        config = _FTFY_MARKUP if -1 < markup_from < start else _FTFY
        parts += (text[done:start], ftfy.fix_text(text[start:end], config=config))
        done = end
        found = _MAY_REPAIR.search(text, done)
    parts.append(text[done:])
    return "".join(parts)


def fold_ws(text: str) -> str:
    """Collapse runs of whitespace (including non-breaking spaces) to one space, and strip.

    Text that is already folded is returned as it is: substituting every single space of a
    long line would build a list of all its words first.
    """
    text = text.strip()
    return _WS.sub(" ", text) if _UNFOLDED.search(text) else text


def detection_key(text: str) -> str:
    """The string rules match on: NFKC-folded, case-folded, whitespace folded.

    NFKC maps styled alphabets (mathematical bold, full-width, circled letters) to ASCII so
    that ``𝗖𝗼𝗽𝘆𝗿𝗶𝗴𝗵𝘁`` and ``Copyright`` match the same rule.
    """
    return fold_ws(_casefold(unicodedata.normalize("NFKC", text)))


#: Slice length for :func:`_casefold`.
_CASEFOLD_SLICE = 1 << 16


def _casefold(text: str) -> str:
    """``str.casefold`` slice by slice, for the memory.

    The result is the same, since case folding maps each character on its own; but CPython's
    casefold first allocates 12 bytes per character of its whole input (three UCS-4
    characters each), which on a 10 MB line is 120 MB.
    """
    if len(text) <= _CASEFOLD_SLICE:
        return text.casefold()
    step = _CASEFOLD_SLICE
    return "".join(text[i : i + step].casefold() for i in range(0, len(text), step))
