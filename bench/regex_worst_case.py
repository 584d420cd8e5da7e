"""Worst-case time of every text rule on adversarial lines, and hostile documents end to end.

    python bench/regex_worst_case.py [--size 1048576] [--budget 2.0] [--only NAME]

Three tables:

1. **Rules**: every registered rule that has a test (``cleaners.rules.registry``), the
   helpers of ``cleaners.rules``, ``cleaners.blocks``, ``cleaners.normalize`` and
   ``clean_text`` (on a document made of prose around the line), on
   every adversarial line of ``--size`` characters. Lines are runs of a unit that a pattern
   starts on but cannot finish (``(``, ``![``, ``Photo ``, ``http://`` ...), and alternations
   of them. Key-taking rules get the line case-folded, as they do in the pipeline. Prints the
   worst line per rule and the slowest rule.
2. **Growth**: each rule on its worst line at 1/4, 1/2 and 1 of ``--size``. Linear time shows
   as a ratio of about 2 per doubling; a quadratic rule shows 4.
3. **Wrapped lines**: ``split_blocks`` on 16k, 32k and 64k hard-wrapped lines of one
   paragraph (lower case, no sentence end), with the ratio per doubling.
4. **Hostile documents**: ``clean_text`` on a 10 MB single line, NUL bytes, lone surrogates
   (as ``surrogateescape`` decoding leaves them) and backtracking lines, with seconds and the
   peak memory measured by ``tracemalloc``.

A rule that takes longer than ``--budget`` seconds on a line is not run on longer lines: its
table entry then shows the size it reached, and the growth table shows how it grew.
"""

from __future__ import annotations

import argparse
import itertools
import signal
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass

from cleaners import clean_text
from cleaners.article import Block, Hints
from cleaners.blocks import make_block, split_blocks
from cleaners.normalize import detection_key, fold_ws, normalize_document
from cleaners.rules import dates, metadata, registry
from cleaners.rules.captions import strip_inline_images
from cleaners.rules.credits import credit_names, fold_dashes, split_names
from cleaners.rules.legal import COPYRIGHT_RULES, legal_terms
from cleaners.rules.shape import bare, ends_sentence, is_truncated_teaser
from cleaners.rules.sidebars import link_only
from evaluation.adversarial import PROSE, adversarial_lines, in_body, wrapped_lines


@dataclass(frozen=True)
class Rule:
    name: str
    run: Callable[[str], object]


def _legal_block(line: str) -> list[Block]:
    block = make_block(line)
    rule = COPYRIGHT_RULES[0]
    block.label, block.rule = rule.kind, rule.name
    return [block]


def _key(line: str) -> str:
    """What key-taking rules get in the pipeline: the line case-folded (NFKC in detection_key)."""
    return line.casefold()


def _registered(rule: registry.Rule) -> Rule:
    """A registered rule on a block of the line (its key as the pipeline would give it)."""
    return Rule(rule.name, lambda s: rule(Block(text=s, key=_key(s))))


RULES: tuple[Rule, ...] = (
    *(_registered(rule) for rule in registry.rules() if rule.test is not None),
    Rule("normalize_document", normalize_document),
    Rule("fold_ws", fold_ws),
    Rule("detection_key", detection_key),
    Rule("split_blocks", split_blocks),
    Rule("make_block", make_block),
    Rule("strip_inline_images", strip_inline_images),
    Rule("legal_terms", lambda s: legal_terms(_key(s))),
    Rule("bare", lambda s: bare(_key(s))),
    Rule("credit_names", credit_names),
    Rule("split_names", split_names),
    Rule("fold_dashes", fold_dashes),
    Rule("link_only", lambda s: link_only(_key(s))),
    Rule("is_truncated_teaser", lambda s: is_truncated_teaser(_key(s))),
    Rule("ends_sentence", ends_sentence),
    Rule("parse_date", dates.parse_date),
    Rule("copyright_holder", lambda s: metadata.copyright_holder(_legal_block(s))),
    Rule(
        "masthead_rule",
        lambda s: metadata.masthead_rule(
            make_block(s), hints=Hints(site=s[:80]), holder=s[:80], url="https://a.example/"
        ),
    ),
    Rule("clean_text (line alone)", clean_text),
    Rule("clean_text (line in body)", lambda s: clean_text(in_body(s))),
)


class Timeout(Exception):
    pass


def _alarm(signum: int, frame: object) -> None:
    raise Timeout


def timed(run: Callable[[str], object], line: str, limit: float) -> float:
    """Seconds ``run(line)`` takes; ``inf`` when it is still running after ``limit`` seconds."""
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, limit)
    start = time.perf_counter()
    try:
        run(line)
    except Timeout:
        return float("inf")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    return time.perf_counter() - start


@dataclass
class Result:
    seconds: float
    size: int
    target: int

    def __str__(self) -> str:
        note = "" if self.size == self.target else f"  (stopped at {self.size:,} chars)"
        return f"{self.seconds:8.3f}{note}"


def run_ladder(rule: Rule, name: str, size: int, budget: float) -> Result:
    """Time ``rule`` on line ``name`` at growing sizes up to ``size``; stop past ``budget``."""
    step = max(size >> 6, 1)
    while True:
        seconds = timed(rule.run, adversarial_lines(step)[name], 10 * budget)
        if step >= size or seconds > budget:
            return Result(seconds, step, size)
        step = min(step * 4, size)


