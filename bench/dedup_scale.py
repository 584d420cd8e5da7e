"""Linking a batch against millions of stored articles: time per batch and peak memory.

    .venv/bin/python bench/dedup_scale.py [--sizes 100000 1000000 10000000] [--dir DIR]

For each size N, a synthetic store of N article signatures (random values, 128 per article,
as ``ARTICLE_SPEC`` stores them) is written to ``DIR/N`` once (reused by later runs): the
signatures as one ``.npy`` file and their band entries as a :class:`~dedup.band_store.
BandStore`, both built in bounded memory. A fresh process then opens them (read with
``pread``, nothing memory-mapped) and links batches of articles as the dedup stage links a
batch: band keys, the stored buckets (``BandStore.search``) and the batch's own
(``BandTable.link``), then each candidate verified on its stored signature (estimated
Jaccard). Half of each batch are copies of stored articles with a tenth of their values
changed (estimated Jaccard about 0.82), half new articles.

Printed per size: build time, the link process's median time per batch and articles/s, the
recall of the planted copies, and its peak RSS (``ru_maxrss``) beside its anonymous memory
at the end (the heap, ``RssAnon``). Random values share no bands by
chance, so the candidates are the planted copies: this measures the index, not the
candidate load of real text (see ``bench/dedup_quality.py`` for that).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from dedup.band_store import BandStore, NpyFile, write_npy_header
from dedup.band_table import BandTable
from dedup.matching import ARTICLE_POLICY

NUM_PERM = ARTICLE_POLICY.spec.num_perm
CHUNK = 200_000
BATCH = 1_000
BATCHES = 12


def build(directory: Path, size: int) -> None:
    """Write ``size`` random signatures and their band store under ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(size)
    with open(directory / "signatures.npy", "wb") as out:
        write_npy_header(out, np.dtype(np.uint32), (size, NUM_PERM))
        for start in range(0, size, CHUNK):
            stop = min(start + CHUNK, size)
            rng.integers(0, 2**32, (stop - start, NUM_PERM), np.uint32).tofile(out)
    signatures = NpyFile(directory / "signatures.npy")

    def chunks():
        for start in range(0, size, CHUNK):
            stop = min(start + CHUNK, size)
            yield np.arange(start, stop), signatures.read([(start, stop)])

    BandStore.build(directory / "bands", *ARTICLE_POLICY.bands, chunks())
    (directory / "done").write_text("")


def link(directory: Path) -> dict[str, float]:
    """Link :data:`BATCHES` batches against the store; figures of this process."""
    store = BandStore(directory / "bands")
    signatures = NpyFile(directory / "signatures.npy")
    size = signatures.size
    rng = np.random.default_rng(0)
    seconds, found, planted = [], 0, 0
    for b in range(BATCHES):
        originals = rng.integers(0, size, BATCH // 2)
        copies = signatures.rows(np.sort(originals))
        changed = rng.random(copies.shape) < 0.1
        copies[changed] = rng.integers(0, 2**32, int(changed.sum()), np.uint32)
        fresh = rng.integers(0, 2**32, (BATCH - len(copies), NUM_PERM), np.uint32)
        batch = np.concatenate([copies, fresh])
        t0 = time.perf_counter()
        positions, ids = store.search(batch)
        order = np.argsort(ids, kind="stable")  # read the stored rows in file order
        stored = signatures.rows(ids[order])
        jaccard = np.count_nonzero(stored == batch[positions[order]], axis=1) / NUM_PERM
        matched = np.unique(positions[order][jaccard >= ARTICLE_POLICY.near_jaccard])
        BandTable(*ARTICLE_POLICY.bands).link(np.arange(size, size + BATCH) + b * BATCH, batch)
        seconds.append(time.perf_counter() - t0)
        found += int(np.count_nonzero(matched < len(copies)))
        planted += len(copies)
    with open("/proc/self/status") as status:
        anon = next(int(line.split()[1]) for line in status if line.startswith("RssAnon"))
    median = statistics.median(seconds)
    return {
        "stored": size,
        "batch_ms": median * 1000,
        "per_s": BATCH / median,
        "recall": found / planted,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "anon_mb": anon / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000, 10_000_000])
    parser.add_argument("--dir", type=Path, default=Path("/tmp/presswash-dedup-scale"))
    parser.add_argument("--link", type=Path, help=argparse.SUPPRESS)  # the link process
    parser.add_argument("--build", type=Path, help=argparse.SUPPRESS)  # the build process
    args = parser.parse_args()
    if args.link:
        print(json.dumps(link(args.link)))
        return
    if args.build:
        build(args.build, args.sizes[0])
        print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        return
    print(f"{'stored':>10} {'build s':>8} {'build MB':>8} {'batch ms':>9} {'art/s':>8} "
          f"{'recall':>7} {'peak RSS MB':>11} {'heap MB':>8}")  # fmt: skip
    for size in args.sizes:
        directory = args.dir / str(size)
        built, build_mb = "reused", "-"
        if not (directory / "done").exists():
            t0 = time.perf_counter()
            out = subprocess.run(
                [sys.executable, __file__, "--sizes", str(size), "--build", str(directory)],
                check=True, capture_output=True, text=True,
            )  # fmt: skip
            built, build_mb = f"{time.perf_counter() - t0:.0f}", f"{float(out.stdout):.0f}"
        out = subprocess.run(
            [sys.executable, __file__, "--link", str(directory)],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        r = json.loads(out.stdout)
        print(f"{r['stored']:>10,} {built:>8} {build_mb:>8} {r['batch_ms']:>9.1f} "
              f"{r['per_s']:>8,.0f} {r['recall']:>7.4f} {r['peak_rss_mb']:>11.0f} "
              f"{r['anon_mb']:>8.0f}", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
