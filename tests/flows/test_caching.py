"""The clean task's cache key: the files' paths and contents, and the code that cleans them."""

from __future__ import annotations

import os
from pathlib import Path

from flows.caching import clean_batch_key, tree_digest
from sources.read import UnreadFile


def _key(*paths: Path) -> str:
    items = [UnreadFile(path, 0) for path in paths]
    return clean_batch_key(None, {"items": items})


def test_key_follows_content_and_modification_time(tmp_path: Path) -> None:
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("Title\n\nBody one.\n")
    b.write_text("Title\n\nBody two.\n")
    first = _key(a, b)
    assert _key(a, b) == first
    os.utime(a, (1, 1))
    # Touched: cleaned again, so that the batch records the file as it now is.
    assert _key(a, b) != first
    first = _key(a, b)
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


def test_code_version_follows_code_and_shipped_models(tmp_path: Path) -> None:
    package = tmp_path / "cleaners"
    (package / "models").mkdir(parents=True)
    (package / "rules.py").write_text("LIMIT = 3\n")
    model = package / "models" / "blocks.npz"
    model.write_bytes(b"weights one")
    (package / "notes.txt").write_text("not code")
    first = tree_digest([package])
    (package / "notes.txt").write_text("still not code")
    assert tree_digest([package]) == first
    model.write_bytes(b"weights two")  # a retrained model cleans differently
    assert tree_digest([package]) != first
    second = tree_digest([package])
    (package / "rules.py").write_text("LIMIT = 4\n")
    assert tree_digest([package]) != second
