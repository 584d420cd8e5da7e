"""A progress display for long runs: per-stage counts on a terminal, nothing otherwise.

The flow reports to whatever display is current (:func:`current`); the CLI installs a live
one with :func:`showing` when its output is a terminal. Scheduled runs and tests get the
silent default.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


class Display:
    """Silent: the default for runs that no one watches."""

    def start(self, files: int) -> None:
        """The run found ``files`` files to read."""

    def batch(self, *, files: int, landed: int, duplicates: int, rejected: int) -> None:
        """One batch went through every stage."""


class LiveDisplay(Display):
    def __init__(self, progress: Progress) -> None:
        self._progress = progress
        self._files = progress.add_task("files read", total=None)
        self._counts = progress.add_task("", total=None, start=False)
        self._totals = {"landed": 0, "duplicates": 0, "rejected": 0}

    def start(self, files: int) -> None:
        self._progress.update(self._files, total=files)

    def batch(self, *, files: int, landed: int, duplicates: int, rejected: int) -> None:
        for name, n in (("landed", landed), ("duplicates", duplicates), ("rejected", rejected)):
            self._totals[name] += n
        self._progress.advance(self._files, files)
        summary = "  ".join(f"{name} {n}" for name, n in self._totals.items())
        self._progress.update(self._counts, description=summary)


_current: Display = Display()


def current() -> Display:
    return _current


@contextmanager
def showing(stream=None) -> Iterator[None]:
    """Show live progress on ``stream`` (stderr) for the duration, if it is a terminal."""
    global _current
    stream = stream or sys.stderr
    if not stream.isatty():
        yield
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=Console(file=stream), transient=True) as progress:
        previous, _current = _current, LiveDisplay(progress)
        try:
            yield
        finally:
            _current = previous
