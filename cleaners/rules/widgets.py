"""Widget rules: comment prompts, author boxes, share/subscribe lines, source links, tags.

Generic page furniture of news sites, not any one publisher's wording. Whole-line phrases are
matched on the key with punctuation stripped (:func:`.shape.bare`).
"""

from __future__ import annotations

import re

from ..article import Block
from ..kinds import Kind
from .registry import block_rule
from .shape import bare

#: Longest key a widget line has.
_WIDGET_CHARS = 300
#: Most words of a call to action or newsletter box.
_CTA_WORDS = 25

_WIDGET_LINE = re.compile(
    r"^(?:about the authors?|leave a (?:comment|reply)|(?:\d+ )?comments?|post a comment"
    r"|add a comment|show comments|view comments|join the conversation"
    r"|comment on this (?:story|article)"
    r"|source link|source|original source|read the original(?: article)?|view original"
    r"|share|share this(?: article| story| post| page)?|share (?:on|via) \w+|share this with"
    r"|print|print this(?: article| page)?|email|e-mail|copy link|link copied|tweet|pin it"
    r"|advertisement|advertising|sponsored(?: content)?|ad|story continues below(?: advertisement)?"
    r"|continue reading(?: below)?|continue reading the main story|scroll to continue"
    r"|subscribe(?: now| today| here)?|sign up|sign up now|log ?in|sign in|register"
    r"|follow us(?: on \w+)?|like us on facebook|listen to this article|listen"
    r"|back to top|skip to (?:main )?content"
    r"|loading|close|menu|search|next article|previous article|next|previous|more"
    r"|(?:\d+ )?min(?:ute)?s? read|read more|see more|load more|view all|show more)$"
)
#: Calls to action that may carry more words ("Sign up for our daily newsletter").
_WIDGET_CTA = re.compile(
    r"^(?:sign up|subscribe|get (?:our|the)\b|join our|follow (?:us|@)|click here|tap here"
    r"|download (?:our|the) app|share (?:this|on|via)|like (?:us|our page)|support (?:our|us)"
    r"|don't miss|do not miss|never miss|enter your email|we'd love to hear|contact us"
    r"|have a (?:news )?tip|send us (?:a|your) tip|got a (?:news )?tip)\b"
)
_TAG_LINE = re.compile(r"^(?:tags|topics|filed under|categories|category|keywords)\s*:")
_NEWSLETTER = re.compile(r"\bnewsletters?\b|\binbox\b|\bsubscri(?:be|ption)\b|\bunsubscribe\b")
#: A newsletter box speaks to the reader ("straight to your inbox", "you'll get"); news prose
#: about subscribing speaks of someone else, and the reader addressed outside a quote is rare.
_TO_READER = re.compile(r"\b(?:you|your|yours)\b")
#: Reported speech or narration ("..., she said.") rather than a call to action.
_REPORTED = re.compile(r"\b(?:said|says|told|added|wrote|according to)\b")


@block_rule("widget_phrase", Kind.WIDGET)
def widget_phrase(block: Block) -> bool:
    """A whole line of page furniture: "Leave a comment", "Share", "Source link", "5 min read"."""
    return len(block.key) <= _WIDGET_CHARS and bool(_WIDGET_LINE.match(bare(block.key)))


@block_rule("tag_line", Kind.WIDGET)
def tag_line(block: Block) -> bool:
    """A list of the article's tags: "Tags: ...", "Filed under: ...", "Topics: ..."."""
    return len(block.key) <= _WIDGET_CHARS and bool(_TAG_LINE.match(block.key))


@block_rule("call_to_action", Kind.WIDGET)
def call_to_action(block: Block) -> bool:
    """A short call to action: "Sign up for our daily newsletter", "Click here to ..."."""
    if len(block.key) > _WIDGET_CHARS:
        return False
    phrase = bare(block.key)
    return len(phrase.split()) <= _CTA_WORDS and bool(_WIDGET_CTA.match(phrase))


@block_rule("newsletter_box", Kind.WIDGET)
def newsletter_box(block: Block) -> bool:
    """A short newsletter pitch addressed to the reader, not news prose about subscriptions."""
    key = block.key
    if len(key) > _WIDGET_CHARS:
        return False
    phrase = bare(key)
    return (
        len(phrase.split()) <= _CTA_WORDS
        and bool(_NEWSLETTER.search(phrase))
        and bool(_TO_READER.search(phrase))
        and not _REPORTED.search(key)
    )
