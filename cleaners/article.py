"""The data that cleaning produces: blocks in, an Article with its removals out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from .kinds import Kind


@dataclass(frozen=True, slots=True)
class Removal:
    """One piece of text taken out of the body, with why.

    ``kind`` is a :class:`~cleaners.kinds.Kind`; ``rule`` is the registered name of the rule
    that fired (``cleaners.rules.registry``), so an analyst can count and audit each rule
    separately. ``before`` is the index of the kept
    paragraph the removed text stood before (``len(paragraphs)`` when it came after the
    last one), so the original order of a document can be rebuilt for auditing.
    """

    kind: Kind
    rule: str
    text: str
    before: int = 0


@dataclass(slots=True)
class Block:
    """One paragraph-sized unit of a document, in document order.

    ``text`` is the stored text (normalized but keeping its real characters);
    ``key`` is the detection key (NFKC, case-folded, whitespace folded) that
    rules match on. ``line`` is the 1-based line of the source where the block
    starts (0 when the source has no lines, as for HTML). ``heading`` is True
    when the source marked the block as a heading (HTML ``<h2>``, markdown
    ``##``); text dumps leave it False and rules guess from context.
    """

    text: str
    key: str
    line: int = 0
    heading: bool = False
    gap_before: bool = True
    label: Kind = Kind.BODY
    rule: str = ""


@dataclass(slots=True)
class Article:
    """A cleaned article: metadata, body paragraphs, and everything removed."""

    source: str | None = None
    url: str | None = None
    title: str | None = None
    site: str | None = None
    published: dt.date | None = None
    authors: list[str] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    headings: list[int] = field(default_factory=list)
    removed: list[Removal] = field(default_factory=list)
    encoding: str | None = None
    #: What kind of page it is (``cleaners.page_type.PAGE_TYPES``); the article rules ran
    #: only when it is ``article``.
    page_type: str = "article"

    @property
    def text(self) -> str:
        """The body: paragraphs joined by a blank line."""
        return "\n\n".join(self.paragraphs)

    @property
    def word_count(self) -> int:
        return sum(len(p.split()) for p in self.paragraphs)


def without_paragraphs(article: Article, drop: list[bool], kind: Kind, rule: str) -> Article:
    """A copy of ``article`` with the flagged paragraphs moved to its removals.

    Walks the document in its original order (each paragraph preceded by the removals that
    stood before it), so every removal keeps its place and heading indexes follow their
    paragraphs.
    """
    count = len(article.paragraphs)
    standing: dict[int, list[Removal]] = {}
    for r in article.removed:
        standing.setdefault(min(r.before, count), []).append(r)
    kept: list[str] = []
    removed: list[Removal] = []
    headings: list[int] = []
    heading_set = set(article.headings)
    for index in range(count + 1):
        removed.extend(replace(r, before=len(kept)) for r in standing.get(index, []))
        if index == count:
            break
        text = article.paragraphs[index]
        if drop[index]:
            removed.append(Removal(kind, rule, text, len(kept)))
            continue
        if index in heading_set:
            headings.append(len(kept))
        kept.append(text)
    return replace(article, paragraphs=kept, removed=removed, headings=headings)


@dataclass(slots=True)
class Hints:
    """Metadata found outside the text rules (e.g. by trafilatura in HTML), used as priors."""

    title: str | None = None
    site: str | None = None
    published: dt.date | None = None
    authors: list[str] = field(default_factory=list)
