"""discover() and read(): every input ends as documents or rejects, never as an exception."""

from __future__ import annotations

import gzip
import json
import os
import re
from pathlib import Path

import pytest

from sources.decode import RejectInput, decode
from sources.read import MAX_DOC_BYTES, RawDoc, Reject, discover, read
from tests.helpers import hostile


def names(paths: list[Path], root: Path) -> list[str]:
    return [path.relative_to(root).as_posix() for path in paths]


def by_source(items: list[RawDoc | Reject]) -> dict[str, RawDoc | Reject]:
    return {item.source: item for item in items}


# --- discover ------------------------------------------------------------------------


def test_directories_are_walked_sorted_keeping_ingestible_files(tmp_path: Path) -> None:
    # Created out of order: the listing must not depend on creation order.
    for name in [
        "z.html.gz",
        "sub/deeper/c.md",
        "b.txt",
        "a.HTM",
        "notes.pdf",
        "crawl.warc.gz",
        "feed.ndjson",
        "dump.jsonl.gz",
        "page.xhtml",
        "story.markdown",
        "raw.text",
        "old.warc",
        "archive.tar.gz",
        ".hidden.txt",
        ".git/objects/x.txt",
        "sub/.cache.html",
        "sub/a.txt",
    ]:
        hostile.write(tmp_path, name, "x")
    found = discover([str(tmp_path)])
    assert found.rejects == []
    assert names(found.files, tmp_path) == [
        "a.HTM",
        "b.txt",
        "crawl.warc.gz",
        "dump.jsonl.gz",
        "feed.ndjson",
        "old.warc",
        "page.xhtml",
        "raw.text",
        "story.markdown",
        "sub/a.txt",
        "sub/deeper/c.md",
        "z.html.gz",
    ]
    assert discover([str(tmp_path)]) == found


def test_explicit_files_are_kept_whatever_their_name(tmp_path: Path) -> None:
    odd = hostile.write(tmp_path, "README", "A story without an extension.")
    hidden = hostile.write(tmp_path, ".draft.txt", "A hidden draft.")
    image = hostile.png_file(tmp_path, "photo.png")
    assert discover([str(odd), str(hidden), str(image)]).files == [odd, hidden, image]


def test_missing_paths_are_rejected_and_the_rest_still_found(tmp_path: Path) -> None:
    good = hostile.write(tmp_path, "good.txt", "News.")
    missing = str(tmp_path / "nope" / "gone.txt")
    found = discover([missing, str(good)])
    assert found.files == [good]
    assert found.rejects == [Reject(missing, "No such file or directory")]


def test_broken_symlink_given_explicitly_is_rejected(tmp_path: Path) -> None:
    link = tmp_path / "dangling.txt"
    link.symlink_to(tmp_path / "absent.txt")
    assert discover([str(link)]).rejects == [Reject(str(link), "No such file or directory")]


@pytest.mark.parametrize("contents", [[], ["notes.pdf", "image.png"], [".hidden.txt"], ["sub/"]])
def test_directory_with_nothing_to_ingest_is_one_reject(
    tmp_path: Path, contents: list[str]
) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    for name in contents:
        if name.endswith("/"):
            (folder / name).mkdir()
        else:
            hostile.write(folder, name, "x")
    found = discover([str(folder)])
    assert found.files == []
    assert found.rejects == [Reject(str(folder), "no ingestible files")]
    # An inbox is empty between deliveries: that is no input, not a reject.
    between = discover([str(folder)], empty_ok=True)
    assert (between.files, between.rejects) == ([], [])


def test_symlink_loops_end_and_each_file_is_listed_once(tmp_path: Path) -> None:
    root = hostile.symlink_loop(tmp_path)
    found = discover([str(root)])
    assert names(found.files, root) == ["a.txt", "self.txt", "sub/b.txt"]
    assert found.rejects == []
    outcomes = list(read(found.files))
    assert [type(item).__name__ for item in outcomes] == ["RawDoc", "Reject", "RawDoc"]
    assert outcomes[1] == Reject(str(root / "self.txt"), "Too many levels of symbolic links")