def rules_table(size: int, budget: float, only: str | None) -> dict[str, tuple[str, Result]]:
    names = list(adversarial_lines(16))
    worst: dict[str, tuple[str, Result]] = {}
    print(f"\n== rules on {size:,}-character adversarial lines (seconds) ==")
    print(f"{'rule':28} {'worst line':18} {'seconds':>8}")
    for rule in RULES:
        if only and only not in rule.name:
            continue
        results = {name: run_ladder(rule, name, size, budget) for name in names}
        # A line that hit the budget before full size is worse than any that finished.
        name = max(results, key=lambda n: (results[n].size < size, results[n].seconds))
        worst[rule.name] = (name, results[name])
        print(f"{rule.name:28} {name:18} {results[name]}", flush=True)
    slowest = max(worst, key=lambda r: (worst[r][1].size < size, worst[r][1].seconds))
    print(f"slowest rule: {slowest} on {worst[slowest][0]!r}: {worst[slowest][1]}")
    return worst


def growth_table(worst: dict[str, tuple[str, Result]], size: int, budget: float) -> None:
    print("\n== growth on each rule's worst line (seconds; ratio per doubling) ==")
    sizes = [size // 4, size // 2, size]
    print(f"{'rule':28} {'line':18} " + " ".join(f"{s:>10,}" for s in sizes) + "   ratios")
    by_name = {rule.name: rule for rule in RULES}
    for rule_name, (line_name, _) in worst.items():
        times: list[float] = []
        for s in sizes:
            if times and times[-1] > budget:
                break
            times.append(
                timed(by_name[rule_name].run, adversarial_lines(s)[line_name], 10 * budget)
            )
        ratios = [b / a if a > 1e-4 else float("nan") for a, b in itertools.pairwise(times)]
        cells = " ".join(f"{t:10.4f}" for t in times) + " " * 11 * (len(sizes) - len(times))
        print(f"{rule_name:28} {line_name:18} {cells}   " + " ".join(f"{r:.1f}" for r in ratios))


def wrapped_table(budget: float) -> None:
    print("\n== split_blocks on hard-wrapped lines of one paragraph (seconds) ==")
    counts = [16_000, 32_000, 64_000]
    times = [timed(split_blocks, wrapped_lines(n), 30 * budget) for n in counts]
    ratios = [b / a if a > 1e-4 else float("nan") for a, b in itertools.pairwise(times)]
    print(" ".join(f"{n:>10,}" for n in counts) + "   ratios")
    print(" ".join(f"{t:10.4f}" for t in times) + "   " + " ".join(f"{r:.1f}" for r in ratios))


def hostile_documents() -> dict[str, str]:
    mib = 1 << 20
    sentence = PROSE + " "
    lines = "\n".join(f"Line {i}" for i in range(mib // 10))
    big = (sentence * (10 * mib // len(sentence) + 1))[: 10 * mib]
    headline = "Council expands harbour district\n\n"
    return {
        "10 MB single line": big,
        "10 MB single line under a headline": headline + big,
        "10 MB of '( © ' under a headline": headline + "( © " * (10 * mib // 4),
        "10 MB of one character": "a" * (10 * mib),
        "7 M CJK characters, no newline": "国务院发布通知。" * (7 * mib // 8),
        "NUL bytes": ("\x00" * 1000 + PROSE + "\n\n") * 200,
        "NUL between every character": "\x00".join(PROSE * 2000),
        "lone surrogates (surrogateescape)": in_body(
            (b"\xff\xfe caf\xe9 na\xefve \x80\x81 " * 20000).decode("utf-8", "surrogateescape")
        ),
        "1 MB of '[a](' in body": in_body("[a](" * (mib // 4)),
        "1 MB of '![' in body": in_body("![" * (mib // 2)),
        "1 MB heading, spaces inside": "# a" + " " * mib + "x\n\n" + PROSE,
        "1 MB of short lines": lines,
        "1 MB of short lines, then prose": f"{lines}\n\n{PROSE}",
        "1 MB of subheadings and prose": "\n\n".join(
            f"Part {i}\n\n{PROSE} ({i})" for i in range(mib // 180)
        ),
    }


def hostile_table(budget: float) -> None:
    """Time each document, then run it again under ``tracemalloc`` for its peak memory."""
    print("\n== hostile documents through clean_text ==")
    print(f"{'document':34} {'chars':>11} {'seconds':>8} {'peak MiB':>9}  outcome")
    for name, text in hostile_documents().items():
        found: list[str] = []

        def run(text: str, found: list[str] = found) -> None:
            try:
                article = clean_text(text)
                found.append(f"{len(article.paragraphs)} kept, {len(article.removed)} removed")
            except ValueError as error:
                found.append(f"rejected: {error}")

        seconds = timed(run, text, 30 * budget)
        peak = float("nan")
        if found:
            tracemalloc.start()
            timed(run, text, 300 * budget)
            peak = tracemalloc.get_traced_memory()[1] / (1 << 20)
            tracemalloc.stop()
        outcome = found[0] if found else f"did not finish in {30 * budget:.0f} s"
        print(f"{name:34} {len(text):>11,} {seconds:8.2f} {peak:9.1f}  {outcome}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1 << 20, help="characters per line")
    parser.add_argument("--budget", type=float, default=2.0, help="seconds before giving up")
    parser.add_argument("--only", help="run only rules whose name contains this")
    parser.add_argument("--skip-hostile", action="store_true")
    args = parser.parse_args()
    worst = rules_table(args.size, args.budget, args.only)
    growth_table(worst, args.size, args.budget)
    wrapped_table(args.budget)
    if not args.skip_hostile:
        hostile_table(args.budget)


if __name__ == "__main__":
    main()
