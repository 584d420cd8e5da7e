"""Writers of hostile inputs: the bad files scrapers really produce, for tests.

Each function writes into a given directory and returns the path (and, where a test
needs it, the text a reader should recover). Nothing here asserts anything.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import random
from collections.abc import Mapping, Sequence
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

#: Western European text with the characters cp1252 has and latin-1 lacks.
CP1252_TEXT = (
    "The minister said: “We will not back down.”\n"
    "Critics called the plan a café-table fantasy — naïve at best… ‘unworkable’.\n"
)
#: Text within latin-1 (no smart quotes), in several languages.
LATIN1_TEXT = (
    "Le député a déclaré à la presse que l'été serait chaud.\n"
    "Señor Muñoz habló del año; über Größe und Ærø, «guillemets» ©.\n"
)
#: Japanese news text; ① is a cp932 (Windows) extension missing from strict Shift_JIS.
JAPANESE_TEXT = (
    "東京都は今日、新しい防災計画を発表した。専門家によると、地震への備えが重要だという。"
    "計画は来年から実施される予定である。"
)
JAPANESE_VENDOR_TEXT = JAPANESE_TEXT + "①避難経路の確認。"
#: Chinese news text; 镕 is in GBK/GB18030 but not in GB2312.
CHINESE_TEXT = (
    "国务院今天发布了关于加强城市防洪工作的通知，要求各地做好准备。"
    "专家表示，这项措施非常重要，朱镕基曾多次强调防洪的意义。"
)
#: Mostly-English UTF-8 text with accents, for the invalid-UTF-8 cases.
UTF8_TEXT = "Zürich, São Paulo and Kraków signed the accord on Tuesday.\nCafé owners welcomed it.\n"

_MIB = 1 << 20


def write(directory: Path, name: str, data: bytes | str, encoding: str = "utf-8") -> Path:
    """Write ``data`` (encoded with ``encoding`` when a str) to ``directory/name``."""
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode(encoding) if isinstance(data, str) else data)
    return path


def html_page(body: str, *, title: str = "News", meta: str | None = None) -> str:
    """A small HTML page; ``meta`` is a whole ``<meta ...>`` tag or None."""
    head = f"{meta}\n" if meta else ""
    return (
        f"<!DOCTYPE html>\n<html><head>\n{head}<title>{title}</title>\n</head>\n"
        f"<body><article><h1>{title}</h1>\n<p>{body}</p>\n</article></body></html>\n"
    )


def empty_file(directory: Path, name: str = "empty.txt") -> Path:
    return write(directory, name, b"")


def blank_file(directory: Path, name: str = "blank.txt") -> Path:
    """Only whitespace: spaces, tabs, newlines, a no-break space and a zero-width space."""
    return write(directory, name, " \t\n\r\n\u00a0\u200b  \n")


def png_file(directory: Path, name: str = "photo.txt", size: int = 4096, seed: int = 0) -> Path:
    """A PNG signature followed by random bytes, under a text name."""
    return write(directory, name, b"\x89PNG\r\n\x1a\n" + random.Random(seed).randbytes(size))


def random_binary(directory: Path, name: str = "blob.txt", size: int = 4096, seed: int = 1) -> Path:
    """Random bytes with no known signature."""
    return write(directory, name, random.Random(seed).randbytes(size))


def stray_nuls(directory: Path, name: str = "nul.txt", count: int = 3) -> tuple[Path, str]:
    """UTF-8 text with ``count`` NUL bytes scattered in it; returns the text without them."""
    text = UTF8_TEXT * 4
    step = len(text) // (count + 1)
    pieces = [text[i * step : (i + 1) * step] for i in range(count)] + [text[count * step :]]
    return write(directory, name, "\x00".join(pieces)), text


def nul_padded(directory: Path, name: str = "padded.txt") -> Path:
    """Text with long runs of NUL bytes, as in a preallocated or half-written file."""
    return write(directory, name, b"\x00" * 2048 + UTF8_TEXT.encode() + b"\x00" * 2048)


def encoded_file(
    directory: Path, name: str, text: str, encoding: str, *, bom: bool = False
) -> Path:
    """``text`` in ``encoding``; with ``bom``, ``encoding`` must be one of utf-8/16/32."""
    codec = (
        {"utf-8": "utf-8-sig", "utf-16": "utf-16", "utf-32": "utf-32"}[encoding]
        if bom
        else encoding
    )
    return write(directory, name, text.encode(codec))


def invalid_utf8(directory: Path, name: str = "broken.txt") -> tuple[Path, str]:
    """UTF-8 text with two broken sequences; returns what a replacing decoder gives."""
    good = UTF8_TEXT.encode()
    cut = good.index(b"signed")
    data = good[:cut] + b"\xff" + good[cut:] + b"\xc3(end)\n"
    expected = UTF8_TEXT[: UTF8_TEXT.index("signed")] + "\ufffd"
    expected += UTF8_TEXT[UTF8_TEXT.index("signed") :] + "\ufffd(end)\n"
    return write(directory, name, data), expected


def odd_names(directory: Path) -> dict[str, Path]:
    """Text files whose names hold a space, a newline and non-ASCII; name -> path."""
    names = ["with space.txt", "new\nline.txt", "café 日本.md"]
    return {name: write(directory, name, f"File {name!r} reports the news.\n") for name in names}


def symlink_loop(directory: Path) -> Path:
    """A tree ``root/`` with two good files and three loops; returns ``root``.

    ``root/sub/up`` points back to ``root``; ``root/self.txt`` points to itself;
    ``root/ping`` and ``root/pong`` point to each other.
    """
    root = directory / "root"
    write(root, "a.txt", "Alpha story.\n")
    write(root, "sub/b.txt", "Beta story.\n")
    (root / "sub" / "up").symlink_to("..", target_is_directory=True)
    (root / "self.txt").symlink_to("self.txt")
    (root / "ping").symlink_to("pong")
    (root / "pong").symlink_to("ping")
    return root


def gzip_bomb(directory: Path, name: str = "bomb.html.gz", size: int = 1 << 30) -> Path:
    """A small gzip file that inflates to ``size`` bytes of zeros.

    One compressed MiB of zeros is repeated as concatenated gzip members (valid per
    RFC 1952), so neither writing nor the file itself needs ``size`` bytes.
    """
    member = gzip.compress(bytes(_MIB), compresslevel=9)
    path = directory / name
    with path.open("wb") as out:
        for _ in range(max(1, size // _MIB)):
            out.write(member)
    return path


def gzipped(directory: Path, name: str, data: bytes | str) -> Path:
    raw = data.encode() if isinstance(data, str) else data
    return write(directory, name, gzip.compress(raw))


def warc_file(
    directory: Path,
    name: str,
    pages: Sequence[tuple[str, str]],
    *,
    compress: bool = True,
    charset: str = "utf-8",
    statuses: Mapping[str, str] | None = None,
) -> tuple[Path, list[int]]:
    """A real WARC: warcinfo, then per page a request and an HTML response (status
    ``200 OK`` unless ``statuses`` maps its URL to another), then an image response
    and a metadata record.

    Returns the path and the offset of each page's response record.
    """
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=compress)
    writer.write_record(writer.create_warcinfo_record(name, {"software": "presswash-tests"}))
    offsets = []
    for url, html in pages:
        request = StatusAndHeaders(
            "GET / HTTP/1.1", [("Host", "example.org")], is_http_request=True
        )
        writer.write_record(writer.create_warc_record(url, "request", http_headers=request))
        offsets.append(buf.tell())
        content_type = f"text/html; charset={charset}"
        status = (statuses or {}).get(url, "200 OK")
        writer.write_record(_response(writer, url, html.encode(charset), content_type, status))
    logo = b"\x89PNG\r\n\x1a\n" + bytes(64)
    writer.write_record(_response(writer, "https://example.org/logo.png", logo, "image/png"))
    fields = io.BytesIO(b"outlinks: https://example.org/a\r\n")
    writer.write_record(
        writer.create_warc_record(
            "https://example.org/a",
            "metadata",
            payload=fields,
            warc_content_type="application/warc-fields",
        )
    )
    return write(directory, name, buf.getvalue()), offsets


def truncated_warc(
    directory: Path, name: str, pages: Sequence[tuple[str, str]], *, compress: bool = True
) -> tuple[Path, int]:
    """A WARC cut in the middle of the last page's response record; returns its offset."""
    path, offsets = warc_file(directory, name, pages, compress=compress)
    data = path.read_bytes()
    last = offsets[-1]
    path.write_bytes(data[: last + (len(data) - last) // 3])
    return path, last


def _response(writer: WARCWriter, url: str, body: bytes, content_type: str, status: str = "200 OK"):
    headers = StatusAndHeaders(
        status, [("Content-Type", content_type), ("Content-Length", str(len(body)))], "HTTP/1.1"
    )
    return writer.create_warc_record(
        url, "response", payload=io.BytesIO(body), http_headers=headers
    )


#: The lines :func:`jsonl_with_bad_lines` writes, by 1-based line number.
JSONL_LINES: dict[int, str] = {
    1: json.dumps(
        {
            "url": "https://example.org/a",
            "html": html_page("First story."),
            "fetched_at": "2024-05-01T10:00:00Z",
        }
    ),
    2: "{this is not json",
    3: json.dumps({"url": "https://example.org/c", "title": "no body here"}),
    4: json.dumps({"text": "Second story, with no URL."}),
    5: "",
    6: json.dumps(["an", "array"]),
    7: json.dumps({"url": "https://example.org/g", "text": "Third story.", "html": ""}),
}


def jsonl_with_bad_lines(directory: Path, name: str = "records.jsonl") -> Path:
    """JSONL mixing good records with a non-JSON line, a bodiless record, a blank line
    and a JSON array (see :data:`JSONL_LINES`)."""
    lines = [JSONL_LINES[n] for n in sorted(JSONL_LINES)]
    return write(directory, name, "\n".join(lines) + "\n")


def fifo(directory: Path, name: str = "pipe.txt") -> Path:
    """A named pipe: opening it for reading would block forever."""
    path = directory / name
    os.mkfifo(path)
    return path


def dir_named_as_file(directory: Path, name: str = "story.html") -> Path:
    """A directory whose name looks like an ingestible file."""
    path = directory / name
    path.mkdir()
    return path


def poison_name(directory: Path, stem: bytes = b"bad\xff", text: str = "A story.\n") -> Path:
    """A text file whose name holds a byte that is not UTF-8 (``\\xff``), as a scraper that
    names files after raw URL bytes writes them."""
    path = Path(os.fsdecode(os.fsencode(directory) + b"/" + stem + b".txt"))
    path.write_text(text)
    return path


#: Records of :func:`surrogate_records`, by 1-based line number: JSON's ``\\ud800`` escapes
#: give lone surrogates, which no UTF-8 encoder accepts.
SURROGATE_LINES: dict[int, str] = {
    1: json.dumps({"url": "https://example.org/ok-1", "text": CP1252_TEXT}),
    2: '{"url": "https://example.org/s", "text": "Hi \\ud800 there"}',
    3: '{"url": "https://example.org/\\udfff", "text": "A story under a broken URL."}',
    4: '{"html": "<p>Half a pair \\udbff</p>"}',
    5: json.dumps({"url": "https://example.org/ok-5", "text": UTF8_TEXT}),
}


def surrogate_records(directory: Path, name: str = "surrogates.jsonl") -> Path:
    """JSONL whose lines 2-4 hold lone surrogates in ``text``, ``url`` and ``html``."""
    lines = [SURROGATE_LINES[n] for n in sorted(SURROGATE_LINES)]
    return write(directory, name, "\n".join(lines) + "\n")


def short_lines(directory: Path, name: str = "short-lines.txt", count: int = 1_000_000) -> Path:
    """``count`` short lowercase lines with no sentence end and no blank line: a hard-wrapped
    text that a paragraph joiner must handle in linear time."""
    words = ["harbour", "council", "vote", "plan", "budget", "port", "city", "ferry"]
    rng = random.Random(count)
    with (directory / name).open("w") as out:
        for _ in range(count):
            out.write(" ".join(rng.choices(words, k=3)) + "\n")
    return directory / name


def distinct_stories(count: int, seed: int = 0) -> list[str]:
    """``count`` news-like texts of a few sentences, far enough apart that none is a
    near-duplicate of another."""
    words = [
        "council",
        "harbour",
        "minister",
        "budget",
        "ferry",
        "court",
        "school",
        "hospital",
        "bridge",
        "museum",
        "strike",
        "election",
        "weather",
        "river",
        "market",
        "energy",
        "police",
        "union",
        "festival",
        "tax",
        "road",
        "rail",
        "water",
    ]
    rng = random.Random(seed)
    return [
        " ".join(
            " ".join(rng.choices(words, k=12)).capitalize() + "." for _ in range(rng.randint(3, 5))
        )
        for _ in range(count)
    ]


def identical_records(directory: Path, name: str = "repeats.jsonl", copies: int = 3) -> Path:
    """JSONL with one record written ``copies`` times, then one other record."""
    record = json.dumps({"url": "https://example.org/same", "text": UTF8_TEXT * 3})
    other = json.dumps({"url": "https://example.org/other", "text": CP1252_TEXT * 3})
    return write(directory, name, "\n".join([record] * copies + [other]) + "\n")


def short_content_length_warc(
    directory: Path, name: str, pages: Sequence[tuple[str, str]], short_url: str, *, by: int = 40
) -> Path:
    """A WARC (one gzip member per record) whose response for ``short_url`` declares a WARC
    Content-Length ``by`` bytes shorter than its block."""
    path, _ = warc_file(directory, name, pages, compress=False)
    data = path.read_bytes()
    out = io.BytesIO()
    writer_gz = gzip.GzipFile  # each record its own member, as WARC writers do
    for record in data.split(b"WARC/1.")[1:]:
        record = b"WARC/1." + record
        if short_url.encode() in record.split(b"\r\n\r\n", 1)[0] and b"response" in record[:200]:
            head, rest = record.split(b"\r\n\r\n", 1)
            lines = head.split(b"\r\n")
            for i, line in enumerate(lines):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
                    lines[i] = b"Content-Length: " + str(length - by).encode()
            record = b"\r\n".join(lines) + b"\r\n\r\n" + rest
        member = io.BytesIO()
        with writer_gz(fileobj=member, mode="wb") as gz:
            gz.write(record)
        out.write(member.getvalue())
    return write(directory, name, out.getvalue())
