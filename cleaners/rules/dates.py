"""Date lines: recognize a line that is only a date/time stamp, and parse the date in it."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from ..article import Block, Removal
from ..kinds import Kind
from .registry import block_rule

_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4,
    "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11,
    "dec": 12, "december": 12,
}  # fmt: skip
_MONTH = "(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAYS = (
    "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
    "|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun"
)

#: Words that may stand in a date line besides the date itself.
_DATE_WORDS = re.compile(
    rf"^(?:{_MONTH}|{_WEEKDAYS}|\d{{1,4}}(?:st|nd|rd|th)?|\d{{1,2}}[:.h]\d{{2}}(?::\d{{2}})?"
    r"|[ap]\.?m\.?|noon|midnight|updated|update|published|posted|modified|last|first|date|time"
    r"|on|at|am|pm|ago|hours?|hrs?|minutes?|mins?|seconds?|days?|weeks?|months?|years?|yesterday"
    r"|today|an|a|et|est|edt|ct|cst|cdt|mt|mst|mdt|pt|pst|pdt|gmt|utc|bst|cet|cest|ist|pkt|aest"
    r"|jst|hkt|sgt|msk|z|\d{4}-\d{1,2}-\d{1,2}(?:t[\d:.]+z?)?|\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4})$"
)
_HAS_DATE = re.compile(
    rf"\b{_MONTH}(?=\W|$)|\b\d{{4}}-\d{{1,2}}-\d{{1,2}}\b|\b\d{{1,2}}[/.]\d{{1,2}}[/.]\d{{2,4}}\b"
    r"|\b\d+\s+(?:hours?|minutes?|mins?|days?|weeks?)\s+ago\b|\b(?:yesterday|today)\b"
)
_TOKEN = re.compile(r"[\w.:/-]+")

_ISO = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_MDY = re.compile(rf"\b({_MONTH})\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b")
_DMY = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH}),?\s+(\d{{4}})\b")
_NUMERIC = re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b")


def dateline_rule(key: str) -> bool:
    """Whether a detection key is only a date, a time and words like "Updated" or "Published"."""
    if len(key) > 200 or not _HAS_DATE.search(key):
        return False
    tokens = [t.strip(".:/-") or t for t in _TOKEN.findall(key)]
    if not tokens or len(tokens) > 24:
        return False
    dated = sum(1 for t in tokens if _DATE_WORDS.match(t))
    return dated >= len(tokens) - 1 and dated * 5 >= len(tokens) * 4


@block_rule("date_line", Kind.DATELINE)
def date_line(block: Block) -> bool:
    """A line made only of a date, a time and words like "Updated" or "Published"."""
    return dateline_rule(block.key)


#: A paragraph this long is the article's prose: date lines after it are not the article's own.
PROSE_WORDS = 20


def is_prose(text: str) -> bool:
    """Whether ``text`` is as long as a paragraph of the article's prose (:data:`PROSE_WORDS`)."""
    return len(text.split(maxsplit=PROSE_WORDS)) >= PROSE_WORDS


def header_date(paragraphs: Sequence[str], removed: Sequence[Removal]) -> dt.date | None:
    """The date of the first date line above the article's first prose paragraph, if any.

    A date line further down belongs to something else: a teaser list of other stories, a
    "last reviewed" note at the end. Metadata dates are better evidence than those.
    """
    first_prose = next((i for i, p in enumerate(paragraphs) if is_prose(p)), len(paragraphs))
    for removal in removed:
        if (
            removal.kind == Kind.DATELINE
            and removal.before <= first_prose
            and (day := parse_date(removal.text))
        ):
            return day
    return None


def parse_date(text: str) -> dt.date | None:
    """The first full date (with a year) in ``text``; ``None`` when the text gives no year."""
    key = text.casefold()
    found: list[tuple[int, dt.date]] = []
    for pattern, order in ((_ISO, "ymd"), (_MDY, "mdy"), (_DMY, "dmy"), (_NUMERIC, "num")):
        m = pattern.search(key)
        if m and (day := _build(m.groups(), order)):
            found.append((m.start(), day))
    return min(found)[1] if found else None


def _build(groups: tuple[str, ...], order: str) -> dt.date | None:
    a, b, c = groups
    try:
        if order == "ymd":
            return dt.date(int(a), int(b), int(c))
        if order == "mdy":
            return dt.date(int(c), _MONTHS[a.rstrip(".")], int(b))
        if order == "dmy":
            return dt.date(int(c), _MONTHS[b.rstrip(".")], int(a))
        first, second = int(a), int(b)
        month, day = (first, second) if first <= 12 else (second, first)
        return dt.date(int(c), month, day)
    except (ValueError, KeyError):
        return None
