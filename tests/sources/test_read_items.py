"""Reading that loses nothing: poison names and strings, files changing or vanishing while
they are read, short WARC lengths, positions of records; containers stream item by item."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from sources.read import (
    FileRead,
    RawDoc,
    RawLine,
    Reject,
    UnreadFile,
    items,
    materialize,
    read,
    source_name,
)
from tests.helpers import hostile

PAGES = [
    (f"https://example.org/story-{n}", hostile.html_page(f"Story {n}. " * 40)) for n in range(4)
]


@pytest.mark.parametrize("stem", [b"bad\xff", b"caf\xe9", b"\xc3(mixed"])
def test_name_that_is_not_utf8_is_one_reject_and_its_neighbours_are_read(
    tmp_path: Path, stem: bytes
) -> None:
    poison = hostile.poison_name(tmp_path, stem)
    good = hostile.write(tmp_path, "good.txt", "Fine.\n")
    out = list(materialize(items([poison, good])))
    name = source_name(poison)
    name.encode("utf-8")  # storable
    assert "\\x" in name
    assert out[0] == Reject(name, "file name is not valid UTF-8: rename the file")
    # Its FileRead lets a watched inbox record it, so that later runs do not take it again.
    assert isinstance(out[1], FileRead) and out[1].source == name
    assert out[2] == RawDoc(str(good), b"Fine.\n", "text")


def test_lone_surrogates_in_a_record_reject_that_record_only(tmp_path: Path) -> None:
    path = hostile.surrogate_records(tmp_path)
    out = list(read([path]))
    assert [type(item) for item in out] == [RawDoc, Reject, Reject, Reject, RawDoc]
    text, url, html = out[1:4]
    assert text == Reject(
        f"{path}#https://example.org/s",
        "line 2: 'text' holds a lone surrogate U+D800 at character 3",
        2,
    )
    assert url == Reject(
        f"{path}#L3", "line 3: 'url' holds a lone surrogate U+DFFF at character 20", 3
    )
    assert html.source == f"{path}#L4" and "'html' holds a lone surrogate U+DBFF" in html.reason
    for item in out:
        item.source.encode("utf-8")


def test_jsonl_streams_unparsed_lines_then_its_file_read(tmp_path: Path) -> None:
    path = hostile.jsonl_with_bad_lines(tmp_path)
    stream = items([path])
    first = next(stream)
    # One line at a time, not the file: what the container holds is read as asked for.
    assert isinstance(first, RawLine) and first.lineno == 1
    rest = list(stream)
    assert [i.lineno for i in rest if isinstance(i, RawLine)] == [2, 3, 4, 6, 7]
    assert rest[-1] == FileRead(str(path), path.stat().st_size, path.stat().st_mtime_ns)


def test_container_growing_while_read_is_marked_changed_with_its_size_at_open(
    tmp_path: Path,
) -> None:
    path = hostile.identical_records(tmp_path, copies=2)
    size = path.stat().st_size
    stream = items([path])
    next(stream)
    with path.open("a") as more:  # the scraper is still writing
        more.write(json.dumps({"text": "Written during the read."}) + "\n")
    *_, done = stream
    assert isinstance(done, FileRead)
    assert (done.size, done.changed) == (size, True)


def test_single_file_reports_its_size_and_time_as_read(tmp_path: Path) -> None:
    path = hostile.write(tmp_path, "story.txt", "First half.\n")
    [pending] = items([path])
    assert isinstance(pending, UnreadFile)
    out = list(materialize([pending]))
    assert out[1] == FileRead(str(path), 12, path.stat().st_mtime_ns, changed=False)


def test_file_deleted_between_listing_and_reading_is_one_reject(tmp_path: Path) -> None:
    gone = hostile.write(tmp_path, "gone.txt", "Soon gone.\n")
    gone_records = hostile.identical_records(tmp_path, "gone.jsonl")
    good = hostile.write(tmp_path, "good.txt", "Stays.\n")
    listed = list(items([gone, good]))  # single files are opened later, where they are read
    gone.unlink()
    out = list(materialize(listed))
    assert out[0] == Reject(str(gone), "No such file or directory")
    assert [type(item) for item in out[1:]] == [RawDoc, FileRead]
    gone_records.unlink()
    assert list(items([gone_records])) == [Reject(str(gone_records), "No such file or directory")]


@pytest.mark.parametrize("short", [1, 2])
def test_warc_record_shorter_than_its_content_length_is_rejected(
    tmp_path: Path, short: int, capfd: pytest.CaptureFixture[str]
) -> None:
    url = PAGES[short][0]
    path = hostile.short_content_length_warc(tmp_path, "short.warc.gz", PAGES, url)
    out = list(read([path]))
    [reject] = [item for item in out if isinstance(item, Reject)]
    assert reject.source == f"{path}#{url}"
    assert reject.reason == f"record at offset {reject.position} runs past its Content-Length"
    # The records after it are read whole (each record is its own gzip member).
    docs = {item.url: item.data for item in out if isinstance(item, RawDoc)}
    assert docs == {u: html.encode() for u, html in PAGES if u != url}
    assert "WARNING" not in capfd.readouterr().err


def test_uncompressed_warc_with_a_short_record_is_rejected_there(tmp_path: Path) -> None:
    path, offsets = hostile.warc_file(tmp_path, "short.warc", PAGES, compress=False)
    data = bytearray(path.read_bytes())
    at = data.index(b"Content-Length: ", offsets[1])
    end = data.index(b"\r\n", at)
    length = int(data[at + 16 : end])
    data[at:end] = f"Content-Length: {length - 40}".encode()
    path.write_bytes(bytes(data))
    out = list(read([path]))
    assert [type(item) for item in out[:2]] == [RawDoc, Reject]
    assert out[1] == Reject(
        f"{path}#{PAGES[1][0]}",
        f"record at offset {offsets[1]} runs past its Content-Length",
        offsets[1],
    )
    assert all(not (isinstance(i, RawDoc) and i.url == PAGES[1][0]) for i in out)


def test_rejects_carry_their_position_in_the_container(tmp_path: Path) -> None:
    twice = PAGES[1][0]
    pages = [*PAGES, (twice, PAGES[1][1])]
    path, offsets = hostile.warc_file(
        tmp_path, "w.warc.gz", pages, statuses={twice: "404 Not Found"}
    )
    rejects = [item for item in read([path]) if isinstance(item, Reject)]
    # One URL, one reason, twice: two rejects told apart by where they are.
    assert [(r.source, r.position) for r in rejects] == [
        (f"{path}#{twice}", offsets[1]),
        (f"{path}#{twice}", offsets[4]),
    ]


def test_source_names_of_utf8_paths_are_the_paths(tmp_path: Path) -> None:
    for name in ["plain.txt", "café 日本.md", "new\nline.txt"]:
        assert source_name(tmp_path / name) == str(tmp_path / name)
    assert source_name(os.fsdecode(b"/x/\xff")) == "/x/\\xff"
