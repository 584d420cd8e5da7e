"""Date lines: recognize a line that is only a date/time stamp, and parse the date in it."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

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
_MONTH_DAY = re.compile(rf"\b({_MONTH})\s+(\d{{1,2}})(?:st|nd|rd|th)?\b")
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTH})(?=\W|$)")
_URL_DATE = re.compile(r"/((?:19|20)\d\d)[/-](\d{1,2})(?:[/-](\d{1,2}))?(?=[/-])")
_YEAR = re.compile(r"\b((?:19|20)\d\d)\b")
#: A year-less date further than this from the document's other date is in the year next to it.
_HALF_YEAR = dt.timedelta(days=183)


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


#: The most characters of a text read as a date or byline line above the body.
DATELINE_CHARS = 80
#: HTML elements whose text is not shown on the page.
NOT_SHOWN = frozenset({"script", "style", "noscript", "template", "title", "option"})


def texts_above_prose(body: Any) -> Iterator[str]:
    """The short texts (:data:`DATELINE_CHARS` at most) of the leaf elements of an HTML
    ``body`` above its first paragraph of prose, in document order: where a page shows its
    dateline and byline."""
    for element in body.iter():
        if element.tag == "p" and is_prose(element.text_content()):
            return
        if len(element) or not element.text or element.tag in NOT_SHOWN:
            continue
        text = element.text.strip()
        if len(text) <= DATELINE_CHARS:
            yield text


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


def undated_day(
    removed: Sequence[Removal], paragraphs: Sequence[str], url: str | None
) -> dt.date | None:
    """The date of the first date line that gives a month and day but no year ("Tuesday,
    March 5"), the year taken from the document's other dates: another full date among the
    removed lines, else the date in the URL's path, else a full date in the body, else a
    year in a copyright line. ``None`` when the document gives no year at all."""
    for removal in removed:
        if removal.kind != "dateline" or parse_date(removal.text):
            continue
        day = month_day(removal.text)
        if day is None:
            continue
        reference = _reference_date(removed, paragraphs, url)
        return _in_year_of(day, reference) if reference else None
    return None


def month_day(text: str) -> tuple[int, int] | None:
    """The first (month, day) in ``text``, written with the month's name."""
    key = text.casefold()
    found = []
    if m := _MONTH_DAY.search(key):
        found.append((m.start(), (_MONTHS[m[1].rstrip(".")], int(m[2]))))
    if m := _DAY_MONTH.search(key):
        found.append((m.start(), (_MONTHS[m[2].rstrip(".")], int(m[1]))))
    return min(found)[1] if found else None


def _reference_date(
    removed: Sequence[Removal], paragraphs: Sequence[str], url: str | None
) -> tuple[dt.date, bool] | None:
    """The document's best other date, and whether it is a full date (else only a year)."""
    if day := _first_date(r.text for r in removed):
        return day, True
    if url and (m := _URL_DATE.search(url)):
        with contextlib.suppress(ValueError):  # a date in the path that does not exist
            return dt.date(int(m[1]), int(m[2]), int(m[3] or 1)), m[3] is not None
    if day := _first_date(paragraphs):
        return day, True
    for removal in removed:
        if removal.kind == "legal" and (m := _YEAR.search(removal.text)):
            return dt.date(int(m[1]), 1, 1), False
    return None


def _first_date(texts: Iterable[str]) -> dt.date | None:
    return next((day for text in texts if (day := parse_date(text))), None)


def _in_year_of(day: tuple[int, int], reference: tuple[dt.date, bool]) -> dt.date | None:
    ref, full = reference
    month, dom = day
    for year in (ref.year, ref.year - 1, ref.year + 1):
        try:
            got = dt.date(year, month, dom)
        except ValueError:
            return None
        if not full or abs(got - ref) <= _HALF_YEAR:
            return got
    return None