def test_symlinked_directory_elsewhere_is_followed(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    hostile.write(elsewhere, "far.txt", "Far away story.")
    root = tmp_path / "root"
    hostile.write(root, "near.txt", "Nearby story.")
    (root / "linked").symlink_to(elsewhere, target_is_directory=True)
    assert names(discover([str(root)]).files, root) == ["linked/far.txt", "near.txt"]


def test_a_file_reached_twice_is_listed_once(tmp_path: Path) -> None:
    story = hostile.write(tmp_path, "story.txt", "News.")
    (tmp_path / "alias.txt").symlink_to(story)
    found = discover([str(story), str(tmp_path), str(tmp_path)])
    assert found.files == [story]
    assert found.rejects == []


def test_odd_file_names_are_found_and_read(tmp_path: Path) -> None:
    written = hostile.odd_names(tmp_path)
    found = discover([str(tmp_path)])
    assert sorted(found.files) == sorted(written.values())
    docs = by_source(list(read(found.files)))
    for name, path in written.items():
        doc = docs[str(path)]
        assert isinstance(doc, RawDoc)
        assert doc.data == f"File {name!r} reports the news.\n".encode()


# --- read: single documents ----------------------------------------------------------


def test_single_files_become_one_raw_doc_each(tmp_path: Path) -> None:
    text = hostile.write(tmp_path, "a.md", "# Title\n\nBody.\n")
    page = hostile.write(tmp_path, "b.html", hostile.html_page("Body."))
    packed = hostile.gzipped(tmp_path, "c.htm.gz", hostile.html_page("Packed."))
    other = hostile.write(tmp_path, "d.log", "Tried as text.\n")
    assert list(read([text, page, packed, other])) == [
        RawDoc(str(text), b"# Title\n\nBody.\n", "text"),
        RawDoc(str(page), hostile.html_page("Body.").encode(), "html"),
        RawDoc(str(packed), hostile.html_page("Packed.").encode(), "html"),
        RawDoc(str(other), b"Tried as text.\n", "text"),
    ]


@pytest.mark.parametrize(
    ("cap", "shown"), [(MAX_DOC_BYTES, "64 MiB"), (1 << 20, "1 MiB"), (4096, "4096 bytes")]
)
def test_gzip_bomb_is_rejected_without_inflating_it(tmp_path: Path, cap: int, shown: str) -> None:
    bomb = hostile.gzip_bomb(tmp_path)
    assert bomb.stat().st_size < 2 << 20
    assert list(read([bomb], max_doc_bytes=cap)) == [
        Reject(str(bomb), f"decompressed size exceeds the {shown} cap")
    ]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"<html>not gzip at all</html>", "corrupt gzip: Not a gzipped file"),
        (gzip.compress(b"<html>" + b"x" * 5000)[:40], "corrupt gzip: Compressed file ended"),
    ],
)
def test_corrupt_gzip_is_rejected(tmp_path: Path, data: bytes, reason: str) -> None:
    path = hostile.write(tmp_path, "page.html.gz", data)
    [reject] = read([path])
    assert isinstance(reject, Reject)
    assert reject.source == str(path)
    assert reject.reason.startswith(reason)


def test_file_over_the_cap_is_rejected_unread(tmp_path: Path) -> None:
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as handle:  # sparse: no disk space, no time
        handle.truncate(MAX_DOC_BYTES + 1)
    small = hostile.write(tmp_path, "small.txt", "x" * 2048)
    assert list(read([huge])) == [
        Reject(str(huge), f"file size {MAX_DOC_BYTES + 1} bytes exceeds the 64 MiB cap")
    ]
    assert list(read([small], max_doc_bytes=1000)) == [
        Reject(str(small), "file size 2048 bytes exceeds the 1000 bytes cap")
    ]


def test_fifo_is_rejected_without_blocking(tmp_path: Path) -> None:
    pipe = hostile.fifo(tmp_path)
    assert list(read([pipe])) == [Reject(str(pipe), "not a regular file")]


def test_directory_named_as_a_file_is_rejected(tmp_path: Path) -> None:
    folder = hostile.dir_named_as_file(tmp_path)
    assert list(read([folder])) == [Reject(str(folder), "Is a directory")]


def test_vanished_file_is_rejected(tmp_path: Path) -> None:
    path = hostile.write(tmp_path, "gone.txt", "soon gone")
    path.unlink()
    assert list(read([path])) == [Reject(str(path), "No such file or directory")]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file_is_rejected(tmp_path: Path) -> None:
    path = hostile.write(tmp_path, "secret.txt", "hidden")
    path.chmod(0)
    assert list(read([path])) == [Reject(str(path), "Permission denied")]


# --- read: JSONL ---------------------------------------------------------------------


