"""Caption rules: markdown images, photo credits, image-file junk.

A credit is recognised by how credits are written (a closing parenthetical, a leading label,
an agency and a slash, a stock agency in its own segment), not by any one agency's house style.
The tests that need a word or a slash are tried only when the line has it: a regex opening
with ``\\b`` is tried at every position of a long paragraph.
"""

from __future__ import annotations

import re

from ..article import Block
from ..kinds import Kind
from .registry import block_rule, context_rule
from .shape import WORD, has_any, word_count

#: Longest key the credit and junk tests look at; a longer block is prose.
_CAPTION_CHARS = 2000

_MD_IMAGE = re.compile(r"^!\[[^\]]*\]\([^)]*\)$")
#: Inline images. Alt text and target stop at the next bracket or parenthesis, so that a
#: failed match never rescans the same characters (``![![![...`` stays linear).
_MD_IMAGES = re.compile(r"!\[[^\[\]]*\]\([^()\s]*(?:\s\"[^\"]*\")?\)")
#: "(AP Photo/Name)", "(Photo: Name/Agency)", "(Name/Getty Images)", "(REUTERS/Name)" at the end.
_CREDIT_PAREN = re.compile(
    r"\((?:[^()]{0,80}\bphoto\b[^()]{0,80}|[^()/]{1,60}/[^()/]{1,60})\)[\s.]*$"
)
#: Leading credit labels: "Photo: ...", "Photograph by ...", "Image credit: ...".
_CREDIT_LABEL = re.compile(
    r"^(?:photo|photos|photograph|image|picture|illustration|video|graphic)s?"
    r"(?:\s+(?:credit|courtesy|source))?\s*(?::|by\b|\||courtesy\b)"
)
#: An all-caps agency, a slash and a name closing the line ("REUTERS/Kevin Lamarque",
#: "AFP/Getty Images"); "UX/UI" or "AR/VR" inside a sentence is not one.
_AGENCY_SLASH = re.compile(r"\b[A-Z]{2,}/[A-Z][a-z][\w.'-]*(?: [A-Z][\w.'-]*){0,3}[\s.)]*$")
#: Names on both sides of a slash inside the closing parentheses: "(Rahmat Gul/AP)".
_NAME_SLASH = re.compile(r"[A-Z][\w.'-]*(?: [A-Z][\w.'-]*)*\s*/\s*[A-Z][\w.&' -]*\)[\s.]*$")
#: A stock agency named the way credits name it: in its own segment (after the start of the
#: line, a sentence's end, a separator, "via", "by" or "credit") that closes the line, give or
#: take a photographer's name ("The mayor speaks. Getty Images", "... | Shutterstock / Jane Roe",
#: "... | Dreamstime.com").
#: Prose naming an agency ("shares of Getty Images rose") has an ordinary word before it.
_STOCK_AGENCY = re.compile(
    r"(?:^|[.!?|/:(\[\-–—]|\bvia|\bby|\bcredits?)\s*"
    r"(?:getty images|shutterstock|alamy|istock(?:photo)?|dreamstime)(?:\.com)?\b"
    r"[^.!?]{0,60}[.)\]\s]*$"
)
#: A name that every match of :data:`_STOCK_AGENCY` holds.
_STOCK_AGENCIES = ("getty images", "shutterstock", "alamy", "istock", "dreamstime")
_DIMENSION = re.compile(r"^(?:[a-z]?\d{2,5}x\d{2,5}|w\d{2,5}|h\d{2,5})$")
_IMAGE_FILE = re.compile(r"\.(?:jpe?g|png|gif|webp|avif|tiff?|bmp|svg)\b")
_CLOSING_PUNCTUATION = re.compile(r"[.!?,;:]$")
_ORDINAL = re.compile(r"\d+(?:st|nd|rd|th|s)")


@block_rule("markdown_image", Kind.CAPTION)
def markdown_image(block: Block) -> bool:
    """A line that is only a markdown image: ``![alt](src)``."""
    return bool(_MD_IMAGE.match(block.key))


