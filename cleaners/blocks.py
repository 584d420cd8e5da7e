"""Split a scraped text or markdown dump into blocks, the unit every rule works on.

Scrapers write one paragraph a line, or paragraphs between blank lines, sometimes with
hard-wrapped lines, markdown headings, images and links, and stray leading spaces. Each
non-blank line becomes a block, except that a hard-wrapped continuation (a line that does not
end a sentence, followed directly by one that starts in lower case) is joined to it.
"""

from __future__ import annotations

import re

from .article import Block
from .normalize import detection_key, fold_ws

_MD_HEADING = re.compile(r"#{1,6}\s")
_MD_BOLD_LINE = re.compile(r"^(\*\*|__)([^*_].*?)\1$")
_SENTENCE_END = re.compile(r"[.!?…:;,\"'”’)\]]$")


def make_block(text: str, line: int = 0, heading: bool = False, gap_before: bool = True) -> Block:
    """A block from one paragraph of text: whitespace folded, detection key computed."""
    text = fold_ws(text)
    return Block(
        text=text, key=detection_key(text), line=line, heading=heading, gap_before=gap_before
    )


def split_blocks(text: str) -> list[Block]:
    """Blocks of a normalized document, in order, with their 1-based source line numbers."""
    blocks: list[Block] = []
    gap = True
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        if not line:
            gap = True
            continue
        heading = False
        if _MD_HEADING.match(line):
            line, heading = _heading_text(line), True
        elif m := _MD_BOLD_LINE.match(line):
            line, heading = m.group(2), True
        if not line:
            continue
        prev = blocks[-1] if blocks else None
        if prev and not gap and not heading and not prev.heading and _continues(prev.text, line):
            blocks[-1] = make_block(f"{prev.text} {line}", prev.line, False, prev.gap_before)
        else:
            blocks.append(make_block(line, number, heading, gap))
        gap = False
    return blocks


def _heading_text(line: str) -> str:
    """The text of an ATX heading line: opening ``#``s off, and a closing run of ``#``s.

    As in CommonMark, a closing run only counts after a space (``## Learn C#`` keeps its
    ``#``); string methods rather than one regex keep this linear in the line length.
    """
    text = line.lstrip("#").strip()
    closed = text.rstrip("#")
    if closed != text and (not closed or closed[-1].isspace()):
        return closed.rstrip()
    return text


def _continues(previous: str, line: str) -> bool:
    """True when ``line`` is the hard-wrapped rest of the sentence in ``previous``."""
    return not _SENTENCE_END.search(previous) and line[:1].islower()
