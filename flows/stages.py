"""The stages of an ingest as plain functions over batches; ``flows.ingest`` wraps them in tasks.

Each function takes and returns a whole batch, and never raises for one bad document: the
document becomes a reject with a reason and the rest of the batch goes on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import pickle
from collections.abc import Iterable
from dataclasses import dataclass, field

from cleaners import Article, clean_html, clean_text
from dedup.matching import ARTICLE_POLICY, PASSAGE_POLICY
from dedup.signatures import Signature, signatures_with_parts
from dedup.site_repetition import passage_hashes
from sources.decode import RejectInput, decode
from sources.read import FileRead, Item, RawDoc, Reject, materialize


@dataclass(frozen=True, slots=True)
class Document:
    """A decoded input document, ready to clean."""

    source: str
    text: str
    format: str
    url: str | None
    encoding: str
    content_sha256: str
    #: When the scraper fetched the page (JSONL ``fetched_at``, WARC-Date), if it says.
    fetched_at: dt.datetime | None = None
    #: Where in its container it was (see :class:`sources.read.Reject`).
    position: int | None = None

    @property
    def article_id(self) -> str:
        """Derived from source and content: the same page again is the same id (idempotent),
        a changed page under the same source is a new id (a new version)."""
        return hashlib.sha256(f"{self.source}\0{self.content_sha256}".encode()).hexdigest()[:24]


@dataclass(slots=True)
class Decoded:
    documents: list[Document] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    files: list[FileRead] = field(default_factory=list)


@dataclass(slots=True)
class CleanedDoc:
    """A cleaned document with its MinHash signatures (computed where it was cleaned, so
    the CPU-bound part runs on the task runner's workers)."""

    article_id: str
    source: str
    url: str | None
    format: str
    encoding: str
    content_sha256: str
    fetched_at: dt.datetime | None
    article: Article
    signature: Signature
    #: One per paragraph, ``None`` for paragraphs too short to be matched as passages.
    passage_signatures: list[Signature | None]
    #: One per paragraph: its key for site chrome by repetition (see ``passage_hashes``).
    paragraph_hashes: list[int | None]
    position: int | None = None


@dataclass(slots=True)
class Cleaned:
    docs: list[CleanedDoc] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    #: The files read to their end in this batch, as they were read.
    files: list[FileRead] = field(default_factory=list)


def clean_items(items: Iterable[Item]) -> Cleaned:
    """Read (see :func:`sources.read.materialize`), decode, clean and sign a batch."""
    decoded = decode_batch(materialize(items))
    cleaned = clean_batch(decoded.documents)
    cleaned.rejects[:0] = decoded.rejects
    cleaned.files = decoded.files
    return cleaned


def drop_repeats(cleaned: Cleaned) -> int:
    """Keep the first of the documents of a batch that are one input twice (same source,
    same content: the same JSONL line or WARC record repeated); returns how many went. They
    are duplicates of that first one, and counted as such."""
    seen: set[str] = set()
    kept = []
    for doc in cleaned.docs:
        if doc.article_id not in seen:
            seen.add(doc.article_id)
            kept.append(doc)
    repeats = len(cleaned.docs) - len(kept)
    cleaned.docs = kept
    return repeats


def pack(cleaned: Cleaned) -> bytes:
    """A cleaned batch as one pickle, to travel from a worker to the flow.

    A task's result is pickled by the process pool, unpickled twice in the flow (Prefect's
    ``_UnpicklingFuture`` unpickles once in a done-callback to look for errors, then again
    in ``result()``) and pickled once more when it is persisted for the cache. Handed over
    as bytes, each of those is a copy of one buffer, and the batch's objects are built once,
    by :func:`unpack` in the flow.
    """
    return pickle.dumps(cleaned, protocol=pickle.HIGHEST_PROTOCOL)


def unpack(blob: bytes) -> Cleaned:
    """The batch :func:`pack` made."""
    cleaned = pickle.loads(blob)
    if not isinstance(cleaned, Cleaned):
        raise TypeError(f"expected a packed Cleaned batch, got {type(cleaned).__name__}")
    return cleaned


def decode_batch(items: Iterable[RawDoc | Reject | FileRead]) -> Decoded:
    """Bytes to text for every raw document; undecodable ones become rejects."""
    out = Decoded()
    for item in items:
        if isinstance(item, Reject):
            out.rejects.append(item)
            continue
        if isinstance(item, FileRead):
            out.files.append(item)
            continue
        try:
            text, encoding = _decode(item)
        except RejectInput as exc:
            out.rejects.append(Reject(item.source, exc.reason, item.position))
            continue
        raw = item.data if isinstance(item.data, bytes) else item.data.encode("utf-8")
        digest = hashlib.sha256(raw).hexdigest()
        fetched = fetched_time(item.fetched_at)
        doc = Document(
            item.source, text, item.format, item.url, encoding, digest, fetched, item.position
        )
        out.documents.append(doc)
    return out


def fetched_time(value: str | None) -> dt.datetime | None:
    """An ISO 8601 fetch time as naive UTC, like every timestamp in the warehouse; ``None``
    when missing or unreadable (a bad fetch time is not a reason to reject an article)."""
    if not value:
        return None
    try:
        when = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if when.tzinfo is not None:
        when = when.astimezone(dt.UTC).replace(tzinfo=None)
    return when


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
    """Clean and sign every document; a document the cleaners choke on is rejected."""
    out = Cleaned()
    done: list[tuple[Document, Article]] = []
    for doc in documents:
        try:
            if doc.format == "html":
                article = clean_html(doc.text, url=doc.url, source=doc.source)
            else:
                article = clean_text(doc.text, source=doc.source, url=doc.url)
        except RejectInput as exc:  # e.g. a page nested too deep to parse safely
            out.rejects.append(Reject(doc.source, exc.reason, doc.position))
            continue
        except Exception as exc:  # one bad document must not sink the batch
            reason = f"cleaning failed: {type(exc).__name__}: {exc}"
            out.rejects.append(Reject(doc.source, reason, doc.position))
            continue
        if article.paragraphs:
            done.append((doc, article))
        else:
            reason = f"no {article.page_type} text left after cleaning"
            out.rejects.append(Reject(doc.source, reason, doc.position))
    signed = signatures_with_parts(
        [a.paragraphs for _, a in done], ARTICLE_POLICY.spec, PASSAGE_POLICY.spec, is_passage
    )
    for (doc, article), (sig, passages) in zip(done, signed, strict=True):
        out.docs.append(
            CleanedDoc(
                article_id=doc.article_id,
                source=doc.source,
                url=doc.url,
                format=doc.format,
                encoding=doc.encoding,
                content_sha256=doc.content_sha256,
                fetched_at=doc.fetched_at,
                article=article,
                signature=sig,
                passage_signatures=passages,
                paragraph_hashes=passage_hashes(article.paragraphs),
                position=doc.position,
            )
        )
    return out


def is_passage(text: str) -> bool:
    """Whether a paragraph is long enough to be matched as a passage of another article."""
    return len(text.split()) >= PASSAGE_POLICY.min_words