@pytest.mark.parametrize("compress", [False, True])
def test_jsonl_bad_lines_are_rejected_and_good_ones_read(tmp_path: Path, compress: bool) -> None:
    path = hostile.jsonl_with_bad_lines(tmp_path)
    if compress:
        path = hostile.gzipped(tmp_path, "records.jsonl.gz", path.read_bytes())
    out = list(read([path]))
    first = json.loads(hostile.JSONL_LINES[1])
    assert out[0] == RawDoc(
        f"{path}#https://example.org/a",
        first["html"],
        "html",
        url="https://example.org/a",
        fetched_at="2024-05-01T10:00:00Z",
        position=1,
    )
    assert isinstance(out[1], Reject)
    assert out[1].source == f"{path}#L2"
    assert out[1].reason.startswith("line 2: not valid JSON")
    assert out[2] == Reject(f"{path}#https://example.org/c", "line 3: no 'html' or 'text' field", 3)
    assert out[3] == RawDoc(f"{path}#L4", "Second story, with no URL.", "text", position=4)
    assert out[4] == Reject(f"{path}#L6", "line 6: not a JSON object", 6)
    assert out[5] == RawDoc(
        f"{path}#https://example.org/g",
        "Third story.",
        "text",
        url="https://example.org/g",
        position=7,
    )
    assert len(out) == 6  # the blank line 5 is no record


def test_jsonl_line_over_the_cap_is_rejected_and_the_next_read(tmp_path: Path) -> None:
    lines = [
        json.dumps({"text": "short"}),
        json.dumps({"text": "long " * 500}),
        json.dumps({"url": "https://example.org/after", "text": "after"}),
    ]
    path = hostile.write(tmp_path, "big.jsonl", "\n".join(lines))
    assert list(read([path], max_doc_bytes=1000)) == [
        RawDoc(f"{path}#L1", "short", "text", position=1),
        Reject(f"{path}#L2", "line 2 exceeds the 1000 bytes cap", 2),
        RawDoc(
            f"{path}#https://example.org/after",
            "after",
            "text",
            url="https://example.org/after",
            position=3,
        ),
    ]


def test_jsonl_with_invalid_utf8_rejects_only_that_line(tmp_path: Path) -> None:
    good = json.dumps({"text": "fine"}).encode()
    path = hostile.write(tmp_path, "mixed.jsonl", b'{"text": "caf\xe9"}\n' + good + b"\n")
    out = list(read([path]))
    assert isinstance(out[0], Reject)
    assert out[0].source == f"{path}#L1"
    assert out[0].reason.startswith("line 1: not valid JSON")
    assert out[1] == RawDoc(f"{path}#L2", "fine", "text", position=2)


# --- read: WARC ----------------------------------------------------------------------

PAGES = [
    (f"https://example.org/story-{n}", hostile.html_page(f"Story {n}. " * 40)) for n in range(3)
]


@pytest.mark.parametrize("compress", [False, True])
def test_warc_html_responses_are_read_and_other_records_skipped(
    tmp_path: Path, compress: bool
) -> None:
    path, _ = hostile.warc_file(tmp_path, "crawl.warc.gz" if compress else "crawl.warc", PAGES)
    out = list(read([path]))
    assert [item.source for item in out] == [f"{path}#{url}" for url, _ in PAGES]
    for item, (url, html) in zip(out, PAGES, strict=True):
        assert isinstance(item, RawDoc)
        assert (item.data, item.format, item.url) == (html.encode(), "html", url)
        assert item.declared_encoding == "utf-8"
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", item.fetched_at or "")


def test_warc_charset_is_passed_on_for_decoding(tmp_path: Path) -> None:
    page = hostile.html_page(hostile.CP1252_TEXT)
    pages = [("https://example.org/q", page)]
    path, _ = hostile.warc_file(tmp_path, "w.warc.gz", pages, charset="windows-1252")
    [doc] = read([path])
    assert isinstance(doc, RawDoc) and isinstance(doc.data, bytes)
    assert doc.declared_encoding == "windows-1252"
    decoded = decode(doc.data, source=doc.source, declared=doc.declared_encoding, html=True)
    assert (decoded.text, decoded.encoding) == (page, "cp1252")


def test_warc_error_status_is_rejected_and_the_rest_read(tmp_path: Path) -> None:
    missing = PAGES[1][0]
    path, offsets = hostile.warc_file(
        tmp_path, "w.warc.gz", PAGES, statuses={missing: "404 Not Found"}
    )
    out = list(read([path]))
    assert out[1] == Reject(f"{path}#{missing}", "HTTP status 404", offsets[1])
    assert [type(item) for item in out] == [RawDoc, Reject, RawDoc]


@pytest.mark.parametrize("compress", [False, True])
def test_truncated_warc_yields_records_before_the_cut(tmp_path: Path, compress: bool) -> None:
    name = "cut.warc.gz" if compress else "cut.warc"
    path, offset = hostile.truncated_warc(tmp_path, name, PAGES, compress=compress)
    out = list(read([path]))
    assert [item.source for item in out[:2]] == [f"{path}#{url}" for url, _ in PAGES[:2]]
    assert all(isinstance(item, RawDoc) for item in out[:2])
    [reject] = out[2:]
    assert isinstance(reject, Reject)
    assert reject.source.startswith(str(path))
    assert re.search(rf"truncated.* record at offset {offset}$", reject.reason)


