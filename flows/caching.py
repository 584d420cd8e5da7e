"""Cache keys for the clean task: a re-run of an unchanged batch reuses its cleaned result.

A key covers what decides the result: each document's source and content hash, and the code
of the cleaners and of the step that builds the cached objects (a change to any rule, or to
the shape of a cleaned document, invalidates every cached batch).
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Any

import cleaners
from flows import steps

#: How long a cleaned batch is kept for reuse.
CACHE_DAYS = 7


@cache
def code_version() -> str:
    """A digest of the cleaners' source files and of ``flows/steps.py``."""
    digest = hashlib.sha256()
    root = Path(cleaners.__file__).parent
    for path in [*sorted(root.rglob("*.py")), Path(steps.__file__)]:
        digest.update(path.relative_to(root.parent).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def clean_batch_key(_context: Any, parameters: dict[str, Any]) -> str:
    """The cache key of ``clean(decoded)``."""
    decoded = parameters["decoded"]
    digest = hashlib.sha256(code_version().encode())
    for doc in decoded.documents:
        digest.update(f"{doc.source}\0{doc.content_sha256}\0{doc.format}\0{doc.url}\n".encode())
    for reject in decoded.rejects:
        digest.update(f"{reject.source}\0{reject.reason}\n".encode())
    return f"presswash-clean-{digest.hexdigest()}"
