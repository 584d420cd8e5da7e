"""What deciding the page type costs, beside what cleaning a page costs, on the same pages.

    python bench/page_type_cost.py [DATASET] [--pages N]

For each page (WCXB layout, default ``../shared/data/wcxb-dev``), in turn: parse it, time the
page-type features and prediction on the parsed tree, and time ``clean_html`` of the page
(which includes them). Prints the median of each per page and their ratio; both are taken
in the same run, page by page, so that load on the machine hits both alike.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from cleaners.html import clean_html, parse_html
from cleaners.page_type import classify_html
from evaluation.wcxb import load_pages


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("dataset", nargs="?", type=Path, default=Path("../shared/data/wcxb-dev"))
    parser.add_argument("--pages", type=int, default=100)
    args = parser.parse_args()
    typing_ms, cleaning_ms = [], []
    for page in load_pages(args.dataset, args.pages):
        if not page.truth:
            continue
        html = page.html.decode("utf-8", "replace")
        tree = parse_html(html, source=page.name)
        started = time.process_time()
        classify_html(tree, page.url)
        typing_ms.append((time.process_time() - started) * 1000)
        started = time.process_time()
        clean_html(html, url=page.url, source=page.name)
        cleaning_ms.append((time.process_time() - started) * 1000)
    typing, cleaning = statistics.median(typing_ms), statistics.median(cleaning_ms)
    print(f"pages: {len(typing_ms)} (CPU time per page, medians)")
    print(f"page type (features + model): {typing:8.2f} ms")
    print(f"clean_html (all of it):       {cleaning:8.2f} ms")
    print(f"share of cleaning spent on the page type: {typing / cleaning:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
