"""Site chrome found by repetition: a passage that many articles of one site share.

After extraction, leftover boilerplate ("Sign up for our newsletter", a standing disclaimer, a
menu line) is best recognized by repetition across articles of the same site, the signal
CCNet and Dolma use. Passages are compared by a key that ignores case, digits and spacing, so
"Updated 3 hours ago" and "Updated 14 hours ago" are one passage.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import xxhash

_DIGITS = re.compile(r"\d+")
_MASK32 = (1 << 32) - 1
_MASK64 = (1 << 64) - 1
#: Spreads site numbers over 64 bits before they are folded into a passage hash (odd, so
#: distinct sites never fold one hash onto the same slot).
_SITE_MULTIPLIER = 0x9E3779B97F4A7C15


def passage_hash(text: str) -> int:
    """64-bit hash of a passage's key: NFKC, case-folded, digit runs as 0, whitespace folded.

    Stored between runs, so the key must never change; ASCII text skips NFKC and case folding
    as ``lower``, which give the same key there.
    """
    folded = text.lower() if text.isascii() else unicodedata.normalize("NFKC", text).casefold()
    key = " ".join(_DIGITS.sub("0", folded).split())
    return xxhash.xxh3_64_intdigest(key.encode())


def passage_hashes(paragraphs: Iterable[str]) -> list[int | None]:
    """:func:`passage_hash` of each paragraph, None for a blank one (never chrome)."""
    return [passage_hash(p) if p.strip() else None for p in paragraphs]


@dataclass(frozen=True, slots=True)
class RepetitionRow:
    """One remembered passage of one site, as stored between runs. ``passage_hash`` is an
    unsigned 64-bit integer; ``first_seen`` is the id of the first article it was seen in."""

    site: str
    passage_hash: int
    article_count: int
    first_seen: str


class SiteRepetition:
    """Counts, per site, the distinct articles each passage appears in.

    A passage seen in at least ``min_articles`` distinct articles of a site is that site's
    chrome there. The default 3: two articles of one site can share a passage for honest
    reasons (a follow-up story repeating a paragraph of background, the same quote), three
    rarely do, and chrome shows up on every page, so a higher bar only delays the finding
    on new sites.

    Counting is per site only. Wire copy lands once on each of many sites, so it never
    reaches the bar anywhere and is not flagged; a passage that is chrome on several sites
    (a syndication footer) reaches the bar on each of them and is flagged on each. Presence on
    other sites is deliberately no evidence either way.

    Observe each article once, and only articles that are not duplicates of an earlier one:
    three copies of one story on a site would otherwise make its body look like chrome.
    """

    def __init__(self, min_articles: int = 3, rows: Iterable[RepetitionRow] = ()) -> None:
        if min_articles < 2:
            raise ValueError("min_articles must be at least 2: one article is not repetition")
        self.min_articles = min_articles
        # Every paragraph of every article has an entry, so entries are two ints: a slot
        # (site number and passage hash folded into 64 bits) -> article count << 32 | number
        # of the article first seen with it. About 110 bytes a paragraph, where a tuple key
        # and a [count, first_seen] list took 250.
        self._sites: dict[str, int] = {}
        self._articles: list[str] = []  # first_seen ids, by number
        self._entries: dict[int, int] = {}
        self._changed: dict[int, tuple[str, int]] = {}
        numbers: dict[str, int] = {}  # one number per stored first_seen id
        for row in rows:
            number = numbers.setdefault(row.first_seen, len(numbers))
            if number == len(self._articles):
                self._articles.append(row.first_seen)
            self._entries[self._slot(row.site, row.passage_hash)] = row.article_count << 32 | number

    def _slot(self, site: str, digest: int) -> int:
        number = self._sites.setdefault(site, len(self._sites))
        return (digest ^ number * _SITE_MULTIPLIER) & _MASK64

    def observe(self, site: str, article_id: str, digests: Iterable[int | None]) -> None:
        """Count one article's distinct non-blank paragraphs for ``site``, given as their
        :func:`passage_hashes` (computed where the article was cleaned)."""
        number: int | None = None
        for digest in set(digests) - {None}:
            slot = self._slot(site, digest)
            self._changed[slot] = (site, digest)
            entry = self._entries.get(slot)
            if entry is None:
                if number is None:
                    number = len(self._articles)
                    self._articles.append(article_id)
                self._entries[slot] = 1 << 32 | number
            else:
                self._entries[slot] = entry + (1 << 32)

    def flag(self, site: str, digests: Sequence[int | None]) -> list[bool]:
        """For each paragraph, given as in :meth:`observe`, whether it is ``site``'s chrome by
        what was observed so far.

        Observe a batch first and flag it after, so that the first articles of a site are
        judged with the rest; flagging does not change the counts.
        """
        if site not in self._sites:
            return [False] * len(digests)
        return [
            digest is not None
            and self._entries.get(self._slot(site, digest), 0) >> 32 >= self.min_articles
            for digest in digests
        ]

    def changes(self) -> list[RepetitionRow]:
        """Rows observed since the last call (their current counts), to persist a batch's
        changes without rewriting the whole state."""
        changed, self._changed = self._changed, {}
        rows = []
        for slot, (site, digest) in changed.items():
            entry = self._entries[slot]
            rows.append(RepetitionRow(site, digest, entry >> 32, self._articles[entry & _MASK32]))
        rows.sort(key=lambda row: (row.site, row.passage_hash))
        return rows
