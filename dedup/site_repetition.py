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

import numpy as np
import xxhash

from dedup.sorted_keys import SortedKeys
from dedup.u64_map import U64Map

_DIGITS = re.compile(r"\d+")
_MASK32 = (1 << 32) - 1
_MASK64 = (1 << 64) - 1
#: Spreads a site's hash before it is folded into a passage hash.
_SITE_MULTIPLIER = 0x9E3779B97F4A7C15


def passage_hash(text: str) -> int:
    """64-bit hash of a passage's key: NFKC, case-folded, digit runs as 0, whitespace folded.

    Stored between runs, so the key must never change; ASCII text skips NFKC and case folding
    as ``lower``, which give the same key there.
    """
    folded = text.lower() if text.isascii() else unicodedata.normalize("NFKC", text).casefold()
    key = " ".join(_DIGITS.sub("0", folded).split())
    return xxhash.xxh3_64_intdigest(key.encode())


def site_mask(site: str) -> int:
    """What a site's passage hashes are XORed with to make their slots: the same in every
    process, so that counts written to disk are found again."""
    return xxhash.xxh3_64_intdigest(site.encode()) * _SITE_MULTIPLIER & _MASK64


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

    def __init__(
        self,
        min_articles: int = 3,
        rows: Iterable[RepetitionRow] = (),
        stored: Sequence[SortedKeys] = (),
    ) -> None:
        """``rows`` restore counts into memory; ``stored`` are counts written to disk
        (slot -> article count, newest file first), read for the slots memory lacks: a
        warehouse's counts need not all be held."""
        if min_articles < 2:
            raise ValueError("min_articles must be at least 2: one article is not repetition")
        self.min_articles = min_articles
        # Every paragraph of every article has an entry, so entries are two 64-bit ints in
        # numpy arrays (:class:`U64Map`, 16 bytes a paragraph, where a dict of ints took 110):
        # a slot (site mask and passage hash folded into 64 bits) -> article count << 32 |
        # number of the article first seen with it.
        self._sites: dict[str, int] = {}  # site -> its mask
        # first_seen ids, by number; a count read from disk has the first, which no row
        # needs: the row is stored already, and a stored row keeps its first_seen.
        self._articles: list[str] = [""]
        self._stored = list(stored)
        self._changed: dict[int, tuple[str, int]] = {}
        numbers: dict[str, int] = {}  # one number per stored first_seen id
        entries = []
        for row in rows:
            number = numbers.setdefault(row.first_seen, len(self._articles))
            if number == len(self._articles):
                self._articles.append(row.first_seen)
            slot = row.passage_hash ^ self._mask(row.site)
            entries.append((slot, row.article_count << 32 | number))
        self._entries = U64Map(entries)

    def _mask(self, site: str) -> int:
        mask = self._sites.get(site)
        if mask is None:
            mask = self._sites[site] = site_mask(site)
        return mask

    def _entries_of(self, slots: list[int]) -> list[int]:
        """The entries of ``slots``: from memory, else the newest file on disk that has
        them (as a count with no first article), else 0."""
        entries = self._entries.get_many(slots)
        missing = [i for i, entry in enumerate(entries) if not entry]
        for stored in self._stored:
            if not missing:
                break
            owners, counts = stored.first(np.array([slots[i] for i in missing], np.uint64), 1)
            for owner, count in zip(owners.tolist(), counts.tolist(), strict=True):
                entries[missing[owner]] = count << 32  # article number 0: none needed
            missing = [i for i in missing if not entries[i]]
        return entries

    def observe(self, articles: Iterable[tuple[str, str, Iterable[int | None]]]) -> None:
        """Count each article's distinct non-blank paragraphs for its site, in order; an
        article is ``(site, article_id, digests)``, the digests its :func:`passage_hashes`
        (computed where it was cleaned). A batch at a time: one lookup for all of it."""
        todo = []
        for site, article_id, digests in articles:
            distinct = list(dict.fromkeys(d for d in digests if d is not None))
            mask = self._mask(site)
            todo.append((site, article_id, distinct, [digest ^ mask for digest in distinct]))
        slots = list(dict.fromkeys(slot for *_, article_slots in todo for slot in article_slots))
        entries = dict(zip(slots, self._entries_of(slots), strict=True))
        for site, article_id, distinct, article_slots in todo:
            number: int | None = None
            for slot, digest in zip(article_slots, distinct, strict=True):
                self._changed[slot] = (site, digest)
                entry = entries[slot]
                if not entry:  # first seen: the article's number, once for all its new ones
                    if number is None:
                        number = len(self._articles)
                        self._articles.append(article_id)
                    entry = number
                entries[slot] = entry + (1 << 32)
        self._entries.put_many(slots, list(entries.values()))

    def flag(self, pages: Sequence[tuple[str | None, Sequence[int | None]]]) -> list[list[bool]]:
        """For each page ``(site, digests)``, digests as in :meth:`observe`, whether each of
        its paragraphs is the site's chrome by what was observed so far (a page of no site
        has none).

        Observe a batch first and flag it after, so that the first articles of a site are
        judged with the rest; flagging does not change the counts.
        """
        slots: list[list[int | None]] = []
        for site, digests in pages:
            if site is not None:
                mask = self._mask(site)
                slots.append([None if d is None else d ^ mask for d in digests])
            else:
                slots.append([None] * len(digests))
        wanted = list(dict.fromkeys(slot for page in slots for slot in page if slot is not None))
        counts = dict(zip(wanted, self._entries_of(wanted), strict=True))
        bar = self.min_articles
        return [[slot is not None and counts[slot] >> 32 >= bar for slot in page] for page in slots]

    def changes(self) -> list[RepetitionRow]:
        """Rows observed since the last call (their current counts), to persist a batch's
        changes without rewriting the whole state."""
        changed, self._changed = self._changed, {}
        rows = []
        entries = self._entries.get_many(list(changed))
        for (site, digest), entry in zip(changed.values(), entries, strict=True):
            rows.append(RepetitionRow(site, digest, entry >> 32, self._articles[entry & _MASK32]))
        rows.sort(key=lambda row: (row.site, row.passage_hash))
        return rows
