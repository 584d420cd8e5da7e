"""Metadata headers at the top of a dump: YAML or TOML front matter, and reader headers.

Static-site exports and scrapers that write markdown put the page's metadata in a header:

- YAML front matter between ``---`` lines (closed by ``---`` or ``...``);
- TOML front matter between ``+++`` lines;
- a reader header of ``Key: value`` lines (``Title:``, ``URL Source:``, ``Published Time:``)
  ending with a ``Markdown Content:`` line, as reader services return pages.

The header is lifted: its title, url, site, date and authors become metadata hints, its lines
become removals of a lifted kind (title, masthead, dateline, credit), and the body starts after
it. A ``---`` that opens a document but does not close a mapping of metadata keys is a
horizontal rule (or a YAML-looking sentence), and stays in the body.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field

import yaml

from .article import Hints, Removal
from .rules.dates import parse_date

#: Header keys (case- and separator-blind) by the metadata field they fill.
_FIELDS = {
    "title": ("title", "headline", "name"),
    "url": ("url", "urlsource", "source", "link", "canonical", "canonicalurl", "permalink"),
    "site": ("site", "sitename", "publisher", "publication", "hostname"),
    "published": ("date", "published", "publishedtime", "publishdate", "pubdate", "created"),
    "authors": ("author", "authors", "byline", "creator", "creators", "by"),
}
_FIELD_OF = {key: name for name, keys in _FIELDS.items() for key in keys}
#: The kind each field's removal is recorded as; other keys describe the publication.
_KIND_OF = {"title": "title", "published": "dateline", "authors": "credit"}
_OTHER_KIND = "masthead"

#: A header is looked for in this many leading lines only.
_MAX_HEADER_LINES = 200
_YAML_OPEN, _YAML_CLOSE = "---", ("---", "...")
_TOML_FENCE = "+++"
_READER_KEY = re.compile(r"^([A-Z][A-Za-z]*(?: [A-Za-z]+){0,2}):(?:\s+(.*))?$")
_READER_END = "markdowncontent"
_IDENTIFIER = re.compile(r"^[A-Za-z_][\w-]*$")
_AUTHOR_SPLIT = re.compile(r"\s*(?:;|&|\band\b|\bund\b|\bet\b|\by\b)\s*")


@dataclass(slots=True)
class Header:
    """What a header gave: the body after it, metadata hints, the url, and its removals."""

    body: str
    hints: Hints = field(default_factory=Hints)
    url: str | None = None
    removed: list[Removal] = field(default_factory=list)


def lift_header(text: str) -> Header:
    """The document's front matter or reader header lifted out of ``text``.

    Returns the text unchanged (and no hints) when it does not start with a header.
    """
    lines = text.split("\n")
    start = next((i for i, line in enumerate(lines) if line.strip()), len(lines))
    if start == len(lines):
        return Header(text)
    opening = lines[start].strip()
    if opening == _YAML_OPEN:
        found = _fenced(lines, start, _YAML_CLOSE, _yaml_mapping, "yaml_front_matter")
    elif opening == _TOML_FENCE:
        found = _fenced(lines, start, (_TOML_FENCE,), _toml_mapping, "toml_front_matter")
    else:
        found = _reader(lines, start)
    return found or Header(text)


def _fenced(lines: list[str], start: int, closers: tuple[str, ...], parse, rule: str):
    end = next(
        (
            i
            for i in range(start + 1, min(len(lines), start + _MAX_HEADER_LINES))
            if lines[i].strip() in closers
        ),
        None,
    )
    if end is None:
        return None
    mapping = parse("\n".join(lines[start + 1 : end]))
    if not _is_metadata(mapping):
        return None
    return _header(mapping, lines[end + 1 :], rule)


def _yaml_mapping(source: str) -> Mapping | None:
    try:
        value = yaml.safe_load(source)
    except yaml.YAMLError:
        return None
    return value if isinstance(value, dict) else None


def _toml_mapping(source: str) -> Mapping | None:
    try:
        return tomllib.loads(source)
    except tomllib.TOMLDecodeError:
        return None


def _is_metadata(mapping: Mapping | None) -> bool:
    """A mapping of metadata: identifier keys, and a known field or at least two keys (one
    ``Note: ...`` line between two rules is a sentence, not a header)."""
    if not mapping or not all(isinstance(k, str) and _IDENTIFIER.match(k) for k in mapping):
        return False
    return len(mapping) >= 2 or any(_norm(k) in _FIELD_OF for k in mapping)


def _reader(lines: list[str], start: int) -> Header | None:
    """``Key: value`` lines up to a ``Markdown Content:`` line."""
    mapping: dict[str, str] = {}
    for i in range(start, min(len(lines), start + _MAX_HEADER_LINES)):
        line = lines[i].strip()
        if not line:
            continue
        m = _READER_KEY.match(line)
        if not m:
            return None
        key, value = m.group(1), (m.group(2) or "").strip()
        if _norm(key) == _READER_END:
            if not any(_norm(k) in _FIELD_OF for k in mapping):
                return None
            rest = [value, *lines[i + 1 :]] if value else lines[i + 1 :]
            return _header(mapping, rest, "reader_header")
        mapping[key] = value
    return None


def _norm(key: str) -> str:
    return re.sub(r"[\s_-]", "", key).lower()


def _header(mapping: Mapping, rest: list[str], rule: str) -> Header:
    hints = Hints()
    url: str | None = None
    removed: list[Removal] = []
    for key, value in mapping.items():
        name = _FIELD_OF.get(_norm(key))
        text = _as_text(value)
        removed.append(Removal(_KIND_OF.get(name or "", _OTHER_KIND), rule, f"{key}: {text}"))
        if not text:
            continue
        if name == "title" and hints.title is None:
            hints.title = text
        elif name == "url" and url is None and "://" in text:
            url = text
        elif name == "site" and hints.site is None:
            hints.site = text
        elif name == "published" and hints.published is None:
            hints.published = _as_date(value)
        elif name == "authors":
            hints.authors += [a for a in _as_authors(value) if a not in hints.authors]
    return Header("\n".join(rest), hints, url, removed)


def _as_text(value: object) -> str:
    if isinstance(value, list | tuple):
        return "; ".join(_as_text(v) for v in value)
    if isinstance(value, dict):
        return _as_text(value.get("name") or "")
    return "" if value is None else str(value).strip()


def _as_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _as_text(value)
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return parse_date(text)


def _as_authors(value: object) -> list[str]:
    if isinstance(value, list | tuple):
        return [a for v in value for a in _as_authors(v)]
    return [a.strip() for a in _AUTHOR_SPLIT.split(_as_text(value)) if a.strip()]
