"""Score presswash against trafilatura on a WCXB-layout dataset (word-level P/R/F1)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from evaluation.wcxb import evaluate, format_report
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


def run(args: argparse.Namespace) -> int:
    """Run the evaluation and print the report; 2 when the dataset directory is missing."""
    if not (args.dataset_dir / "ground-truth").is_dir():
        print(f"presswash eval: not a WCXB-layout dataset: {args.dataset_dir}", file=sys.stderr)
        return 2
    pages = len(sorted((args.dataset_dir / "ground-truth").glob("*.json"))[: args.limit])
    every = load_settings().progress_every
    with progress.tracking("presswash eval", "pages", every=every) as tracker:
        tracker.set_total(pages)
        report = evaluate(
            args.dataset_dir,
            as_text=args.as_text,
            limit=args.limit,
            ablate=args.ablate,
            on_page=tracker.advance,
        )
    print(format_report(report))
    return 0
