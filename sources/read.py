"""The read stage: find the input files, then turn each into raw documents or rejects.

Plain functions (the flow wraps them in tasks). Every input ends as exactly one
:class:`RawDoc` or :class:`Reject` -- one per record for containers (JSONL, WARC) --
and nothing here raises for a bad input. Bytes are not decoded here; that is
:func:`sources.decode.decode`'s job, fed with ``declared_encoding``.
"""

from __future__ import annotations

import errno
import gzip
import json
import os
import stat
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from typing import BinaryIO, Literal

from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArcWarcRecord

#: Largest single document read, in bytes: a plain file, a decompressed ``.html.gz``,
#: one JSONL line or one WARC payload. Larger ones are rejected, not truncated.
MAX_DOC_BYTES = 64 * 1024 * 1024

TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".text")
HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".html.gz", ".htm.gz")
RECORD_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson")
CRAWL_SUFFIXES = (".warc", ".warc.gz")
_HTML_TYPES = {"text/html", "application/xhtml+xml"}
_WARC_RECORDS = {"response", "resource"}
_CHUNK = 1 << 20

Format = Literal["text", "html"]
Kind = Literal["text", "html", "records", "crawl"]


@dataclass(frozen=True, slots=True)
class Reject:
    """An input that did not become a document, and why."""

    source: str
    reason: str


@dataclass(frozen=True, slots=True)
class RawDoc:
    """One document as read: undecoded bytes (or text, from JSONL) plus what came with it."""

    source: str
    data: bytes | str
    format: Format
    url: str | None = None
    fetched_at: str | None = None
    declared_encoding: str | None = None


@dataclass(slots=True)
class Discovery:
    """The files to read, in order, and the paths that could not be used."""

    files: list[Path] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)


def kind_of(path: Path) -> Kind | None:
    """What an ingestible file holds, judged by its name; None if not ingestible."""
    name = path.name.lower()
    for suffixes, kind in (
        (TEXT_SUFFIXES, "text"),
        (HTML_SUFFIXES, "html"),
        (RECORD_SUFFIXES, "records"),
        (CRAWL_SUFFIXES, "crawl"),
    ):
        if name.endswith(suffixes):
            return kind
    return None


def discover(paths: list[str]) -> Discovery:
    """Expand ``paths`` into files to read, in a deterministic order.

    Files named explicitly are kept whatever their name. Directories are walked
    recursively in sorted order, keeping ingestible files and skipping hidden
    entries; a symlinked directory is entered once (loops end there). A file
    reached twice is listed once. A path that cannot be stat'ed, or a directory
    with nothing to ingest, becomes a reject.
    """
    found = Discovery()
    seen_files: set[tuple[int, int] | str] = set()
    for raw in paths:
        path = Path(raw)
        try:
            info = path.stat()
        except OSError as exc:
            found.rejects.append(Reject(raw, _os_reason(exc)))
            continue
        if not stat.S_ISDIR(info.st_mode):
            _add(found.files, path, seen_files)
            continue
        listed = _walk(path, found.rejects)
        if not listed:
            found.rejects.append(Reject(raw, "no ingestible files"))
        for file in listed:
            _add(found.files, file, seen_files)
    return found


def _walk(root: Path, rejects: list[Reject]) -> list[Path]:
    """Ingestible files under ``root``, depth first in name order, each directory once."""
    files: list[Path] = []
    seen: set[tuple[int, int]] = set()
    stack = [root]
    while stack:
        path = stack.pop()
        if not _is_dir(path):
            files.append(path)
            continue
        try:
            info = path.stat()
            if (info.st_dev, info.st_ino) in seen:
                continue
            seen.add((info.st_dev, info.st_ino))
            with os.scandir(path) as scan:
                names = sorted(entry.name for entry in scan)
        except OSError as exc:
            rejects.append(Reject(str(path), _os_reason(exc)))
            continue
        children = [path / name for name in names if not name.startswith(".")]
        stack.extend(child for child in reversed(children) if _is_dir(child) or kind_of(child))
    return files


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:  # e.g. permission denied: the reader reports it for the file
        return False