@block_rule("image_file_name", Kind.CAPTION)
def image_file_name(block: Block) -> bool:
    """Image-file junk: a short line made mostly of ids, hashes, sizes, file names.

    Split at most 20 times, which tells lines of more than 20 tokens apart without listing
    every word of a paragraph.
    """
    key = block.key
    if len(key) > _CAPTION_CHARS:
        return False
    tokens = key.split(maxsplit=20)
    count = len(tokens)
    if count <= 6 and not key.endswith(".") and _IMAGE_FILE.search(key):
        return True
    if not 3 <= count <= 20 or _CLOSING_PUNCTUATION.search(key):
        return False
    junk = dims = 0
    for token in tokens:
        if token.isalpha():  # no letter is a digit: neither a dimension nor junk
            continue
        if _DIMENSION.match(token):
            dims += 1
            junk += 1
        elif _is_junk_token(token):
            junk += 1
    return (dims >= 1 and junk >= 3) or junk * 2 >= count + 1


def _is_junk_token(token: str) -> bool:
    """An id, hash or number of three digits and more (dimensions are counted apart)."""
    if token.isdigit() and len(token) >= 3:
        return True
    has_digit = any(c.isdigit() for c in token)
    has_alpha = any(c.isalpha() for c in token)
    return has_digit and has_alpha and len(token) >= 2 and not _ORDINAL.fullmatch(token)


@block_rule("photo_credit_parenthetical", Kind.CAPTION)
def photo_credit_parenthetical(block: Block) -> bool:
    """A closing parenthetical that credits a photo: "(AP Photo/Jane Roe)", "(Rahmat Gul/AP)"."""
    key = block.key
    return (
        len(key) <= _CAPTION_CHARS
        and bool(_CREDIT_PAREN.search(key))
        and _credit_words(key, block.text)
    )


def _credit_words(key: str, text: str) -> bool:
    """The closing parenthetical really credits a photo: it says photo/image/pool/staff/file,
    or puts capitalized names on both sides of a slash ("(Jane Roe/AFP)"), not "(1/2)",
    "(and/or)" or "(volume/issue)"."""
    tail = key[key.rfind("(") :]
    if re.search(r"photo|image|pool|staff|file", tail):
        return "photo" in tail or len(WORD.findall(tail)) >= 2
    return bool(_NAME_SLASH.search(text[-160:]))


@block_rule("photo_credit_label", Kind.CAPTION)
def photo_credit_label(block: Block) -> bool:
    """A leading credit label: "Photo: ...", "Photograph by ...", "Image credit: ..."."""
    key = block.key
    return len(key) <= _CAPTION_CHARS and bool(_CREDIT_LABEL.match(key)) and word_count(key) <= 40


@block_rule("agency_slash_credit", Kind.CAPTION)
def agency_slash_credit(block: Block) -> bool:
    """An all-caps agency, a slash and a name closing the line: "... REUTERS/Kevin Smith"."""
    tail = block.text[-120:]
    return (
        len(block.key) <= _CAPTION_CHARS
        and "/" in tail
        and bool(_AGENCY_SLASH.search(tail))
        and word_count(block.key) <= 80
    )


@block_rule("stock_agency_credit", Kind.CAPTION)
def stock_agency_credit(block: Block) -> bool:
    """A stock agency in its own closing segment: "The mayor speaks. Getty Images"."""
    key = block.key
    return (
        len(key) <= _CAPTION_CHARS
        and has_any(key, _STOCK_AGENCIES)
        and bool(_STOCK_AGENCY.search(key))
        and word_count(key) <= 80
    )


INLINE_MARKDOWN_IMAGE = context_rule(
    "inline_markdown_image",
    Kind.CAPTION,
    "A markdown image inside a kept paragraph, cut out of it (the paragraph stays).",
)


def strip_inline_images(text: str) -> tuple[str, list[str]]:
    """Remove markdown images inside a paragraph; return the rest and the images removed."""
    found = _MD_IMAGES.findall(text)
    return (_MD_IMAGES.sub("", text).strip(), found) if found else (text, [])
