"""Publisher evidence: the masthead line at the top and the holder named in a copyright line."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from ..article import Block, Hints
from ..kinds import Kind
from ..normalize import detection_key
from .header import (
    MASTHEAD_MATCHES_COPYRIGHT,
    MASTHEAD_MATCHES_DOMAIN,
    MASTHEAD_MATCHES_METADATA,
    PUBLICATION_NAME,
)
from .legal import COPYRIGHT_RULES
from .registry import Rule

_COPYRIGHT_RULE_NAMES = frozenset(rule.name for rule in COPYRIGHT_RULES)

#: Words publications end their names with. A generic vocabulary of the trade (every country
#: has its Times, Post and Herald), not any one publisher's name.
_PUBLICATION_NOUNS = frozenset(
    (
        "times",
        "post",
        "news",
        "herald",
        "examiner",
        "journal",
        "tribune",
        "gazette",
        "chronicle",
        "telegraph",
        "guardian",
        "review",
        "daily",
        "observer",
        "reporter",
        "standard",
        "star",
        "sun",
        "mail",
        "express",
        "independent",
        "record",
        "register",
        "dispatch",
        "courier",
        "press",
        "monitor",
        "today",
        "wire",
        "weekly",
        "magazine",
        "bulletin",
        "inquirer",
        "globe",
        "mirror",
        "report",
        "insider",
        "beacon",
        "sentinel",
        "leader",
        "voice",
        "nation",
        "republic",
        "statesman",
        "hindu",
        "dawn",
        "pioneer",
        "online",
        "network",
        "media",
        "broadcasting",
        "radio",
        "tv",
        "television",
        "channel",
        "agency",
    )
)
_HOLDER = re.compile(
    r"^(?:copyright\s*)?(?:©|\(c\)|copyright)?\s*(?:(?:19|20)\d\d(?:\s*[-–]\s*(?:19|20)\d\d)?)?"
    r"\s*(?:,\s*)?(?P<holder>[^.|]{2,80}?)\s*(?:[.,|]|\ball rights reserved\b|$)"
)


def copyright_holder(blocks: list[Block]) -> str | None:
    """The name in a copyright line ("© 2021 Example Daily. All rights reserved.")."""
    for block in blocks:
        if block.label != Kind.LEGAL or block.rule not in _COPYRIGHT_RULE_NAMES:
            continue
        m = _HOLDER.match(block.text.strip())
        if m:
            holder = m.group("holder").strip(" ,.-")
            if holder and holder.casefold() not in ("copyright", "all rights reserved"):
                return holder
    return None


def masthead_rule(
    block: Block, *, hints: Hints, holder: str | None, url: str | None
) -> Rule | None:
    """Why a short line above the headline is the publisher's name, or ``None``."""
    words = block.key.split()
    if not 1 <= len(words) <= 6 or block.text.endswith("."):
        return None
    key = _letters(block.key)
    if hints.site and key == _letters(detection_key(hints.site)):
        return MASTHEAD_MATCHES_METADATA
    if holder and key == _letters(detection_key(holder)):
        return MASTHEAD_MATCHES_COPYRIGHT
    if url and key and key.replace(" ", "") in _domain(url):
        return MASTHEAD_MATCHES_DOMAIN
    if words[-1] in _PUBLICATION_NOUNS and all(w[:1].isupper() for w in block.text.split()):
        return PUBLICATION_NAME
    return None


def _letters(key: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", key).split())


def _domain(url: str) -> str:
    host = urlsplit(url if "//" in url else f"//{url}").hostname or ""
    return host.removeprefix("www.").replace("-", "")
