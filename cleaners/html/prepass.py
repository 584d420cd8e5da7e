"""The HTML pre-pass: take out page parts that are never article text, and say why.

It works on the parsed lxml tree, before the main-text extractor sees it, and finds
boilerplate by structure (``<aside>``, ``<nav>``, ``<figcaption>``, ``<footer>``) and by the
generic words page templates put in ``class``, ``id``, ``role`` and ``aria-label``
(``related``, ``share``, ``newsletter``, ``breadcrumb``...), never by a site's name.

Class words are a weak signal: an article wrapper may well be called ``share-enabled`` or
``has-sidebar``. So an element is dropped only when it holds a small share of the page's
paragraph text (:data:`MAX_TEXT_SHARE`): a wrapper of the article itself always stays.

The extractor has a class-word test of its own, which matches words anywhere in a name;
:func:`shield_prose` keeps it off prose the pre-pass has left in. And where none of the
extractor's names for an article container fit, :func:`mark_article_body` names one.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from lxml import etree
from lxml.html import HtmlElement
from trafilatura.xpaths import BODY_XPATH, OVERALL_DISCARD_XPATH

from cleaners.article import Removal
from cleaners.kinds import Kind
from cleaners.normalize import fold_ws
from cleaners.rules.html_elements import (
    AUTHOR_RULES,
    LEGAL_FOOTER_RULES,
    ROLE_RULES,
    TAG_RULES,
    WORD_ATTRIBUTES,
    WORD_RULES,
)
from cleaners.rules.registry import Rule

#: An element holding more than this share of the page's paragraph text is never dropped.
MAX_TEXT_SHARE = 0.4
#: An id of this many words or more, most found at the start of the element's text, is an
#: anchor made from that text (see :func:`_is_text_anchor`).
ANCHOR_WORDS = 3
ANCHOR_TEXT_CHARS = 300
ANCHOR_SHARE = 0.75

_LEGAL_NOTICE = re.compile(r"©|\bcopyright\b|\ball rights reserved\b", re.IGNORECASE)

#: Never dropped, whatever their attributes say.
_PROTECTED_TAGS = frozenset({"html", "head", "body", "main", "title", "h1"})

#: Text that is never shown; left out of text measures and removal records.
_INVISIBLE_TAGS = ("script", "style", "noscript", "template")

_SPLIT = re.compile(r"[^a-z0-9]+")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


#: Every element a rule could fire on. (Class words are then checked in Python, with a cache:
#: libxml2's XPath ``contains()`` over many words costs more than the whole extraction.)
_CANDIDATES = etree.XPath(
    "//body//*[@class or @id or @role or @aria-label or "
    + " or ".join(f"self::{tag}" for tag in TAG_RULES)
    + "]"
)
_PARAGRAPHS = etree.XPath(".//p")
#: Tags a collapsed panel is made of (the icons, images and inputs that pages also mark as
#: hidden are not panels, and are many).
_PANEL_TAGS = ("div", "section", "article", "p", "ul", "ol", "li", "dl", "dd", "table")
_DISPLAY_NONE = re.compile(r"display\s*:\s*none", re.IGNORECASE)
_HIDING_CLASS = re.compile(r"hid(?:den|e)", re.IGNORECASE)
#: Words naming an element that hides content until clicked (see :func:`reveal_collapsed`).
_COLLAPSIBLE_WORDS = frozenset(
    {"accordion", "collapse", "collapsible", "collapsed", "expand", "expandable", "toggle"}
    | {"tab", "tabs", "tabpanel", "faq"}
)


def attribute_words(value: str) -> list[str]:
    """The lower-case tokens of a class/id/aria value, plus adjacent pairs written together."""
    tokens = [t for t in _SPLIT.split(_CAMEL.sub(" ", value).lower()) if t]
    return tokens + [a + b for a, b in itertools.pairwise(tokens)]


@functools.lru_cache(maxsize=8192)
def _attribute_verdict(attribute: str, value: str) -> Rule | None:
    """Templates repeat the same class strings all over a page: this is cached."""
    for word in attribute_words(value):
        if rule := WORD_RULES.get((attribute, word)):
            return rule
    return None


def classify(element: HtmlElement) -> Rule | None:
    """The registered rule that marks ``element`` as boilerplate, or None.

    Class words come first: they say more than the tag (an ``<aside class="newsletter">``
    is a widget, not just a sidebar).
    """
    tag = element.tag
    if not isinstance(tag, str) or tag in _PROTECTED_TAGS:
        return None
    for attribute in WORD_ATTRIBUTES:
        value = element.get(attribute)
        if value and (verdict := _attribute_verdict(attribute, value)):
            if attribute == "id" and _is_text_anchor(element, value):
                continue
            return verdict
    if tag in TAG_RULES:
        return TAG_RULES[tag]
    role = element.get("role")
    if role:
        return ROLE_RULES.get(role.strip().lower())
    return None


def _is_text_anchor(element: HtmlElement, value: str) -> bool:
    """An id made from the element's own text (``h-what-is-social-shopping`` on a heading or
    its section): a link anchor naming the content, not a template part. One-letter parts
    (prefixes, numbering) are left out; three quarters of the other words must be in the text.
    """
    words = [w for w in _SPLIT.split(value.lower()) if len(w) > 1]
    if len(words) < ANCHOR_WORDS:
        return False
    text = set(_SPLIT.split(element.text_content()[:ANCHOR_TEXT_CHARS].lower()))
    return sum(w in text for w in words) >= ANCHOR_SHARE * len(words)


def visible_text(element: HtmlElement) -> str:
    """The element's text without script/style content, whitespace folded."""
    parts: list[str] = []
    _collect_text(element, parts)
    return fold_ws(" ".join(parts))


