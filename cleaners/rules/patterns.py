"""Line patterns: context-free tests of one block's detection key.

Every test takes a block's detection key (NFKC, case-folded; see ``normalize.detection_key``)
and returns the name of the rule that fired, or ``None``. The names end up in
``removals.rule``. Context (where the block sits in the document) is applied by the caller;
these tests only say what a block *looks like*.

Every test runs in time linear in the line length: no pattern nests quantifiers, a pattern
that is tried at every position stops at the next delimiter it cannot cross (an image's alt
text stops at ``[`` as well as ``]``), so failed attempts never rescan the same characters;
tests that only make sense for short lines check the length first. ``bench/regex_worst_case.py``
times each one on adversarial lines.
"""

from __future__ import annotations

import re

WORD = re.compile(r"\w+")

# ---------------------------------------------------------------- captions and photo credits

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
#: Trailing credit labels: "... Photo: Jane Doe", "... | Getty Images", "... Credit: X".
_CREDIT_TAIL = re.compile(
    r"(?:\b(?:photo|photograph|image|picture|credit|source)s?\s*(?::|by)\s*[^.!?]{1,60}"
    r"|\|\s*[^|.!?]{1,60})$"
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
_PHOTO_VERBS = re.compile(
    r"\b(?:poses? for (?:a )?photo(?:graph)?s?|pictured|in this (?:file )?photo)"
)
#: A word that every match of :data:`_PHOTO_VERBS` holds.
_PHOTO_VERB_WORDS = ("photo", "pictured")
_CLOSING_PUNCTUATION = re.compile(r"[.!?,;:]$")
_ORDINAL = re.compile(r"\d+(?:st|nd|rd|th|s)")


def caption_rule(key: str, text: str) -> str | None:
    """A caption, photo credit or leftover image-file name.

    The tests that need a word or a slash are tried only when the line has it: a regex
    opening with ``\\b`` is tried at every position of a long paragraph.
    """
    if _MD_IMAGE.match(key):
        return "markdown_image"
    if len(key) > 2000:
        return None
    if _junk_tokens(key):
        return "image_file_name"
    if _CREDIT_PAREN.search(key) and _credit_words(key, text):
        return "photo_credit"
    if _CREDIT_LABEL.match(key) and len(WORD.findall(key)) <= 40:
        return "photo_credit"
    tail = text[-120:]
    if "/" in tail and _AGENCY_SLASH.search(tail) and len(WORD.findall(key)) <= 80:
        return "photo_credit"
    if (
        _has_any(key, _STOCK_AGENCIES)
        and _STOCK_AGENCY.search(key)
        and len(WORD.findall(key)) <= 80
    ):
        return "photo_credit"
    if _has_any(key, _PHOTO_VERB_WORDS) and _PHOTO_VERBS.search(key) and _CREDIT_TAIL.search(key):
        return "photo_credit"
    return None


def _has_any(key: str, words: tuple[str, ...]) -> bool:
    """Whether ``key`` holds one of ``words``: a substring search, far cheaper than a regex
    that every match of must contain one of them."""
    return any(word in key for word in words)


def _credit_words(key: str, text: str) -> bool:
    """The closing parenthetical really credits a photo: it says photo/image/pool/staff/file,
    or puts capitalized names on both sides of a slash ("(Jane Roe/AFP)"), not "(1/2)",
    "(and/or)" or "(volume/issue)"."""
    tail = key[key.rfind("(") :]
    if re.search(r"photo|image|pool|staff|file", tail):
        return "photo" in tail or len(WORD.findall(tail)) >= 2
    return bool(_NAME_SLASH.search(text[-160:]))


def _junk_tokens(key: str) -> bool:
    """Image-file junk: a short line made mostly of ids, hashes, sizes, file names.

    Split at most 20 times, which tells lines of more than 20 tokens apart without listing
    every word of a paragraph.
    """
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


def strip_inline_images(text: str) -> tuple[str, list[str]]:
    """Remove markdown images inside a paragraph; return the rest and the images removed."""
    found = _MD_IMAGES.findall(text)
    return (_MD_IMAGES.sub("", text).strip(), found) if found else (text, [])


# ---------------------------------------------------------------- legal footers

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


def legal_rule(key: str) -> str | None:
    """Copyright lines, rights notices, DMCA notices (strong forms only; context adds more).

    Words are counted only for a line that a pattern matched, and the patterns that need a
    phrase or a sign are tried only on a line that has it.
    """
    if len(key) > 2000:
        return None
    if _has_any(key, _RIGHTS_PHRASES) and _RIGHTS.search(key) and len(WORD.findall(key)) <= 60:
        return "all_rights_reserved"
    if _COPYRIGHT_START.match(key) and len(WORD.findall(key)) <= 40:
        return "copyright_line"
    if (
        _has_any(key, _COPYRIGHT_SIGNS)
        and _COPYRIGHT_YEAR.search(key)
        and len(WORD.findall(key)) <= 25
    ):
        return "copyright_line"
    if "may not be" in key and _REPRODUCTION.search(key):
        return "reproduction_notice"
    return None


def legal_terms(key: str) -> bool:
    """Mentions legal terms (DMCA, copyright, terms of use): a footer line in the footer zone."""
    return len(key) <= 2000 and bool(_LEGAL_TERMS.search(key))


# ---------------------------------------------------------------- widgets

#: Whole-line widget phrases (matched on the key with punctuation stripped). Generic page
#: furniture of news sites, not any one publisher's wording.
_WIDGET_LINE = re.compile(
    r"^(?:about the authors?|leave a (?:comment|reply)|(?:\d+ )?comments?|post a comment"
    r"|add a comment|show comments|view comments|join the conversation"
    r"|comment on this (?:story|article)"
    r"|source link|source|original source|read the original(?: article)?|view original"
    r"|share|share this(?: article| story| post| page)?|share (?:on|via) \w+|share this with"
    r"|print|print this(?: article| page)?|email|e-mail|copy link|link copied|tweet|pin it"
    r"|advertisement|advertising|sponsored(?: content)?|ad|story continues below(?: advertisement)?"
    r"|continue reading(?: below)?|continue reading the main story|scroll to continue"
    r"|subscribe(?: now| today| here)?|sign up|sign up now|log ?in|sign in|register"
    r"|follow us(?: on \w+)?|like us on facebook|listen to this article|listen"
    r"|back to top|skip to (?:main )?content"
    r"|loading|close|menu|search|next article|previous article|next|previous|more"
    r"|(?:\d+ )?min(?:ute)?s? read|read more|see more|load more|view all|show more)$"
)
#: Calls to action that may carry more words ("Sign up for our daily newsletter").
_WIDGET_CTA = re.compile(
    r"^(?:sign up|subscribe|get (?:our|the)\b|join our|follow (?:us|@)|click here|tap here"
    r"|download (?:our|the) app|share (?:this|on|via)|like (?:us|our page)|support (?:our|us)"
    r"|don't miss|do not miss|never miss|enter your email|we'd love to hear|contact us"
    r"|have a (?:news )?tip|send us (?:a|your) tip|got a (?:news )?tip)\b"
)
_TAG_LINE = re.compile(r"^(?:tags|topics|filed under|categories|category|keywords)\s*:")
_NEWSLETTER = re.compile(r"\bnewsletters?\b|\binbox\b|\bsubscri(?:be|ption)\b|\bunsubscribe\b")
#: A newsletter box speaks to the reader ("straight to your inbox", "you'll get"); news prose
#: about subscribing speaks of someone else, and the reader addressed outside a quote is rare.
_TO_READER = re.compile(r"\b(?:you|your|yours)\b")


def widget_rule(key: str) -> str | None:
    """Page furniture: comment prompts, author boxes, share/subscribe lines, source links."""
    if len(key) > 300:
        return None
    bare = _bare(key)
    if _WIDGET_LINE.match(bare) or _TAG_LINE.match(key):
        return "widget_phrase"
    words = len(bare.split())
    if words <= 25 and _WIDGET_CTA.match(bare):
        return "call_to_action"
    if (
        words <= 25
        and _NEWSLETTER.search(bare)
        and _TO_READER.search(bare)
        and not _ends_sentence_in_prose(key)
    ):
        return "newsletter_box"
    return None


def _ends_sentence_in_prose(key: str) -> bool:
    """Reported speech or narration ("..., she said.") rather than a call to action."""
    return bool(re.search(r"\b(?:said|says|told|added|wrote|according to)\b", key))


def _bare(key: str) -> str:
    """Key without punctuation and symbols, for whole-line phrase tests."""
    return " ".join(re.sub(r"[^\w\s'@]", " ", key).split())


# ---------------------------------------------------------------- credits and bylines

_CONTRIBUTED = re.compile(
    r"^[\s\-–—―•*(]*(?P<names>[^()]{2,160}?)\s+(?:contributed|also contributed)"
    r"(?:\s+(?:reporting|to this (?:article|report|story)|to this|reporting to this \w+))"
)
_REPORTING_BY = re.compile(
    r"^[\s(\[]*(?:additional |with )?(?:reporting|writing|editing|compiled|research)"
    r"(?: and \w+)? by (?P<names>[^)\]]{2,200})"
)
_BYLINE = re.compile(
    r"^(?:by|written by|words by|story by|author|authors|reporter)\s*:?\s+(?P<names>.{2,150})$"
)


def credit_rule(key: str, text: str) -> str | None:
    """Bylines and "X contributed to this article" lines.

    A byline must name someone ("By Jane Doe", not "By the numbers"): its names, as written,
    start with a capital.
    """
    if len(key) > 400:
        return None
    if _CONTRIBUTED.match(key):
        return "contributed_line"
    if _REPORTING_BY.match(key):
        return "reporting_credit"
    if (
        _BYLINE.match(key)
        and len(key.split()) <= 14
        and not key.endswith(".")
        and credit_names(text)
    ):
        return "byline"
    return None


def credit_names(text: str) -> list[str]:
    """Author names from a credit line, in their original spelling (whitespace folded)."""
    body = " ".join(fold_dashes(text).split())
    for pattern in (_CONTRIBUTED, _REPORTING_BY, _BYLINE):
        m = pattern.match(body.casefold())
        if m:
            raw = body[m.start("names") : m.end("names")]
            return split_names(raw)
    return []


def fold_dashes(text: str) -> str:
    return text.strip().lstrip("-–—―•*([ ").strip()


# Neither pattern opens with optional whitespace, and the "in <place>" tail starts only where a
# run of whitespace starts: a long run of spaces is scanned once, not once per space.
_NAME_SPLIT = re.compile(r",|;|\band\b|&|\|", re.IGNORECASE)
_NAME_TAIL = re.compile(
    r"(?<!\s)\s+(?:in|from|at|for)\s+\S.*$|\b(?:editing|edited|writing|reporting)\b.*$",
    re.IGNORECASE,
)


def split_names(raw: str) -> list[str]:
    """Split "A, B and C" into names; drop places, roles and agency suffixes that are not names."""
    raw = _NAME_TAIL.sub("", raw.strip(" .;:"))
    names = []
    for part in _NAME_SPLIT.split(raw):
        part = part.strip().strip(" .")
        words = part.split()
        if 1 <= len(words) <= 5 and any(c.isupper() for c in part[:1]) and not part.isupper():
            names.append(part)
    return names


# ---------------------------------------------------------------- navigation

_CRUMB_SEP = re.compile(r"\s(?:>|›|»|/|\||::|→)\s")


def navigation_rule(key: str) -> str | None:
    """Breadcrumbs: "Home > World > Asia", "News | Politics"."""
    if len(key) > 200:
        return None
    parts = [p for p in _CRUMB_SEP.split(key) if p.strip()]
    if len(parts) >= 2 and all(len(p.split()) <= 4 for p in parts) and not key.endswith("."):
        return "breadcrumb"
    return None


# ---------------------------------------------------------------- sidebars

_SIDEBAR_LEAD = re.compile(
    r"^(?:related(?: articles| stories| news| content| posts| coverage| reading| topics)?"
    r"|read (?:more|also|next)|also read|see also|more (?:from|on|about|stories|news|in)\b.*"
    r"|recommended(?: for you| stories| reading)?|you (?:may|might) (?:also )?like"
    r"|most (?:read|popular|viewed|shared)|trending(?: now| stories)?|popular(?: stories| now)?"
    r"|top stories|latest(?: news| stories)?|editor'?s picks?|what to read next|don't miss)"
    r"\s*(?::|$)"
)
_LINK_ONLY = re.compile(r"^(?:[-*•+]\s*|\d+[.)]\s*)?\[[^\]]+\]\([^)]*\)[\s.]*$")


def sidebar_lead_rule(key: str) -> str | None:
    """A "Related:" / "Read more:" / "Most read" line that starts a list of other headlines."""
    if len(key) > 300:
        return None
    if _SIDEBAR_LEAD.match(_bare_lead(key)):
        return "related_list"
    return None


def _bare_lead(key: str) -> str:
    return key.lstrip("#*-–—• >[").strip()


def link_only(key: str) -> bool:
    """A line that is only a markdown link (an item of a link list)."""
    return len(key) <= 500 and bool(_LINK_ONLY.match(key))


# ---------------------------------------------------------------- shape


def is_truncated_teaser(key: str) -> bool:
    return key.endswith(("...", "…", "…]", "[…]"))


def ends_sentence(text: str) -> bool:
    """Ends with a sentence's final punctuation (Latin or CJK), before closing quotes."""
    return bool(_SENTENCE_END.search(text[-20:]))


_SENTENCE_END = re.compile(r"[.!?…。！？｡](?:[\"'”’)\]」』）]*)$")
