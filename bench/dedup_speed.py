"""Throughput and memory of article dedup at 1k, 10k and 100k articles.

    .venv/bin/python bench/dedup_speed.py ../shared/data/wcxb-dev [--sizes 1000 10000 100000]
        [--freeze]

Texts are synthetic (``syndication.synthetic_texts``: words drawn from the dataset's word
frequencies, 300-700 words), one in ten replaced by a 3%-edited copy of an earlier text so
that candidates are found and verified. Each chunk of 1,000 is linked in one
``ArticleIndex.link`` call, as the flow links a batch (candidate search, verification and
adding: ``link/s``); ``query/s`` is then one-article lookups against the full index. Each
size runs in a fresh process, so its peak RSS (``ru_maxrss``) is its own; texts are
generated, signed and linked in chunks and then dropped, so the memory growth is the index
plus the kept signatures. Rates that stay flat as the index grows would show linear total
cost; ``link/s`` falls slowly (each search looks up its bands in sorted runs that grow with
the index), and ``--freeze`` (``gc.freeze()`` after each chunk, as the flow does) shows how
little of that is Python's cyclic garbage collector. Then :func:`signatures` (one
``MinHash.bulk`` call, xxhash) against a per-shingle ``MinHash.update`` loop on the same
texts, and signatures/s by article length. Rates are per CPU second of this process
(``time.process_time``), so other work on a shared machine does not count against them.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

import xxhash
from datasketch import MinHash
from syndication import edit, load_bodies, synthetic_texts

from dedup.matching import ArticleIndex
from dedup.shingles import shingles, words
from dedup.signatures import SignatureSpec, signatures

CHUNK = 1000
COPY_EVERY = 10


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_one(dataset: Path, size: int, freeze: bool) -> dict[str, float]:
    """Sign and link ``size`` texts in this process; return rates and memory. With
    ``freeze``, ``gc.freeze()`` after each chunk takes the index out of the collector's scans
    (it is append-only, so nothing in it would ever be collected)."""
    bodies, _, _ = load_bodies(dataset)
    vocabulary = sorted({w for body in bodies for p in body.paragraphs for w in p.split()})
    rng = random.Random(size)
    index = ArticleIndex()
    kept = []
    sign_s = link_s = 0.0
    words_total = duplicates = 0
    texts = synthetic_texts(bodies, size, seed=size)
    recent: list[str] = []
    base_rss = 0.0
    for start in range(0, size, CHUNK):
        chunk = [next(texts) for _ in range(min(CHUNK, size - start))]
        base_rss = base_rss or _rss_mib()  # after the word pool and the first chunk exist
        for i in range(COPY_EVERY - 1, len(chunk), COPY_EVERY):
            chunk[i] = edit([rng.choice(recent or chunk[:i])], 0.03, vocabulary, rng)[0]
        recent = chunk[:100]
        words_total += sum(len(text.split()) for text in chunk)
        t0 = time.process_time()
        sigs = signatures(chunk)
        sign_s += time.process_time() - t0
        t0 = time.process_time()
        links = index.link((f"a{start + offset}", None, sig) for offset, sig in enumerate(sigs))
        link_s += time.process_time() - t0
        duplicates += len(links)
        kept += sigs
        if freeze:
            gc.freeze()
    probes = kept[:: max(1, size // 1000)]
    t0 = time.process_time()
    for sig in probes:
        index.query(sig)
    query_s = time.process_time() - t0
    return {
        "size": size,
        "words": words_total / size,
        "sign_per_s": size / sign_s,
        "link_per_s": size / link_s,
        "query_per_s": len(probes) / query_s,
        "duplicates": duplicates,
        "peak_rss_mib": _rss_mib(),
        "growth_mib": _rss_mib() - base_rss,
    }


def compare_update(dataset: Path, count: int) -> None:
    """Bulk signatures against a per-shingle ``update`` loop on the same ``count`` texts, text
    in and signature out (the loop hashes each shingle string; ours each word once)."""
    bodies, _, _ = load_bodies(dataset)
    texts = list(synthetic_texts(bodies, count, seed=1))
    spec = SignatureSpec()
    t0 = time.process_time()
    signatures(texts, spec)
    bulk = time.process_time() - t0
    rows = [("signatures(): word xxh32, MinHash.bulk", bulk)]
    for name, hashfunc in (
        ("update loop, xxh32 per shingle", xxhash.xxh32_intdigest),
        ("update loop, sha1 per shingle", None),
    ):
        t0 = time.process_time()
        for text in texts:
            minhash = MinHash(num_perm=spec.num_perm, hashfunc=hashfunc)
            for shingle in set(shingles(words(text), spec.shingle_size)):
                minhash.update(shingle)
        rows.append((name, time.process_time() - t0))
    print(f"\n{count} texts, spec {spec.id}: texts/s and time relative to bulk")
    print(f"{'method':<34} {'texts/s':>17}")
    for name, seconds in rows:
        print(f"{name:<34} {count / seconds:9,.0f} (x{seconds / bulk:4.1f})")


def by_length(dataset: Path, count: int) -> None:
    """Signatures per second as articles get longer (the cost is per shingle)."""
    bodies, _, _ = load_bodies(dataset)
    print(f"\n{'words':>6} {'signatures/s':>12}")
    for length in (150, 250, 500, 1000, 2000):
        texts = list(synthetic_texts(bodies, count, seed=2, words=(length, length)))
        t0 = time.process_time()
        signatures(texts)
        print(f"{length:>6} {count / (time.process_time() - t0):12,.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset", type=Path, help="directory holding ground-truth/*.json")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument(
        "--compare", type=int, default=1000, help="texts for the update-loop comparison"
    )
    parser.add_argument("--freeze", action="store_true", help="gc.freeze() after each chunk")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.dataset, args.one, args.freeze)))
        return

    print(
        f"{'articles':>9} {'words':>5} {'sign/s':>7} {'link/s':>7} {'query/s':>8} {'dups':>6} "
        f"{'peak MiB':>8} {'growth MiB':>10} {'KiB/article':>11}"
    )
    for size in args.sizes:
        out = subprocess.run(
            [sys.executable, __file__, str(args.dataset), "--one", str(size)]
            + ["--freeze"] * args.freeze,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        r = json.loads(out.strip().splitlines()[-1])
        print(
            f"{size:>9,} {r['words']:5.0f} {r['sign_per_s']:7,.0f} {r['link_per_s']:7,.0f} "
            f"{r['query_per_s']:8,.0f} {r['duplicates']:6,} {r['peak_rss_mib']:8,.0f} "
            f"{r['growth_mib']:10,.0f} {r['growth_mib'] * 1024 / size:11.2f}"
        )
    compare_update(args.dataset, args.compare)
    by_length(args.dataset, args.compare)


if __name__ == "__main__":
    main()
