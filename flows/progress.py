"""Progress of long commands (``run``, ``eval``, ``report``): what is done, at what rate.

A command opens :func:`tracking` around its work and advances the :class:`Tracker` it gets.
On a terminal that is a live rich bar with per-stage counts; elsewhere (cron, CI, a log
file) a plain line every few seconds, so that logs show life::

    presswash run: 120/711 inputs, 24.3/s, landed 118, duplicates 0, rejected 2

The ingest flow reports to :func:`current`, a :class:`Display`: silent unless the CLI
installed one (:func:`showing`), or a one-line summary per run, with every reject, when the
run belongs to a deployment (``presswash serve``), whose runs no terminal watches.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

if TYPE_CHECKING:
    from flows.run_report import RunReport

#: Seconds between two plain progress lines when the output is not a terminal.
LINE_EVERY = 5.0


class Tracker:
    """Units done out of a total (once known), and named counts beside them."""

    def __init__(self, counters: tuple[str, ...] = ()) -> None:
        self.total: int | None = None
        self.done = 0
        self.counts = dict.fromkeys(counters, 0)
        self.started = time.monotonic()
        self._lock = threading.Lock()
        self._listeners: list[Callable[[Tracker], None]] = []

    def listen(self, listener: Callable[[Tracker], None]) -> None:
        """Call ``listener`` with the tracker after every change."""
        self._listeners.append(listener)

    def set_total(self, total: int) -> None:
        self.total = total
        self._changed()

    def advance(self, n: int = 1, **counts: int) -> None:
        with self._lock:
            self.done += n
            for name, value in counts.items():
                self.counts[name] = self.counts.get(name, 0) + value
        self._changed()

    def rate(self) -> float:
        elapsed = time.monotonic() - self.started
        return self.done / elapsed if elapsed > 0 else 0.0

    def line(self, label: str, unit: str) -> str:
        """``label: done/total unit, rate/s, name count, ...``."""
        with self._lock:
            done = f"{self.done}/{self.total}" if self.total is not None else str(self.done)
            parts = [f"{done} {unit}", f"{self.rate():.1f}/s"]
            parts += [f"{name} {n}" for name, n in self.counts.items()]
        return f"{label}: {', '.join(parts)}"

    def _changed(self) -> None:
        for listener in self._listeners:
            listener(self)


@contextmanager
def tracking(
    label: str,
    unit: str,
    counters: tuple[str, ...] = (),
    stream: TextIO | None = None,
    every: float = LINE_EVERY,
) -> Iterator[Tracker]:
    """A tracker shown on ``stream`` (stderr) while the block runs: a live bar on a
    terminal, else a plain line every ``every`` seconds."""
    stream = stream or sys.stderr
    tracker = Tracker(counters)
    shown = _live if _is_terminal(stream) else _lines
    with shown(tracker, label, unit, stream, every):
        yield tracker


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except ValueError:  # a closed stream
        return False


@contextmanager
def _live(tracker: Tracker, label: str, unit: str, stream: TextIO, every: float) -> Iterator[None]:
    columns = (
        TextColumn(f"{label} {unit}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=Console(file=stream), transient=True) as bar:
        task = bar.add_task("", total=None)

        def update(t: Tracker) -> None:
            counts = "  ".join(f"{name} {n}" for name, n in t.counts.items())
            bar.update(task, total=t.total, completed=t.done, description=counts)

        tracker.listen(update)
        yield


@contextmanager
def _lines(tracker: Tracker, label: str, unit: str, stream: TextIO, every: float) -> Iterator[None]:
    stop = threading.Event()

    def tick() -> None:
        while not stop.wait(every):
            try:
                print(tracker.line(label, unit), file=stream, flush=True)
            except (OSError, ValueError):  # the reader went away: progress is not worth a crash
                return

    ticker = threading.Thread(target=tick, name="presswash-progress", daemon=True)
    ticker.start()
    try:
        yield
    finally:
        stop.set()
        ticker.join()


class Display:
    """What the ingest flow reports to. This one is silent: the default for runs that no
    one watches."""

    def start(self, files: int, rejected: int = 0) -> None:
        """The run found ``files`` files to read and ``rejected`` inputs it cannot read."""

    def batch(self, *, files: int, landed: int, duplicates: int, rejected: int) -> None:
        """One batch of ``files`` went through every stage."""

    def finish(self, run: RunReport) -> None:
        """The run completed."""


class TrackedDisplay(Display):
    """The run's counts on a :class:`Tracker` (the CLI's progress)."""

    COUNTERS = ("landed", "duplicates", "rejected")

    def __init__(self, tracker: Tracker) -> None:
        self.tracker = tracker

    def start(self, files: int, rejected: int = 0) -> None:
        self.tracker.set_total(files + rejected)
        self.tracker.advance(rejected, rejected=rejected)

    def batch(self, *, files: int, landed: int, duplicates: int, rejected: int) -> None:
        self.tracker.advance(files, landed=landed, duplicates=duplicates, rejected=rejected)


class LogDisplay(Display):
    """One line per reject and one summary line per run, on stdout: what ``serve`` logs."""

    def finish(self, run: RunReport) -> None:
        for reject in run.rejects:
            print(f"rejected: {reject.source}: {reject.reason}", flush=True)
        print(
            f"run {run.run_id}: {run.inputs} inputs, {run.landed} landed, "
            f"{run.duplicates} duplicates, {run.rejected} rejected -> {run.db}",
            flush=True,
        )


_current: Display | None = None


def current() -> Display:
    """The display installed by :func:`showing`; else, for a deployment's run, a
    :class:`LogDisplay`; else a silent one."""
    if _current is not None:
        return _current
    from prefect import runtime

    return LogDisplay() if runtime.deployment.id else Display()


@contextmanager
def showing(display: Display) -> Iterator[Display]:
    """Make ``display`` the one runs in this process report to, for the duration."""
    global _current
    previous, _current = _current, display
    try:
        yield display
    finally:
        _current = previous
