"""HTML element rules: page parts that are boilerplate by their tag, ARIA role or class words.

The HTML pre-pass (``cleaners.html.prepass``) applies them to the parsed page before the
main-text extractor sees it. Class words are generic template vocabulary (``related``,
``share``, ``breadcrumb``...), never a site's name; each word is registered once per attribute
it is read from, as ``<attribute>_<word>`` (``class_related``, ``id_share``,
``aria-label_menu``), so that ``removals.rule`` says where the word was found.
"""

from __future__ import annotations

from ..kinds import Kind
from .registry import Rule, Stage, context_rule


def _html_rule(name: str, kind: Kind, doc: str) -> Rule:
    return context_rule(name, kind, doc, Stage.HTML)


#: Elements that are boilerplate by their tag alone.
TAG_RULES: dict[str, Rule] = {
    "figcaption": _html_rule("figcaption_element", Kind.CAPTION, "A <figcaption> element."),
    "aside": _html_rule("aside_element", Kind.SIDEBAR, "An <aside> element."),
    "nav": _html_rule("nav_element", Kind.NAVIGATION, "A <nav> element."),
    "footer": _html_rule("footer_element", Kind.NAVIGATION, "A <footer> element."),
}

#: ARIA landmark roles that are never the article.
ROLE_RULES: dict[str, Rule] = {
    "navigation": _html_rule(
        "navigation_role", Kind.NAVIGATION, 'An element of role="navigation".'
    ),
    "complementary": _html_rule(
        "complementary_role", Kind.SIDEBAR, 'An element of role="complementary".'
    ),
    "contentinfo": _html_rule(
        "contentinfo_role", Kind.NAVIGATION, 'An element of role="contentinfo" (a page footer).'
    ),
}

#: A page footer (by tag or role) whose text carries a copyright notice is legal, not navigation.
LEGAL_FOOTER_RULES: dict[Rule, Rule] = {
    TAG_RULES["footer"]: _html_rule(
        "footer_element_legal", Kind.LEGAL, "A <footer> element holding a copyright notice."
    ),
    ROLE_RULES["contentinfo"]: _html_rule(
        "contentinfo_role_legal",
        Kind.LEGAL,
        'An element of role="contentinfo" holding a copyright notice.',
    ),
}

#: Words of ``class``/``id``/``aria-label`` naming boilerplate, by kind. A word matches a
#: whole token of the attribute (split at ``-``, ``_``, spaces and camelCase), or two adjacent
#: tokens written together (``author-box`` and ``authorBox`` both give ``authorbox``).
WORD_KINDS: dict[Kind, tuple[str, ...]] = {
    Kind.CAPTION: ("caption", "figcaption", "photocredit", "imagecredit", "credits"),
    Kind.SIDEBAR: (
        "related",
        "sidebar",
        "recommended",
        "recommendations",
        "trending",
        "mostpopular",
        "mostread",
        "morestories",
        "readmore",
        "readnext",
        "youmaylike",
        "alsoread",
        "outbrain",
        "taboola",
        "postlist",
    ),
    Kind.WIDGET: (
        "share",
        "sharing",
        "sharethis",
        "sharedaddy",
        "addtoany",
        "social",
        "newsletter",
        "subscribe",
        "subscription",
        "signup",
        "optin",
        "promo",
        "cta",
        "popup",
        "modal",
        "advert",
        "advertisement",
        "ads",
        "sponsored",
        "comments",
        "commentlist",
        "disqus",
        "respond",
        "authorbox",
        "authorbio",
        "aboutauthor",
        "cookie",
        "consent",
        "rating",
    ),
    Kind.CREDIT: ("byline",),
    Kind.NAVIGATION: (
        "breadcrumb",
        "breadcrumbs",
        "pagination",
        "pager",
        "navbar",
        "menu",
        "skiplink",
    ),
    Kind.LEGAL: ("copyright", "disclaimer"),
}
#: The attributes class words are read from, in the order they are tried.
WORD_ATTRIBUTES = ("class", "id", "aria-label")
#: Class words of author boxes: metadata extraction reads them before they are dropped.
AUTHOR_WORDS = ("authorbox", "authorbio", "aboutauthor")

#: (attribute, word) -> its rule.
WORD_RULES: dict[tuple[str, str], Rule] = {
    (attribute, word): _html_rule(
        f"{attribute}_{word}",
        kind,
        f"An element whose {attribute} holds the template word {word!r} ({kind} by that word).",
    )
    for attribute in WORD_ATTRIBUTES
    for kind, words in WORD_KINDS.items()
    for word in words
}
#: The rules of author-box words.
AUTHOR_RULES = frozenset(WORD_RULES[a, w] for a in WORD_ATTRIBUTES for w in AUTHOR_WORDS)
