"""What kind of page a document is: an article, or a listing, forum thread, product page...

The article rules (title and masthead in the header, teaser lists and related links in the
footer, short lines between prose as chrome) assume a page built around one run of prose.
Other pages are not: a forum thread is a run of posts, a product page a description beside a
price and a form, a listing a run of linked headlines. On those the article rules take the
content for chrome, so the page type is decided first and the article rules run on articles
only.

The type is a learned model's (``evaluation/train_page_type.py``) over page-level features
that carry across sites and languages: the page's own schema.org / OpenGraph type when it
gives one, and otherwise the shape of the page: how much of its text is prose, list items or
link text, how many items repeat one structure, forms and currency amounts, headings that are
links, code blocks, a year above the first paragraph (a dateline), how many paragraphs share
one container, the shape of the URL path. No feature is a phrase of one language.

Two models ship: one over the HTML of a page, and one over the text alone, for dumps whose
markup is gone (weaker: the schema and form features are lost with the markup).
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from urllib.parse import urlsplit

import numpy as np
from lxml import etree
from lxml.html import HtmlElement

from .article import Block
from .learned import Model, load_model
from .rules.dates import DATELINE_CHARS, texts_above_prose
from .words import unspaced_words

ARTICLE = "article"
#: The page types, ``article`` first.
PAGE_TYPES = ("article", "listing", "collection", "forum", "product", "service", "documentation")
HTML_MODEL = "page_type.npz"
TEXT_MODEL = "page_type_text.npz"
#: schema.org types (JSON-LD ``@type``, microdata ``itemtype``) by the page type they speak for.
SCHEMA_FAMILIES: dict[str, frozenset[str]] = {
    "article": frozenset(
        {
            "article",
            "newsarticle",
            "blogposting",
            "reportagenewsarticle",
            "analysisnewsarticle",
            "opinionnewsarticle",
            "backgroundnewsarticle",
            "reviewnewsarticle",
            "liveblogposting",
            "scholarlyarticle",
            "report",
            "socialmediaposting",
        }
    ),
    "forum": frozenset(
        {"discussionforumposting", "qapage", "question", "answer", "comment", "conversation"}
    ),
    "product": frozenset(
        {"product", "productgroup", "productmodel", "individualproduct", "offer", "aggregateoffer"}
    ),
    "collection": frozenset({"collectionpage", "itemlist", "searchresultspage", "offercatalog"}),
    "service": frozenset(
        {
            "service",
            "localbusiness",
            "event",
            "course",
            "faqpage",
            "contactpage",
            "aboutpage",
            "store",
            "professionalservice",
            "financialproduct",
            "jobposting",
        }
    ),
    "documentation": frozenset(
        {"techarticle", "apireference", "softwareapplication", "softwaresourcecode", "howto"}
    ),
}
#: OpenGraph ``og:type`` prefixes by the page type they speak for.
_OG_TYPES = {"article": "article", "product": "product", "website": "website"}

#: A currency amount: a currency sign next to a number, or a number with an ISO code. The
#: lookahead names the only characters a match can start with, so that the engine skips
#: every other position at once (2.4x faster on the dumps, the same matches).
_PRICE = re.compile(
    r"(?=[\d$€£¥₹₽₩₺₴₪฿])(?:[$€£¥₹₽₩₺₴₪฿]\s?\d|\d(?:[.,]\d{2})?\s?[$€£¥₹₽₩₺₴₪฿]"
    r"|\b\d+(?:[.,]\d{2})?\s?(?:EUR|USD|GBP|CHF|JPY|CAD|AUD|SEK|NOK|DKK|PLN|INR|BRL)\b)"
)
#: A calendar date written in numbers (2024-05-01, 01.05.2024, 5/1/24).
#: Both start with a digit, then ``(?<!\w\d)`` says no word character came before it: the
#: same matches as a leading ``\b``, but a pattern that starts with a digit class lets the
#: engine skip to the next digit instead of trying every position (3.4x and 2.8x faster).
_NUMERIC_DATE = re.compile(r"\d(?<!\w\d)\d{0,3}[./-]\d{1,2}[./-]\d{2,4}\b")
#: A clock time (10:07, 22:15:03).
_CLOCK = re.compile(r"\d(?<!\w\d)\d?:\d{2}\b")
_YEAR_IN_PATH = re.compile(r"/(?:19|20)\d{2}(?:/|-|$)")
#: A year of the web's time, standing alone (not inside a longer number).
_YEAR = re.compile(r"(?<!\d)(?:199\d|20[0-3]\d)(?!\d)")
_LONG_NUMBER = re.compile(r"\d{4,}")
_SENTENCE_END = re.compile(r"[.!?。！？…]['\"”’)»]*$")
_MD_LINK = re.compile(r"\[([^\[\]]*)\]\([^()\s]*\)")
_MD_LIST = re.compile(r"^(?:[-*+•]|\d{1,3}[.)])\s")
_MD_HEADING = re.compile(r"^#{1,6}\s")
_BARE_URL = re.compile(r"https?://\S+")
#: Class and id tokens of common markup conventions (CMS templates, forum and shop software):
#: substrings anywhere in a class or id ...
_CLASS_PARTS = {
    "comment": ("comment", "reply", "respon"),
    "shop": ("product", "price", "cart", "basket", "checkout", "sku", "variant", "quantity"),
    "card": ("card", "teaser", "tile", "grid", "item"),
}
#: ... and whole words of one (a run of word characters).
_CLASS_WORDS = {
    "post": frozenset(
        w + s for w in ("post", "thread", "topic", "message", "forum") for s in ("", "s")
    ),
    "docs": frozenset({"doc", "docs", "documentation", "api", "toc", "highlight"}),
}
_CLASS_TOKENS = (*_CLASS_PARTS, *_CLASS_WORDS)
#: The words of :data:`_CLASS_WORDS` where they stand whole (the same counts as splitting the
#: names into ``\w+`` words, without making a string of every word of every name).
_CLASS_WORD = re.compile(
    r"(?<!\w)(?:"
    + "|".join(sorted(set().union(*_CLASS_WORDS.values()), key=len, reverse=True))
    + r")(?!\w)"
)
#: Words in a block from which it counts as prose.
PROSE_WORDS = 25
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})


def word_count(text: str) -> int:
    """Words in ``text``; a character of a script written without spaces counts half."""
    return len(text.split()) + unspaced_words(text)


def _log(n: float) -> float:
    return math.log1p(max(n, 0.0))


def _share(part: float, whole: float) -> float:
    return part / whole if whole else 0.0


def url_features(url: str | None) -> dict[str, float]:
    """The shape of a URL's path: depth, a year or a long number in it, the last segment's
    length and hyphens (an article's slug is long), a query, a file extension."""
    parts = urlsplit(url or "")
    path = parts.path or "/"
    segments = [s for s in path.split("/") if s]
    last = segments[-1] if segments else ""
    stem = last.rsplit(".", 1)[0] if "." in last else last
    return {
        "url_known": float(bool(url)),
        "url_depth": float(min(len(segments), 8)),
        "url_root": float(not segments),
        "url_year": float(bool(_YEAR_IN_PATH.search(path))),
        "url_long_number": float(bool(_LONG_NUMBER.search(path))),
        "url_slug_hyphens": float(min(stem.count("-") + stem.count("_"), 20)),
        "url_slug_chars": _log(len(stem)),
        "url_query": float(bool(parts.query)),
        "url_extension": float("." in last),
        "url_trailing_slash": float(path.endswith("/") and bool(segments)),
    }


def text_shape_features(blocks: Sequence[str], words: Sequence[int]) -> dict[str, float]:
    """Features of a page's text as a run of blocks (one paragraph, list item or line each)
    and their word counts.

    Shared by both models: on HTML the blocks are the page's visible text elements, on a
    dump its lines.
    """
    total = sum(words) or 0
    prose = [w for b, w in zip(blocks, words, strict=True) if w >= PROSE_WORDS]
    sentences = sum(1 for b in blocks if _SENTENCE_END.search(b))
    short = sum(1 for w in words if w <= 4)
    counts = Counter(b for b in blocks if len(b) < 80)
    repeated = sum(n for n in counts.values() if n > 1)
    text = "\n".join(blocks)
    digits = sum(text.count(d) for d in "0123456789")
    questions = sum(1 for b in blocks if b.rstrip().endswith(("?", "？")))
    prices = len(_PRICE.findall(text))
    # The longest run of consecutive prose blocks: an article's body is one such run.
    run = best = 0
    for w in words:
        run = run + 1 if w >= PROSE_WORDS else 0
        best = max(best, run)
    return {
        "blocks": _log(len(blocks)),
        "words": _log(total),
        "prose_blocks": _log(len(prose)),
        "prose_share": _share(sum(prose), total),
        "prose_run": _log(best),
        "longest_block": _log(max(words, default=0)),
        "mean_block": _log(_share(total, len(blocks))),
        "short_share": _share(short, len(blocks)),
        "sentence_share": _share(sentences, len(blocks)),
        "question_share": _share(questions, len(blocks)),
        "repeated_line_share": _share(repeated, len(blocks)),
        "digit_share": _share(digits, len(text)),
        "prices": _log(prices),
        "prices_per_block": _share(prices, len(blocks)),
        "dates": _log(len(_NUMERIC_DATE.findall(text))),
        "clocks": _log(len(_CLOCK.findall(text))),
    }


# ------------------------------------------------------------------------------ HTML


def _schema_types(tree: HtmlElement) -> set[str]:
    """The schema.org types a page declares: JSON-LD ``@type`` (nested and in ``@graph``)
    and microdata ``itemtype``, lower case without the vocabulary's URL."""
    found: set[str] = set()

    def walk(node: object, depth: int = 0) -> None:
        if depth > 6:
            return
        if isinstance(node, dict):
            kind = node.get("@type")
            for k in kind if isinstance(kind, list) else [kind]:
                if isinstance(k, str):
                    found.add(k.rsplit("/", 1)[-1].lower())
            for value in node.values():
                if isinstance(value, dict | list):
                    walk(value, depth + 1)
        elif isinstance(node, list):
            for item in node[:200]:
                walk(item, depth + 1)

    for script in tree.xpath("//script[@type='application/ld+json']"):
        try:
            walk(json.loads(script.text or ""))
        except (ValueError, RecursionError):
            continue
    for itemtype in tree.xpath("//@itemtype"):
        for t in str(itemtype).split():
            found.add(t.rstrip("/").rsplit("/", 1)[-1].lower())
    return found


def _og_type(tree: HtmlElement) -> str:
    values = tree.xpath("//meta[@property='og:type' or @name='og:type']/@content")
    return str(values[0]).strip().lower() if values else ""


def html_blocks(tree: HtmlElement) -> list[tuple[str, str, bool, bool]]:
    """The visible text of a page as blocks: ``(tag, text, in_list, linked)`` for every
    innermost paragraph-like element (one holding no other), ``linked`` when most of its
    text is link text. lxml filters the elements by tag, so Python sees only those."""
    body = tree.find("body")
    out: list[tuple[str, str, bool, bool]] = []
    if body is None:
        return out
    for element in _innermost(list(body.iter(*_BLOCK_TAGS))):
        text = " ".join(element.text_content().split())
        if not text:
            continue
        linked = sum(len(a.text_content()) for a in element.iter("a"))
        in_list = element.tag == "li" or next(element.iterancestors("li"), None) is not None
        out.append((element.tag, text, in_list, linked >= 0.6 * len(text)))
    return out


def _innermost(elements: list[HtmlElement]) -> Iterator[HtmlElement]:
    """The elements of ``elements`` (in document order) that hold none of the others.

    In document order an element's descendants come right after it, so it holds another
    exactly when it is an ancestor of the next one: a walk up from that one, instead of a
    search of its whole subtree.
    """
    for element, following in itertools.zip_longest(elements, elements[1:]):
        parent = following.getparent() if following is not None else None
        while parent is not None and parent is not element:
            parent = parent.getparent()
        if parent is None:
            yield element


_BLOCK_TAGS = frozenset(
    {"p", "li", "dd", "dt", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote"}
    | {"div", "section", "article", "figcaption"}
)
#: Elements with three children or more: where repeated items can be.
_PARENTS = etree.XPath("descendant-or-self::*[count(*) >= 3]")
_COUNT_ELEMENTS = etree.XPath("count(descendant-or-self::*)")
_COUNTED_TAGS = (
    *sorted(_HEADINGS),
    *("article", "time", "form", "select", "textarea", "button", "table", "pre", "code"),
    *("img", "blockquote", "iframe", "video", "nav", "aside", "dl"),
)


def _repeats(body: HtmlElement) -> tuple[int, int]:
    """The largest number of siblings sharing one tag and class (cards, rows, posts), and how
    many such groups of at least five there are."""
    largest = groups = 0
    for element in _PARENTS(body):
        counts = Counter(
            (c.tag, c.get("class", "")) for c in element if isinstance(c.tag, str) and len(c)
        )
        for n in counts.values():
            largest = max(largest, n)
            groups += n >= 5
    return largest, groups


def _year_above_prose(body: HtmlElement | None) -> bool:
    """Whether a short text above the first paragraph of prose holds a year: an article is
    dated by its title (a dateline, a byline with a date), and a year is part of a date in
    every language and date format the web uses."""
    return body is not None and any(_YEAR.search(t) for t in texts_above_prose(body))


def _prose_siblings(tree: HtmlElement) -> tuple[int, int]:
    """The most prose paragraphs under one parent, and the most words of paragraphs under one:
    an article's body is one container of paragraphs, other pages spread their prose over
    cards, posts and panels."""
    prose: Counter[HtmlElement] = Counter()
    words: Counter[HtmlElement] = Counter()
    for p in tree.iter("p"):
        n = word_count(p.text_content())
        parent = p.getparent()
        words[parent] += n
        prose[parent] += n >= PROSE_WORDS
    if not prose:
        return 0, 0
    return max(prose.values()), max(words.values())


def html_features(tree: HtmlElement, url: str | None = None) -> dict[str, float]:
    """Page-level features of a parsed page (``tree`` is only read)."""
    features: dict[str, float] = {}
    schema = _schema_types(tree)
    for family, names in SCHEMA_FAMILIES.items():
        features[f"schema_{family}"] = float(bool(schema & names))
    og = _og_type(tree)
    for name, prefix in _OG_TYPES.items():
        features[f"og_{name}"] = float(og.startswith(prefix))
    features["og_other"] = float(bool(og) and not any(og.startswith(p) for p in _OG_TYPES.values()))
    features["meta_published"] = float(
        bool(tree.xpath("//meta[@property='article:published_time' or @itemprop='datePublished']"))
    )

    blocks = html_blocks(tree)
    texts = [text for _, text, _, _ in blocks]
    words = [word_count(t) for t in texts]
    features |= text_shape_features(texts, words)
    total = sum(words)
    features["list_share"] = _share(
        sum(w for w, b in zip(words, blocks, strict=True) if b[2]), total
    )
    features["link_share"] = _share(
        sum(w for w, b in zip(words, blocks, strict=True) if b[3]), total
    )
    p_prose = sum(
        1 for (tag, *_), w in zip(blocks, words, strict=True) if tag == "p" and w >= PROSE_WORDS
    )
    features["p_prose"] = _log(p_prose)
    body = tree.find("body")
    features["year_above_prose"] = float(_year_above_prose(body))
    siblings, sibling_words = _prose_siblings(tree)
    features["prose_siblings"] = _log(siblings)
    features["prose_siblings_share"] = _share(sibling_words, total)

    count = Counter[str]()
    if body is not None:
        count.update(e.tag for e in body.iter(*_COUNTED_TAGS))
    headings = sum(count[h] for h in _HEADINGS)
    linked_headings = len(tree.xpath("//h2[.//a]|//h3[.//a]|//h4[.//a]"))
    features["headings"] = _log(headings)
    features["linked_heading_share"] = _share(linked_headings, headings)
    features["headings_per_prose"] = _share(headings, p_prose + 1)
    for tag in _COUNTED_TAGS:
        if tag not in _HEADINGS:
            features[f"tag_{tag}"] = _log(count[tag])
    inputs = tree.xpath("//input[not(@type='hidden')]")
    features["inputs"] = _log(len(inputs))
    features["number_inputs"] = _log(sum(1 for i in inputs if i.get("type") == "number"))
    largest, groups = _repeats(body) if body is not None else (0, 0)
    features["repeat_largest"] = _log(largest)
    features["repeat_groups"] = _log(groups)
    # One string of every class and id, each on its own line.
    names = "\n".join(_class_and_id(body)).lower() if body is not None else ""
    tokens = {name: sum(map(names.count, parts)) for name, parts in _CLASS_PARTS.items()}
    whole = Counter(_CLASS_WORD.findall(names))
    tokens |= {name: sum(whole[w] for w in wanted) for name, wanted in _CLASS_WORDS.items()}
    elements = int(_COUNT_ELEMENTS(body)) if body is not None else 1
    for name in _CLASS_TOKENS:
        features[f"class_{name}"] = _log(tokens[name])
        features[f"class_{name}_share"] = tokens[name] / elements
    features |= url_features(url or _page_url(tree))
    return features


def _class_and_id(body: HtmlElement) -> Iterator[str]:
    """Every class and id value under ``body``. A walk of the elements: an XPath union of
    both attributes costs three times as much (it sorts the nodes into document order)."""
    for element in body.iter(etree.Element):
        if value := element.get("class"):
            yield value
        if value := element.get("id"):
            yield value


def _page_url(tree: HtmlElement) -> str | None:
    """The URL a page gives for itself (canonical link, ``og:url``), for a page read from a
    file without one."""
    found = tree.xpath("//link[@rel='canonical']/@href|//meta[@property='og:url']/@content")
    return str(found[0]) if found else None


# ------------------------------------------------------------------------------ text


def text_features(blocks: Iterable[Block | str]) -> dict[str, float]:
    """Features of a text dump, from its blocks (lines): markdown markers where the dump has
    them, and the shape of the text where it does not. No URL features: a dump often comes
    without its URL."""
    raw = [b.text if isinstance(b, Block) else b for b in blocks]
    plain = [_MD_LINK.sub(r"\1", t) for t in raw]
    words = [word_count(t) for t in plain]
    features = text_shape_features(plain, words)
    total = sum(words)
    list_words = sum(w for t, w in zip(raw, words, strict=True) if _MD_LIST.match(t))
    link_words = sum(word_count(" ".join(_MD_LINK.findall(t))) for t in raw)
    features["list_share"] = _share(list_words, total)
    features["link_share"] = _share(link_words, total)
    features["md_headings"] = _log(sum(1 for t in raw if _MD_HEADING.match(t)))
    features["table_rows"] = _log(sum(1 for t in raw if t.count("|") >= 2))
    features["bare_urls"] = _log(sum(len(_BARE_URL.findall(t)) for t in raw))
    features["year_above_prose"] = float(_year_above_prose_blocks(plain, words))
    features["label_lines"] = _share(
        sum(1 for t, w in zip(plain, words, strict=True) if w <= 6 and t.endswith(":")), len(raw)
    )
    return features


def _year_above_prose_blocks(blocks: Sequence[str], words: Sequence[int]) -> bool:
    """:func:`_year_above_prose` of a text dump: a short line with a year before the first
    line of prose."""
    for text, n in zip(blocks, words, strict=True):
        if n >= PROSE_WORDS:
            return False
        if len(text) <= DATELINE_CHARS and _YEAR.search(text):
            return True
    return False


# ------------------------------------------------------------------------------ inference


def _decide(model: Model, features: dict[str, float]) -> str:
    """``article`` unless the model gives it under its floor; then the likeliest other type.

    The floor is exported with the model (``evaluation/train_page_type.py``). The HTML
    model's is chosen on held-out sites: the lowest floor within 0.005 of the best balanced
    accuracy, since an article taken for another page loses the article rules (its chrome
    stays). The text model's is fixed near zero: text alone tells the types apart poorly, so
    a dump is typed otherwise only when the model is nearly sure.
    """
    if model.threshold is None:
        raise ValueError(f"{model.rule} was exported without a floor (threshold)")
    row = np.array([[features[name] for name in model.features]], dtype=np.float32)
    return decide(model.proba(row), model.classes, model.threshold)[0]


def decide(proba: np.ndarray, classes: Sequence[str], floor: float) -> list[str]:
    """The type of each row of class probabilities (columns in ``classes`` order): ``article``
    unless its probability is under ``floor``, then the likeliest other type."""
    article = list(classes).index(ARTICLE)
    others = np.array(proba, dtype=np.float64)
    others[:, article] = -1.0
    best = np.argmax(others, axis=1)
    return [
        ARTICLE if p >= floor else classes[b] for p, b in zip(proba[:, article], best, strict=True)
    ]


def classify_html(tree: HtmlElement, url: str | None = None) -> str:
    """The page type of a parsed page (one of :data:`PAGE_TYPES`).

    A page with no URL, given or in its own markup, is an article: every page the model was
    trained on has one, and the URL's shape is among its features.
    """
    features = html_features(tree, url)
    if not features["url_known"]:
        return ARTICLE
    return _decide(load_model(HTML_MODEL), features)


def classify_text(blocks: Iterable[Block | str]) -> str:
    """The page type of a text dump from its blocks (one of :data:`PAGE_TYPES`); text alone
    tells an article from other pages poorly, hence a low floor."""
    return _decide(load_model(TEXT_MODEL), text_features(blocks))