def _collect_text(element: HtmlElement, parts: list[str]) -> None:
    """Text of ``element`` and its descendants (not its own tail), in document order."""
    if element.tag in _INVISIBLE_TAGS:
        return
    if element.text:
        parts.append(element.text)
    for child in element:
        _collect_text(child, parts)
        if child.tail:
            parts.append(child.tail)


def _paragraph_chars(element: HtmlElement) -> int:
    return sum(len(p.text_content()) for p in _PARAGRAPHS(element))


@dataclass(frozen=True, slots=True)
class Finding:
    """An element found to be boilerplate, not yet removed."""

    element: HtmlElement
    rule: Rule

    @property
    def kind(self) -> Kind:
        return self.rule.kind

    @property
    def metadata_evidence(self) -> bool:
        """Bylines and author boxes name the authors: metadata extraction should see them."""
        return self.kind == Kind.CREDIT or self.rule in AUTHOR_RULES

    def removal(self) -> Removal | None:
        """The record of this removal; None for an element without visible text.

        A page footer that carries the copyright notice is recorded as legal, by its own rule.
        """
        text = visible_text(self.element)
        if not text:
            return None
        rule = self.rule
        if rule in LEGAL_FOOTER_RULES and _LEGAL_NOTICE.search(text):
            rule = LEGAL_FOOTER_RULES[rule]
        return Removal(rule.kind, rule.name, text)

    def drop(self) -> None:
        """Take the element out of its tree, keeping its tail text (it belongs to the parent)."""
        self.element.drop_tree()


def find_boilerplate(tree: HtmlElement) -> list[Finding]:
    """The boilerplate elements of ``tree``, outermost only, in page order.

    A share bar inside a sidebar goes with the sidebar, so only the sidebar is reported.
    """
    page_chars = _paragraph_chars(tree) or len(tree.text_content())
    limit = MAX_TEXT_SHARE * page_chars
    found: list[Finding] = []
    taken: set[HtmlElement] = set()
    for element in _CANDIDATES(tree):
        verdict = classify(element)
        if verdict is None or _inside(element, taken):
            continue
        chars = _paragraph_chars(element) if element.tag != "p" else len(element.text_content())
        if chars > limit:
            continue
        taken.add(element)
        found.append(Finding(element, verdict))
    return found


def reveal_collapsed(tree: HtmlElement) -> None:
    """Show the content of collapsed accordions, tabs and FAQ answers.

    Pages hide it until a click, with an inline ``display: none``, a ``hidden`` class, a zero
    height with ``overflow: hidden`` or ``aria-hidden``; it is article text all the same, but
    extractors drop whatever is marked invisible. Only elements that an accordion or tab word
    names (on themselves or their two nearest ancestors), and only block elements, are shown:
    other hidden elements are mostly pop-ups and templates, and a collapsing ``<nav>`` or
    ``<header>`` is a menu.
    """
    body = tree.find("body")
    if body is None:
        return
    for element in body.iter(*_PANEL_TAGS):
        if _hidden(element) and (element.get("role") == "tabpanel" or _collapsible(element)):
            _unhide(element)


def _hidden(element: HtmlElement) -> bool:
    """Marked hidden the ways the extractor drops as invisible: an inline ``display: none`` or
    any style saying ``hidden``, ``aria-hidden``, a class word such as ``hidden`` or ``hide``,
    an id saying ``hidden``."""
    attributes = element.attrib
    if not attributes:
        return False
    style = attributes.get("style", "")
    return (
        attributes.get("aria-hidden") == "true"
        or "hid" in attributes.get("class", "")
        or "hidden" in style
        or (style != "" and _DISPLAY_NONE.search(style) is not None)
        or "hidden" in attributes.get("id", "")
    )


def _unhide(element: HtmlElement) -> None:
    """Take out every mark that hides ``element``: its style, aria-hidden, hiding class words
    and an id saying hidden (none of them carries text)."""
    for attribute in ("style", "aria-hidden"):
        element.attrib.pop(attribute, None)
    if "hidden" in element.get("id", ""):
        del element.attrib["id"]
    classes = element.get("class")
    if classes:
        element.set("class", " ".join(c for c in classes.split() if not _HIDING_CLASS.search(c)))


