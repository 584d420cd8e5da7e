"""Footer rules: after the article's last prose block, leftover lines are page chrome."""

from __future__ import annotations

from ..kinds import Kind
from .registry import context_rule

LEGAL_CONTINUATION = context_rule(
    "legal_continuation",
    Kind.LEGAL,
    "A footer line continuing a legal line above it that did not end its sentence.",
)
LEGAL_TERMS_IN_FOOTER = context_rule(
    "legal_terms_in_footer",
    Kind.LEGAL,
    "A footer line naming legal terms: DMCA, copyright, terms of use, privacy policy.",
)
TRAILING_CHROME = context_rule(
    "trailing_chrome",
    Kind.WIDGET,
    "A short line after the article's last prose in a text dump (not in HTML structure).",
)
