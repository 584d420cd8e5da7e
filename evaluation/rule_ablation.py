"""What each block rule adds: word F1 of ``clean_text`` on every dump style, with and without it.

    .venv/bin/python -m evaluation.rule_ablation ../shared/data/wcxb-dev [--cache DIR]
        [--limit N] [--style STYLE ...] [--jobs 2]

Every page of the dataset is dumped in each style (``evaluation.dumps``, cached under
``--cache``) and cleaned as a user's run cleans it (rules and the shipped line model), once
with every rule and once with each first-pass block rule switched off. Printed per rule: the
pages where it removed something, and the change of the mean word F1 per style when it is
off (negative: the rule helps). The rules were written while looking at these pages, so a
rule that adds nothing here adds nothing on pages nobody looked at either; the converse does
not hold (a rule that helps here may be fitted to them).
"""

from __future__ import annotations

import argparse
import os
import statistics
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from cleaners import clean_text
from cleaners.rules import registry
from cleaners.rules.registry import Stage
from evaluation.dumps import DUMPS, cached_dump
from evaluation.wcxb import load_pages, word_prf

#: (style, truth, dump) of every page, set before the workers fork.
_PAGES: list[tuple[str, str, str]] = []


def _never(_block: object) -> bool:
    return False


def _scores(off: str | None) -> tuple[dict[str, float], Counter[str]]:
    """Mean F1 per style with the rule ``off`` switched off (None: every rule on), and in how
    many dumps each rule removed something."""
    rule = registry.get(off) if off else None
    saved = rule.test if rule else None
    if rule:
        object.__setattr__(rule, "test", _never)
    f1: dict[str, list[float]] = {}
    fired: Counter[str] = Counter()
    try:
        for style, truth, text in _PAGES:
            article = clean_text(text)
            f1.setdefault(style, []).append(word_prf(article.text, truth)[2])
            fired.update({r.rule for r in article.removed})
    finally:
        if rule:
            object.__setattr__(rule, "test", saved)
    return {style: statistics.fmean(values) for style, values in f1.items()}, fired


def ablate(
    dataset: Path, styles: Sequence[str], cache: Path | None, limit: int | None, jobs: int
) -> str:
    """The table of every block rule's effect (see the module docstring)."""
    _PAGES.clear()
    for page in load_pages(dataset, limit):
        if page.truth:
            for style in styles:
                _PAGES.append(
                    (style, page.truth, cached_dump(style, page.html, page.url, cache, page.name))
                )
    names = [rule.name for rule in registry.rules(Stage.BLOCK)]
    configs = [None, *names]
    if jobs == 1:  # in this process: each rule's test is switched off and back in turn
        results = [_scores(off) for off in configs]
    else:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            results = list(pool.map(_scores, configs))
    base, fired = results[0]  # every rule on: where each one fires
    header = f"{'rule off':<28} {'fired':>6} " + " ".join(f"{s[:12]:>12}" for s in styles)
    lines = [
        f"{len(_PAGES) // len(styles)} pages; mean word F1 with every rule, then the change "
        "with one rule off",
        header,
        f"{'(none)':<28} {'':>6} " + " ".join(f"{base[s]:12.4f}" for s in styles),
    ]
    for off, (scores, _) in zip(names, results[1:], strict=True):
        deltas = " ".join(f"{scores[s] - base[s]:+12.4f}" for s in styles)
        lines.append(f"{off:<28} {fired[off]:>6} {deltas}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset", type=Path, help="WCXB-layout dataset (html/, ground-truth/)")
    parser.add_argument("--cache", type=Path, help="directory to keep dumps in")
    parser.add_argument("--limit", type=int, help="only the first N pages")
    parser.add_argument("--style", action="append", choices=sorted(DUMPS), help="repeatable")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)
    print(ablate(args.dataset, args.style or list(DUMPS), args.cache, args.limit, args.jobs))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