def _add(files: list[Path], path: Path, seen: set[tuple[int, int] | str]) -> None:
    try:
        info = path.stat()
        key: tuple[int, int] | str = (info.st_dev, info.st_ino)
    except OSError:
        key = str(path)
    if key not in seen:
        seen.add(key)
        files.append(path)


def read(files: list[Path], *, max_doc_bytes: int = MAX_DOC_BYTES) -> Iterator[RawDoc | Reject]:
    """Read each file into raw documents (one per file, or per record of a container).

    A file that cannot be read, or is over ``max_doc_bytes``, yields one reject; a
    bad record yields a reject naming it while the other records are still read.
    """
    for path in files:
        yield from _read_file(path, max_doc_bytes)


def _read_file(path: Path, cap: int) -> Iterator[RawDoc | Reject]:
    source = str(path)
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            yield Reject(source, os.strerror(errno.EISDIR))
            return
        if not stat.S_ISREG(info.st_mode):
            yield Reject(source, "not a regular file")
            return
        kind = kind_of(path) or "text"
        if kind == "records":
            yield from _read_jsonl(path, cap)
        elif kind == "crawl":
            yield from _read_warc(path, cap)
        elif path.name.lower().endswith(".gz"):
            yield _read_gzipped(path, kind, cap)
        elif info.st_size > cap:
            yield Reject(source, f"file size {info.st_size} bytes exceeds the {_size(cap)} cap")
        else:
            with path.open("rb") as handle:
                yield _capped(source, handle.read(cap + 1), kind, cap, "file size")
    except OSError as exc:
        yield Reject(source, _os_reason(exc))


def _read_gzipped(path: Path, kind: Format, cap: int) -> RawDoc | Reject:
    source = str(path)
    try:
        with gzip.open(path, "rb") as handle:
            data = handle.read(cap + 1)
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        return Reject(source, f"corrupt gzip: {exc}")
    return _capped(source, data, kind, cap, "decompressed size")


def _capped(source: str, data: bytes, kind: Format, cap: int, what: str) -> RawDoc | Reject:
    if len(data) > cap:
        return Reject(source, f"{what} exceeds the {_size(cap)} cap")
    return RawDoc(source, data, kind)


def _read_jsonl(path: Path, cap: int) -> Iterator[RawDoc | Reject]:
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    try:
        with opener(path, "rb") as handle:
            for lineno, line in enumerate(_lines(handle, cap), start=1):
                if line is None:
                    yield Reject(f"{path}#L{lineno}", f"line {lineno} exceeds the {_size(cap)} cap")
                elif line.strip():
                    yield _record(path, lineno, line)
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        yield Reject(str(path), f"corrupt gzip: {exc}")


def _lines(handle: BinaryIO, cap: int) -> Iterator[bytes | None]:
    """Lines of at most ``cap`` bytes; None for a longer line, which is skipped unread."""
    while line := handle.readline(cap + 1):
        if len(line) <= cap or line.endswith(b"\n"):
            yield line
            continue
        while (rest := handle.readline(_CHUNK)) and not rest.endswith(b"\n"):
            pass
        yield None


def _record(path: Path, lineno: int, line: bytes) -> RawDoc | Reject:
    where = f"{path}#L{lineno}"
    try:
        record = json.loads(line)
    except (ValueError, RecursionError) as exc:
        return Reject(where, f"line {lineno}: not valid JSON ({exc})")
    if not isinstance(record, dict):
        return Reject(where, f"line {lineno}: not a JSON object")
    url = _str_or_none(record.get("url"))
    for key, kind in (("html", "html"), ("text", "text")):
        body = record.get(key)
        if isinstance(body, str) and body:
            return RawDoc(
                f"{path}#{url}" if url else where,
                body,
                kind,
                url=url,
                fetched_at=_str_or_none(record.get("fetched_at")),
            )
    return Reject(f"{path}#{url}" if url else where, f"line {lineno}: no 'html' or 'text' field")


