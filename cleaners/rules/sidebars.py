"""Sidebar rules: lists of other stories, related links, pasted repeats.

The lead of a list ("Related:", "Most read") is a block rule; the items under it, runs of
link-only lines and trailing headline lists are found by the list pass of ``cleaners.text``.
"""

from __future__ import annotations

import re

from ..article import Block
from ..kinds import Kind
from .registry import block_rule, context_rule

_SIDEBAR_LEAD = re.compile(
    r"^(?:related(?: articles| stories| news| content| posts| coverage| reading| topics)?"
    r"|read (?:more|also|next)|also read|see also|more (?:from|on|about|stories|news|in)\b.*"
    r"|recommended(?: for you| stories| reading)?|you (?:may|might) (?:also )?like"
    r"|most (?:read|popular|viewed|shared)|trending(?: now| stories)?|popular(?: stories| now)?"
    r"|top stories|latest(?: news| stories)?|editor'?s picks?|what to read next|don't miss)"
    r"\s*(?::|$)"
)
_LINK_ONLY = re.compile(r"^(?:[-*•+]\s*|\d+[.)]\s*)?\[[^\]]+\]\([^)]*\)[\s.]*$")


@block_rule("related_list", Kind.SIDEBAR)
def related_list(block: Block) -> bool:
    """A "Related:" / "Read more:" / "Most read" line that starts a list of other headlines."""
    key = block.key
    return len(key) <= 300 and bool(_SIDEBAR_LEAD.match(key.lstrip("#*-–—• >[").strip()))


RELATED_LIST_ITEM = context_rule(
    "related_list_item",
    Kind.SIDEBAR,
    "A headline, link or date line in the run of short lines under a related-list lead.",
)
LINK_LIST = context_rule(
    "link_list", Kind.SIDEBAR, "A run of two or more lines that are each only a markdown link."
)
HEADLINE_LIST = context_rule(
    "headline_list",
    Kind.SIDEBAR,
    "A trailing run of other stories' headlines with their dates or truncated teasers.",
)
REPEATED_BLOCK = context_rule(
    "repeated_block",
    Kind.SIDEBAR,
    "A paragraph of four words or more that already stood earlier in the same text dump.",
)


def link_only(key: str) -> bool:
    """A line that is only a markdown link (an item of a link list)."""
    return len(key) <= 500 and bool(_LINK_ONLY.match(key))
