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


# ------------------------------------------------------------ metadata that carries over

#: Separators between a headline and the site's name in a page title.
_TITLE_SEPARATORS = re.compile(r"\s+(?:[-–—|·•:»/]|::)\s+")
_TRAILING_SEPARATOR = re.compile(r"\s+(?:[-–—|·•:»/]|::)\s+$")
#: Words that make an author field an organisation, a desk or a role, not a person: the
#: vocabulary of the trade, in several languages, never any one publisher's name.
_NOT_PERSON_WORDS = frozenset(
    (
        "staff", "desk", "team", "newsroom", "editors", "editorial", "editor", "writer",
        "writers", "correspondent", "correspondents", "reporter", "reporters", "bureau",
        "contributor", "contributors", "columnist", "service", "services", "wire", "agency",
        "agencies", "inc", "llc", "ltd", "plc", "gmbh", "ag", "sa", "corp", "corporation",
        "company", "group", "media", "network", "publishing", "publications", "ministry",
        "ministries", "department", "office", "government", "council", "committee",
        "association", "foundation", "institute", "university", "police", "redaktion",
        "rédaction", "redacción", "redazione", "redactie", "agence", "agencia", "agenzia",
    )
)  # fmt: skip
#: Last words of a domain written as a name ("Cleveland com").
_DOMAIN_SUFFIXES = frozenset(("com", "net", "org", "co", "uk", "de", "fr", "io", "info", "news"))
#: Lower-case words that stand inside personal names ("Ludwig van Beethoven").
_NAME_PARTICLES = frozenset(
    (
        "de", "da", "das", "do", "dos", "du", "des", "del", "della", "di", "la", "le", "van",
        "von", "der", "den", "ter", "ten", "bin", "ibn", "al", "el", "y", "e", "zu", "af",
    )
)  # fmt: skip


def _squash(text: str) -> str:
    """Letters and digits only, case-folded, without a leading "The": "The More-Bikes" and
    "morebikes" compare equal."""
    return "".join(c for c in detection_key(re.sub(r"(?i)^the\s+", "", text)) if c.isalnum())


def _host(url: str | None) -> str | None:
    if not url or "//" not in url:
        return None
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    return host or None


def _names_of_site(site: str | None, url: str | None) -> set[str]:
    """Squashed forms a page may use for its own site: the site's name, the host, and the
    host's labels but its suffix ("nj" of nj.com)."""
    names = set()
    if site:
        names.add(_squash(site))
    host = _host(url)
    if host:
        labels = host.split(".")
        names |= {_squash(host), *(_squash(label) for label in labels[:-1] if len(label) > 1)}
    return {n for n in names if len(n) >= 2}


def title_without_site(title: str | None, site: str | None, url: str | None) -> str | None:
    """``title`` without the site's name that pages append or prepend to it
    ("Headline - Site", "Headline | Site", "Site: Headline"), when that name matches the
    site or the domain. A title that is only the site's name is kept."""
    if not title:
        return title
    title = _without_site_suffix(title, site)
    names = _names_of_site(site, url)
    if not names:
        return title
    parts = _TITLE_SEPARATORS.split(title)
    seps = _TITLE_SEPARATORS.findall(title)
    while len(parts) > 1 and _squash(parts[-1]) in names:
        parts, seps = parts[:-1], seps[:-1]
    while len(parts) > 1 and _squash(parts[0]) in names:
        parts, seps = parts[1:], seps[1:]
    prefixed = re.match(r"^([^:]{2,60}):\s+(\S.*)$", parts[0]) if len(parts) == 1 else None
    if prefixed and _squash(prefixed[1]) in names:
        return prefixed[2]
    out = parts[0]
    for sep, part in zip(seps, parts[1:], strict=True):
        out += sep + part
    return out


def _without_site_suffix(title: str, site: str | None) -> str:
    """``title`` without the site's name written out after a separator, for names that
    hold a separator themselves ("Headline - Example Gyms | Open 24/7")."""
    if not site or not title.casefold().endswith(site.casefold()):
        return title
    head = title[: -len(site)]
    m = _TRAILING_SEPARATOR.search(head)
    return head[: m.start()] if m and head[: m.start()].strip() else title


def person_names(
    names: list[str], site: str | None, url: str | None, holder: str | None = None
) -> list[str]:
    """The names in ``names`` that can be people: not the site, the domain or the copyright
    ``holder``, no organisation, desk or role words, no digits, addresses or sentence-like
    lower case."""
    own = _names_of_site(site, url)
    held = _squash(holder) if holder else None
    return [n for n in names if _squash(n) != held and _is_person(n, own)]


def _is_person(name: str, own: set[str]) -> bool:
    words = name.replace(",", " ").split()
    if not 1 <= len(words) <= 5:
        return False
    # One word that is the site's name or a word of its domain ("Nj", "Examplenews") is the
    # publisher; several words may be a person whose own site it is ("Jane Doe", janedoe.com).
    if (len(words) == 1 or words[-1].casefold() in _DOMAIN_SUFFIXES) and _squash(name) in own:
        return False
    if any(ch.isdigit() for ch in name) or re.search(r"@|https?:|www\.|\.com\b", name):
        return False
    lowered = [w.strip(".'’").casefold() for w in words]
    if lowered[0] in ("the", "by") or any(w in _NOT_PERSON_WORDS for w in lowered):
        return False
    for word, low in zip(words, lowered, strict=True):
        cased = next((c for c in word if c.isalpha() and c.lower() != c.upper()), None)
        if cased is not None and not cased.isupper() and low not in _NAME_PARTICLES:
            return False
    return True


def site_name(site: str | None, url: str | None) -> str | None:
    """The site's name, tidied: stray handle marks and underscores trimmed; when it is only
    a lower-case word of the domain ("nj", "wday_"), whose proper spelling cannot be
    guessed, the host itself ("nj.com"); another lower-case word title-cased. With no name
    at all, the host."""
    host = _host(url)
    name = (site or "").strip().strip("@_-|·:").strip()
    if not name:
        return host
    if name.islower() and " " not in name and "." not in name:
        if host and _squash(name) in {_squash(label) for label in host.split(".")}:
            return host
        return name.title()
    return name