def _read_warc(path: Path, cap: int) -> Iterator[RawDoc | Reject]:
    source = str(path)
    with path.open("rb") as handle:
        if not _looks_like_warc(handle):
            yield Reject(source, "not a WARC file")
            return
        compressed = _gzipped(handle)
        records = ArchiveIterator(handle)
        end = offset = 0
        try:
            for record in records:
                offset = records.offset
                doc = _warc_record(path, record, cap)
                records.read_to_end()
                if _truncated(record):
                    where = doc.source if doc else source
                    yield Reject(where, f"truncated or corrupt record at offset {offset}")
                    return
                end = offset + records.get_record_length()
                if doc:
                    yield doc
        except Exception as exc:  # warcio raises many kinds of errors on corrupt input
            yield Reject(source, f"corrupt record at offset {records.offset}: {exc!r}")
            return
        if compressed and end and not _member_complete(handle, offset):
            yield Reject(source, f"truncated or corrupt record at offset {offset}")
        elif _garbage_after(handle, end):
            yield Reject(source, f"truncated or corrupt record at offset {end}")


def _gzipped(handle: BinaryIO) -> bool:
    """Whether the file starts with the gzip magic (and rewind it)."""
    head = handle.read(2)
    handle.seek(0)
    return head == b"\x1f\x8b"


def _looks_like_warc(handle: BinaryIO) -> bool:
    """Whether the file starts with a WARC header, gzipped or not (and rewind it)."""
    if _gzipped(handle):
        with gzip.GzipFile(fileobj=handle) as inflated:
            try:
                head = inflated.read(5)
            except (gzip.BadGzipFile, EOFError, zlib.error):
                head = b""
    else:
        head = handle.read(5)
    handle.seek(0)
    return head == b"WARC/"


def _warc_record(path: Path, record: ArcWarcRecord, cap: int) -> RawDoc | Reject | None:
    """The document in one WARC record; None for records that hold none (requests, images)."""
    if record.rec_type not in _WARC_RECORDS:
        return None
    url = record.rec_headers.get_header("WARC-Target-URI")
    source = f"{path}#{url}" if url else str(path)
    declared_type = (record.http_headers or record.rec_headers).get_header("Content-Type")
    if not declared_type:
        return None
    content_type = Message()
    content_type["Content-Type"] = declared_type
    mime = content_type.get_content_type()
    if mime not in _HTML_TYPES and mime != "text/plain":
        return None
    status = record.http_headers.get_statuscode() if record.http_headers else "200"
    if not status.startswith("2"):
        return Reject(source, f"HTTP status {status}")
    data = record.content_stream().read(cap + 1)
    if len(data) > cap:
        return Reject(source, f"payload exceeds the {_size(cap)} cap")
    return RawDoc(
        source,
        data,
        "html" if mime in _HTML_TYPES else "text",
        url=url,
        fetched_at=record.rec_headers.get_header("WARC-Date"),
        declared_encoding=content_type.get_content_charset(),
    )


def _truncated(record: ArcWarcRecord) -> bool:
    """Whether the record was cut: in its header, or before its Content-Length was read.

    warcio reads a cut record silently: its length-limited reader is left with bytes
    still owed once the file runs out.
    """
    length = record.rec_headers.get_header("Content-Length") or ""
    owed = getattr(record.raw_stream, "limit", None)
    return record.rec_type is None or not length.strip().isdigit() or owed is None or owed > 0


def _member_complete(handle: BinaryIO, start: int) -> bool:
    """Whether the gzip member at ``start`` ends with its trailer.

    warcio yields a record whose payload is whole even when the file stops inside the
    member's last bytes (the record's closing newlines, the CRC and size), so a cut
    there would otherwise go unreported.
    """
    handle.seek(start)
    inflater = zlib.decompressobj(wbits=31)
    while not inflater.eof and (chunk := handle.read(_CHUNK)):
        inflater.decompress(chunk, _CHUNK)
        while inflater.unconsumed_tail and not inflater.eof:
            inflater.decompress(inflater.unconsumed_tail, _CHUNK)
    return inflater.eof


def _garbage_after(handle: BinaryIO, end: int) -> bool:
    """Whether anything but blank lines follows the last complete record."""
    handle.seek(end)
    return bool(handle.read(_CHUNK).strip())


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _os_reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _size(n: int) -> str:
    return f"{n // (1 << 20)} MiB" if n % (1 << 20) == 0 else f"{n} bytes"
