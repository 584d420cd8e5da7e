"""Credit rules: bylines and "X contributed to this article" lines, and the names in them."""

from __future__ import annotations

import re

from ..article import Block
from ..kinds import Kind
from .registry import block_rule

#: Longest key a credit line has.
_CREDIT_CHARS = 400

_CONTRIBUTED = re.compile(
    r"^[\s\-–—―•*(]*(?P<names>[^()]{2,160}?)\s+(?:contributed|also contributed)"
    r"(?:\s+(?:reporting|to this (?:article|report|story)|to this|reporting to this \w+))"
)
_REPORTING_BY = re.compile(
    r"^[\s(\[]*(?:additional |with )?(?:reporting|writing|editing|compiled|research)"
    r"(?: and \w+)? by (?P<names>[^)\]]{2,200})"
)
_BYLINE = re.compile(
    r"^(?:by|written by|words by|story by|author|authors|reporter)\s*:?\s+(?P<names>.{2,150})$"
)


@block_rule("contributed_line", Kind.CREDIT)
def contributed_line(block: Block) -> bool:
    """ "— Jane Roe contributed reporting", "X and Y contributed to this article"."""
    key = block.key  # every match holds the word: a substring test spares the regex
    return len(key) <= _CREDIT_CHARS and "contributed" in key and bool(_CONTRIBUTED.match(key))


@block_rule("reporting_credit", Kind.CREDIT)
def reporting_credit(block: Block) -> bool:
    """ "Reporting by Jane Roe; editing by John Doe", "(Additional reporting by X)"."""
    key = block.key
    return len(key) <= _CREDIT_CHARS and " by " in key and bool(_REPORTING_BY.match(key))


@block_rule("byline", Kind.CREDIT)
def byline(block: Block) -> bool:
    """A byline that names someone: "By Jane Doe", not "By the numbers" (its names, as
    written, start with a capital)."""
    key = block.key
    return (
        len(key) <= _CREDIT_CHARS
        and bool(_BYLINE.match(key))
        and len(key.split()) <= 14
        and not key.endswith(".")
        and bool(credit_names(block.text))
    )


def credit_names(text: str) -> list[str]:
    """Author names from a credit line, in their original spelling (whitespace folded)."""
    body = " ".join(fold_dashes(text).split())
    for pattern in (_CONTRIBUTED, _REPORTING_BY, _BYLINE):
        m = pattern.match(body.casefold())
        if m:
            raw = body[m.start("names") : m.end("names")]
            return split_names(raw)
    return []


def fold_dashes(text: str) -> str:
    return text.strip().lstrip("-–—―•*([ ").strip()


# Neither pattern opens with optional whitespace, and the "in <place>" tail starts only where a
# run of whitespace starts: a long run of spaces is scanned once, not once per space.
_NAME_SPLIT = re.compile(r",|;|\band\b|&|\|", re.IGNORECASE)
_NAME_TAIL = re.compile(
    r"(?<!\s)\s+(?:in|from|at|for)\s+\S.*$|\b(?:editing|edited|writing|reporting)\b.*$",
    re.IGNORECASE,
)


def split_names(raw: str) -> list[str]:
    """Split "A, B and C" into names; drop places, roles and agency suffixes that are not names."""
    raw = _NAME_TAIL.sub("", raw.strip(" .;:"))
    names = []
    for part in _NAME_SPLIT.split(raw):
        part = part.strip().strip(" .")
        words = part.split()
        if 1 <= len(words) <= 5 and any(c.isupper() for c in part[:1]) and not part.isupper():
            names.append(part)
    return names
