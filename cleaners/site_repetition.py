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
_SPACE = re.compile(r"\s+")


def passage_hash(text: str) -> int:
    """64-bit hash of a passage's key: NFKC, case-folded, digit runs as 0, whitespace folded."""
    key = _SPACE.sub(" ", _DIGITS.sub("0", unicodedata.normalize("NFKC", text).casefold())).strip()
    return xxhash.xxh3_64_intdigest(key.encode())


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
        self._seen: dict[tuple[str, int], list] = {}  # (site, hash) -> [article_count, first_seen]
        self._changed: set[tuple[str, int]] = set()
        for row in rows:
            self._seen[row.site, row.passage_hash] = [row.article_count, row.first_seen]

    def observe(self, site: str, article_id: str, paragraphs: Iterable[str]) -> None:
        """Count one article's distinct non-empty paragraphs for ``site``."""
        for digest in {passage_hash(p) for p in paragraphs if p.strip()}:
            self._changed.add((site, digest))
            entry = self._seen.get((site, digest))
            if entry is None:
                self._seen[site, digest] = [1, article_id]
            else:
                entry[0] += 1

    def flag(self, site: str, paragraphs: Sequence[str]) -> list[bool]:
        """For each paragraph, whether it is ``site``'s chrome by what was observed so far.

        Observe a batch first and flag it after, so that the first articles of a site are
        judged with the rest; flagging does not change the counts.
        """
        counts = [self._seen.get((site, passage_hash(p)), (0,))[0] for p in paragraphs]
        return [
            bool(p.strip()) and n >= self.min_articles
            for p, n in zip(paragraphs, counts, strict=True)
        ]

    def changes(self) -> list[RepetitionRow]:
        """Rows observed since the last call (their current counts), to persist a batch's
        changes without rewriting the whole state."""
        changed, self._changed = self._changed, set()
        return [RepetitionRow(site, h, *self._seen[site, h]) for site, h in sorted(changed)]

    def rows(self) -> list[RepetitionRow]:
        """The state as plain rows, for persistence; pass them back as ``rows`` to resume."""
        return [
            RepetitionRow(site, digest, count, first)
            for (site, digest), (count, first) in self._seen.items()
        ]