def _collapsible(element: HtmlElement) -> bool:
    for node in (element, *itertools.islice(element.iterancestors(), 2)):
        for attribute in ("class", "id"):
            value = node.get(attribute)
            if value and _names_collapsible(value):
                return True
    return False


@functools.lru_cache(maxsize=8192)
def _names_collapsible(value: str) -> bool:
    return not _COLLAPSIBLE_WORDS.isdisjoint(attribute_words(value))


def _inside(element: HtmlElement, taken: Iterable[HtmlElement]) -> bool:
    return any(ancestor in taken for ancestor in element.iterancestors())


# ------------------------------------------------------------------------ prose shield

#: A block with this many words outside links is prose (a product card, an FAQ, a table).
SHIELD_WORDS = 30
#: ... if at most this share of its words are link text (a list of links is not prose).
SHIELD_LINK_SHARE = 0.3

#: The extractor's discard test for class and id words, on one element. The extractor
#: matches its words anywhere in the attribute ("embed" in ``w-embed``, "slide" in
#: ``listicle-slides``, "widget" in ``c-product-widget``); it runs on its own tree, where
#: lists are ``list`` and their items ``item``.
_EXTRACTOR_DISCARDS = etree.XPath(
    "self::*"
    + OVERALL_DISCARD_XPATH[0]
    .path.strip()
    .removeprefix(".//*")
    .replace("self::item", "self::li or self::dd or self::dt")
    .replace("self::list", "self::ul or self::ol or self::dl"),
    namespaces={"re": "http://exslt.org/regular-expressions"},
)
#: Tags of the blocks whose containers are checked.
_TEXT_BLOCKS = ("p", "li", "dd", "td")


def shield_prose(tree: HtmlElement) -> None:
    """Keep the extractor from discarding prose for a word inside a class or id.

    Run after the pre-pass: what is left is not boilerplate by its whole words. A container
    of a text block that the extractor's test would discard, and that holds prose, loses the
    class and id tokens that test matches (its other tokens stay, and so do the tokens that
    name the article body for the extractor, such as ``post-content``).
    """
    body = tree.find("body")
    if body is None:
        return
    seen: set[HtmlElement] = set()
    for block in body.iter(*_TEXT_BLOCKS):
        for node in (block, *block.iterancestors()):
            if node in seen or node is body:
                break
            seen.add(node)
            named = node.get("class") or node.get("id")
            if named and _EXTRACTOR_DISCARDS(node) and _is_prose(node):
                _drop_discarded_tokens(node)


def _is_prose(element: HtmlElement) -> bool:
    words = len(element.text_content().split())
    link_words = sum(len(a.text_content().split()) for a in element.iter("a"))
    return words - link_words >= SHIELD_WORDS and link_words <= SHIELD_LINK_SHARE * words


def _drop_discarded_tokens(element: HtmlElement) -> None:
    for attribute in ("class", "id"):
        value = element.get(attribute)
        if value:
            kept = [t for t in value.split() if not _discarded_token(attribute, t)]
            element.set(attribute, " ".join(kept))


@functools.lru_cache(maxsize=8192)
def _discarded_token(attribute: str, token: str) -> bool:
    """The extractor discards an element for this token alone, and does not take it for the
    article body."""
    root = etree.Element("body")
    probe = etree.SubElement(root, "div", {attribute: token})
    return bool(_EXTRACTOR_DISCARDS(probe)) and not any(find(root) for find in BODY_XPATH)


# ------------------------------------------------------------------------ article container

#: The element holding this share of the page's paragraph text is the article's container.
BODY_SHARE = 0.8
#: Tags the extractor takes for a container of the article.
_CONTAINER_TAGS = frozenset({"div", "section"})


def mark_article_body(tree: HtmlElement) -> None:
    """Name the article's container for the extractor, when none of its names fit.

    The extractor looks for the article in an ``<article>``, a ``<main>`` or an element
    named like ``entry-content``; finding none, it collects loose paragraphs from the whole
    page and leaves out the article's lists, tables and subheadings. Here the deepest block
    holding most of the page's paragraph text (:data:`BODY_SHARE`) is named the article body
    (``itemprop="articleBody"``, which the extractor looks for first).
    """
    if tree.find(".//article") is not None or tree.find(".//main") is not None:
        return
    if any(find(tree) for find in BODY_XPATH):
        return
    body = tree.find("body")
    if body is None:
        return
    held: dict[HtmlElement, int] = {}
    total = 0
    for paragraph in body.iter("p"):
        chars = len(paragraph.text_content())
        total += chars
        for ancestor in paragraph.iterancestors():
            if ancestor is body:
                break
            held[ancestor] = held.get(ancestor, 0) + chars
    holders = [
        element
        for element, chars in held.items()
        if element.tag in _CONTAINER_TAGS and chars >= BODY_SHARE * total
    ]
    if total and holders:
        deepest = max(holders, key=lambda e: sum(1 for _ in e.iterancestors()))
        deepest.set("itemprop", "articleBody")
