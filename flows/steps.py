"""The stages of an ingest as plain functions over batches; ``flows.ingest`` wraps them in tasks.

Each function takes and returns a whole batch, and never raises for one bad document: the
document becomes a reject with a reason and the rest of the batch goes on.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from cleaners import Article, clean_html, clean_text
from cleaners.decode import RejectInput, decode
from flows.sources import RawDoc, Reject


@dataclass(frozen=True, slots=True)
class Document:
    """A decoded input document, ready to clean."""

    source: str
    text: str
    format: str
    url: str | None
    encoding: str
    content_sha256: str

    @property
    def article_id(self) -> str:
        """Derived from source and content: the same page again is the same id (idempotent),
        a changed page under the same source is a new id (a new version)."""
        return hashlib.sha256(f"{self.source}\0{self.content_sha256}".encode()).hexdigest()[:24]


@dataclass(slots=True)
class Decoded:
    documents: list[Document] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)


@dataclass(slots=True)
class Cleaned:
    """Rows for the warehouse, as plain dicts, plus the rejects of the batch."""

    articles: list[dict] = field(default_factory=list)
    passages: list[dict] = field(default_factory=list)
    removals: list[dict] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    removals_by_kind: Counter[str] = field(default_factory=Counter)


def decode_batch(items: Iterable[RawDoc | Reject]) -> Decoded:
    """Bytes to text for every raw document; undecodable ones become rejects."""
    out = Decoded()
    for item in items:
        if isinstance(item, Reject):
            out.rejects.append(item)
            continue
        try:
            text, encoding = _decode(item)
        except RejectInput as exc:
            out.rejects.append(Reject(item.source, exc.reason))
            continue
        raw = item.data if isinstance(item.data, bytes) else item.data.encode("utf-8")
        digest = hashlib.sha256(raw).hexdigest()
        out.documents.append(Document(item.source, text, item.format, item.url, encoding, digest))
    return out


def _decode(item: RawDoc) -> tuple[str, str]:
    """Text and encoding of a raw document (records of JSONL files arrive already as text)."""
    if isinstance(item.data, str):
        if not item.data.strip():
            raise RejectInput(item.source, "blank document")
        return item.data, "utf-8"
    decoded = decode(
        item.data, source=item.source, declared=item.declared_encoding, html=item.format == "html"
    )
    return decoded.text, decoded.encoding


def clean_batch(documents: Iterable[Document]) -> Cleaned:
    """Clean every document into warehouse rows; a document the cleaners choke on is rejected."""
    out = Cleaned()
    for doc in documents:
        try:
            if doc.format == "html":
                article = clean_html(doc.text, url=doc.url, source=doc.source)
            else:
                article = clean_text(doc.text, source=doc.source, url=doc.url)
        except Exception as exc:  # one bad document must not sink the batch
            out.rejects.append(Reject(doc.source, f"cleaning failed: {type(exc).__name__}: {exc}"))
            continue
        if not article.paragraphs:
            out.rejects.append(Reject(doc.source, "no article text left after cleaning"))
            continue
        _add_rows(out, doc, article)
    return out


def _add_rows(out: Cleaned, doc: Document, article: Article) -> None:
    article_id = doc.article_id
    out.articles.append(
        {
            "article_id": article_id,
            "source": doc.source,
            "url": doc.url,
            "title": article.title,
            "site": article.site,
            "published": article.published,
            "authors": article.authors,
            "body": article.text,
            "word_count": article.word_count,
            "content_sha256": doc.content_sha256,
            "encoding": doc.encoding,
            "input_format": doc.format,
        }
    )
    out.passages.extend(
        {"article_id": article_id, "position": i, "text": text}
        for i, text in enumerate(article.paragraphs)
    )
    out.removals.extend(
        {
            "article_id": article_id,
            "position": i,
            "kind": r.kind,
            "rule": r.rule,
            "text": r.text,
            "before_passage": r.before,
        }
        for i, r in enumerate(article.removed)
    )
    out.removals_by_kind.update(r.kind for r in article.removed)
