"""The rule registry: every rule that removes or lifts a piece of a page, registered once.

A rule is a :class:`Rule`: a unique ``name`` (exactly what lands in ``removals.rule``), the
:class:`~cleaners.kinds.Kind` it gives, the :class:`Stage` that applies it and a docstring
saying what it catches. Block rules also carry their test: a function of one block that says
whether the rule fires. Calling a rule on a block gives its verdict: the rule itself (which
carries kind and name) or ``None``. Code that applies or looks for a rule holds the registered
object (``block.rule == COPYRIGHT_LINE.name``), never a name typed again.

How to add a rule
-----------------

1. Write it in the module of its kind under ``cleaners/rules/`` (``captions``, ``legal``,
   ``sidebars``, ``credits``, ``dates``, ``widgets``, ``header``, ``footer``, ``html_elements``,
   ``site``). A block rule is a function of a :class:`~cleaners.article.Block` returning
   whether it fires, decorated with :func:`block_rule`::

       @block_rule("photo_credit_label", Kind.CAPTION)
       def photo_credit_label(block: Block) -> bool:
           \"\"\"A leading credit label: "Photo: ...", "Image credit: ...".\"\"\"
           return bool(_CREDIT_LABEL.match(block.key)) and len(WORD.findall(block.key)) <= 40

   It matches the block's detection key (``block.key``: NFKC, case-folded), in time linear in
   its length, and keys on generic wording, never one publisher's. Block rules are tried in
   registration order (modules in the order ``cleaners/rules/__init__.py`` imports them, then
   their order in the module); the first that fires labels the block.
   A rule decided by where a block stands (zones, lists; HTML elements; repetition across a
   site) is declared with :func:`context_rule` and applied by the pass that finds it.
2. Add its row to ``tests/cleaners/test_rule_table.py``: inputs it must fire on (other
   wordings, other languages where it claims to carry over) and inputs it must leave alone.
   The table test fails for a registered rule without a row. ``bench/regex_worst_case.py``
   times every block rule on adversarial lines without further ado.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from ..article import Block
from ..kinds import Kind


class Stage(StrEnum):
    """Where a rule is applied."""

    #: One block on its own (``cleaners.text``, first pass).
    BLOCK = "block"
    #: A block in its document: lists, header, body and footer zones (``cleaners.text``).
    CONTEXT = "context"
    #: An element of a parsed HTML page, before extraction (``cleaners.html.prepass``).
    HTML = "html"
    #: A paragraph across the articles of one site (the dedup stage).
    SITE = "site"


@dataclass(frozen=True, slots=True, eq=False)
class Rule:
    """One registered rule; see the module docstring."""

    name: str
    kind: Kind
    stage: Stage
    doc: str
    test: Callable[[Block], bool] | None = None

    def __call__(self, block: Block) -> Rule | None:
        """The verdict on ``block``: this rule when it fires, else ``None``."""
        return self if self.test is not None and self.test(block) else None

    @property
    def summary(self) -> str:
        """The first line of the rule's docstring."""
        return self.doc.strip().split("\n", 1)[0]


_RULES: dict[str, Rule] = {}


def register(rule: Rule) -> Rule:
    """Add ``rule`` to the registry; a name registered twice is an error."""
    if rule.name in _RULES:
        raise ValueError(f"rule name {rule.name!r} is registered twice")
    if not rule.doc.strip():
        raise ValueError(f"rule {rule.name!r} has no docstring")
    _RULES[rule.name] = rule
    return rule


def block_rule(
    name: str, kind: Kind, stage: Stage = Stage.BLOCK
) -> Callable[[Callable[[Block], bool]], Rule]:
    """Register the decorated test of one block as the rule ``name`` giving ``kind``.

    With ``stage=Stage.CONTEXT`` the test is applied only where a pass says (a breadcrumb is
    looked for in the header alone), not by the first pass over every block.
    """

    def decorate(test: Callable[[Block], bool]) -> Rule:
        return register(Rule(name, kind, stage, test.__doc__ or "", test))

    return decorate


def context_rule(name: str, kind: Kind, doc: str, stage: Stage = Stage.CONTEXT) -> Rule:
    """Register a rule that a pass over a document (or page, or site) applies."""
    return register(Rule(name, kind, stage, doc))


def rules(stage: Stage | None = None) -> tuple[Rule, ...]:
    """The registered rules (of one stage), in registration order."""
    return tuple(r for r in _RULES.values() if stage is None or r.stage == stage)


def get(name: str) -> Rule:
    """The rule registered as ``name`` (for reading stored removals, e.g. in the report)."""
    return _RULES[name]
