"""Bytes to text: find the encoding of a scraped document, or reject it with a reason.

The order follows what browsers and crawlers trust, strongest evidence first:

1. a byte-order mark (UTF-8/16/32);
2. the charset declared by the transport (HTTP header, WARC record);
3. for HTML, a ``<meta charset>`` / ``http-equiv`` / XML declaration in the first 4 KB;
4. strict UTF-8;
5. UTF-16 without a BOM, guessed from where the NUL bytes fall;
6. UTF-8 with some broken sequences (replaced by U+FFFD);
7. charset-normalizer's best guess (cp1252, Shift_JIS, GB18030, ...).

Two deliberate departures from a literal reading of that order: a declared legacy
charset loses to data that is valid UTF-8 with non-ASCII characters (mislabelled
UTF-8 is far more common than legacy text that happens to be valid UTF-8), and
labels are widened the way the WHATWG Encoding Standard does (latin-1 is read as
cp1252; gbk as gb18030; shift_jis falls back to cp932).

Detection only ever looks at a prefix, so the work on huge inputs stays bounded;
the full input is decoded once with the chosen codec.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from charset_normalizer import from_bytes

#: How much of the input the statistical checks and the charset guesser look at.
SNIFF_BYTES = 64 * 1024
#: How far into an HTML document a ``<meta charset>`` is looked for.
META_SNIFF_BYTES = 4 * 1024
#: NUL and other control characters tolerated as stray noise: this many, or this
#: share of the sniffed prefix, whichever is larger. More than that is binary.
STRAY_CONTROL_COUNT = 8
STRAY_CONTROL_SHARE = 0.01

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive"),
    (b"PK\x05\x06", "ZIP archive"),
    (b"\x1f\x8b", "gzip data"),
    (b"\xfd7zXZ\x00", "xz data"),
    (b"\x28\xb5\x2f\xfd", "zstd data"),
    (b"7z\xbc\xaf\x27\x1c", "7z archive"),
    (b"\x7fELF", "ELF executable"),
    (b"SQLite format 3\x00", "SQLite database"),
)
_BZIP2 = re.compile(rb"BZh[1-9]1AY&SY")

# UTF-32 marks first: the UTF-32-LE mark starts with the UTF-16-LE one.
_BOMS: tuple[tuple[bytes, str, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32", "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32", "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig", "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16", "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "utf-16"),
)

_META_CHARSET = re.compile(rb"<meta\b[^>]*?charset\s*=\s*[\"']?\s*([a-z0-9_.:\-]+)", re.IGNORECASE)
_XML_ENCODING = re.compile(
    rb"^\s*<\?xml\b[^>]*?encoding\s*=\s*[\"']([a-z0-9_.:\-]+)", re.IGNORECASE
)

#: Tried before the named codec: latin-1's 0x80-0x9F are C1 controls that no
#: real text means, while cp1252 puts quotes and dashes there (WHATWG does the same).
_PREFER = {"iso8859-1": "cp1252"}
#: Tried after the named codec fails: supersets that decode vendor extensions.
_WIDEN = {
    "ascii": "cp1252",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "shift_jis": "cp932",
    "euc_kr": "cp949",
}
#: Codecs never taken from a declaration: UTF-16/32 labels on ASCII-readable bytes
#: are wrong by construction, and UTF-7 is a known smuggling vector.
_UNTRUSTED_LABELS = {
    "utf-16",
    "utf-16-le",
    "utf-16-be",
    "utf-32",
    "utf-32-le",
    "utf-32-be",
    "utf-7",
}
#: The legacy charsets of the WHATWG Encoding Standard (Python names): what browsers
#: can render, hence what web pages are in. Guessing only among them keeps
#: charset-normalizer from exotic answers (hp_roman8, big5hkscs) on short texts.
WEB_CHARSETS = (
    "cp1250", "cp1251", "cp1252", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257", "cp1258",
    "iso8859_2", "iso8859_3", "iso8859_4", "iso8859_5", "iso8859_6", "iso8859_7", "iso8859_8",
    "iso8859_10", "iso8859_13", "iso8859_14", "iso8859_15", "iso8859_16",
    "cp866", "cp874", "koi8_r", "koi8_u", "mac_roman", "mac_cyrillic",
    "gb18030", "big5", "cp932", "euc_jp", "iso2022_jp", "cp949",
)  # fmt: skip
#: charset-normalizer scores within these margins of the best count as equally likely.
CHAOS_TIE = 0.005
COHERENCE_TIE = 0.01
#: Among charsets that charset-normalizer finds equally likely, take the most common one.
_GUESS_PREFERENCE = ("cp1252", "cp1251", "cp1250", "gb18030", "cp932", "cp949", "big5")

_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f]")
_NON_ASCII = re.compile(rb"[\x80-\xff]")
#: What a blank text consists of: Unicode whitespace and zero-width characters.
_BLANK = (
    "".join(ch for ch in map(chr, range(0x3001)) if ch.isspace()) + "\u200b\u200c\u200d\u2060\ufeff"
)


class RejectInput(Exception):
    """The input cannot become text; ``reason`` says why in a few words."""

    def __init__(self, source: str, reason: str) -> None:
        self.source = source
        self.reason = reason
        super().__init__(_one_line(f"{source}: {reason}"))


@dataclass(frozen=True, slots=True)
class Decoded:
    """Decoded text and the normalized codec name that produced it (e.g. ``cp1252``)."""

    text: str
    encoding: str


def _one_line(text: str) -> str:
    """``text`` with control characters (newlines in file names...) escaped."""
    return _UNPRINTABLE.sub(lambda m: repr(m.group())[1:-1], text)


def decode(data: bytes, *, source: str, declared: str | None = None, html: bool = False) -> Decoded:
    """Decode ``data`` (see the module docstring for the order) or raise :class:`RejectInput`."""
    if not data:
        raise RejectInput(source, "empty (0 bytes)")
    kind = _magic(data)
    if kind:
        raise RejectInput(source, f"binary ({kind})")
    decoded = _detect(data, source, declared, html)
    text = _drop_stray_nuls(decoded.text, source)
    if not text.strip(_BLANK):
        raise RejectInput(source, "blank (only whitespace)")
    return Decoded(text, decoded.encoding)


def _detect(data: bytes, source: str, declared: str | None, html: bool) -> Decoded:
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            found = _try(data, codec, report=name)
            if found:
                return found
            break
    prefix = data[:SNIFF_BYTES]
    utf16 = _utf16_by_nuls(prefix)
    if utf16:
        found = _try(data, utf16)
        if found:
            return found
    binary = _binary_reason(prefix.decode("latin-1"))
    if binary:
        raise RejectInput(source, binary)

    utf8 = _try(data, "utf-8")
    labels = [declared, _sniff_meta(data[:META_SNIFF_BYTES]) if html else None]
    for codec in filter(None, map(_codec_name, labels)):
        if utf8 and not data.isascii() and not codec.startswith("utf"):
            return utf8
        found = _try_widened(data, codec)
        if found:
            return found
    if utf8:
        return utf8
    found = _mostly_utf8(data) or _guess(data)
    if found:
        return found
    raise RejectInput(source, "undecodable (no charset fits)")


def _magic(data: bytes) -> str | None:
    """Name of a known binary format ``data`` starts with, if any."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    if data[:4] == b"RIFF" and data[8:12] in (b"WEBP", b"WAVE", b"AVI "):
        return f"RIFF {data[8:12].decode().strip()} data"
    if _BZIP2.match(data):
        return "bzip2 data"
    return None


