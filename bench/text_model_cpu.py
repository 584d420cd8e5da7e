"""CPU per article of clean_text with and without the line classifier, side by side.

    python bench/text_model_cpu.py ../shared/data/wcxb-dev --limit 60 --cache DIR

For each dump style, every dump is cleaned by the rules alone and by rules + model in turn,
``--repeat`` times, and the median process-CPU time per article of each is printed with their
ratio. Both variants run in the same loop, so load on the machine hits them alike.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cleaners import clean_text
from cleaners.text_model import shipped
from evaluation.dumps import DUMPS, cached_dump
from evaluation.wcxb import load_pages


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dataset", type=Path)
    parser.add_argument("--limit", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cache", type=Path, default=None)
    parser.add_argument("--dump", action="append", choices=list(DUMPS))
    args = parser.parse_args()
    if shipped() is None:
        print("no shipped text model: nothing to compare", file=sys.stderr)
        return 2
    pages = [p for p in load_pages(args.dataset, args.limit) if p.truth]
    print(f"{len(pages)} pages, {args.repeat} rounds; medians of process CPU per article")
    print(f"{'style':14} {'rules ms':>9} {'+model ms':>10} {'ratio':>6}")
    for style in args.dump or list(DUMPS):
        key = args.dataset.name
        dumps = [cached_dump(style, p.html, p.url, args.cache, f"{key}-{p.name}") for p in pages]
        clean_text(dumps[0])  # load the model and stop-lists before timing
        rules, both = [], []
        for _ in range(args.repeat):
            for text in dumps:
                started = time.process_time()
                clean_text(text, model=False)
                middle = time.process_time()
                clean_text(text, model=True)
                rules.append(middle - started)
                both.append(time.process_time() - middle)
        a, b = statistics.median(rules) * 1000, statistics.median(both) * 1000
        print(f"{style:14} {a:9.2f} {b:10.2f} {b / a:6.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
