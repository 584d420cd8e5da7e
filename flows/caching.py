"""Cache keys for the clean task: a re-run of an unchanged batch reuses its cleaned result.

A key covers what decides the result: each item's path and content, and the code that reads,
cleans, signs and packs it (the ``sources``, ``cleaners`` and ``dedup`` packages and
``flows/stages.py``): a change to any rule, to a reader or to the shape of a cleaned document
invalidates every cached batch.
"""

from __future__ import annotations

import hashlib
import pickle
import stat
from functools import cache
from pathlib import Path
from typing import Any

import xxhash

import cleaners
import dedup
import sources
from flows import stages
from sources.read import UnreadFile

#: How long a cleaned batch is kept for reuse.
CACHE_DAYS = 7
_CHUNK = 1 << 20


@cache
def code_version() -> str:
    """A digest of the code and shipped models that decide a cleaned batch."""
    packages = [Path(package.__file__).parent for package in (sources, cleaners, dedup)]
    return tree_digest(packages, Path(stages.__file__))


#: The files under a package that decide what it does: its code and its learned models.
_DECIDING = ("*.py", "*.npz")


def tree_digest(packages: list[Path], *extra: Path) -> str:
    """A digest of the :data:`_DECIDING` files under ``packages`` (paths and bytes) and of
    ``extra`` files; paths are taken relative to the first package's parent."""
    digest = hashlib.sha256()
    root = packages[0].parent
    files = [
        path
        for package in packages
        for pattern in _DECIDING
        for path in sorted(package.rglob(pattern))
    ]
    for path in [*files, *extra]:
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def clean_batch_key(_context: Any, parameters: dict[str, Any]) -> str:
    """The cache key of ``clean(items)``: computed in the worker before the task body runs,
    so it reads each unread file once more (from the page cache, hashed with xxh3 at memory
    speed); the other items (records cut out of a container) carry their bytes."""
    digest = hashlib.sha256(code_version().encode())
    for item in parameters["items"]:
        # A batch of records carries the FileRead of its container (size and time as read).
        if isinstance(item, UnreadFile):
            digest.update(f"{item.path}\0{_content_hash(item.path)}\n".encode())
        else:
            digest.update(xxhash.xxh3_128_digest(pickle.dumps(item, protocol=5)))
    return f"presswash-clean-{digest.hexdigest()}"


def _content_hash(path: Path) -> str:
    """xxh3-128 of a file's bytes and its modification time, or why it is not read (the task
    rejects it with that reason; once readable, its key changes). Never opens what is not a
    regular file: a FIFO would block. The time is part of the key because the cleaned batch
    records each file as it was read (size and time, for a watched inbox): a touched file
    reused from the cache would be recorded with its old time and taken again by every run."""
    content = xxhash.xxh3_128()
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            return "not a regular file"
        with path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                content.update(chunk)
    except OSError as exc:
        return f"unreadable: {exc.strerror}"
    return f"{content.hexdigest()}@{info.st_mtime_ns}"
