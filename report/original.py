"""Rebuild an article's original order from its kept passages and its removals.

Both are stored in document order separately; each removal records the kept passage it
stood before (``before_passage``; the passage count when it came after the last one).
Removals landed before that was recorded have no place and are returned apart.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Piece:
    """One unit of the original document: a kept passage or a removed piece (``kind`` and
    ``rule`` set). ``position`` is the passage's or the removal's own position."""

    text: str
    position: int
    kind: str | None = None
    rule: str | None = None
    duplicate_of_article: str | None = None
    duplicate_of_position: int | None = None

    @property
    def removed(self) -> bool:
        return self.kind is not None


def original_order(
    passages: Sequence[Mapping[str, Any]], removals: Sequence[Mapping[str, Any]]
) -> tuple[list[Piece], list[Piece]]:
    """The pieces in document order, and the removals whose place is unknown.

    Removals standing before the same passage keep their own order (by position).
    """
    before: dict[int, list[Piece]] = {}
    unplaced = []
    for r in sorted(removals, key=lambda r: r["position"]):
        piece = Piece(r["text"], r["position"], r["kind"], r["rule"])
        if r.get("before_passage") is None:
            unplaced.append(piece)
        else:
            at = max(0, min(r["before_passage"], len(passages)))
            before.setdefault(at, []).append(piece)
    pieces: list[Piece] = []
    for i, p in enumerate(sorted(passages, key=lambda p: p["position"])):
        pieces.extend(before.get(i, []))
        pieces.append(
            Piece(
                p["text"],
                p["position"],
                duplicate_of_article=p.get("duplicate_of_article"),
                duplicate_of_position=p.get("duplicate_of_position"),
            )
        )
    pieces.extend(before.get(len(passages), []))
    return pieces, unplaced
