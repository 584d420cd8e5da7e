"""Split a scraped text or markdown dump into blocks, the unit every rule works on.

Scrapers write one paragraph a line, or paragraphs between blank lines, sometimes with
hard-wrapped lines, markdown headings, images and links, and stray leading spaces. Each
non-blank line becomes a block, except that a hard-wrapped continuation (a line that does not
end a sentence, followed directly by one that starts in lower case) is joined to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .article import Block
from .normalize import detection_key, fold_ws

_MD_HEADING = re.compile(r"#{1,6}\s")
_MD_BOLD_LINE = re.compile(r"^(\*\*|__)([^*_].*?)\1$")
#: A character that ends a line which is not continued on the next.
_SENTENCE_END = re.compile(r"[.!?…:;,\"'”’)\]]")


def make_block(text: str, line: int = 0, heading: bool = False, gap_before: bool = True) -> Block:
    """A block from one paragraph of text: whitespace folded, detection key computed."""
    text = fold_ws(text)
    return Block(
        text=text, key=detection_key(text), line=line, heading=heading, gap_before=gap_before
    )


def split_blocks(text: str) -> list[Block]:
    """Blocks of a normalized document, in order, with their 1-based source line numbers.

    The lines of a hard-wrapped paragraph are collected and joined once, when the paragraph
    ends, so the time stays linear in the number of lines however long the paragraph.
    """
    blocks: list[Block] = []
    paragraph: _Paragraph | None = None
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
        if paragraph and not gap and not heading and paragraph.continued_by(line):
            paragraph.lines.append(line)
        else:
            if paragraph:
                blocks.append(paragraph.block())
            paragraph = _Paragraph([line], number, heading, gap)
        gap = False
    if paragraph:
        blocks.append(paragraph.block())
    return blocks


@dataclass(slots=True)
class _Paragraph:
    """The lines of one block so far, with where it starts."""

    lines: list[str]
    line: int
    heading: bool
    gap_before: bool

    def continued_by(self, line: str) -> bool:
        """A heading is never continued; else see :func:`_continues` (the paragraph's last
        character is its last line's: every line is stripped)."""
        return not self.heading and _continues(self.lines[-1], line)

    def block(self) -> Block:
        return make_block(" ".join(self.lines), self.line, self.heading, self.gap_before)


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
    return not _SENTENCE_END.match(previous[-1:]) and line[:1].islower()
