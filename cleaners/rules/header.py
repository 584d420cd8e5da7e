"""Header rules: what stands above the article's first prose (headline, masthead, kickers).

The header pass of ``cleaners.text`` applies them; the masthead tests are in ``.metadata``.
"""

from __future__ import annotations

import re

from ..article import Block
from ..kinds import Kind
from .registry import Stage, block_rule, context_rule

_CRUMB_SEP = re.compile(r"\s(?:>|›|»|/|\||::|→)\s")


@block_rule("breadcrumb", Kind.NAVIGATION, Stage.CONTEXT)
def breadcrumb(block: Block) -> bool:
    """A breadcrumb in the header: "Home > World > Asia", "News | Politics" (further down, a
    line of "a | b | c" is a table row or a list)."""
    key = block.key
    if len(key) > 200:
        return False
    parts = [p for p in _CRUMB_SEP.split(key) if p.strip()]
    return len(parts) >= 2 and all(len(p.split()) <= 4 for p in parts) and not key.endswith(".")


SECTION_KICKER = context_rule(
    "section_kicker",
    Kind.NAVIGATION,
    "A short line (six words at most, no sentence) above the headline: a section name.",
)
HEADLINE = context_rule(
    "headline",
    Kind.TITLE,
    "The headline guessed from the header: repeated later, else the longest non-sentence.",
)
HEADLINE_MATCHES_METADATA = context_rule(
    "headline_matches_metadata", Kind.TITLE, "The header line that matches the metadata title."
)
REPEATED_HEADLINE = context_rule(
    "repeated_headline", Kind.DUPLICATE_TITLE, "A later line that repeats the headline."
)
MASTHEAD_MATCHES_METADATA = context_rule(
    "masthead_matches_metadata",
    Kind.MASTHEAD,
    "A short line above the headline that is the site name of the page's metadata.",
)
MASTHEAD_MATCHES_COPYRIGHT = context_rule(
    "masthead_matches_copyright",
    Kind.MASTHEAD,
    "A short line above the headline naming the holder of the page's copyright line.",
)
MASTHEAD_MATCHES_DOMAIN = context_rule(
    "masthead_matches_domain",
    Kind.MASTHEAD,
    "A short line above the headline that spells the page's domain name.",
)
PUBLICATION_NAME = context_rule(
    "publication_name",
    Kind.MASTHEAD,
    "A capitalised line above the headline ending in a publication noun (Times, Post, ...).",
)
