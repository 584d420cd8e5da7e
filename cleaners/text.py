"""The text rules: from blocks to an Article, shared by the text and the HTML paths.

Cleaning runs in passes over the blocks of one document:

1. **Block rules** (every ``Stage.BLOCK`` rule of ``rules.registry``): what a block looks like
   on its own — a markdown image, a copyright line, a byline, a date stamp, a widget phrase.
2. **Lists**: a "Related:" lead and the short lines after it; runs of link-only lines; a
   trailing run of short headline lines interleaved with dates and teasers (a sidebar of
   other stories).
3. **Zones**: the article's prose runs from the first to the last *prose* block (a long block,
   or a sentence-ending one). Before it is the header (title, masthead, section kicker); after
   it is the footer, where leftover short lines are chrome. Between, a short line is body: a
   subheading when prose follows it, or a short paragraph.

Each block ends with a label from the kinds vocabulary (``kinds.Kind``) and, when removed or
lifted, the name of the registered rule that decided it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from itertools import islice

from . import text_model
from .article import Article, Block, Hints, Removal
from .blocks import make_block, split_blocks
from .front_matter import lift_header
from .kinds import Kind
from .normalize import detection_key, normalize_document
from .page_type import ARTICLE, classify_text
from .rules import metadata, registry
from .rules.captions import INLINE_MARKDOWN_IMAGE, strip_inline_images
from .rules.credits import credit_names
from .rules.dates import parse_date, undated_day
from .rules.footer import LEGAL_CONTINUATION, LEGAL_TERMS_IN_FOOTER, TRAILING_CHROME
from .rules.header import (
    HEADLINE,
    HEADLINE_MATCHES_METADATA,
    REPEATED_HEADLINE,
    SECTION_KICKER,
    breadcrumb,
)
from .rules.legal import legal_terms
from .rules.registry import Rule, Stage
from .rules.shape import ends_sentence, is_truncated_teaser
from .rules.sidebars import (
    HEADLINE_LIST,
    LINK_LIST,
    RELATED_LIST_ITEM,
    REPEATED_BLOCK,
    link_only,
    related_list,
)
from .words import unspaced_words

BODY = Kind.BODY
HEADING = Kind.HEADING
_KEPT = (BODY, HEADING)
_CHROME = (Kind.LEGAL, Kind.WIDGET, Kind.CREDIT, Kind.CAPTION)
_LOOSE_WORD = re.compile(r"\w+")
#: A markdown link; text and target stop at the next bracket or parenthesis (linear time).
_MD_LINK = re.compile(r"(?<!!)\[([^\[\]]+)\]\([^()\s]*(?:\s\"[^\"]*\")?\)")

#: A block this long is prose whatever its punctuation.
LONG_PROSE_WORDS = 20
#: A sentence-ending block this long counts as prose when finding where the article starts.
FIRST_PROSE_WORDS = 12
#: Longest line taken for a headline of another story inside a sidebar list.
HEADLINE_WORDS = 14
#: Longest teaser accepted under a headline inside a sidebar list.
TEASER_WORDS = 45
#: Longest headline, in characters: 30 long words, and a bound for text without spaces.
TITLE_CHARS = 400


def clean_text(
    text: str, source: str | None = None, url: str | None = None, *, model: bool = True
) -> Article:
    """Clean a scraped plain-text or markdown dump (see DESIGN.md for the contract).

    A front matter or reader header is lifted into metadata first; ``model`` lets the learned
    line classifier (``text_model``) have the last word on each block after the rules.
    """
    header = lift_header(normalize_document(text))
    blocks = split_blocks(header.body)
    return clean_blocks(
        blocks,
        source=source,
        url=url or header.url,
        hints=header.hints,
        removed=header.removed,
        relabel=text_model.relabel if model else None,
        page_type=classify_text(blocks),
    )


def clean_blocks(
    blocks: list[Block],
    *,
    source: str | None = None,
    url: str | None = None,
    hints: Hints | None = None,
    removed: list[Removal] | None = None,
    structured: bool = False,
    relabel: Callable[[list[Block]], None] | None = None,
    page_type: str = ARTICLE,
) -> Article:
    """Label every block and assemble the Article.

    ``removed`` are removals made before the text rules (the HTML pre-pass); they come first.
    ``structured`` says the blocks come from a document's structure (HTML) rather than from
    lines of text: guesses that only flat text needs are then off. A heading that does not
    match the metadata title is a subheading, not a headline to lift; and a paragraph that
    repeats is content (list and table items legitimately do), not a pasted teaser; short
    lines after the last paragraph are the article's own lists (pros and cons, sources), as
    the page's chrome was already taken out by its structure; and a "Related:" lead takes
    only itself, not the list items after it. ``relabel`` revises the labels before assembly.

    A ``page_type`` other than ``article`` skips the article rules (header, lists, footer):
    such a page is not one run of prose, and its posts, items or description would be taken
    for chrome. Only the rules of kinds that mean chrome on any page run
    (:data:`_PAGE_KINDS`).
    """
    hints = hints or Hints()
    if page_type == ARTICLE:
        _label_patterns(blocks)
        _label_lists(blocks, structured)
        _label_trailing_listing(blocks)
        first, last = _prose_span(blocks)
        _label_header(blocks, first, hints, url, structured)
        _label_footer(blocks, last, structured)
        _label_body(blocks, first, last, structured)
    else:
        _label_patterns(blocks, _PAGE_KINDS)
    if relabel is not None:
        relabel(blocks)
    article = _assemble(blocks, source=source, url=url, hints=hints, removed=list(removed or []))
    article.page_type = page_type
    return article


__all__ = ["clean_blocks", "clean_text", "make_block"]


def _words(block: Block) -> int:
    """Words in a block: one more than its spaces (its key is whitespace-folded), plus one
    per two characters of a script written without spaces (Chinese, Japanese), so that a
    Chinese paragraph counts as prose as an English one does.

    Counting spaces, rather than splitting, keeps a block of millions of words from becoming a
    list of millions of strings.
    """
    if not block.key:
        return 0
    return block.key.count(" ") + 1 + unspaced_words(block.key)


# ------------------------------------------------------------------------- pass 1: patterns


#: The kinds whose block rules mean chrome on a page of any type: captions (markdown
#: images) and legal lines.
_PAGE_KINDS = (Kind.CAPTION, Kind.LEGAL)


def _label_patterns(blocks: list[Block], kinds: tuple[Kind, ...] | None = None) -> None:
    """Every registered block rule (of ``kinds``, when given), in priority order, on each
    block not labelled yet."""
    tests = [
        (rule, rule.test)
        for rule in registry.rules(Stage.BLOCK)
        if kinds is None or rule.kind in kinds
    ]
    for block in blocks:
        if block.label != BODY:
            continue
        for rule, test in tests:
            if test(block):
                _set(block, rule)
                break


def _set(block: Block, rule: Rule) -> None:
    block.label, block.rule = rule.kind, rule.name


# ------------------------------------------------------------------------- pass 2: lists


def _label_lists(blocks: list[Block], structured: bool) -> None:
    """Short lines after a "Related:" lead, and runs of two or more link-only lines."""
    i = 0
    while i < len(blocks):
        block = blocks[i]
        if block.rule == related_list.name and not structured:
            j = i + 1
            while j < len(blocks) and _is_list_item(blocks[j]):
                _set(blocks[j], RELATED_LIST_ITEM)
                j += 1
            i = j
            continue
        if block.label == BODY and link_only(block.key):
            j = i
            while j < len(blocks) and blocks[j].label == BODY and link_only(blocks[j].key):
                j += 1
            if j - i >= 2:
                for item in blocks[i:j]:
                    _set(item, LINK_LIST)
            i = j
            continue
        i += 1


def _is_list_item(block: Block) -> bool:
    """A headline, a link or a date line: what follows a "Related:" lead."""
    if block.label == Kind.DATELINE:
        return True
    words = _words(block)
    short = words <= HEADLINE_WORDS and not ends_sentence(block.text)
    return block.label == BODY and (link_only(block.key) or short)


def _label_trailing_listing(blocks: list[Block]) -> None:
    """A trailing run of other stories: headlines, their dates and teasers, after the article.

    Walking back from the end, the run takes short headline-like lines, date lines, and
    teasers that sit right under a headline or date. It stops at the first block that is none
    of these (the article's last paragraph). It is a sidebar only if it has the shape of a
    list: at least three headlines and either two dates, two repeated headlines, or two
    truncated teasers.
    """
    end = len(blocks)
    while end and blocks[end - 1].label in _CHROME:
        end -= 1
    start = end
    headlines: list[str] = []
    dates = truncated = 0
    for i in range(end - 1, -1, -1):
        block = blocks[i]
        words = _words(block)
        if block.label == Kind.SIDEBAR and words <= HEADLINE_WORDS:
            headlines.append(block.key)
        elif block.label in _CHROME or block.label in (Kind.SIDEBAR, Kind.NAVIGATION):
            pass
        elif block.label == Kind.DATELINE:
            dates += 1
        elif block.label != BODY:
            break
        elif block.heading or (words <= HEADLINE_WORDS and not ends_sentence(block.text)):
            headlines.append(block.key)
        elif words <= TEASER_WORDS and i > 0 and _lists_above(blocks[i - 1]):
            truncated += is_truncated_teaser(block.key)
        else:
            break
        start = i
    repeated = len(headlines) - len(set(headlines))
    if len(headlines) >= 3 and (dates >= 2 or repeated >= 2 or truncated >= 2):
        for block in blocks[start:]:
            if block.label in (BODY, Kind.DATELINE, Kind.NAVIGATION):
                _set(block, HEADLINE_LIST)


def _lists_above(block: Block) -> bool:
    """The block above a teaser is a headline or a date line."""
    if block.label == Kind.DATELINE:
        return True
    return block.label == BODY and _words(block) <= HEADLINE_WORDS and not ends_sentence(block.text)


# ------------------------------------------------------------------------- pass 3: zones


def _is_prose(block: Block, min_words: int) -> bool:
    words = _words(block)
    return (
        block.label == BODY
        and not block.heading
        and (words >= LONG_PROSE_WORDS or (words >= min_words and ends_sentence(block.text)))
    )


def _prose_span(blocks: list[Block]) -> tuple[int, int]:
    """Indexes of the first and last prose blocks; (len, -1) when there is no prose."""
    first = next((i for i, b in enumerate(blocks) if _is_prose(b, FIRST_PROSE_WORDS)), len(blocks))
    last = next((i for i in range(len(blocks) - 1, -1, -1) if _is_prose(blocks[i], 4)), -1)
    return first, max(last, first if first < len(blocks) else -1)


def _label_header(
    blocks: list[Block], first: int, hints: Hints, url: str | None, structured: bool
) -> None:
    """Breadcrumbs, title and its repeats, masthead and section kickers before the article's
    first prose. (Breadcrumbs only here: a line of "a | b | c" further down is a table row
    or a list, not navigation.)"""
    for block in blocks[:first]:
        if block.label == BODY and breadcrumb(block):
            _set(block, breadcrumb)
    found = _find_title(blocks, first, hints, structured)
    if found is None:
        return
    title, rule = found
    _set(blocks[title], rule)
    title_key = _loose(blocks[title].key)
    limit = _loose_words(title_key)
    for i, block in enumerate(blocks):
        if i != title and block.label in (BODY, HEADING) and _loose(block.key, limit) == title_key:
            _set(block, REPEATED_HEADLINE)
    holder = metadata.copyright_holder(blocks)
    for block in blocks[:title]:
        if block.label != BODY:
            continue
        rule = metadata.masthead_rule(block, hints=hints, holder=holder, url=url)
        if rule:
            _set(block, rule)
        elif _words(block) <= 6 and not ends_sentence(block.text):
            _set(block, SECTION_KICKER)


def _find_title(
    blocks: list[Block], first: int, hints: Hints, structured: bool
) -> tuple[int, Rule] | None:
    """The headline: the block matching the metadata title, else the best header candidate.

    Among the header blocks (before the first prose block) that are not sentences, the one
    repeated later in the document wins, else the longest: mastheads and kickers are shorter
    than headlines.
    """
    if hints.title:
        wanted = _loose(detection_key(hints.title))
        limit = _loose_words(wanted)
        for i, block in enumerate(blocks[: max(first, 1) + 3]):
            if block.label == BODY and _loose(block.key, limit) == wanted:
                return i, HEADLINE_MATCHES_METADATA
        if structured:
            return None
    candidates = [
        i
        for i in range(min(first, len(blocks)))
        if blocks[i].label == BODY
        and 1 <= _words(blocks[i]) <= 30
        and len(blocks[i].key) <= TITLE_CHARS
        and not blocks[i].text.endswith(".")
    ]
    if not candidates:
        return None
    keys = {i: _loose(blocks[i].key) for i in candidates}
    limit = max(_loose_words(k) for k in keys.values())
    counts = Counter(_loose(b.key, limit) for b in blocks)

    def score(i: int) -> tuple[bool, int, int]:
        repeated = counts[keys[i]] > 1
        return repeated, _words(blocks[i]), -i

    best = max(candidates, key=score)
    # A lone one- or two-word line is a kicker or masthead, not a headline.
    return (best, HEADLINE) if _words(blocks[best]) >= 3 or score(best)[0] else None


def _loose(key: str, limit: int | None = None) -> str:
    """The words of a key without its punctuation, for comparisons blind to punctuation.

    With ``limit``, only the first ``limit + 1`` words: enough to compare with a key of at
    most ``limit`` words, without listing every word of a long paragraph.
    """
    words = _LOOSE_WORD.finditer(key)
    return " ".join(m.group() for m in islice(words, None if limit is None else limit + 1))


def _loose_words(loose: str) -> int:
    """Words in a loose key (at least 1, which is as good a limit for an empty key)."""
    return loose.count(" ") + 1


def _label_footer(blocks: list[Block], last: int, structured: bool) -> None:
    """After the last prose block, leftover short lines are page chrome (in flat text)."""
    for i in range(last + 1, len(blocks)):
        block = blocks[i]
        if block.label != BODY:
            continue
        above = blocks[i - 1] if i else None
        if above is not None and above.label == Kind.LEGAL and not ends_sentence(above.text):
            _set(block, LEGAL_CONTINUATION)
        elif legal_terms(block.key):
            _set(block, LEGAL_TERMS_IN_FOOTER)
        elif not structured and (not block.heading or i == len(blocks) - 1):
            _set(block, TRAILING_CHROME)


def _label_body(blocks: list[Block], first: int, last: int, structured: bool) -> None:
    """Subheadings and in-article repeats between the first and last prose blocks."""
    seen: set[str] = set()
    prose_follows = _prose_follows(blocks, first, last)
    for i in range(max(first, 0), last + 1):
        block = blocks[i]
        if block.label != BODY:
            continue
        words = _words(block)
        if words >= 4 and block.key in seen and not structured:
            _set(block, REPEATED_BLOCK)
            continue
        seen.add(block.key)
        if block.heading or (
            words <= HEADLINE_WORDS and not ends_sentence(block.text) and prose_follows[i - first]
        ):
            block.label = HEADING


def _prose_follows(blocks: list[Block], first: int, last: int) -> list[bool]:
    """For each block from ``first`` to ``last``: is the next body block after it prose?

    Computed once, walking back, on the labels as they stand before :func:`_label_body` (a
    forward search from each block saw the same labels, since the pass had not reached the
    blocks after it), so a document of many short lines stays linear.
    """
    follows = [False] * max(last - first + 1, 0)
    nxt: Block | None = next((b for b in blocks[last + 1 :] if b.label in _KEPT), None)
    for i in range(last, first - 1, -1):
        follows[i - first] = nxt is not None and _is_prose(nxt, 4)
        if blocks[i].label in _KEPT:
            nxt = blocks[i]
    return follows


# ------------------------------------------------------------------------- assembly


def _assemble(
    blocks: list[Block],
    *,
    source: str | None,
    url: str | None,
    hints: Hints,
    removed: list[Removal],
) -> Article:
    article = Article(source=source, url=url, removed=removed)
    for block in blocks:
        if block.label in _KEPT:
            text, images = strip_inline_images(block.text)
            here = len(article.paragraphs)
            removed.extend(
                Removal(INLINE_MARKDOWN_IMAGE.kind, INLINE_MARKDOWN_IMAGE.name, image, here)
                for image in images
            )
            text = _MD_LINK.sub(r"\1", text)
            if not text:
                continue
            if block.label == HEADING:
                article.headings.append(len(article.paragraphs))
            article.paragraphs.append(text)
            continue
        removed.append(Removal(block.label, block.rule, block.text, len(article.paragraphs)))
        _lift(article, block)
    holder = metadata.copyright_holder(blocks)
    article.site = metadata.site_name(article.site or hints.site or holder, url)
    article.title = metadata.title_without_site(article.title or hints.title, article.site, url)
    article.published = (
        article.published
        or hints.published
        or undated_day(removed, article.paragraphs, url or source)
    )
    article.authors = metadata.person_names(
        article.authors or list(hints.authors), article.site, url, holder
    )
    return article


def _lift(article: Article, block: Block) -> None:
    """Copy a lifted block's information into the article's metadata (first one wins)."""
    if block.label == Kind.TITLE and article.title is None:
        article.title = block.text
    elif block.label == Kind.MASTHEAD and article.site is None:
        article.site = block.text
    elif block.label == Kind.DATELINE and article.published is None:
        article.published = parse_date(block.text)
    elif block.label == Kind.CREDIT:
        for name in credit_names(block.text):
            if name not in article.authors:
                article.authors.append(name)
