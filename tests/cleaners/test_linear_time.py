"""Adversarial and hostile lines through ``clean_text``: it finishes, and loses nothing.

The lines are the benchmark's (``bench/regex_worst_case.py``), at 200 KB: runs of what a
pattern starts on and cannot finish. The timeout is a hang guard, not a speed target; the
benchmark prints the times and how they grow.
"""

from __future__ import annotations

import signal
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from cleaners import clean_text
from cleaners.blocks import split_blocks
from cleaners.normalize import detection_key, fold_ws
from evaluation import adversarial as bench
from tests.helpers.invariants import assert_nothing_lost

SIZE = 200_000
LINES = bench.adversarial_lines(SIZE)
HANG_SECONDS = 10


@contextmanager
def hang_guard(seconds: int = HANG_SECONDS) -> Iterator[None]:
    """Fail instead of hanging when the block runs longer than ``seconds``."""

    def expire(signum: int, frame: object) -> None:
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("name", sorted(LINES))
def test_adversarial_line_in_the_body_finishes_and_loses_nothing(name: str) -> None:
    text = bench.in_body(LINES[name])
    with hang_guard():
        article = clean_text(text)
    assert_nothing_lost(text, article)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(("\x00" * 50 + bench.PROSE + "\n\n") * 20, id="NUL runs"),
        pytest.param("\x00".join(bench.PROSE), id="NUL between characters"),
        pytest.param("\x1b[31m" + bench.PROSE + "\x1b[0m\r\n\r\n" + bench.PROSE_2, id="escapes"),
    ],
)
def test_control_characters_go_and_the_words_stay(text: str) -> None:
    article = clean_text(text)
    assert_nothing_lost(text, article)
    assert "".join(article.paragraphs).isprintable()


def test_lone_surrogates_become_replacement_characters() -> None:
    """What ``surrogateescape`` decoding leaves of invalid bytes: marked, not dropped."""
    broken = (
        "The old sign above the door still read Caf\xe9 na\xefve \xff\xfe sign\x80s, and the "
        "owner said that nobody in the street had ever asked her to fix it."
    )
    raw = f"{bench.PROSE}\n\n{broken}\n\n{bench.PROSE_2}".encode("latin-1")
    text = raw.decode("utf-8", "surrogateescape")
    article = clean_text(text)
    body = "\n".join(article.paragraphs)
    body.encode("utf-8")  # no lone surrogate is left to break a writer
    assert body.count("\ufffd") == 5
    assert "sign\ufffds, and" in body


def test_detection_key_of_a_long_line_is_the_one_shot_fold() -> None:
    """The key of a long line is folded in slices; the result must not show the seams."""
    line = "ΣΑΣ Straße ǅ ﬁ İ ß 𝗖𝗼𝗽𝘆 " * 20_000
    expected = fold_ws(unicodedata.normalize("NFKC", line).casefold())
    assert detection_key(line) == expected


def test_many_hard_wrapped_lines_are_joined_in_linear_time() -> None:
    """64k lowercase lines with no sentence end and no blank line: one paragraph, built once.

    The guard leaves room for a loaded machine and is far below the minutes that rebuilding
    the paragraph with each line takes; the benchmark prints the times and their growth.
    """
    text = bench.wrapped_lines(64_000)
    with hang_guard(30):
        blocks = split_blocks(text)
    assert len(blocks) == 1
    assert blocks[0].text == text.replace("\n", " ")
    assert blocks[0].line == 1
