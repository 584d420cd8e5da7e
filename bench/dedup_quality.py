"""Pair precision and recall of article dedup on a generated syndication corpus.

    .venv/bin/python bench/dedup_quality.py ../shared/data/wcxb-dev [--half test] [--seed 0]

Originals, their copies (see ``syndication.py``) and unrelated articles land in a shuffled
order, in batches, as the dedup stage links them (:meth:`ArticleIndex.link`, then
:meth:`PassageIndex.link_and_meet` on paragraphs of at least 25 words, then
:meth:`ArticleIndex.link_by_passages`), on the full scraped dumps (chrome included: the worst
case, where cleaning removed nothing). Two documents are predicted to be
one story when they share an original. Per variant, recall is the share of copies predicted
with their original; precision is the share of predicted pairs holding a copy of that variant
that are true (same origin). Targets: precision >= 0.99; recall >= 0.95 for ``half`` and
``quarter``, >= 0.98 for every other variant.
"""

from __future__ import annotations

import argparse
import itertools
import time
from collections import Counter, defaultdict
from pathlib import Path

from syndication import HALVES, VARIANTS, Doc, corpus, drop_duplicate_bodies, load_bodies

from dedup.matching import ArticleIndex, ArticlePolicy, PassageIndex, passage_id
from dedup.signatures import signatures_with_parts

BATCH = 500
RECALL_TARGETS = {"half": 0.95, "quarter": 0.95}


def predicted_originals(
    docs: list[Doc], policy: ArticlePolicy | None = None
) -> tuple[dict[str, str], dict[str, str | None], float, float]:
    """Each doc's predicted original and relation to it, and the CPU seconds spent on
    signatures and on linking."""
    index = ArticleIndex(policy or ArticlePolicy())
    passages = PassageIndex()
    originals = {doc.doc_id: doc.doc_id for doc in docs}
    sign_seconds = link_seconds = 0.0
    for start in range(0, len(docs), BATCH):
        batch = docs[start : start + BATCH]
        t0 = time.process_time()
        signed = signatures_with_parts(
            [doc.text.split("\n\n") for doc in batch],
            index.policy.spec,
            passages.policy.spec,
            lambda text: len(text.split()) >= passages.policy.min_words,
        )
        t1 = time.process_time()
        originals.update(
            index.link(
                (doc.doc_id, doc.site, whole) for doc, (whole, _) in zip(batch, signed, strict=True)
            )
        )
        originals.update(
            (article, merge.into) for merge in index.take_merges() for article in merge.articles
        )
        parts = [
            (doc.doc_id, [(passage_id(doc.doc_id, i), sig) for i, sig in enumerate(sigs) if sig])
            for doc, (_, sigs) in zip(batch, signed, strict=True)
        ]
        links, met = passages.link_and_meet(
            (pid, aid, sig) for aid, sigs in parts for pid, sig in sigs
        )
        originals.update(
            index.link_by_passages(
                [(aid, [(pid, sig.size) for pid, sig in sigs]) for aid, sigs in parts], links, met
            )
        )
        sign_seconds += t1 - t0
        link_seconds += time.process_time() - t1
    relations = {doc.doc_id: index.relation(doc.doc_id) for doc in docs}
    return originals, relations, sign_seconds, link_seconds


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
            ok &= precision >= 0.99 and recall >= RECALL_TARGETS.get(variant, 0.98)
            recall_text = f"{recall:7.4f}"
        else:
            recall_text = f"{'-':>7}"
            ok &= precision >= 0.99
        print(f"{variant:<10} {len(members):>6} {recall_text} {tp + fp:>6} {precision:9.4f}")
    tp = sum(n for (_, true), n in pairs.items() if true)
    everything = sum(pairs.values())
    print(f"all predicted pairs (counted once per variant in them): {everything}, true {tp}")
    return ok


def print_relations(docs: list[Doc], relations: dict[str, str | None]) -> None:
    """How many linked documents of each variant got each relation to their original."""
    counts: Counter[tuple[str, str]] = Counter(
        (doc.variant, relations[doc.doc_id]) for doc in docs if relations[doc.doc_id]
    )
    names = sorted({relation for _, relation in counts})
    print(f"{'relation':<10} " + " ".join(f"{name:>12}" for name in names))
    for variant in (*VARIANTS, "original", "unrelated"):
        print(f"{variant:<10} " + " ".join(f"{counts[variant, name]:>12}" for name in names))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset", type=Path, help="directory holding ground-truth/*.json")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--min-words", type=int, default=80)
    parser.add_argument(
        "--half", choices=HALVES, default="test", help="the sites to read (parameters: tune)"
    )
    args = parser.parse_args()

    bodies, short, chrome = load_bodies(args.dataset, args.min_words, args.half)
    unique = drop_duplicate_bodies(bodies)
    print(
        f"{len(bodies) + short} bodies: {short} skipped as shorter than {args.min_words} words, "
        f"{len(bodies) - len(unique)} dropped as near-duplicates of another body, "
        f"{len(unique)} used ({args.half} half of the sites)"
    )
    docs = corpus(unique, chrome, seed=args.seed)
    print(f"{len(docs)} documents, seed {args.seed}: {dict(Counter(d.variant for d in docs))}")
    originals, relations, sign_seconds, link_seconds = predicted_originals(docs)
    ok = report(docs, originals)
    print_relations(docs, relations)
    words = sum(len(doc.text.split()) for doc in docs)
    print(
        f"signatures: {len(docs) / sign_seconds:,.0f} docs/s ({words / len(docs):.0f} words/doc); "
        f"link: {len(docs) / link_seconds:,.0f} docs/s"
    )
    print("targets met" if ok else "targets NOT met")


if __name__ == "__main__":
    main()
