"""Bulk landing throughput: synthetic articles with passages and removals into a fresh file.

    python bench/warehouse_load.py [--articles 10000] [--batch 10000] [--repeat 3]

Prints rows/s (articles + passages + removals) as the median over ``--repeat`` fresh files,
then the time of re-landing the same rows (all skipped as already there).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path

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


def land_all(path: Path, batches: list[Batch]) -> float:
    """Seconds to land every batch into the warehouse at ``path``."""
    con = open_warehouse(path)
    try:
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
    args = parser.parse_args()

    batches = make_batches(args.articles, args.batch)
    rows = args.articles * (1 + PASSAGES_PER_ARTICLE + REMOVALS_PER_ARTICLE)
    with tempfile.TemporaryDirectory() as tmp:
        times = [land_all(Path(tmp) / f"bench{i}.duckdb", batches) for i in range(args.repeat)]
        again = land_all(Path(tmp) / "bench0.duckdb", batches)
    median = statistics.median(times)
    print(
        f"{args.articles} articles, {rows} rows in batches of {args.batch}: "
        f"median {median:.2f}s = {rows / median:,.0f} rows/s "
        f"(runs: {', '.join(f'{t:.2f}s' for t in times)})"
    )
    print(f"re-land of the same rows (all skipped): {again:.2f}s")


if __name__ == "__main__":
    main()
