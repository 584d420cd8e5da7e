"""Ctrl-C that a run obeys even where something on the way swallowed it.

SIGINT raises ``KeyboardInterrupt`` wherever the main thread happens to be, and a run of a
few files cleans and lands in the main thread, inside Prefect's task engine and DuckDB's
client. There the exception is not always seen through to the flow: one SIGINT in about
ten let a run go on to its end and exit 0. So the handler also records the request, and
the flow checks it between batches (:func:`check`): a swallowed Ctrl-C stops the run one
batch later instead of never.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType

_requested = threading.Event()


@contextlib.contextmanager
def obeyed() -> Iterator[None]:
    """While inside, SIGINT is recorded as well as raised; the previous handler comes back
    after. Main thread only (where Python runs signal handlers)."""
    previous = signal.signal(signal.SIGINT, _record_and_raise)
    _requested.clear()
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        _requested.clear()


def requested() -> bool:
    """Whether Ctrl-C was pressed since :func:`obeyed` began."""
    return _requested.is_set()


def check() -> None:
    """Raise ``KeyboardInterrupt`` if Ctrl-C was pressed since :func:`obeyed` began."""
    if requested():
        raise KeyboardInterrupt


def _record_and_raise(signum: int, frame: FrameType | None) -> None:
    _requested.set()
    raise KeyboardInterrupt
