"""The flow's dedup state against a large warehouse: start-up, time per batch, peak memory.

    .venv/bin/python bench/dedup_flow_scale.py [--sizes 100000 1000000] [--dir DIR]
                                               [--memory-too]

For each size N, a synthetic warehouse ``DIR/N/w.duckdb`` is written once (reused by later
runs): N articles of 1,000 sites, each with :data:`PASSAGES` passages, their signatures
random values as the specs store them (random values share no band by chance, so the only
candidates are the planted copies). A fresh process then does what a run does with the
settings a new user has: :func:`flows.index_segments.open_index` (the first time, it writes
the warehouse's segments; that time is printed apart) and ``Deduplicator.from_warehouse``,
then links :data:`BATCHES` batches of :data:`BATCH` articles and their passages through the
article and passage indexes, as the dedup stage does. Half of each batch are copies of
stored articles (a tenth of their values changed) with copies of their passages, half new.

Printed per size and mode (``segments``: the default; with ``--memory-too`` also ``memory``,
``index_memory_articles = 0``, every signature restored into the process): the start-up
seconds (segments written, then opened and restored), the median time per batch and
articles/s, the recall of the planted article and passage copies, and the process's peak RSS.
The site chrome counter (``site_passages``) is left empty: it is restored whole either way.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa

import warehouse
from dedup.matching import ARTICLE_SPEC, PASSAGE_SPEC, passage_id
from dedup.signatures import Signature
from flows import index_segments
from flows.dedup_stage import Deduplicator
from flows.settings import Settings

PASSAGES = 5
BATCH = 1_000
BATCHES = 12
CHUNK = 100_000
START = dt.datetime(2026, 1, 1)


def _article_id(i: int) -> str:
    return f"{i:016x}"


def build(db: Path, size: int) -> None:
    """A warehouse of ``size`` synthetic articles, their passages and signatures."""
    db.parent.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(size)
    with warehouse.open_warehouse(db) as con:
        for start in range(0, size, CHUNK):
            ids = np.arange(start, min(start + CHUNK, size))
            aids = [_article_id(i) for i in ids.tolist()]
            art = rng.integers(0, 2**32, (len(ids), ARTICLE_SPEC.num_perm), np.uint32)
            pas = rng.integers(0, 2**32, (len(ids) * PASSAGES, PASSAGE_SPEC.num_perm), np.uint32)
            pids = [passage_id(a, p) for a in aids for p in range(PASSAGES)]
            tables = {
                "a": pa.table({
                    "article_id": aids, "source": aids, "site": [f"site{i % 1000}" for i in ids],
                    "ingested_at": [START + dt.timedelta(seconds=i) for i in ids.tolist()],
                }),
                "s": pa.table({
                    "article_id": aids, "site": [f"site{i % 1000}" for i in ids],
                    "size": np.full(len(ids), 800, np.int32),
                    "hashvalues": [row.tobytes() for row in art],
                }),
                "p": pa.table({
                    "passage_id": pids, "article_id": np.repeat(aids, PASSAGES),
                    "position": np.tile(np.arange(PASSAGES, dtype=np.int32), len(ids)),
                    "size": np.full(len(pids), 60, np.int32),
                    "hashvalues": [row.tobytes() for row in pas],
                }),
            }  # fmt: skip
            for name, table in tables.items():
                con.register(name, table)
            con.execute(
                "INSERT INTO articles (article_id, source, site, authors, body, word_count,"
                " ingested_at) SELECT article_id, source, site, [], '', 0, ingested_at FROM a"
            )
            con.execute(
                "INSERT INTO article_signatures SELECT article_id, ?, site, size, hashvalues"
                " FROM s", [ARTICLE_SPEC.id],
            )  # fmt: skip
            con.execute(
                "INSERT INTO passages (passage_id, article_id, position, text)"
                " SELECT passage_id, article_id, position, '' FROM p"
            )
            con.execute(
                "INSERT INTO passage_signatures SELECT passage_id, article_id, ?, size,"
                " hashvalues FROM p", [PASSAGE_SPEC.id],
            )  # fmt: skip
            for name in tables:
                con.unregister(name)
    (db.parent / "done").write_text("")


def link(db: Path, threshold: int) -> dict[str, float]:
    """Open the dedup state as a run does and link :data:`BATCHES` batches against it."""
    t0 = time.perf_counter()
    with warehouse.open_warehouse(db) as con:
        con.execute("SET memory_limit = ?", [Settings().writer_memory])  # as a run's writer
        (size,) = con.execute("SELECT count(*) FROM articles").fetchone()
        had_segments = index_segments.directory_of(db).exists()
        stored = index_segments.open_index(con, db, threshold) if threshold else None
        written = time.perf_counter() - t0
        dedup = Deduplicator.from_warehouse(con, stored=stored)
        started = time.perf_counter() - t0
        picked = np.sort(np.random.default_rng(0).choice(size, BATCHES * BATCH // 2, False))
        rows = con.execute(
            "SELECT s.article_id, s.hashvalues, list(p.hashvalues ORDER BY p.passage_id)"
            " FROM article_signatures s JOIN passage_signatures p USING (article_id)"
            " WHERE s.article_id IN (SELECT unnest(?)) GROUP BY ALL ORDER BY s.article_id",
            [[_article_id(i) for i in picked.tolist()]],
        ).fetchall()
    rng = np.random.default_rng(1)
    seconds, found, passages_found, planted = [], 0, 0, 0
    for b in range(BATCHES):
        batch, batch_passages = [], []
        for k, (_, blob, passage_blobs) in enumerate(rows[b::BATCHES]):
            values = np.frombuffer(blob, np.uint32).copy()
            changed = rng.random(len(values)) < 0.1
            values[changed] = rng.integers(0, 2**32, int(changed.sum()), np.uint32)
            key = f"copy-{b}-{k}"
            batch.append((key, "elsewhere", Signature.from_values(ARTICLE_SPEC, values, 800)))
            batch_passages += [
                (passage_id(key, p), key, Signature.from_bytes(PASSAGE_SPEC, pb, 60))
                for p, pb in enumerate(passage_blobs)
            ]
        copies = len(batch)
        for k in range(BATCH - copies):
            key = f"new-{b}-{k}"
            values = rng.integers(0, 2**32, ARTICLE_SPEC.num_perm, np.uint32)
            batch.append((key, "elsewhere", Signature.from_values(ARTICLE_SPEC, values, 800)))
            for p in range(PASSAGES):
                values = rng.integers(0, 2**32, PASSAGE_SPEC.num_perm, np.uint32)
                signature = Signature.from_values(PASSAGE_SPEC, values, 60)
                batch_passages.append((passage_id(key, p), key, signature))
        t1 = time.perf_counter()
        links = dedup.articles.link(batch)
        passage_links, _ = dedup.passages.link_and_meet(batch_passages)
        seconds.append(time.perf_counter() - t1)
        found += sum(key.startswith("copy-") for key in links)
        passages_found += sum(key.startswith("copy-") for key in passage_links)
        planted += copies
    dedup.close()
    median = statistics.median(seconds)
    return {
        "stored": size,
        "segments_written_s": written if not had_segments and threshold else 0.0,
        "start_s": started,
        "batch_ms": median * 1000,
        "per_s": BATCH / median,
        "recall": found / planted,
        "passage_recall": passages_found / (planted * PASSAGES),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--dir", type=Path, default=Path("/tmp/presswash-dedup-flow-scale"))
    parser.add_argument("--memory-too", action="store_true", help="also with the index in memory")
    parser.add_argument("--link", type=Path, help=argparse.SUPPRESS)  # the link process
    parser.add_argument("--threshold", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.link:
        print(json.dumps(link(args.link, args.threshold)))
        return
    default = Settings().index_memory_articles
    modes = [("segments", default)] + ([("memory", 0)] if args.memory_too else [])
    print(f"{'stored':>10} {'mode':>8} {'written s':>9} {'start s':>8} {'batch ms':>9} "
          f"{'art/s':>7} {'recall':>7} {'passages':>8} {'peak RSS MB':>11}")  # fmt: skip
    for size in args.sizes:
        db = args.dir / str(size) / "w.duckdb"
        if not (db.parent / "done").exists():
            build(db, size)
        for mode, threshold in modes:
            out = subprocess.run(
                [sys.executable, __file__, "--link", str(db), "--threshold", str(threshold)],
                check=True, capture_output=True, text=True,
            )  # fmt: skip
            r = json.loads(out.stdout)
            print(f"{r['stored']:>10,} {mode:>8} {r['segments_written_s']:>9.1f} "
                  f"{r['start_s']:>8.1f} {r['batch_ms']:>9.1f} {r['per_s']:>7,.0f} "
                  f"{r['recall']:>7.4f} {r['passage_recall']:>8.4f} "
                  f"{r['peak_rss_mb']:>11.0f}", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
