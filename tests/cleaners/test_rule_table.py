"""Every registered rule, from one table: inputs it fires on and inputs it leaves alone.

A rule registered without a row fails :func:`test_every_registered_rule_has_a_row`. Block
rules are tried on one block; context rules on a whole text dump (the rule must land in the
removals); HTML rules on a page, through the pre-pass; word rules of the HTML pre-pass once
per attribute they are read from (site rules are the dedup flow's to test). Rows carry
variants: other wordings, and other languages where a rule claims to carry over.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from cleaners.article import Hints
from cleaners.blocks import make_block, split_blocks
from cleaners.html import parse_html
from cleaners.html.prepass import find_boilerplate
from cleaners.normalize import normalize_document
from cleaners.rules import registry
from cleaners.rules.html_elements import WORD_ATTRIBUTES, WORD_KINDS, WORD_RULES
from cleaners.rules.registry import Stage
from cleaners.text import clean_blocks
from tests.helpers.stories import P1, P2, P3

TITLE = "Council expands harbour district after two-year dispute"


def doc(*parts: str) -> str:
    return "\n\n".join(parts)


@dataclass(frozen=True)
class Doc:
    """A text dump with what the caller knows about it."""

    text: str
    hints: Hints = field(default_factory=Hints)
    url: str | None = None


@dataclass(frozen=True)
class Row:
    fires: tuple[str | Doc, ...]
    quiet: tuple[str | Doc, ...]


def row(fires: list[str | Doc], quiet: list[str | Doc]) -> Row:
    return Row(tuple(fires), tuple(quiet))


# ------------------------------------------------------------------ block rules: one line

BLOCK_ROWS: dict[str, Row] = {
    "markdown_image": row(
        ["![The old pier at sunset](https://cdn.example.org/img/pier.jpg)", "![](img/b.png)"],
        ["See ![a](b.png) inside a sentence", "[The old pier](https://example.org/pier)"],
    ),
    "image_file_name": row(
        ["harbour-pier-0423 3f9a2c 1200x800 final", "GettyImages-1487766012.jpg", "IMG_2041.JPG"],
        ["The council met 3 times in 2024 to vote.", "Download the full report here"],
    ),
    "photo_credit_parenthetical": row(
        [
            "Workers unload crates at the old pier on Monday. (Reuters Photo/Ana Lima)",
            "A ferry leaves the harbour at dawn. (Jane Roe/AFP via Getty Images)",
            "Villagers gather near the site. (Rahmat Gul/AP)",
            "Le maire devant la mairie. (Photo AFP/Jean Dupont)",
        ],
        ["The ratio rose (1/2) over the year", "Students may choose (and/or) combine courses."],
    ),
    "photo_credit_label": row(
        [
            "Photo: Maria Gonzalez / The Harbour Times",
            "Photograph by Li Wei for the Daily Courier",
            "Image courtesy of the city archive",
        ],
        ["Photographers gathered outside the court on Monday.", "Imagine a city without cars."],
    ),
    "agency_slash_credit": row(
        [
            "Protesters gather outside city hall. REUTERS/Kevin Smith",
            "Rescue teams search the rubble. AFP/Getty Images",
            "Des manifestants devant la mairie. AFP/Jean Dupont",
        ],
        ["The team uses UX/UI research in every project.", "Headsets for AR/VR are cheaper"],
    ),
    "stock_agency_credit": row(
        [
            "The mayor speaks to reporters. Getty Images",
            "Fishing boats in the harbour at dusk | Dreamstime.com",
            "Credit: Shutterstock / Jane Roe",
            "Skyline of the old port at night via iStock",
        ],
        [
            "Shares of Getty Images rose 4% on Tuesday after the earnings report.",
            "The agency bought Shutterstock licences for its staff",
        ],
    ),
    "all_rights_reserved": row(
        [
            "All rights reserved.",
            "© Le Journal du Port. Tous droits réservés.",
            "Derechos reservados 2024 Diario del Puerto",
        ],
        [
            "Tenants said all their rights were reserved under the old law.",
            "The rights to reserved seats were debated.",
        ],
    ),
    "copyright_line": row(
        ["© 2024 Harbour Media Group", "Copyright © Example Daily", "Copyright: Quayside Press"],
        ["Copyright law is changing across Europe.", "(c) the third option on the ballot"],
    ),
    "copyright_year": row(
        ["Text and photos copyright 2023 Harbour Media", "Contents (c) 2024 Example Ltd"],
        [
            "The copyright of the 1998 film passed to the studio's heirs after a long court "
            "battle that lasted over a decade and ended in a ruling that few had expected.",
            "Copyright holders met in Geneva.",
        ],
    ),
    "reproduction_notice": row(
        [
            "This material may not be published, broadcast, rewritten or redistributed.",
            "The content may not be reproduced without permission",
        ],
        ["The mayor may not be re-elected next year.", "Results may not be final."],
    ),
    "related_list": row(
        ["Related:", "Read more:", "Most read", "## Recommended for you", "See also"],
        ["Related parties must disclose their interests.", "Most readers agreed with it."],
    ),
    "contributed_line": row(
        ["— Jane Roe contributed reporting", "Ana Lima and Li Wei contributed to this article."],
        ["Several residents contributed money to the fund.", "The weather contributed to it."],
    ),
    "reporting_credit": row(
        [
            "Reporting by Jane Roe; Editing by John Doe",
            "(Additional reporting by Ana Lima in Lisbon)",
            "Research by Li Wei",
        ],
        ["Reporting on the council is hard.", "Researchers by the dozen arrived."],
    ),
    "byline": row(
        ["By Jane Doe", "Written by Ana Lima and Li Wei", "Author: Marie Dupont"],
        ["By the numbers", "By 2030, the harbour will be rebuilt."],
    ),
    "date_line": row(
        ["March 3, 2024", "Updated 14:05 GMT, 3 March 2024", "2024-03-03", "Posted 3 hours ago"],
        ["On March 3, 2024 the council voted to expand the harbour.", "March for the climate"],
    ),
    "widget_phrase": row(
        ["Leave a Comment", "Share this article", "5 min read", "Advertisement", "Source link"],
        ["Leave a comment about the plan below, the mayor asked.", "Share prices rose."],
    ),
    "tag_line": row(
        ["Tags: harbour, zoning, council", "Filed under: Politics", "Topics: climate"],
        ["Tags were attached to every crate.", "Topics for the meeting included zoning"],
    ),
    "call_to_action": row(
        [
            "Sign up for our daily newsletter",
            "Click here to read the full report",
            "Download our app for breaking news",
        ],
        [
            "Sign up rates fell by a third last year, officials said in a long statement to the "
            "press on Monday afternoon after the vote on the harbour plan was delayed again.",
            "Clicking here and there, she found the file.",
        ],
    ),
    "newsletter_box": row(
        [
            "Get the best stories straight to your inbox every morning.",
            "Want more? Our weekly newsletter brings you the top stories.",
        ],
        ["The newsletter reached 20,000 readers, she said.", "Subscriptions fell in 2023."],
    ),
    "breadcrumb": row(
        ["Home > World > Asia", "News | Politics", "Accueil › Monde › Europe"],
        ["Revenue > costs for the third year.", "Either yes | no."],
    ),
}

# ------------------------------------------------------------------ context rules: a document

CONTEXT_ROWS: dict[str, Row] = {
    "related_list_item": row(
        [
            doc(P1, "Related:", "Ferry strike ends after two weeks", "Council approves budget", P2),
            doc(P1, "Read more:", "[Ferry strike ends](https://example.org/a)", P2, P3),
        ],
        [doc(P1, "Related:", P2, P3)],
    ),
    "link_list": row(
        [
            doc(P1, P2, "[Ferry strike ends](https://x.org/a)", "[Budget passes](https://x.org/b)"),
            doc(P1, "- [Uno](https://x.org/1)", "- [Dos](https://x.org/2)", P2, P3),
        ],
        [doc(P1, "[Ferry strike ends](https://x.org/a)", P2, P3)],
    ),
    "headline_list": row(
        [
            doc(P1, P2, P3, "Ferry strike ends", "March 3, 2024", "Budget approved")
            + doc("", "March 2, 2024", "Mayor opens bridge"),
            doc(P1, P2, P3, "Ferry strike ends", "Workers return to the port after...")
            + doc("", "Budget approved", "The council voted late on…", "Mayor opens bridge"),
        ],
        [doc(P1, P2, P3, "Ferry strike ends"), doc(P1, P2, P3)],
    ),
    "repeated_block": row(
        [
            doc(
                P1,
                "The council will meet again next week",
                P2,
                "The council will meet again next week",
                P3,
            )
        ],
        [doc(P1, "The council will meet again next week", P2, P3)],
    ),
    "section_kicker": row(
        [doc("Defense", TITLE, P1, P2), doc("Wirtschaft", TITLE, P1, P2)],
        [doc(TITLE, P1, P2)],
    ),
    "headline": row([doc(TITLE, P1, P2), doc(f"{TITLE}?", P1, P2)], [doc(P1, P2)]),
    "headline_matches_metadata": row(
        [
            Doc(doc(TITLE, P1, P2), Hints(title=TITLE)),
            Doc(doc("Défense", TITLE, P1), Hints(title=TITLE)),
        ],
        [Doc(doc(TITLE, P1, P2), Hints(title="Something else entirely")), doc(TITLE, P1, P2)],
    ),
    "repeated_headline": row(
        [doc(TITLE, P1, TITLE, P2), doc(TITLE, P1, P2, f"{TITLE}.")], [doc(TITLE, P1, P2)]
    ),
    "masthead_matches_metadata": row(
        [Doc(doc("The Quayside", TITLE, P1, P2), Hints(site="The Quayside"))],
        [Doc(doc("The Quayside", TITLE, P1, P2), Hints(site="Harbour Weekly"))],
    ),
    "masthead_matches_copyright": row(
        [
            doc("Quayside Media", TITLE, P1, P2, "© 2024 Quayside Media"),
            doc("Quayside Media", TITLE, P1, P2, "(c) 2023 Quayside Media"),
        ],
        [doc("Quayside Media", TITLE, P1, P2)],
    ),
    "masthead_matches_domain": row(
        [Doc(doc("Quayside", TITLE, P1, P2), url="https://www.quayside.example/news/1")],
        [Doc(doc("Quayside", TITLE, P1, P2), url="https://harbour.example/news/1")],
    ),
    "publication_name": row(
        [doc("The Harbour Gazette", TITLE, P1, P2), doc("Le Petit Journal", TITLE, P1, P2)],
        [doc("The harbour gazette", TITLE, P1, P2)],
    ),
    "legal_continuation": row(
        [
            doc(
                P1,
                P2,
                "This material may not be published, broadcast",
                "rewritten or redistributed",
            )
        ],
        [doc(P1, P2, "This material may not be published.", "rewritten or redistributed")],
    ),
    "legal_terms_in_footer": row(
        [doc(P1, P2, P3, "Read our privacy policy"), doc(P1, P2, P3, "DMCA notice and takedown")],
        [doc(P1, P2, P3, "Read our archive")],
    ),
    "trailing_chrome": row(
        [doc(P1, P2, P3, "Harbour district map"), doc(P1, P2, P3, "Karte des Hafens")],
        [doc(P1, P2, P3)],
    ),
    "inline_markdown_image": row(
        [doc(P1, f"{P2} ![The new ferry terminal](https://x.org/t.png)", P3)],
        [doc(P1, f"{P2} [The new ferry terminal](https://x.org/t)", P3)],
    ),
}

# ------------------------------------------------------------------ HTML rules: an element

HTML_ROWS: dict[str, Row] = {
    "figcaption_element": row(
        ["<figure><img src='a.jpg'><figcaption>The pier at dawn.</figcaption></figure>"],
        ["<figure><img src='a.jpg'><p>The pier at dawn.</p></figure>"],
    ),
    "aside_element": row(
        ["<aside><p>Ferry strike ends</p></aside>"], ["<section><p>Ferry strike ends</p></section>"]
    ),
    "nav_element": row(
        ["<nav><a href='/'>Home</a> <a href='/w'>World</a></nav>"],
        ["<div><a href='/'>Home</a> <a href='/w'>World</a></div>"],
    ),
    "footer_element": row(
        ["<footer><p>Contact the newsroom</p></footer>"],
        ["<footer><p>© 2024 Quayside Media</p></footer>", "<div><p>Contact the newsroom</p></div>"],
    ),
    "footer_element_legal": row(
        ["<footer><p>© 2024 Quayside Media</p></footer>", "<footer>All rights reserved</footer>"],
        ["<footer><p>Contact the newsroom</p></footer>"],
    ),
    "navigation_role": row(
        ["<div role='navigation'><a href='/'>Home</a></div>"],
        ["<div role='main-menu-x'><a href='/'>Home</a></div>"],
    ),
    "complementary_role": row(
        ["<div role='complementary'><p>Ferry strike ends</p></div>"],
        ["<div role='note'><p>Ferry strike ends</p></div>"],
    ),
    "contentinfo_role": row(
        ["<div role='contentinfo'><p>Contact the newsroom</p></div>"],
        ["<div role='contentinfo'><p>Copyright 2024 Quayside</p></div>"],
    ),
    "contentinfo_role_legal": row(
        ["<div role='contentinfo'><p>Copyright 2024 Quayside</p></div>"],
        ["<div role='contentinfo'><p>Contact the newsroom</p></div>"],
    ),
}

#: For each class word of the pre-pass: an attribute value naming it the way templates write
#: it (joined, hyphenated, camelCase), and one holding it only inside another word.
WORD_EXAMPLES: dict[str, tuple[str, str]] = {
    "caption": ("image-caption", "captioned"),
    "figcaption": ("wp-figcaption", "figcaptions"),
    "photocredit": ("photo-credit", "photocredits"),
    "imagecredit": ("imageCredit", "imagecredited"),
    "credits": ("media credits", "creditsroll"),
    "related": ("related-posts", "unrelated"),
    "sidebar": ("sidebar-widget", "sidebars2"),
    "recommended": ("recommended_stories", "unrecommended"),
    "recommendations": ("article-recommendations", "recommendationsx"),
    "trending": ("trending-now", "trendingly"),
    "mostpopular": ("most-popular", "mostpopularity"),
    "mostread": ("mostRead", "mostreadable"),
    "morestories": ("more-stories", "morestoriesx"),
    "readmore": ("read-more-box", "readmoreish"),
    "readnext": ("readNext", "readnextly"),
    "youmaylike": ("youMaylike-box", "youmaylikeit"),
    "alsoread": ("also_read", "alsoreader"),
    "outbrain": ("OUTBRAIN", "outbrainy"),
    "taboola": ("taboola-feed", "taboolas"),
    "postlist": ("post-list", "postlisting"),
    "share": ("share-bar", "shared-folder"),
    "sharing": ("sharing-tools", "timesharing"),
    "sharethis": ("sharethis-inline", "sharethisnow"),
    "sharedaddy": ("sharedaddy sd-block", "sharedaddys"),
    "addtoany": ("addtoany_list", "addtoanything"),
    "social": ("social-icons", "socialist"),
    "newsletter": ("newsletter-signup-box", "newsletters"),
    "subscribe": ("subscribe-form", "subscribers"),
    "subscription": ("subscription-wall", "subscriptions"),
    "signup": ("sign-up", "signups"),
    "optin": ("opt-in", "optional"),
    "promo": ("promo-box", "promotion"),
    "cta": ("cta-banner", "doctab"),
    "popup": ("popup-overlay", "popups"),
    "modal": ("modal-dialog", "modality"),
    "advert": ("advert-slot", "adverts"),
    "advertisement": ("advertisement-top", "advertisements"),
    "ads": ("ads-container", "loads"),
    "sponsored": ("sponsored-links", "unsponsored"),
    "comments": ("comments-area", "commentsx"),
    "commentlist": ("commentList", "commentlisting"),
    "disqus": ("disqus_thread", "disqusion"),
    "respond": ("respond", "responder"),
    "authorbox": ("author-box", "authorboxes"),
    "authorbio": ("authorBio", "authorbios"),
    "aboutauthor": ("about-author", "aboutauthors"),
    "cookie": ("cookie-banner", "cookies"),
    "consent": ("consent-manager", "consents"),
    "rating": ("star-rating", "ratings"),
    "byline": ("article-byline", "bylines"),
    "breadcrumb": ("breadcrumb-trail", "breadcrumbing"),
    "breadcrumbs": ("site breadcrumbs", "breadcrumbsx"),
    "pagination": ("pagination-nav", "paginations"),
    "pager": ("pager-links", "pagers"),
    "navbar": ("nav-bar", "navbars"),
    "menu": ("main-menu", "menus"),
    "skiplink": ("skip-link", "skiplinks"),
    "copyright": ("copyright-notice", "copyrighted"),
    "disclaimer": ("disclaimer-text", "disclaimers"),
}


def _word_rows() -> dict[str, Row]:
    rows = {}
    for (attribute, word), rule in WORD_RULES.items():
        fires, quiet = WORD_EXAMPLES[word]
        rows[rule.name] = row(
            [f"<div {attribute}='{fires}'><p>Short text here</p></div>"],
            [f"<div {attribute}='{quiet}'><p>Short text here</p></div>"],
        )
    return rows


ALL_ROWS = {**BLOCK_ROWS, **CONTEXT_ROWS, **HTML_ROWS, **_word_rows()}


# ------------------------------------------------------------------ how each stage is run


def _fired_in_text(example: str | Doc) -> set[str]:
    example = example if isinstance(example, Doc) else Doc(example)
    blocks = split_blocks(normalize_document(example.text))
    article = clean_blocks(blocks, url=example.url, hints=example.hints)
    return {r.rule for r in article.removed}


def _fired_in_html(element: str) -> set[str]:
    page = f"<html><body><article><p>{P1} {P2} {P3}</p></article>{element}</body></html>"
    removals = (f.removal() for f in find_boilerplate(parse_html(page)))
    return {r.rule for r in removals if r is not None}


def _fires(rule: registry.Rule, example: str | Doc) -> bool:
    if rule.stage is Stage.HTML:
        assert isinstance(example, str)
        return rule.name in _fired_in_html(example)
    if rule.name in BLOCK_ROWS:
        assert isinstance(example, str)
        return rule(make_block(example)) is rule
    return rule.name in _fired_in_text(example)


def _cases(which: str) -> list[tuple[str, str | Doc]]:
    return [
        (name, example)
        for name, examples in ALL_ROWS.items()
        for example in getattr(examples, which)
    ]


def _case_id(case: tuple[str, str | Doc]) -> str:
    name, example = case
    text = example.text if isinstance(example, Doc) else example
    return f"{name}:{text[:40]}"


@pytest.mark.parametrize("case", _cases("fires"), ids=_case_id)
def test_rule_fires(case: tuple[str, str | Doc]) -> None:
    name, example = case
    assert _fires(registry.get(name), example)


@pytest.mark.parametrize("case", _cases("quiet"), ids=_case_id)
def test_rule_stays_quiet(case: tuple[str, str | Doc]) -> None:
    name, example = case
    assert not _fires(registry.get(name), example)


def test_every_registered_rule_has_a_row() -> None:
    """A rule registered without examples, or a row for a rule that is not registered, fails.

    Site rules need articles landed one after another: the dedup flow's tests run them.
    """
    tested = {name for name, r in ALL_ROWS.items() if r.fires and r.quiet}
    registered = {r.name for r in registry.rules() if r.stage is not Stage.SITE}
    assert registered - tested == set(), "registered rules without a table row"
    assert tested - registered == set(), "table rows for rules that are not registered"


def test_block_rule_rows_are_block_rules() -> None:
    for name in BLOCK_ROWS:
        assert registry.get(name).test is not None, name


def test_every_class_word_has_examples() -> None:
    words = {word for words in WORD_KINDS.values() for word in words}
    assert words == set(WORD_EXAMPLES)
    assert len(WORD_RULES) == len(words) * len(WORD_ATTRIBUTES)


def test_a_name_registered_twice_is_refused() -> None:
    taken = registry.rules()[0]
    with pytest.raises(ValueError, match=taken.name):
        registry.context_rule(taken.name, taken.kind, "a second rule under a taken name")
