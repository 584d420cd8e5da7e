"""Near-duplicate articles and passages: MinHash LSH candidates, verified, linked to the root.

Articles match in one of two tiers, both read off one signature (word 3-gram shingles):

* ``near_identical``: estimated Jaccard >= 0.8: the same article under other chrome or
  another headline;
* ``edited``: the shingles of the smaller article are mostly (>= 0.5) in the larger one, and
  the smaller keeps at least half the size of the larger: trimmed endings, a few percent of
  words edited. Containment, not Jaccard, because a copy cut by 20% and wrapped in other
  chrome scores a Jaccard as low as 0.45 while staying mostly contained.

Candidates come from LSH bands chosen for the lowest similarity to be found (see
:data:`ARTICLE_POLICY`), never from all pairs, and are verified on the stored signatures
(the share of equal hash values over all ``num_perm`` values), not on shingle sets: the
signature is all the warehouse and a second worker have, and the thresholds sit far enough
from unrelated articles (measured below 0.35 containment, same-site chrome included) that the
estimate's spread (about 0.045 at ``num_perm=128``) cannot cross them.

A duplicate links to the root of its best match, the first-landed article of the cluster, so
chains (a copy of a copy) resolve to one original.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from dedup.index import Entry, MinHashIndex, RedisConfig, jaccard_many
from dedup.signatures import Signature, SignatureSpec, signatures

NEAR_IDENTICAL = "near_identical"
EDITED = "edited"

#: Signatures of article texts: word 3-grams (a 3% word edit touches about 9% of them, where
#: 5-grams would lose 15%), 128 values.
ARTICLE_SPEC = SignatureSpec(shingle_size=3, num_perm=128)
#: Signatures of passages: near-identical matches only, so 64 values do.
PASSAGE_SPEC = SignatureSpec(shingle_size=3, num_perm=64)


@dataclass(frozen=True, slots=True)
class ArticlePolicy:
    """Parameters of article matching.

    ``bands=(42, 3)`` makes a pair with Jaccard 0.45 a candidate with probability 0.98 and
    one with Jaccard 0.05 (unrelated articles) with probability 0.005, so the index stays
    selective while catching trimmed and edited copies whose Jaccard falls well below 0.8.
    """

    spec: SignatureSpec = ARTICLE_SPEC
    bands: tuple[int, int] = (42, 3)
    near_jaccard: float = 0.8
    edited_containment: float = 0.5
    min_size_ratio: float = 0.5


ARTICLE_POLICY = ArticlePolicy()


@dataclass(frozen=True, slots=True)
class Match:
    """An indexed article that a query signature duplicates, and that article's original."""

    article_id: str
    site: str | None
    tier: str
    score: float
    original_id: str


def _verify(signature: Signature, entries: list[Entry], policy: ArticlePolicy) -> list[Match]:
    """Keep the candidates that pass a tier, best first (near-identical before edited)."""
    if not entries:
        return []
    jaccard = jaccard_many(signature, entries)
    sizes = np.array([entry.signature.size for entry in entries], dtype=float)
    smaller = np.minimum(sizes, signature.size)
    # |A n B| = J / (1 + J) * (|A| + |B|), from J = |A n B| / (|A| + |B| - |A n B|).
    shared = jaccard / (1 + jaccard) * (sizes + signature.size)
    containment = np.minimum(shared / np.maximum(smaller, 1), 1.0)
    ratio = smaller / np.maximum(sizes, signature.size)
    matches = []
    for entry, j, c, r in zip(entries, jaccard, containment, ratio, strict=True):
        if j >= policy.near_jaccard:
            matches.append(Match(entry.key, entry.group, NEAR_IDENTICAL, float(j), entry.root))
        elif c >= policy.edited_containment and r >= policy.min_size_ratio:
            matches.append(Match(entry.key, entry.group, EDITED, float(c), entry.root))
    matches.sort(key=lambda m: (m.tier != NEAR_IDENTICAL, -m.score, m.article_id))
    return matches


class ArticleIndex:
    """Articles seen so far, in memory or shared through Redis (``redis_config``).

    ``link`` is the usual call: it searches a whole batch at once, records each copy's root
    and adds the batch, and an article also links to one before it in the same batch.
    ``add``/``add_many`` restore articles of earlier runs; ``query`` is a one-off lookup.
    """

    def __init__(
        self, policy: ArticlePolicy = ARTICLE_POLICY, redis_config: RedisConfig | None = None
    ) -> None:
        self.policy = policy
        self._index = MinHashIndex(policy.spec, policy.bands, redis_config)

    def __contains__(self, article_id: str) -> bool:
        return article_id in self._index

    def add(
        self, article_id: str, site: str | None, sig: Signature, duplicate_of: str | None = None
    ) -> None:
        """Index an article. ``duplicate_of`` restores a link found in an earlier run (the
        root); without it the article is its own root. Adding a known id does nothing."""
        self.add_many([(article_id, site, sig, duplicate_of)])

    def add_many(self, rows: Iterable[tuple[str, str | None, Signature, str | None]]) -> None:
        """:meth:`add` for many ``(article_id, site, sig, duplicate_of)``, e.g. the stored
        signatures of earlier runs, indexed in large batches."""
        _add_many(self._index, rows)

    def query(self, sig: Signature) -> list[Match]:
        """Indexed articles that ``sig`` duplicates, best first."""
        if sig.empty:
            return []
        return _verify(sig, self._index.candidates(sig), self.policy)

    def original(self, article_id: str) -> str:
        """The original of ``article_id``'s cluster (itself if it is an original)."""
        return self._index.get(article_id).root

    def link(self, batch: Iterable[tuple[str, str | None, Signature]]) -> dict[str, str]:
        """Add ``(article_id, site, sig)`` in order; return ``{duplicate_id: original_id}``
        for those that duplicate an article added before them (in this batch or earlier).
        Articles already in the index are skipped."""
        return self._index.link(batch, self._original)

    def _original(self, _site: str | None, sig: Signature, candidates: list[Entry]) -> str | None:
        matches = _verify(sig, candidates, self.policy)
        return matches[0].original_id if matches else None


