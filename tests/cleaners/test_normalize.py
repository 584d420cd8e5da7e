"""The repair in ``cleaners.normalize`` runs ftfy only on the lines ftfy may change.

The shortcut is safe only if :data:`cleaners.normalize._MAY_REPAIR` flags every line that
``ftfy.fix_text`` would change under our config. The properties below draw text made to
trip ftfy (mojibake of several encodings, HTML entities, control characters, terminal
escapes, decomposed accents, CR line breaks, lone surrogates, the characters of ftfy's own
mojibake test) and check that a line left unflagged is one ftfy leaves as it is, and that the
repaired document is ftfy's, character for character.
"""

from __future__ import annotations

import html.entities
import re
import unicodedata

import ftfy
import pytest
from ftfy.badness import BADNESS_RE, MOJIBAKE_CATEGORIES
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cleaners.normalize import _FTFY, _MAY_REPAIR, _fix_text, normalize_document


def _class_chars(spec: str) -> str:
    """The characters of a regex class body such as ``"À-Ña"``, ranges expanded (the
    classes of ftfy's mojibake test are all in the Basic Multilingual Plane)."""
    pattern = re.compile(f"[{spec}]")
    return "".join(c for i in range(0x10000) if pattern.match(c := chr(i)))


#: Every non-ASCII character ftfy's mojibake test names, as a class or as a literal.
_MOJIBAKE_CHARS = sorted(
    set(_class_chars("".join(MOJIBAKE_CATEGORIES.values())))
    | {c for c in BADNESS_RE.pattern if ord(c) > 0x7F}
)
_OTHER_CHARS = (
    "abcXYZ019 .,;:!?'\"-()<>&#\t"
    "\x00\x07\x0b\x0c\x1b\x7f\r\u2028\u2029\x85"
    "\u0301\u0308\u0327\u1100\u1161\u11a8"  # combining accents, Hangul jamo (NFC composes)
    "\u200b\u00ad\ufeff\u206a\ufff9\ufffc\ufffd"
    "東京都한국語€😀\U0001f1f7\ufe0f\ud800\udc00"
)
_ENTITIES = [
    "&amp;",
    "&lt;",
    "&eacute;",
    "&EACUTE;",
    "&nbsp;",
    "&hellip;",
    "&#39;",
    "&#x2019;",
    "&#8217;",
    "&#9;",
    "&nosuch;",
    "&not",
    "AT&T",
    *(f"&{name}" for name in list(html.entities.html5)[::97]),
]
_ENCODINGS = [
    "latin-1",
    "sloppy-windows-1252",
    "sloppy-windows-1251",
    "sloppy-windows-1250",
    "iso-8859-2",
    "macroman",
    "cp437",
]
_SOURCE = "é’“”—…ñüöß€ЖжПриветΩλ東京😀 ©®™"


def _mojibake(pair: tuple[str, str]) -> str:
    text, encoding = pair
    return text.encode("utf-8").decode(encoding, errors="replace")


_pieces = st.one_of(
    st.sampled_from(_MOJIBAKE_CHARS),
    st.sampled_from(_OTHER_CHARS),
    st.sampled_from(_ENTITIES),
    st.sampled_from(["\n", "\r\n", " ", "\n\n", "<b>", "ÃƒÂ©", "Ã ", "Â "]),
    st.tuples(st.text(_SOURCE, min_size=1, max_size=8), st.sampled_from(_ENCODINGS)).map(_mojibake),
    st.text(_SOURCE, max_size=4).map(lambda s: unicodedata.normalize("NFD", s)),
    st.text(st.characters(codec="utf-8"), max_size=4),
)
_ascii = st.text("abc XYZ 09.,'-", max_size=12)
#: A line of plain text around one piece: the pieces alone would rarely leave a line unflagged.
_line = st.tuples(_ascii, _pieces, _ascii, st.sampled_from(["\n", "\r\n", ""])).map("".join)
_texts = st.lists(st.one_of(_pieces, _line), max_size=30).map("".join)

_SETTINGS = settings(
    max_examples=600,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@_SETTINGS
@given(_texts)
@example("the cafÃ© opened")
@example("Ã la carte")
@example("x\nÃ tout")
@example("<p>\n&amp; more")
@example("caf\u0065\u0301")
def test_unflagged_line_is_left_alone_by_ftfy(text: str) -> None:
    for line in text.splitlines(keepends=True):
        if unicodedata.is_normalized("NFC", line) and not _MAY_REPAIR.search(line):
            assert ftfy.fix_text(line, config=_FTFY) == line


@_SETTINGS
@given(_texts)
@example("<b>bold</b>\nfish &amp; chips\n")
@example("fish &amp; chips\n<b>bold</b>\n&eacute;\n")
@example("a\r\nb\rc\u2028d")
def test_repair_equals_ftfy_on_the_whole_document(text: str) -> None:
    assert _fix_text(text) == ftfy.fix_text(text, config=_FTFY)


@_SETTINGS
@given(_texts)
def test_every_mojibake_test_hit_is_flagged(text: str) -> None:
    """What ftfy's mojibake test finds always holds a flagged character pair or character."""
    for found in BADNESS_RE.finditer(text):
        assert _MAY_REPAIR.search(found.group())


@pytest.mark.parametrize(
    ("original", "encoding"),
    [
        ("The minister said: “We will not back down” — café, naïve…", "sloppy-windows-1252"),
        ("Le député a déclaré à la presse que l'été serait chaud.", "latin-1"),
        ("Президент заявил, что «реформа» продолжится.", "sloppy-windows-1251"),
        ("Señor Muñoz habló del año; über Größe — “quoted”.", "macroman"),
        ("Zażółć gęślą jaźń, powiedział minister.", "iso-8859-2"),
        ("Zažluťoučký kůň úpěl ďábelské ódy, řekl ministr.", "sloppy-windows-1250"),
    ],
)
@pytest.mark.parametrize("layers", [1, 2])
def test_real_mojibake_is_still_repaired(original: str, encoding: str, layers: int) -> None:
    broken = original
    for _ in range(layers):
        broken = broken.encode("utf-8").decode(encoding)
    document = f"Headline\n\nPlain first line.\n{broken}\nPlain last line.\n"
    assert normalize_document(document) == document.replace(broken, original)


def test_line_after_markup_keeps_its_entities() -> None:
    """ftfy stops decoding entities from the first line with a ``<`` on."""
    text = "fish &amp; chips\n<b>bold</b>\nsalt &amp; vinegar\n"
    assert normalize_document(text) == "fish & chips\n<b>bold</b>\nsalt &amp; vinegar\n"


def test_clean_text_is_returned_as_it_is() -> None:
    text = "The council’s “final” vote — 7–2 — passed.\n\nA café in Zürich.\n"
    assert not _MAY_REPAIR.search(text)
    assert normalize_document(text) == text
