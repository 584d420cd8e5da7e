"""Show one article: metadata, clean text, removals, and duplicates both ways."""

from __future__ import annotations

import argparse
import sys
from typing import Any

import warehouse
from flows.cli import read_access
from warehouse.queries import article_ids_starting

#: Candidates listed when a prefix matches more than one article.
_AMBIGUOUS_SHOWN = 3


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("article_id", metavar="ARTICLE_ID", help="an article id, or its start")
    read_access.add_arguments(parser)


def run(args: argparse.Namespace) -> int:
    prefix = args.article_id.strip()
    if not prefix:
        print("presswash show: give an article id", file=sys.stderr)
        return 2
    with read_access.read_only(args) as con:
        matches = article_ids_starting(con, prefix, limit=_AMBIGUOUS_SHOWN + 1)
        detail = warehouse.article_detail(con, matches[0]) if len(matches) == 1 else None
    if detail is None:
        print(f"presswash show: {_no_single_match(prefix, matches)}", file=sys.stderr)
        return 1
    _print_detail(detail)
    return 0


def _no_single_match(prefix: str, matches: list[str]) -> str:
    if not matches:
        return f"no article with id {prefix!r} (nor starting with it)"
    shown = ", ".join(matches[:_AMBIGUOUS_SHOWN])
    more = ", ..." if len(matches) > _AMBIGUOUS_SHOWN else ""
    return f"{prefix!r} starts several article ids ({shown}{more}): give more of it"


def _print_detail(detail: warehouse.ArticleDetail) -> None:
    a = detail.article
    fields = [
        ("title", a["title"]),
        ("site", a["site"]),
        ("published", a["published"]),
        ("authors", ", ".join(a["authors"]) or None),
        ("source", a["source"]),
        ("url", a["url"]),
        ("words", a["word_count"]),
        ("run", a["run_id"]),
        ("ingested", a["ingested_at"]),
    ]
    print(f"article {a['article_id']}")
    for name, value in fields:
        print(f"  {name:<11}{'-' if value is None else value}")

    print("\nduplicates")
    original = detail.original
    print(f"  duplicate of  {_describe(original) if original else '-'}")
    copies = detail.copies
    print(f"  duplicated by {len(copies) or '-'}")
    for copy in copies:
        print(f"    {_describe(copy)}")
    shared = [p for p in detail.passages if p["duplicate_of"]]
    if shared:
        print(f"  passages repeating earlier ones: {len(shared)}")
        for p in shared:
            print(
                f"    passage {p['position']} = passage {p['duplicate_of_position']}"
                f" of {p['duplicate_of_article']}"
            )
    if detail.passage_copies:
        print(f"  passages repeated elsewhere: {len(detail.passage_copies)}")
        for c in detail.passage_copies:
            print(
                f"    passage {c['position']} -> passage {c['copy_position']} of {c['article_id']}"
            )

    print(f"\ntext ({len(detail.passages)} passages)")
    print("\n\n".join(p["text"] for p in detail.passages))

    print(f"\nremovals ({len(detail.removals)})")
    for r in detail.removals:
        print(f"  {r['kind']} · {r['rule']}: {_one_line(r['text'])}")


def _describe(article: dict[str, Any]) -> str:
    title = article["title"] or article["source"]
    site = f", {article['site']}" if article["site"] else ""
    return f"{article['article_id']} ({title}{site})"


def _one_line(text: str) -> str:
    return " ↵ ".join(line.strip() for line in text.splitlines() if line.strip())
