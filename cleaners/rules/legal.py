"""Legal rules: copyright lines, rights notices, reproduction notices (the strong forms; the
footer rules in :mod:`.footer` take weaker ones where the article has ended).

Words are counted only for a line that a pattern matched, and the patterns that need a phrase
or a sign are tried only on a line that has it.
"""

from __future__ import annotations

import re

from ..article import Block
from ..kinds import Kind
from .registry import block_rule
from .shape import has_any, word_count

#: Longest key the legal tests look at; a longer block is prose.
_LEGAL_CHARS = 2000

#: A line opening with the copyright sign, or with the word and then the sign or a colon. The
#: bare word opens prose and subheadings too ("Copyright law is changing"), and "(c)" opens
#: the third item of a list; with a year both are caught by ``_COPYRIGHT_YEAR``.
_COPYRIGHT_START = re.compile(r"^(?:©|\u24b8|copyright\s*(?:©|\(c\)|\u24b8|:))")
_COPYRIGHT_YEAR = re.compile(r"(?:©|\(c\)|copyright)\s*(?:©\s*)?(?:19|20)\d\d")
_RIGHTS_PHRASES = ("all rights reserved", "tous droits réservés", "derechos reservados")
_RIGHTS = re.compile("|".join(rf"\b{phrase}\b" for phrase in _RIGHTS_PHRASES))
#: What every match of :data:`_COPYRIGHT_YEAR` opens with.
_COPYRIGHT_SIGNS = ("©", "(c)", "copyright")
_REPRODUCTION = re.compile(r"\bmay not be (?:published|reproduced|redistributed|rewritten)\b")
_LEGAL_TERMS = re.compile(
    r"\bdmca\b|\bcopyright\b|\bterms of (?:use|service)\b|\bprivacy policy\b|\bcookie policy\b"
    r"|\bmay not be (?:published|reproduced|redistributed|rewritten)\b|\bfair use\b"
)


@block_rule("all_rights_reserved", Kind.LEGAL)
def all_rights_reserved(block: Block) -> bool:
    """A rights notice: "All rights reserved", "Tous droits réservés", "Derechos reservados"."""
    key = block.key
    return (
        len(key) <= _LEGAL_CHARS
        and has_any(key, _RIGHTS_PHRASES)
        and bool(_RIGHTS.search(key))
        and word_count(key) <= 60
    )


@block_rule("copyright_line", Kind.LEGAL)
def copyright_line(block: Block) -> bool:
    """A line opening with the copyright sign, or "Copyright" and a sign or colon."""
    key = block.key
    return len(key) <= _LEGAL_CHARS and bool(_COPYRIGHT_START.match(key)) and word_count(key) <= 40


@block_rule("copyright_year", Kind.LEGAL)
def copyright_year(block: Block) -> bool:
    """A short line with a copyright sign or word and a year: "Text (c) 2024 Example Ltd"."""
    key = block.key
    return (
        len(key) <= _LEGAL_CHARS
        and has_any(key, _COPYRIGHT_SIGNS)
        and bool(_COPYRIGHT_YEAR.search(key))
        and word_count(key) <= 25
    )


@block_rule("reproduction_notice", Kind.LEGAL)
def reproduction_notice(block: Block) -> bool:
    """ "This material may not be published, broadcast, rewritten or redistributed"."""
    key = block.key
    return len(key) <= _LEGAL_CHARS and "may not be" in key and bool(_REPRODUCTION.search(key))


#: The rules whose line names the copyright holder (the publisher, see ``metadata``).
COPYRIGHT_RULES = (copyright_line, copyright_year)


def legal_terms(key: str) -> bool:
    """Mentions legal terms (DMCA, copyright, terms of use): a footer line in the footer zone."""
    return len(key) <= _LEGAL_CHARS and bool(_LEGAL_TERMS.search(key))
