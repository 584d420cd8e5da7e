"""The read stage: find the input files, then turn each into raw documents or rejects.

Plain functions (the flow wraps them in tasks). Every input ends as exactly one
:class:`RawDoc` or :class:`Reject` -- one per record for containers (JSONL, WARC) --
and nothing here raises for a bad input. Bytes are not decoded here; that is
:func:`sources.decode.decode`'s job, fed with ``declared_encoding``.

Reading comes in two steps so that a container of any size streams: :func:`items` walks the
files and yields one item per document to come (a plain file still unread, a JSONL line
still unparsed, a WARC record already cut out) plus, after a container's last record, a
:class:`FileRead`; :func:`materialize` turns items into documents, and runs where the
batch is cleaned. :func:`read` is both steps in one.
"""

from __future__ import annotations

import errno
import gzip
import json
import os
import stat
import zlib
from collections.abc import Iterable, Iterator
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
    """An input that did not become a document, and why. ``position`` says where in its
    container it was: the line number in a JSONL file, the byte offset of a WARC record;
    ``None`` for a whole file."""

    source: str
    reason: str
    position: int | None = None


@dataclass(frozen=True, slots=True)
class RawDoc:
    """One document as read: undecoded bytes (or text, from JSONL) plus what came with it."""

    source: str
    data: bytes | str
    format: Format
    url: str | None = None
    fetched_at: str | None = None
    declared_encoding: str | None = None
    position: int | None = None


@dataclass(frozen=True, slots=True)
class FileRead:
    """A file read to its end, as it was when opened (``fstat`` of the open handle).

    ``changed`` says that its size or modification time moved while it was read: what was
    read is not what the file now holds (a scraper still writing it).
    """

    source: str
    size: int
    mtime_ns: int
    changed: bool = False


@dataclass(frozen=True, slots=True)
class UnreadFile:
    """A single-document file, read by :func:`materialize` (where the batch is cleaned)."""

    path: Path
    size: int


@dataclass(frozen=True, slots=True)
class RawLine:
    """A JSONL line, parsed by :func:`materialize`; ``lineno`` counts from 1."""

    path: Path
    lineno: int
    data: bytes


Item = UnreadFile | RawLine | RawDoc | Reject | FileRead


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


def discover(paths: list[str], *, empty_ok: bool = False) -> Discovery:
    """Expand ``paths`` into files to read, in a deterministic order.

    Files named explicitly are kept whatever their name. Directories are walked
    recursively in sorted order, keeping ingestible files and skipping hidden
    entries; a symlinked directory is entered once (loops end there). A file
    reached twice is listed once. A path that cannot be stat'ed, or a directory
    with nothing to ingest, becomes a reject; with ``empty_ok`` (an inbox, empty between
    deliveries) an empty directory is no input at all.
    """
    found = Discovery()
    seen_files: set[tuple[int, int] | str] = set()
    for raw in paths:
        path = Path(raw)
        try:
            info = path.stat()
        except OSError as exc:
            found.rejects.append(Reject(source_name(raw), _os_reason(exc)))
            continue
        if not stat.S_ISDIR(info.st_mode):
            _add(found.files, path, seen_files)
            continue
        listed = _walk(path, found.rejects)
        if not listed and not empty_ok:
            found.rejects.append(Reject(source_name(raw), "no ingestible files"))
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
            rejects.append(Reject(source_name(path), _os_reason(exc)))
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