def _codec_name(label: str | None) -> str | None:
    """Python's canonical name for a charset label, or None if unknown or untrusted."""
    if not label:
        return None
    try:
        info = codecs.lookup(label.strip().strip("\"'"))
    except (LookupError, ValueError):
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name in _UNTRUSTED_LABELS:
        return None
    return info.name


def _try(data: bytes, codec: str, *, report: str | None = None) -> Decoded | None:
    try:
        text = data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None
    return Decoded(text, report or codecs.lookup(codec).name)


def _try_widened(data: bytes, codec: str) -> Decoded | None:
    for name in (_PREFER.get(codec), codec, _WIDEN.get(codec)):
        found = name and _try(data, name)
        if found:
            return found
    return None


def _sniff_meta(head: bytes) -> str | None:
    match = _XML_ENCODING.match(head) or _META_CHARSET.search(head)
    return match.group(1).decode("ascii") if match else None


def _utf16_by_nuls(prefix: bytes) -> str | None:
    """``utf-16-le``/``-be`` when NULs sit on one byte parity, as in mostly-Latin UTF-16."""
    half = len(prefix) // 2
    if half < 2:
        return None
    even = prefix[0 : 2 * half : 2].count(0) / half
    odd = prefix[1 : 2 * half : 2].count(0) / half
    if odd > 0.3 and even < 0.05:
        return "utf-16-le"
    if even > 0.3 and odd < 0.05:
        return "utf-16-be"
    return None


