"""Site rules: boilerplate found by repetition across the articles of one site."""

from __future__ import annotations

from ..kinds import Kind
from .registry import Stage, context_rule

REPEATED_ON_SITE = context_rule(
    "repeated_on_site",
    Kind.WIDGET,
    "A paragraph that recurs in several articles of the same site: its template's chrome.",
    Stage.SITE,
)