def source_name(path: Path | str) -> str:
    """The name a file goes by in the warehouse: its path, with any bytes that are not
    UTF-8 (a file name is bytes on POSIX) written as ``\\xNN`` escapes, so that it can be
    stored and shown."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def read(files: list[Path], *, max_doc_bytes: int = MAX_DOC_BYTES) -> Iterator[RawDoc | Reject]:
    """Read each file into raw documents (one per file, or per record of a container).

    A file that cannot be read, or is over ``max_doc_bytes``, yields one reject; a
    bad record yields a reject naming it while the other records are still read.
    """
    for item in materialize(items(files, max_doc_bytes=max_doc_bytes), max_doc_bytes):
        if not isinstance(item, FileRead):
            yield item


def items(files: list[Path], *, max_doc_bytes: int = MAX_DOC_BYTES) -> Iterator[Item]:
    """One item per document to come, streaming: a container is read record by record as
    the caller asks for more, so that its size does not matter.

    Single-document files are not opened here (:func:`materialize` reads them, with their
    :class:`FileRead`); a container's records are cut out here, then its :class:`FileRead`.
    A name that is not UTF-8 is rejected (nothing could store it unchanged), with its
    :class:`FileRead` so that a watched inbox does not take it again.
    """
    for path in files:
        if source_name(path) != str(path):
            yield Reject(source_name(path), "file name is not valid UTF-8: rename the file")
            try:
                info = path.stat()
            except OSError:
                continue
            yield FileRead(source_name(path), info.st_size, info.st_mtime_ns)
            continue
        kind = kind_of(path) or "text"
        if kind not in ("records", "crawl"):
            try:
                size = path.stat().st_size
            except OSError:
                size = 0  # materialize rejects it with the OS's reason
            yield UnreadFile(path, size)
            continue
        try:
            with _open_regular(path) as handle:
                before = os.fstat(handle.fileno())
                reader = _jsonl_lines if kind == "records" else _read_warc
                yield from reader(path, handle, max_doc_bytes)
                yield _file_read(path, before, os.fstat(handle.fileno()))
        except _NotRegular as exc:
            yield Reject(str(path), exc.reason)
        except OSError as exc:
            yield Reject(str(path), _os_reason(exc))


def materialize(
    batch: Iterable[Item], max_doc_bytes: int = MAX_DOC_BYTES
) -> Iterator[RawDoc | Reject | FileRead]:
    """The documents of a batch of :func:`items`: files read, JSONL lines parsed."""
    for item in batch:
        if isinstance(item, UnreadFile):
            yield from _read_file(item.path, max_doc_bytes)
        elif isinstance(item, RawLine):
            yield _record(item.path, item.lineno, item.data)
        else:
            yield item


def item_bytes(item: Item) -> int:
    """About how many bytes of input an item stands for, to weigh batches."""
    if isinstance(item, UnreadFile):
        return item.size
    if isinstance(item, RawLine | RawDoc):
        return len(item.data)
    return 0


def _file_read(path: Path, before: os.stat_result, after: os.stat_result) -> FileRead:
    moved = (before.st_size, before.st_mtime_ns) != (after.st_size, after.st_mtime_ns)
    return FileRead(str(path), before.st_size, before.st_mtime_ns, changed=moved)


def _read_file(path: Path, cap: int) -> Iterator[RawDoc | Reject | FileRead]:
    """A single-document file: its document or reject, then its :class:`FileRead`."""
    source = str(path)
    try:
        with _open_regular(path) as handle:
            before = os.fstat(handle.fileno())
            if path.name.lower().endswith(".gz"):
                yield _read_gzipped(source, handle, kind_of(path) or "text", cap)
            elif before.st_size > cap:
                yield Reject(
                    source, f"file size {before.st_size} bytes exceeds the {_size(cap)} cap"
                )
            else:
                yield _capped(
                    source, handle.read(cap + 1), kind_of(path) or "text", cap, "file size"
                )
            yield _file_read(path, before, os.fstat(handle.fileno()))
    except _NotRegular as exc:
        yield Reject(source, exc.reason)
    except OSError as exc:
        yield Reject(source, _os_reason(exc))


class _NotRegular(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _open_regular(path: Path) -> BinaryIO:
    """``path`` opened for reading, if it is a regular file. A FIFO is opened without
    blocking (so that it can be told apart, not read)."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    info = os.fstat(fd)
    if stat.S_ISDIR(info.st_mode) or not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise _NotRegular(
            os.strerror(errno.EISDIR) if stat.S_ISDIR(info.st_mode) else "not a regular file"
        )
    os.set_blocking(fd, True)
    return os.fdopen(fd, "rb")


def _read_gzipped(source: str, handle: BinaryIO, kind: Format, cap: int) -> RawDoc | Reject:
    try:
        with gzip.GzipFile(fileobj=handle, mode="rb") as inflated:
            data = inflated.read(cap + 1)
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        return Reject(source, f"corrupt gzip: {exc}")
    return _capped(source, data, kind, cap, "decompressed size")


def _capped(source: str, data: bytes, kind: Format, cap: int, what: str) -> RawDoc | Reject:
    if len(data) > cap:
        return Reject(source, f"{what} exceeds the {_size(cap)} cap")
    return RawDoc(source, data, kind)