@dataclass(frozen=True, slots=True)
class PassagePolicy:
    """Parameters of passage matching: paragraphs of at least ``min_words`` words, linked
    when near-identical (estimated Jaccard >= ``near_jaccard``) to a passage of another
    article.

    64 permutations in 16 bands of 4 rows: a pair at Jaccard 0.8 is a candidate with
    probability 0.9998, unrelated paragraphs (Jaccard under 0.1) almost never; fewer values
    than for articles because passages are many (an article has tens) and the match sought
    is close to exact.
    """

    spec: SignatureSpec = PASSAGE_SPEC
    bands: tuple[int, int] = (16, 4)
    min_words: int = 25
    near_jaccard: float = 0.8


PASSAGE_POLICY = PassagePolicy()


def passage_id(article_id: str, position: int) -> str:
    """The id of the paragraph at ``position`` (0-based) of an article."""
    return f"{article_id}:{position}"


def passage_signatures(
    batch: Iterable[tuple[str, Sequence[str]]], policy: PassagePolicy = PASSAGE_POLICY
) -> list[tuple[str, str, Signature]]:
    """``(passage_id, article_id, signature)`` for each paragraph of at least
    ``policy.min_words`` words in ``(article_id, paragraphs)`` pairs, in one bulk call."""
    passages = [
        (passage_id(article_id, position), article_id, text)
        for article_id, paragraphs in batch
        for position, text in enumerate(paragraphs)
        if len(text.split()) >= policy.min_words
    ]
    sigs = signatures([text for _, _, text in passages], policy.spec)
    return [(pid, aid, sig) for (pid, aid, _), sig in zip(passages, sigs, strict=True)]


class PassageIndex:
    """Passages seen so far, to link a passage repeated from another article.

    Repeats inside one article are not linked here (cleaning removes those).
    """

    def __init__(
        self, policy: PassagePolicy = PASSAGE_POLICY, redis_config: RedisConfig | None = None
    ) -> None:
        self.policy = policy
        self._index = MinHashIndex(policy.spec, policy.bands, redis_config)

    def add(
        self, passage_id: str, article_id: str, sig: Signature, duplicate_of: str | None = None
    ) -> None:
        """Index a passage, e.g. from stored signatures; as :meth:`ArticleIndex.add`."""
        self.add_many([(passage_id, article_id, sig, duplicate_of)])

    def add_many(self, rows: Iterable[tuple[str, str, Signature, str | None]]) -> None:
        """:meth:`add` for many ``(passage_id, article_id, sig, duplicate_of)``."""
        _add_many(self._index, rows)

    def link(self, passages: Iterable[tuple[str, str, Signature]]) -> dict[str, str]:
        """Add ``(passage_id, article_id, sig)`` (see :func:`passage_signatures`) in order;
        return ``{passage_id: original_passage_id}`` for those near-identical to a passage
        of another article added before them. Passages already indexed are skipped."""
        return self._index.link(passages, self._original)

    def _original(
        self, article_id: str | None, sig: Signature, candidates: list[Entry]
    ) -> str | None:
        entries = [e for e in candidates if e.group != article_id]
        near = sorted(
            (-score, entry.key, entry.root)
            for score, entry in zip(jaccard_many(sig, entries), entries, strict=True)
            if score >= self.policy.near_jaccard
        )
        return near[0][2] if near else None


#: Entries per batch when restoring an index: one sorted run per batch.
_RESTORE_BATCH = 50_000


def _add_many(
    index: MinHashIndex, rows: Iterable[tuple[str, str | None, Signature, str | None]]
) -> None:
    """Index ``(key, group, sig, root or None)`` rows not indexed yet, in large batches."""
    batch: dict[str, Entry] = {}
    for key, group, sig, root in rows:
        if key not in batch and key not in index:
            batch[key] = Entry(key, group, root or key, sig)
        if len(batch) >= _RESTORE_BATCH:
            index.add_many(list(batch.values()))
            batch = {}
    if batch:
        index.add_many(list(batch.values()))