@pytest.mark.parametrize("compress", [False, True])
def test_warc_cut_anywhere_yields_only_whole_pages(tmp_path: Path, compress: bool) -> None:
    """Cut every 53 bytes: never an exception, never a partial page, and a cut inside
    a record is reported (a cut between records leaves a valid, shorter WARC)."""
    name = "w.warc.gz" if compress else "w.warc"
    path, offsets = hostile.warc_file(tmp_path, name, PAGES, compress=compress)
    data = path.read_bytes()
    bodies = {html.encode() for _, html in PAGES}
    for cut in range(0, len(data), 53):
        path.write_bytes(data[:cut])
        out = list(read([path]))
        docs = [item for item in out if isinstance(item, RawDoc)]
        assert all(doc.data in bodies for doc in docs), cut
        assert out[: len(docs)] == docs, cut  # a reject, if any, comes last
        assert len(out) - len(docs) <= 1, cut
        inside_last_page = offsets[-1] < cut < offsets[-1] + len(PAGES[-1][1])
        if inside_last_page and len(out) == len(docs):
            pytest.fail(f"cut at {cut} inside the last page went unreported")


def test_gzip_warc_cut_in_its_last_member_trailer_is_reported(tmp_path: Path) -> None:
    """warcio reads a record whose payload is whole even when the gzip member's last
    bytes (closing newlines, CRC, size) are missing; the cut must still be reported."""
    path, _ = hostile.warc_file(tmp_path, "t.warc.gz", PAGES, compress=True)
    data = path.read_bytes()
    last_member = data.rindex(b"\x1f\x8b\x08")
    for missing in range(1, 13):
        path.write_bytes(data[:-missing])
        *docs, reject = read([path])
        assert [doc.source for doc in docs] == [f"{path}#{url}" for url, _ in PAGES], missing
        assert reject == Reject(
            str(path), f"truncated or corrupt record at offset {last_member}", last_member
        ), missing


@pytest.mark.parametrize(
    "data", [b"just some text, not a crawl\n", b"", gzip.compress(b"<html>no warc</html>")]
)
def test_non_warc_file_is_rejected(tmp_path: Path, data: bytes) -> None:
    path = hostile.write(tmp_path, "fake.warc.gz" if data[:2] == b"\x1f\x8b" else "fake.warc", data)
    assert list(read([path])) == [Reject(str(path), "not a WARC file")]


# --- everything together -------------------------------------------------------------


def test_good_files_next_to_bad_ones_are_all_accounted_for(tmp_path: Path) -> None:
    """A directory of hostile inputs: each ends as exactly one text or one reason."""
    root = tmp_path / "inbox"
    root.mkdir()
    good = hostile.write(root, "good.txt", hostile.UTF8_TEXT)
    smart = hostile.encoded_file(root, "smart.txt", hostile.CP1252_TEXT, "cp1252")
    hostile.empty_file(root)
    hostile.blank_file(root)
    hostile.png_file(root)
    hostile.gzip_bomb(root)
    hostile.fifo(root)
    hostile.nul_padded(root)
    hostile.jsonl_with_bad_lines(root)
    hostile.truncated_warc(root, "cut.warc.gz", PAGES)
    found = discover([str(root)])
    assert found.rejects == []

    outcomes: dict[str, str] = {}
    for item in read(found.files):
        assert item.source not in outcomes
        if isinstance(item, Reject):
            outcomes[item.source] = f"reject: {item.reason}"
        elif isinstance(item.data, str):
            outcomes[item.source] = item.data
        else:
            try:
                outcomes[item.source] = decode(item.data, source=item.source).text
            except RejectInput as error:
                outcomes[error.source] = f"reject: {error.reason}"

    assert outcomes[str(good)] == hostile.UTF8_TEXT
    assert outcomes[str(smart)] == hostile.CP1252_TEXT
    assert outcomes[str(root / "empty.txt")] == "reject: empty (0 bytes)"
    assert outcomes[str(root / "blank.txt")] == "reject: blank (only whitespace)"
    assert outcomes[str(root / "photo.txt")] == "reject: binary (PNG image)"
    assert (
        outcomes[str(root / "bomb.html.gz")] == "reject: decompressed size exceeds the 64 MiB cap"
    )
    assert outcomes[str(root / "pipe.txt")] == "reject: not a regular file"
    assert outcomes[str(root / "padded.txt")].startswith("reject: binary (NUL bytes")
    assert set(found.files) == {Path(source.split("#")[0]) for source in outcomes}
    texts = [value for value in outcomes.values() if not value.startswith("reject: ")]
    assert len(texts) == 2 + 3 + 2  # two files, three JSONL records, two WARC records
