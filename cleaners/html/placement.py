"""Where the pre-pass's removals stood among the kept paragraphs, for the page-order audit.

The pre-pass takes elements out of the tree before the text is extracted, so its removals
have no paragraph count of their own. Their place is recovered from the page's text: each
removed element's offset in the page's visible text, and each kept paragraph's offset (its
first characters found, in order, in the same text). Whitespace is left out of both, so the
extractor's spacing does not matter; a paragraph not found keeps no offset and is skipped.
"""

from __future__ import annotations

import bisect
import dataclasses
from collections.abc import Sequence

from lxml import etree

from cleaners.article import Removal

#: Characters of a paragraph looked for in the page's text.
_PROBE_CHARS = 40
#: Paragraphs not found before the search gives up (each miss reads the rest of the page).
_MAX_MISSES = 20


def text_offsets(
    tree: etree._Element, elements: Sequence[etree._Element], hidden: frozenset[str]
) -> tuple[str, list[int]]:
    """The page's visible text without whitespace (the text of ``hidden`` tags, such as
    scripts with a JSON-LD copy of the article, left out), and where each of ``elements``
    starts in it. With no elements there is nothing to place, and the page is not walked."""
    if not elements:
        return "", []
    wanted = {id(e): i for i, e in enumerate(elements)}
    offsets = [0] * len(elements)
    parts: list[str] = []
    length = 0
    skipping: etree._Element | None = None
    for event, element in etree.iterwalk(tree, events=("start", "end")):
        piece = None
        if event == "start":
            if (i := wanted.get(id(element))) is not None:
                offsets[i] = length
            if skipping is None and element.tag in hidden:
                skipping = element
            elif skipping is None and isinstance(element.tag, str):
                piece = element.text
        else:
            if element is skipping:
                skipping = None
            if skipping is None and element is not tree:
                piece = element.tail
        if piece:
            squeezed = "".join(piece.split())
            parts.append(squeezed)
            length += len(squeezed)
    return "".join(parts), offsets


def placed(
    removed: Sequence[Removal], offsets: Sequence[int], text: str, paragraphs: Sequence[str]
) -> list[Removal]:
    """``removed`` with ``before`` set to the number of kept paragraphs found above each."""
    starts = _paragraph_starts(text, paragraphs)
    at = [offset for offset, _ in starts]
    out = []
    for removal, offset in zip(removed, offsets, strict=True):
        above = bisect.bisect_right(at, offset - 1)  # paragraphs that start before it
        out.append(dataclasses.replace(removal, before=starts[above - 1][1] + 1 if above else 0))
    return out


def _paragraph_starts(text: str, paragraphs: Sequence[str]) -> list[tuple[int, int]]:
    """(offset in ``text``, paragraph index) of each paragraph found, in page order."""
    found = []
    cursor = misses = 0
    for i, paragraph in enumerate(paragraphs):
        probe = "".join(paragraph.split())[:_PROBE_CHARS]
        at = text.find(probe, cursor) if probe else -1
        if at >= 0:
            found.append((at, i))
            cursor = at + len(probe)
        elif (misses := misses + 1) > _MAX_MISSES:
            break
    return found
