"""Word F1 per page type, presswash beside trafilatura alone, on the same pages in one run.

    python -m evaluation.page_type_scores [DATASET ...]

Default: ``../shared/data/wcxb-dev-other`` (the benchmark's non-article pages). For each true
page type: pages, the share presswash typed as articles, and P/R/F1 of trafilatura alone and
of presswash. presswash must never score below trafilatura alone on a non-article type.

The page-type model was fitted on these same pages, so the types presswash gives here are
better than on unseen sites; the held-out figures are those of
``python -m evaluation.train_page_type``.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

import trafilatura

from cleaners.html import clean_html
from cleaners.page_type import ARTICLE, PAGE_TYPES
from evaluation.wcxb import load_pages, word_prf
from sources.decode import RejectInput

DEFAULT_DATA = ("../shared/data/wcxb-dev-other",)
SYSTEMS = ("trafilatura", "presswash")


def _true_types(dataset: Path) -> dict[str, str]:
    types = {}
    for path in (dataset / "ground-truth").glob("*.json"):
        record = json.loads(path.read_text(encoding="utf-8"))
        types[path.stem] = record.get("_internal", {}).get("page_type", {}).get("primary", "")
    return types


def score(datasets: Sequence[Path], limit: int | None = None) -> dict[str, dict[str, list]]:
    """Per true page type: each system's (P, R, F1) per page, and presswash's types."""
    results: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for dataset in datasets:
        types = _true_types(dataset)
        for page in load_pages(dataset, limit):
            if not page.truth:
                continue
            kind = types.get(page.name, "")
            tally = results[kind]
            tally["trafilatura"].append(word_prf(trafilatura.extract(page.html) or "", page.truth))
            try:
                article = clean_html(page.html, url=page.url, source=page.name)
                text, predicted = article.text, article.page_type
            except RejectInput:
                text, predicted = "", "(rejected)"
            tally["presswash"].append(word_prf(text, page.truth))
            tally["types"].append(predicted)
    return results


def format_scores(results: dict[str, dict[str, list]]) -> str:
    header = f"{'true type':14} {'pages':>5} {'as article':>10}"
    for name in SYSTEMS:
        header += f" {name[:11] + ' P':>13} {'R':>6} {'F1':>6}"
    header += f" {'F1 diff':>8}"
    lines = [header]
    order = [t for t in PAGE_TYPES if t in results] + sorted(set(results) - set(PAGE_TYPES))
    for kind in order:
        tally = results[kind]
        n = len(tally["types"])
        row = f"{kind:14} {n:5d} {sum(t == ARTICLE for t in tally['types']) / n:10.3f}"
        f1 = {}
        for name in SYSTEMS:
            p, r, f = (sum(x[i] for x in tally[name]) / n for i in range(3))
            f1[name] = f
            row += f" {p:13.3f} {r:6.3f} {f:6.3f}"
        lines.append(row + f" {f1['presswash'] - f1['trafilatura']:+8.3f}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evaluation.page_type_scores")
    parser.add_argument("datasets", nargs="*", type=Path, default=[Path(d) for d in DEFAULT_DATA])
    parser.add_argument("--limit", type=int, default=None, help="first N pages of each dataset")
    args = parser.parse_args(argv)
    print(format_scores(score(args.datasets, args.limit)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
