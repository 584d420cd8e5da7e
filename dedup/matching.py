"""Near-duplicate articles and passages: MinHash LSH candidates, verified, linked to the root.

Articles match in one of three tiers, all read off one signature (word 3-gram shingles):

* ``near_identical``: estimated Jaccard >= 0.8: the same article under other chrome or
  another headline;
* ``edited``: the shingles of the smaller article are mostly (>= 0.4) in the larger one, and
  the smaller keeps at least half the size of the larger: trimmed endings, up to some 15%
  of words edited (which keeps about 0.55 of the 3-grams). Containment, not Jaccard,
  because a copy cut by 20% and wrapped in other chrome scores a Jaccard as low as 0.45
  while staying mostly contained;
* ``part``: the shingles of the smaller article are nearly all (>= 0.6) in the larger one,
  whatever their sizes (down to a fifth): an outlet running the first half of a wire story,
  or a full story landing after its top was stored.

A reprint too short for its signature to be a candidate (a quarter of the story has a Jaccard
near 0.25, which the bands catch half the time) is found through its passages instead: see
:meth:`ArticleIndex.link_by_passages`. An article that quotes a few paragraphs of another
keeps its own identity: the quotes cover a small share of either article, so only the
passages link.

Which relation a link is follows from the sizes of the article and its original
(:meth:`ArticleIndex.relation`): ``copy`` when the smaller keeps at least three quarters of
the larger's shingles, else ``contained_in`` (the article is a part of its original) or
``contains`` (its original is a part of it).

Candidates come from LSH bands chosen for the lowest similarity to be found (see
:data:`ARTICLE_POLICY`), never from all pairs, and are verified on the stored signatures
(the share of equal hash values over all ``num_perm`` values), not on shingle sets: the
signature is all the warehouse and a second worker have, and the thresholds sit above
unrelated candidates (measured below 0.33 containment, same-site chrome included; the
thresholds were chosen on the ``tune`` half of the sites of ``bench/dedup_quality.py``).

A duplicate links to the root of its best match, the first-landed article of the cluster, so
chains (a copy of a copy) resolve to one original. An article that matches members of two
clusters bridges them: copies of one story that landed before their original (its first
half, a heavily edited copy) do not match each other and start clusters of their own, and
the original, when it lands, matches both. The younger cluster then joins the older one
(:meth:`ArticleIndex.take_merges` says which articles it re-pointed, for the warehouse to
follow), so every copy of the story ends with one original whatever the landing order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import islice

import numpy as np

from dedup.index import Entry, MinHashIndex, RedisConfig, jaccard_many
from dedup.segment import Segment
from dedup.signatures import Signature, SignatureSpec, signatures

NEAR_IDENTICAL = "near_identical"
EDITED = "edited"
PART = "part"
#: Relations of a linked article to its original.
COPY, CONTAINS, CONTAINED_IN = "copy", "contains", "contained_in"
_TIER_ORDER = {NEAR_IDENTICAL: 0, EDITED: 1, PART: 2}

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
    edited_containment: float = 0.4
    min_size_ratio: float = 0.5
    #: The ``part`` tier: containment of the smaller, and the smallest size ratio.
    part_containment: float = 0.6
    min_part_ratio: float = 0.2
    #: Passage evidence: at least ``min_shared_passages`` passages linked to one article,
    #: covering ``passage_cover`` of the article's passage shingles, with the shingle
    #: containment of the smaller article in the larger at least ``passage_containment``.
    min_shared_passages: int = 2
    passage_cover: float = 0.8
    passage_containment: float = 0.5
    #: A link is a ``copy`` when the smaller article has this share of the larger's size.
    copy_ratio: float = 0.75


ARTICLE_POLICY = ArticlePolicy()


@dataclass(frozen=True, slots=True)
class Merge:
    """A cluster joined to an older one: its original ``root`` and every article that had
    it as original (``articles``, ``root`` included) now have ``into`` as original."""

    root: str
    into: str
    articles: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Match:
    """An indexed article that a query signature duplicates, and that article's original."""

    article_id: str
    site: str | None
    tier: str
    score: float
    original_id: str


