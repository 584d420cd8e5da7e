"""Bulk landing throughput: synthetic articles with passages and removals into a fresh file.

    python bench/warehouse_load.py [--articles 10000] [--batch 10000] [--repeat 3]
                                   [--stored 0,2000000]

Prints rows/s (articles + passages + removals) as the median over ``--repeat`` fresh files,
then the time of re-landing the same rows (all skipped as already there). With ``--stored``,
once per size: each file first holds that many articles (and their signatures), to show
whether landing slows down as the warehouse grows.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path

import duckdb

from warehouse import Batch, land, open_warehouse

PASSAGES_PER_ARTICLE = 10
REMOVALS_PER_ARTICLE = 5
KINDS = ("caption", "sidebar", "legal", "widget", "navigation")


def make_batches(n_articles: int, batch_size: int) -> list[Batch]:
    """Synthetic batches shaped like real ones: ~60-word passages, short removals."""
    paragraph = " ".join(f"word{i}" for i in range(60))
    batches = []
    for start in range(0, n_articles, batch_size):
        batch = Batch(run_id="bench")
        for a in range(start, min(start + batch_size, n_articles)):
            article_id = f"{a:016x}"
            texts = [f"{p} {paragraph}" for p in range(PASSAGES_PER_ARTICLE)]
            batch.articles.append(
                {
                    "article_id": article_id,
                    "source": f"https://site{a % 50}.example/news/{a}",
                    "url": f"https://site{a % 50}.example/news/{a}",
                    "title": f"Headline number {a}",
                    "site": f"Site {a % 50}",
                    "published": dt.date(2024, 1, 1) + dt.timedelta(days=a % 365),
                    "authors": ["A. Writer", "B. Reporter"],
                    "body": "\n\n".join(texts),
                    "word_count": sum(len(t.split()) for t in texts),
                    "input_format": "text",
                    "page_type": "article",
                }
            )
            batch.passages.extend(
                {"article_id": article_id, "position": p, "text": t} for p, t in enumerate(texts)
            )
            batch.removals.extend(
                {
                    "article_id": article_id,
                    "position": r,
                    "kind": KINDS[r % len(KINDS)],
                    "rule": f"rule-{r}",
                    "text": f"Removed line {r} of article {a}",
                }
                for r in range(REMOVALS_PER_ARTICLE)
            )
        batches.append(batch)
    return batches


def prefill(con: duckdb.DuckDBPyConnection, count: int) -> None:
    """Store ``count`` small articles and their signatures, set-based (seconds per million)."""
    con.execute(
        """
        INSERT INTO articles BY NAME
        SELECT printf('stored%012d', i) AS article_id, 'stored' AS source, [] AS authors,
               'Stored article.' AS body, 2 AS word_count, now()::TIMESTAMP AS ingested_at
        FROM range(?) AS t(i)
        """,
        [count],
    )
    con.execute(
        """
        INSERT INTO article_signatures BY NAME
        SELECT printf('stored%012d', i) AS article_id, 'bench' AS spec, 1 AS size,
               '\\x00'::BLOB AS hashvalues
        FROM range(?) AS t(i)
        """,
        [count],
    )
    con.execute("CHECKPOINT")


def land_all(path: Path, batches: list[Batch], stored: int = 0) -> float:
    """Seconds to land every batch into the warehouse at ``path``, which first gets ``stored``
    articles (not timed)."""
    con = open_warehouse(path)
    try:
        if stored:
            prefill(con, stored)
        start = time.perf_counter()
        for batch in batches:
            land(con, batch)
        return time.perf_counter() - start
    finally:
        con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=10_000, help="articles per land() call")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--stored", default="0", help="articles already in the warehouse, e.g. 0,2000000"
    )
    args = parser.parse_args()

    batches = make_batches(args.articles, args.batch)
    rows = args.articles * (1 + PASSAGES_PER_ARTICLE + REMOVALS_PER_ARTICLE)
    for stored in [int(n) for n in args.stored.split(",")]:
        with tempfile.TemporaryDirectory() as tmp:
            paths = [Path(tmp) / f"bench{i}.duckdb" for i in range(args.repeat)]
            times = [land_all(path, batches, stored) for path in paths]
            again = land_all(paths[0], batches)
        median = statistics.median(times)
        print(
            f"{stored:,} stored, {args.articles} articles, {rows} rows in batches of "
            f"{args.batch}: median {median:.2f}s = {rows / median:,.0f} rows/s "
            f"(runs: {', '.join(f'{t:.2f}s' for t in times)}); "
            f"re-land of the same rows (all skipped): {again:.2f}s"
        )


if __name__ == "__main__":
    main()
