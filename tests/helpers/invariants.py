"""The loss check shared by the property and linear-time tests: every input character is in
the body or a removal, up to the documented normalizations (see ``test_properties``)."""

from __future__ import annotations

import re
from collections import Counter

from cleaners import Article
from cleaners.normalize import normalize_document

_ATX_HEADING = re.compile(r"(#{1,6})\s")
_BOLD_LINE = re.compile(r"(\*\*|__).+(\*\*|__)")
_LINK = re.compile(r"(?<!!)\[([^\[\]]*)\]\(([^()]*)\)")


def _chars(text: str) -> Counter[str]:
    return Counter(c for c in text if not c.isspace())


def markup(text: str) -> Counter[str]:
    """The characters the documented markdown normalizations may take out of ``text``."""
    allowed: Counter[str] = Counter()
    for line in text.split("\n"):
        line = line.strip()
        if _ATX_HEADING.match(line):
            # CommonMark: the closing run counts only after a space ("## Learn C#" keeps it).
            body = line.lstrip("#").strip()
            closed = body.rstrip("#")
            closing = len(body) - len(closed) if not closed or closed[-1].isspace() else 0
            allowed["#"] += len(line) - len(line.lstrip("#")) + closing
        elif _BOLD_LINE.fullmatch(line):
            allowed.update(line[:2] + line[-2:])
        for m in _LINK.finditer(line):
            allowed.update(_chars(m.group(0)) - _chars(m.group(1)))
    return allowed


def assert_nothing_lost(text: str, article: Article) -> None:
    """Every input character is in the body or a removal, up to the documented normalizations."""
    expected = _chars(normalize_document(text))
    found = _chars("".join(article.paragraphs)) + _chars("".join(r.text for r in article.removed))
    invented = found - expected
    assert not invented, f"characters not in the input: {dict(invented)}"
    lost = (expected - found) - markup(normalize_document(text))
    assert not lost, f"characters lost: {dict(lost)}"
