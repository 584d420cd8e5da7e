"""Pair precision and recall of article dedup on a generated syndication corpus.

    .venv/bin/python bench/dedup_quality.py ../shared/data/wcxb-dev [--seed 0] [--min-words 80]

Originals, their copies (see ``syndication.py``) and unrelated articles land in a shuffled
order, in batches, through :meth:`ArticleIndex.link` on the full scraped dumps (chrome
included: the worst case, where cleaning removed nothing). Two documents are predicted to be
one story when they share an original. Per variant, recall is the share of copies predicted
with their original; precision is the share of predicted pairs holding a copy of that variant
that are true (same origin). Targets: precision >= 0.99; recall >= 0.98 except ``edit8``.
"""

from __future__ import annotations

import argparse
import itertools
import time
from collections import Counter, defaultdict
from pathlib import Path

from syndication import VARIANTS, Doc, corpus, drop_duplicate_bodies, load_bodies

from dedup.matching import ArticleIndex
from dedup.signatures import signatures

BATCH = 500


def predicted_originals(docs: list[Doc]) -> tuple[dict[str, str], float, float]:
    """Each doc's predicted original, and the CPU seconds spent on signatures and on linking."""
    index = ArticleIndex()
    originals = {doc.doc_id: doc.doc_id for doc in docs}
    sign_seconds = link_seconds = 0.0
    for start in range(0, len(docs), BATCH):
        batch = docs[start : start + BATCH]
        t0 = time.process_time()
        sigs = signatures([doc.text for doc in batch])
        t1 = time.process_time()
        originals.update(
            index.link((doc.doc_id, doc.site, sig) for doc, sig in zip(batch, sigs, strict=True))
        )
        sign_seconds += t1 - t0
        link_seconds += time.process_time() - t1
    return originals, sign_seconds, link_seconds


def report(docs: list[Doc], originals: dict[str, str]) -> bool:
    """Print the per-variant table; return whether the targets are met."""
    by_id = {doc.doc_id: doc for doc in docs}
    clusters: dict[str, list[Doc]] = defaultdict(list)
    for doc in docs:
        clusters[originals[doc.doc_id]].append(doc)
    pairs: Counter[tuple[str, bool]] = Counter()
    for members in clusters.values():
        for a, b in itertools.combinations(members, 2):
            true = a.origin == b.origin
            for variant in {a.variant, b.variant}:
                pairs[variant, true] += 1
    print(f"{'variant':<10} {'copies':>6} {'recall':>7} {'pairs':>6} {'precision':>9}")
    ok = True
    for variant in (*VARIANTS, "original", "unrelated"):
        members = [doc for doc in docs if doc.variant == variant]
        tp, fp = pairs[variant, True], pairs[variant, False]
        precision = tp / (tp + fp) if tp + fp else 1.0
        if variant in VARIANTS:
            found = sum(originals[d.doc_id] == originals[by_id[d.origin].doc_id] for d in members)
            recall = found / len(members)
            ok &= precision >= 0.99 and (recall >= 0.98 or variant == "edit8")
            recall_text = f"{recall:7.4f}"
        else:
            recall_text = f"{'-':>7}"
            ok &= precision >= 0.99
        print(f"{variant:<10} {len(members):>6} {recall_text} {tp + fp:>6} {precision:9.4f}")
    tp = sum(n for (_, true), n in pairs.items() if true)
    everything = sum(pairs.values())
    print(f"all predicted pairs (counted once per variant in them): {everything}, true {tp}")
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset", type=Path, help="directory holding ground-truth/*.json")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--min-words", type=int, default=80)
    args = parser.parse_args()

    bodies, short, chrome = load_bodies(args.dataset, args.min_words)
    unique = drop_duplicate_bodies(bodies)
    print(
        f"{len(bodies) + short} bodies: {short} skipped as shorter than {args.min_words} words, "
        f"{len(bodies) - len(unique)} dropped as near-duplicates of another body, "
        f"{len(unique)} used"
    )
    docs = corpus(unique, chrome, seed=args.seed)
    print(f"{len(docs)} documents, seed {args.seed}: {dict(Counter(d.variant for d in docs))}")
    originals, sign_seconds, link_seconds = predicted_originals(docs)
    ok = report(docs, originals)
    words = sum(len(doc.text.split()) for doc in docs)
    print(
        f"signatures: {len(docs) / sign_seconds:,.0f} docs/s ({words / len(docs):.0f} words/doc); "
        f"link: {len(docs) / link_seconds:,.0f} docs/s"
    )
    print("targets met" if ok else "targets NOT met")


if __name__ == "__main__":
    main()
