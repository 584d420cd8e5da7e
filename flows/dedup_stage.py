"""The dedup stage: link near-duplicate articles and passages, strip site chrome found by
repetition, and turn a cleaned batch into warehouse rows.

It runs in the flow's own process, one batch after the other in input order, because it
keeps state across batches (the indexes of everything landed so far): that keeps links
deterministic whatever task runner cleaned the batches. The state comes from the warehouse
at the start of a run, so a run finds copies of articles landed by earlier runs without
recomputing their signatures; with ``redis_url`` set, the article and passage indexes live
in Redis instead, shared by every worker that points at it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import TypeVar
from urllib.parse import urlsplit

import duckdb

import warehouse
from cleaners.article import Article, without_paragraphs
from cleaners.rules.site import REPEATED_ON_SITE
from dedup.index import RedisConfig
from dedup.matching import (
    ARTICLE_POLICY,
    PASSAGE_POLICY,
    ArticleIndex,
    Merge,
    PassageIndex,
    passage_id,
)
from dedup.signatures import Signature
from dedup.site_repetition import RepetitionRow, SiteRepetition
from flows.index_segments import OpenIndex
from flows.stages import Cleaned, CleanedDoc
from sources.read import Reject

T = TypeVar("T")


@dataclass(slots=True)
class Deduped:
    """One batch after dedup: warehouse rows, and what the run report counts."""

    batch: warehouse.Batch
    rejects: list[Reject] = field(default_factory=list)
    #: article_id -> original article_id, for the near-duplicate copies of this batch.
    copies: dict[str, str] = field(default_factory=dict)


class Deduplicator:
    def __init__(
        self,
        *,
        min_site_articles: int = 3,
        redis: RedisConfig | None = None,
        site_rows: Iterable[RepetitionRow] = (),
        stored: OpenIndex | None = None,
    ) -> None:
        """``stored``: the segments of the warehouse's index on disk to search beside what
        this object holds in memory (see :mod:`flows.index_segments`)."""
        stored = stored or OpenIndex([], [], [], None, [])
        self.articles = ArticleIndex(ARTICLE_POLICY, redis, stored.articles, stored.moves)
        self.passages = PassageIndex(PASSAGE_POLICY, redis, stored.passages)
        self.sites = SiteRepetition(min_site_articles, site_rows, stored.sites)
        self.stored = stored

    @classmethod
    def from_warehouse(
        cls,
        con: duckdb.DuckDBPyConnection,
        *,
        min_site_articles: int = 3,
        redis: RedisConfig | None = None,
        stored: OpenIndex | None = None,
    ) -> Deduplicator:
        """Rebuild the state of earlier runs from their stored signatures and counts: with
        ``stored``, only what landed after its segments (which are searched on disk)."""
        after = stored.after if stored else None
        rows = (RepetitionRow(*row) for row in warehouse.dedup_state.site_passages(con, after))
        if redis is not None:  # the shared index already holds what every worker landed
            return cls(min_site_articles=min_site_articles, redis=redis, site_rows=rows)
        dedup = cls(min_site_articles=min_site_articles, site_rows=rows, stored=stored)
        spec = ARTICLE_POLICY.spec
        dedup.articles.add_many(
            (article_id, site, Signature.from_bytes(spec, blob, size), original)
            for article_id, site, size, blob, original in warehouse.dedup_state.article_signatures(
                con, spec.id, after
            )
        )
        spec = PASSAGE_POLICY.spec
        dedup.passages.add_many(
            (pid, article_id, Signature.from_bytes(spec, blob, size), original)
            for pid, article_id, size, blob, original in warehouse.dedup_state.passage_signatures(
                con, spec.id, after
            )
        )
        return dedup

    def close(self) -> None:
        """Close the segment files this object searches (it must not be used after)."""
        self.stored.close()

    def process(self, cleaned: Cleaned, run_id: str) -> Deduped:
        """Link, strip site chrome, and build the rows of one cleaned batch.

        Articles link by their own signatures first (a copy is not counted as its site's
        own text), then passages link, and the articles left as originals are checked once
        more against the articles their passages reached (see
        :meth:`ArticleIndex.link_by_passages`)."""
        known = self.articles.known([d.article_id for d in cleaned.docs])
        new = [d for d, there in zip(cleaned.docs, known, strict=True) if not there]
        new_ids = {d.article_id for d in new}
        copies = self.articles.link((d.article_id, d.article.site, d.signature) for d in new)
        merges = self.articles.take_merges()
        self.sites.observe(
            (site, doc.article_id, doc.paragraph_hashes)
            for doc in new
            if (site := _site_key(doc)) and doc.article_id not in copies
        )
        out = Deduped(batch=warehouse.Batch(run_id=run_id), rejects=list(cleaned.rejects))
        out.copies = copies
        kept: list[CleanedDoc] = []
        chrome = self.sites.flag([(_site_key(doc), doc.paragraph_hashes) for doc in cleaned.docs])
        for doc, flags in zip(cleaned.docs, chrome, strict=True):
            doc = _without_site_chrome(doc, flags)
            if doc.article.paragraphs:
                kept.append(doc)
            else:
                reason = "every paragraph is repeated site chrome"
                out.rejects.append(Reject(doc.source, reason, doc.position))
        passage_links, met = self.passages.link_and_meet(
            (passage_id(doc.article_id, position), doc.article_id, sig)
            for doc in kept
            for position, sig in enumerate(doc.passage_signatures)
            if sig is not None
        )
        copies.update(
            self.articles.link_by_passages(
                [(d.article_id, _passage_sizes(d)) for d in kept if d.article_id in new_ids],
                passage_links,
                met,
            )
        )
        for doc in kept:
            original = copies.get(doc.article_id)
            relation = self.articles.relation(doc.article_id) if original else None
            _add_rows(out.batch, doc, original, relation, passage_links)
        out.batch.rejects = [reject_row(r) for r in out.rejects]
        self._add_merges(out.batch, merges, new_ids)
        out.batch.site_passages = [
            {"site": r.site, "passage_hash": r.passage_hash, "article_count": r.article_count,
             "first_seen": r.first_seen}
            for r in self.sites.changes()
        ]  # fmt: skip
        return out

    def _add_merges(self, batch: warehouse.Batch, merges: list[Merge], new_ids: set[str]) -> None:
        """The rows of cluster merges: the audit row of each, and the stored articles whose
        original changed (this batch's own rows already carry their new original)."""
        batch.cluster_merges = [
            {"merged_root": m.root, "into_root": m.into, "articles": len(m.articles)}
            for m in merges
        ]
        moved = {a for m in merges for a in m.articles if a not in new_ids}
        batch.relinks = [
            {
                "article_id": article_id,
                "duplicate_of": self.articles.original(article_id),
                "duplicate_relation": self.articles.relation(article_id),
            }
            for article_id in sorted(moved)
        ]


def _without_site_chrome(doc: CleanedDoc, flags: list[bool]) -> CleanedDoc:
    """``doc`` without the paragraphs flagged as its site's chrome."""
    if not any(flags):
        return doc
    return replace(
        doc,
        article=without_paragraphs(
            doc.article, flags, REPEATED_ON_SITE.kind, REPEATED_ON_SITE.name
        ),
        passage_signatures=_kept(doc.passage_signatures, flags),
        paragraph_hashes=_kept(doc.paragraph_hashes, flags),
    )


def _passage_sizes(doc: CleanedDoc) -> list[tuple[str, int]]:
    """``(passage_id, shingle count)`` of a document's passages."""
    return [
        (passage_id(doc.article_id, position), sig.size)
        for position, sig in enumerate(doc.passage_signatures)
        if sig is not None
    ]


def _kept(values: list[T], gone: list[bool]) -> list[T]:
    return [value for value, drop in zip(values, gone, strict=True) if not drop]


def redis_config(url: str) -> RedisConfig:
    """``redis://host:port/db`` as the index's Redis settings."""
    parts = urlsplit(url)
    if parts.scheme != "redis" or not parts.hostname:
        raise ValueError(f"redis_url must look like redis://host:port/0, not {url!r}")
    db = int(parts.path.strip("/") or 0)
    return RedisConfig(host=parts.hostname, port=parts.port or 6379, db=db)


def _site_key(doc: CleanedDoc) -> str | None:
    """The site whose chrome a document shares: its publisher, else its URL's host."""
    if doc.article.site:
        return doc.article.site
    host = urlsplit(doc.url).hostname if doc.url else None
    return host.removeprefix("www.") if host else None


def reject_row(reject: Reject) -> dict[str, object]:
    """The ``rejects`` row of a reject."""
    return {"source": reject.source, "reason": reject.reason, "position": reject.position}


def removal_rows(article_id: str, article: Article) -> list[dict[str, object]]:
    """The ``removals`` rows of an article: each removal with its position in the article."""
    return [
        {
            "article_id": article_id,
            "position": i,
            "kind": r.kind,
            "rule": r.rule,
            "text": r.text,
            "before_passage": r.before,
        }
        for i, r in enumerate(article.removed)
    ]


def _add_rows(
    batch: warehouse.Batch,
    doc: CleanedDoc,
    duplicate_of: str | None,
    relation: str | None,
    passage_links: dict[str, str],
) -> None:
    article = doc.article
    batch.articles.append(
        {
            "article_id": doc.article_id,
            "source": doc.source,
            "url": doc.url,
            "title": article.title,
            "site": article.site,
            "published": article.published,
            "authors": article.authors,
            "body": article.text,
            "word_count": article.word_count,
            "duplicate_of": duplicate_of,
            "duplicate_relation": relation,
            "content_sha256": doc.content_sha256,
            "encoding": doc.encoding,
            "input_format": doc.format,
            "fetched_at": doc.fetched_at,
            "page_type": article.page_type,
        }
    )
    batch.passages.extend(
        {
            "article_id": doc.article_id,
            "position": i,
            "text": text,
            "duplicate_of": passage_links.get(passage_id(doc.article_id, i)),
        }
        for i, text in enumerate(article.paragraphs)
    )
    batch.removals.extend(removal_rows(doc.article_id, article))
    batch.article_signatures.append(
        {
            "article_id": doc.article_id,
            "spec": doc.signature.spec.id,
            "site": article.site,
            "size": doc.signature.size,
            "hashvalues": doc.signature.to_bytes(),
        }
    )
    for position, sig in enumerate(doc.passage_signatures):
        if sig is not None:
            batch.passage_signatures.append(
                {
                    "passage_id": passage_id(doc.article_id, position),
                    "article_id": doc.article_id,
                    "spec": sig.spec.id,
                    "size": sig.size,
                    "hashvalues": sig.to_bytes(),
                }
            )
