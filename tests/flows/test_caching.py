"""The clean task's cache key: the files' paths and contents, and the code that cleans them."""

from __future__ import annotations

import os
from pathlib import Path

from flows.caching import clean_batch_key


def _key(*paths: Path) -> str:
    return clean_batch_key(None, {"files": list(paths)})


def test_key_follows_content_not_timestamps(tmp_path: Path) -> None:
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("Title\n\nBody one.\n")
    b.write_text("Title\n\nBody two.\n")
    first = _key(a, b)
    os.utime(a, (1, 1))
    assert _key(a, b) == first  # touched, unchanged
    stat = b.stat()
    b.write_text("Title\n\nBody 2!.\n")  # same size and mtime, other bytes
    os.utime(b, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert _key(a, b) != first
    assert _key(b, a) != _key(a, b)  # order is part of the batch


def test_key_of_a_missing_or_special_file_does_not_read_it(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)  # opening it for reading would block forever
    missing = tmp_path / "gone.txt"
    before = _key(fifo, missing)
    missing.write_text("Title\n\nNow here.\n")
    assert _key(fifo, missing) != before  # readable now: cleaned again, not the cached reject