def _jsonl_lines(path: Path, handle: BinaryIO, cap: int) -> Iterator[RawLine | Reject]:
    """The non-blank lines of a JSONL file, unparsed."""
    try:
        if path.name.lower().endswith(".gz"):
            handle = gzip.GzipFile(fileobj=handle, mode="rb")  # type: ignore[assignment]
        for lineno, line in enumerate(_lines(handle, cap), start=1):
            if line is None:
                reason = f"line {lineno} exceeds the {_size(cap)} cap"
                yield Reject(f"{path}#L{lineno}", reason, lineno)
            elif line.strip():
                yield RawLine(path, lineno, line)
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
        return Reject(where, f"line {lineno}: not valid JSON ({exc})", lineno)
    if not isinstance(record, dict):
        return Reject(where, f"line {lineno}: not a JSON object", lineno)
    url = _str_or_none(record.get("url"))
    if url is not None and (bad := _lone_surrogate(url)) is not None:
        return Reject(where, f"line {lineno}: 'url' holds a lone surrogate {bad}", lineno)
    source = f"{path}#{url}" if url else where
    for key, kind in (("html", "html"), ("text", "text")):
        body = record.get(key)
        if isinstance(body, str) and body:
            if (bad := _lone_surrogate(body)) is not None:
                reason = f"line {lineno}: {key!r} holds a lone surrogate {bad}"
                return Reject(source, reason, lineno)
            fetched_at = _str_or_none(record.get("fetched_at"))
            if fetched_at is not None and _lone_surrogate(fetched_at) is not None:
                fetched_at = None  # unreadable, like any other bad fetch time
            return RawDoc(source, body, kind, url=url, fetched_at=fetched_at, position=lineno)
    return Reject(source, f"line {lineno}: no 'html' or 'text' field", lineno)


def _lone_surrogate(text: str) -> str | None:
    """Where ``text`` holds a code point UTF-8 cannot encode (JSON's ``\\ud800`` escapes
    allow them), as ``U+D800 at character 3``; None when it holds none."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return f"U+{ord(text[exc.start]):04X} at character {exc.start}"
    return None


def _read_warc(path: Path, handle: BinaryIO, cap: int) -> Iterator[RawDoc | Reject]:
    source = str(path)
    if not _looks_like_warc(handle):
        yield Reject(source, "not a WARC file")
        return
    compressed = _gzipped(handle)
    start: int | None = 0
    while start is not None:
        handle.seek(start)
        start = yield from _warc_records(path, handle, cap, compressed)


def _warc_records(
    path: Path, handle: BinaryIO, cap: int, compressed: bool
) -> Iterator[RawDoc | Reject]:
    """The records from the handle's position on. Returns where to go on reading after a
    record that ran past its Content-Length (the next gzip member), else None."""
    source = str(path)
    records = ArchiveIterator(handle)
    # warcio writes a warning to stderr when a record is not followed by its blank lines
    # (its Content-Length was short) and counts it in err_count: the count is read below,
    # the warning is not wanted.
    records.INC_RECORD = ""
    end = offset = handle.tell()
    try:
        for record in records:
            offset = records.offset
            doc = _warc_record(path, record, cap, offset)
            errors = records.err_count
            records.read_to_end()
            if _truncated(record):
                where = doc.source if doc else source
                yield Reject(where, f"truncated or corrupt record at offset {offset}", offset)
                return None
            end = offset + records.get_record_length()
            if records.err_count > errors:
                where = doc.source if doc else source
                reason = f"record at offset {offset} runs past its Content-Length"
                yield Reject(where, reason, offset)
                # The rest of the record would be read as the next one: with one gzip member
                # per record (as WARC writers do), the next record starts at the next member.
                return _member_end(handle, offset) if compressed else None
            if doc:
                yield doc
    except Exception as exc:  # warcio raises many kinds of errors on corrupt input
        at = records.offset
        yield Reject(source, f"corrupt record at offset {at}: {exc!r}", at)
        return None
    if compressed and end and not _member_complete(handle, offset):
        yield Reject(source, f"truncated or corrupt record at offset {offset}", offset)
    elif _garbage_after(handle, end):
        yield Reject(source, f"truncated or corrupt record at offset {end}", end)
    return None


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


def _warc_record(
    path: Path, record: ArcWarcRecord, cap: int, offset: int
) -> RawDoc | Reject | None:
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
        return Reject(source, f"HTTP status {status}", offset)
    data = record.content_stream().read(cap + 1)
    if len(data) > cap:
        return Reject(source, f"payload exceeds the {_size(cap)} cap", offset)
    return RawDoc(
        source,
        data,
        "html" if mime in _HTML_TYPES else "text",
        url=url,
        fetched_at=record.rec_headers.get_header("WARC-Date"),
        declared_encoding=content_type.get_content_charset(),
        position=offset,
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
    return _member_end(handle, start) is not None


def _member_end(handle: BinaryIO, start: int) -> int | None:
    """Where the gzip member at ``start`` ends (the next member, if any, starts there);
    None when the file stops inside it or it is not gzip."""
    handle.seek(start)
    inflater = zlib.decompressobj(wbits=31)
    consumed = 0
    try:
        while not inflater.eof and (chunk := handle.read(_CHUNK)):
            consumed += len(chunk)
            inflater.decompress(chunk, _CHUNK)
            while inflater.unconsumed_tail and not inflater.eof:
                inflater.decompress(inflater.unconsumed_tail, _CHUNK)
    except zlib.error:
        return None
    if not inflater.eof:
        return None
    return start + consumed - len(inflater.unused_data)


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
