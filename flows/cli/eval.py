"""Score presswash against trafilatura on a WCXB-layout dataset (word-level P/R/F1)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from evaluation import DUMP_STYLES
from flows import progress
from flows.settings import load_settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``presswash eval``."""
    parser.add_argument("dataset_dir", type=Path, help="directory with html/ and ground-truth/")
    parser.add_argument(
        "--as-text", action="store_true", help="score clean_text on markdown dumps of the pages"
    )
    parser.add_argument("--limit", type=int, default=None, help="only the first N pages")
    parser.add_argument(
        "--ablate", action="store_true", help="also run presswash without pre-pass / text rules"
    )
    parser.add_argument(
        "--dump",
        action="append",
        choices=DUMP_STYLES,
        help="with --as-text: a dump style to score (repeatable; default every style)",
    )
    parser.add_argument("--cache", type=Path, default=None, help="directory to keep dumps in")
    parser.add_argument(
        "--held-out",
        action="store_true",
        help="refit on folds grouped by site (needs scikit-learn): with --as-text the text "
        "classifier, printing its held-out scores; on HTML pages the page-type model, so "
        "that each page is cleaned with the type a model that never saw its site gives it",
    )
    parser.add_argument(
        "--extra",
        type=Path,
        action="append",
        default=[],
        help="with --held-out: another WCXB-layout dataset to add to the folds (the pages "
        "scored are still DATASET_DIR's)",
    )


def run(args: argparse.Namespace) -> int:
    """Run the evaluation and print the report; 2 when the dataset directory is missing."""
    # Imported here, not above: every command's parser is built from this module.
    from evaluation.wcxb import evaluate, format_report, held_out

    for dataset in (args.dataset_dir, *args.extra):
        if not (dataset / "ground-truth").is_dir():
            print(f"presswash eval: not a WCXB-layout dataset: {dataset}", file=sys.stderr)
            return 2
    datasets = [args.dataset_dir, *args.extra]
    if args.held_out and args.as_text:
        print(held_out(datasets, limit=args.limit, cache=args.cache))
        return 0
    page_types = None
    if args.held_out:
        from evaluation.train_page_type import held_out_types

        page_types = held_out_types(datasets)
    pages = len(sorted((args.dataset_dir / "ground-truth").glob("*.json"))[: args.limit])
    every = load_settings().progress_every
    with progress.tracking("presswash eval", "pages", every=every) as tracker:
        tracker.set_total(pages)
        report = evaluate(
            args.dataset_dir,
            as_text=args.as_text,
            limit=args.limit,
            ablate=args.ablate,
            dumps=args.dump,
            cache=args.cache,
            on_page=tracker.advance,
            page_types=page_types,
        )
    print(format_report(report))
    return 0