def _containment(
    signature: Signature, entries: list[Entry]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Estimated Jaccard, containment of the smaller in the larger, and size ratio (smaller
    over larger) of ``signature`` with each entry."""
    jaccard = jaccard_many(signature, entries)
    sizes = np.array([entry.signature.size for entry in entries], dtype=float)
    smaller = np.minimum(sizes, signature.size)
    # |A n B| = J / (1 + J) * (|A| + |B|), from J = |A n B| / (|A| + |B| - |A n B|).
    shared = jaccard / (1 + jaccard) * (sizes + signature.size)
    containment = np.minimum(shared / np.maximum(smaller, 1), 1.0)
    ratio = smaller / np.maximum(np.maximum(sizes, signature.size), 1)
    return jaccard, containment, ratio


def _verify(signature: Signature, entries: list[Entry], policy: ArticlePolicy) -> list[Match]:
    """Keep the candidates that pass a tier, best first (near-identical, edited, part)."""
    if not entries:
        return []
    matches = []
    for entry, j, c, r in zip(entries, *_containment(signature, entries), strict=True):
        if j >= policy.near_jaccard:
            matches.append(Match(entry.key, entry.group, NEAR_IDENTICAL, float(j), entry.root))
        elif c >= policy.edited_containment and r >= policy.min_size_ratio:
            matches.append(Match(entry.key, entry.group, EDITED, float(c), entry.root))
        elif c >= policy.part_containment and r >= policy.min_part_ratio:
            matches.append(Match(entry.key, entry.group, PART, float(c), entry.root))
    matches.sort(key=lambda m: (_TIER_ORDER[m.tier], -m.score, m.article_id))
    return matches


class ArticleIndex:
    """Articles seen so far, in memory or shared through Redis (``redis_config``).

    ``link`` is the usual call: it searches a whole batch at once, records each copy's root
    and adds the batch, and an article also links to one before it in the same batch.
    ``add``/``add_many`` restore articles of earlier runs; ``query`` is a one-off lookup.
    """

    def __init__(
        self,
        policy: ArticlePolicy = ARTICLE_POLICY,
        redis_config: RedisConfig | None = None,
        segments: Sequence[Segment] = (),
        moves: Iterable[tuple[str, str]] = (),
    ) -> None:
        """``segments`` hold articles of earlier runs on disk; ``moves`` are the ``(root,
        into)`` cluster merges made since they were written (see :class:`MinHashIndex`)."""
        self.policy = policy
        self._index = MinHashIndex(policy.spec, policy.bands, redis_config, segments, moves)
        self._merges: list[Merge] = []

    @property
    def held(self) -> int:
        """Articles held in this process's memory (see :attr:`MinHashIndex.held`)."""
        return self._index.held

    def known(self, article_ids: Sequence[str]) -> list[bool]:
        """Whether each article is indexed: one lookup for a batch."""
        return self._index.known(article_ids)

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
        Articles already in the index are skipped.

        An article whose matches have different originals merges their clusters into the
        one landed first (in memory; the Redis index does not merge): the returned links
        follow the merge, and :meth:`take_merges` lists the articles of earlier batches it
        re-pointed."""
        bridges: list[set[str]] = []

        def choose(site: str | None, sig: Signature, candidates: list[Entry]) -> str | None:
            matches = _verify(sig, candidates, self.policy)
            if not matches:
                return None
            roots = {match.original_id for match in matches}
            if len(roots) > 1 and len(bridged := self._bridged(matches, candidates)) > 1:
                bridges.append(bridged)
            return matches[0].original_id

        batch = list(batch)
        links = self._index.link(batch, choose)
        if bridges and self._index.merges:
            links = self._merge(bridges, links, {key for key, _, _ in batch})
        return links

    def _bridged(self, matches: list[Match], candidates: list[Entry]) -> set[str]:
        """The roots an article's ``matches`` bridge: its best match's, and those of other
        clusters whose best-matching article is itself mostly contained in that best match,
        or contains it (``edited_containment``). An article heavy with chrome matches
        unrelated stories of its site that share none of their text with each other; the
        original of a story matches its half and its edited copy, which share much."""
        entries = {entry.key: entry for entry in candidates}
        best = entries[matches[0].article_id]
        others: dict[str, Entry] = {}
        for match in matches[1:]:  # best first: the first of each other root is its best
            if match.original_id != matches[0].original_id:
                others.setdefault(match.original_id, entries[match.article_id])
        _, containment, _ = _containment(best.signature, list(others.values()))
        bridged = {
            root
            for root, c in zip(others, containment, strict=True)
            if c >= self.policy.edited_containment
        }
        return bridged | {matches[0].original_id}

    def take_merges(self) -> list[Merge]:
        """The cluster merges made since the last call, in order."""
        merges, self._merges = self._merges, []
        return merges

    def _merge(
        self, bridges: list[set[str]], links: dict[str, str], batch: set[str]
    ) -> dict[str, str]:
        """Merge each set of bridged roots into its first-landed; ``links`` of the ``batch``
        re-pointed, and its merged roots linked."""
        moved: dict[str, str] = {}

        def final(root: str) -> str:
            while root in moved:
                root = moved[root]
            return root

        for bridged in bridges:
            roots = sorted({final(root) for root in bridged})
            order = dict(zip(roots, self._index.added_order(roots), strict=True))
            indexed = [root for root in roots if order[root] >= 0]
            if len(indexed) < 2:
                continue
            first = min(indexed, key=order.__getitem__)
            for root in indexed:
                if root != first:
                    members = self._index.merge(root, first)
                    moved[root] = first
                    self._merges.append(Merge(root, first, tuple(members)))
        links = {key: final(root) for key, root in links.items()}
        links.update({root: final(root) for root in moved if root in batch})  # copies now
        return links

    def relation(self, article_id: str) -> str | None:
        """How a linked article relates to its original (:data:`COPY`, :data:`CONTAINS` or
        :data:`CONTAINED_IN`, by their sizes); None for an original."""
        entry = self._index.get(article_id)
        if entry.root == article_id:
            return None
        size, original = entry.signature.size, self._index.get(entry.root).signature.size
        if min(size, original) >= self.policy.copy_ratio * max(size, original):
            return COPY
        return CONTAINED_IN if size < original else CONTAINS

    def link_by_passages(
        self,
        batch: Sequence[tuple[str, Sequence[tuple[str, int]]]],
        passage_links: dict[str, str],
        met: dict[str, set[str]] | None = None,
    ) -> dict[str, str]:
        """Link the articles of ``batch`` that :meth:`link` left as originals but whose
        passages lead to their original: ``(article_id, [(passage_id, size), ...])`` in
        landing order, all indexed, with ``passage_links`` and ``met`` from
        :meth:`PassageIndex.link_and_meet`.

        An article is checked against the articles its passages met, with the tiers of
        :meth:`link` (the article's bands miss an edited copy now and then, but among its
        passages' bands some catch it). Failing that, it is linked to the original of an
        article B when at least ``min_shared_passages`` of its passages link to B's and either
        they cover ``passage_cover`` of its passage shingles (it is a part of B) with a
        shingle containment of at least ``passage_containment``, or B is the smaller and
        nearly all in it (``part_containment``: B is a part of it). Returns ``{article_id:
        original}`` for the articles linked here and for those of the batch linked to one of
        them, which now follow it to its original.
        """
        met = met or {}
        changed: dict[str, str] = {}
        for position, (article_id, passages) in enumerate(batch):
            entry = self._index.get(article_id)
            if entry.root != article_id:
                continue
            shared = _shared_passages(article_id, passages, passage_links)
            sources = sorted(met.get(article_id, set()) | shared.keys())
            others = [e for e in self._index.get_many(sources) if e.root != article_id]
            matches = _verify(entry.signature, others, self.policy)
            root = matches[0].original_id if matches else None
            total = sum(size for _, size in passages) or 1
            cover = 0.0
            for other in others:
                sizes = shared.get(other.key, [])
                if root is not None or len(sizes) < self.policy.min_shared_passages:
                    continue
                share = sum(sizes) / total
                if share > cover and self._reprint(entry, other, share):
                    cover, root = share, other.root
            if root is None:
                continue
            self._index.set_root(article_id, root)
            changed[article_id] = root
            for later, _ in batch[position + 1 :]:
                if self._index.get(later).root == article_id:
                    self._index.set_root(later, root)
                    changed[later] = root
        return changed

    def _reprint(self, entry: Entry, other: Entry, cover: float) -> bool:
        """Whether passages covering ``cover`` of ``entry``'s passage shingles, linked to
        ``other``, and the two signatures show one to be a part of the other."""
        _, containment, _ = _containment(entry.signature, [other])
        if cover >= self.policy.passage_cover:
            return bool(containment[0] >= self.policy.passage_containment)
        smaller = other.signature.size < entry.signature.size
        return smaller and bool(containment[0] >= self.policy.part_containment)

    def _original(self, _site: str | None, sig: Signature, candidates: list[Entry]) -> str | None:
        matches = _verify(sig, candidates, self.policy)
        return matches[0].original_id if matches else None


@dataclass(frozen=True, slots=True)
class PassagePolicy:
    """Parameters of passage matching: paragraphs of at least ``min_words`` words, linked
    when nearly the same (estimated Jaccard >= ``near_jaccard``) as a passage of another
    article: a quote with a word or two changed in a short paragraph keeps a Jaccard near
    0.7 over 3-grams, so the threshold sits at 0.6 (chosen on the ``tune`` half of
    ``bench/dedup_passages.py``: 0.8 found 0.71 of lightly edited quotes, 0.6 0.95, with
    no false link either way).

    64 permutations in 16 bands of 4 rows: a pair at Jaccard 0.6 is a candidate with
    probability 0.9, at 0.8 0.9998, unrelated paragraphs (Jaccard under 0.1) almost never;
    fewer values than for articles because passages are many (an article has tens).
    """

    spec: SignatureSpec = PASSAGE_SPEC
    bands: tuple[int, int] = (16, 4)
    min_words: int = 25
    near_jaccard: float = 0.6


PASSAGE_POLICY = PassagePolicy()


def passage_id(article_id: str, position: int) -> str:
    """The id of the paragraph at ``position`` (0-based) of an article."""
    return f"{article_id}:{position}"


def article_of(passage: str) -> str:
    """The article id of a :func:`passage_id`."""
    return passage.rpartition(":")[0]


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
        self,
        policy: PassagePolicy = PASSAGE_POLICY,
        redis_config: RedisConfig | None = None,
        segments: Sequence[Segment] = (),
    ) -> None:
        self.policy = policy
        self._index = MinHashIndex(policy.spec, policy.bands, redis_config, segments)

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

    def link_and_meet(
        self, passages: Iterable[tuple[str, str, Signature]]
    ) -> tuple[dict[str, str], dict[str, set[str]]]:
        """:meth:`link`, and for each article the other articles whose passages shared a
        band with its own (linked or not): where :meth:`ArticleIndex.link_by_passages` looks
        for an edited or shortened reprint that the article's own bands missed."""
        met: dict[str, set[str]] = {}

        def original(article_id: str | None, sig: Signature, candidates: list[Entry]) -> str | None:
            others = {entry.group for entry in candidates if entry.group != article_id}
            if others and article_id is not None:
                met.setdefault(article_id, set()).update(g for g in others if g is not None)
            return self._original(article_id, sig, candidates)

        return self._index.link(passages, original), met

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


def _shared_passages(
    article_id: str, passages: Sequence[tuple[str, int]], passage_links: dict[str, str]
) -> dict[str, list[int]]:
    """The sizes of an article's passages linked to each other article, by that article."""
    shared: dict[str, list[int]] = {}
    for pid, size in passages:
        if pid in passage_links:
            source = article_of(passage_links[pid])
            if source != article_id:
                shared.setdefault(source, []).append(size)
    return shared


#: Entries per batch when restoring an index: one sorted run per batch.
_RESTORE_BATCH = 50_000


def _add_many(
    index: MinHashIndex, rows: Iterable[tuple[str, str | None, Signature, str | None]]
) -> None:
    """Index ``(key, group, sig, root or None)`` rows not indexed yet (the first of a key), in
    large batches: one membership lookup for each."""
    rows = iter(rows)
    while chunk := list(islice(rows, _RESTORE_BATCH)):
        batch: dict[str, Entry] = {}
        for key, group, sig, root in chunk:
            if key not in batch:
                batch[key] = Entry(key, group, root or key, sig)
        known = index.known(list(batch))
        new = [entry for entry, there in zip(batch.values(), known, strict=True) if not there]
        if new:
            index.add_many(new)