def _binary_reason(sample: str) -> str | None:
    """Why ``sample`` looks binary: too many NUL or other control characters."""
    nuls = sample.count("\x00")
    controls = len(_CONTROL.findall(sample))
    if controls <= max(STRAY_CONTROL_COUNT, STRAY_CONTROL_SHARE * len(sample)):
        return None
    what = "NUL bytes" if nuls * 2 > controls else "control characters"
    return f"binary ({what}: {controls / len(sample):.1%} of the first {len(sample)} characters)"


def _drop_stray_nuls(text: str, source: str) -> str:
    reason = _binary_reason(text[:SNIFF_BYTES])
    if reason:
        raise RejectInput(source, reason)
    return text.replace("\x00", "")


def _mostly_utf8(data: bytes) -> Decoded | None:
    """UTF-8 with some broken sequences: keep it, the breaks become U+FFFD.

    Legacy-encoded text almost never holds a valid UTF-8 multibyte sequence by
    chance, so as many valid ones as broken ones is taken as UTF-8 (cut or spliced).
    """
    sample = _sample(data)
    text = sample.decode("utf-8", errors="replace")
    replaced = text.count("\ufffd")
    broken = replaced - sample.count("\ufffd".encode())
    valid = len(text) - len(text.encode("ascii", errors="ignore")) - replaced
    if valid and valid >= broken:
        return Decoded(data.decode("utf-8", errors="replace"), "utf-8")
    return None


def _guess(data: bytes) -> Decoded | None:
    """charset-normalizer's best guess on a sample, preferring common charsets among ties."""
    # charset-normalizer ranks by chaos, then by coherence (language fit) only when that
    # differs by more than 0.02. Gaps of 0.01-0.02 still tell Turkish cp1254 from
    # cp1250, so rank on them; below that, prefer the charsets most common on the web.
    matches = sorted(
        from_bytes(_sample(data), cp_isolation=list(WEB_CHARSETS)),
        key=lambda m: (m.chaos, -m.coherence),
    )
    if not matches:
        return None
    best = matches[0]
    tied = [
        name
        for m in matches
        if m.chaos - best.chaos < CHAOS_TIE and best.coherence - m.coherence < COHERENCE_TIE
        for name in m.could_be_from_charset
    ]
    preferred = [name for name in _GUESS_PREFERENCE if name in tied]
    for name in [*preferred, *(m.encoding for m in matches)]:
        found = _try_widened(data, codecs.lookup(name).name)
        if found:
            return found
    return None


def _sample(data: bytes) -> bytes:
    """At most :data:`SNIFF_BYTES` whole lines, starting near the first non-ASCII byte.

    Cutting at line ends keeps multibyte characters whole (no CJK trail byte is 0x0A);
    skipping a long ASCII head keeps the guesser from seeing only markup.
    """
    if len(data) <= SNIFF_BYTES:
        return data
    first = _NON_ASCII.search(data)
    pos = first.start() if first else 0
    start = max(data.rfind(b"\n", 0, pos) + 1, pos - 1024)
    sample = data[start : start + SNIFF_BYTES]
    end = sample.rfind(b"\n")
    return sample[: end + 1] if end > 0 else sample
