"""Passage-link precision and recall on quotes planted inside unrelated articles.

    .venv/bin/python bench/dedup_passages.py ../shared/data/wcxb-dev [--half test] [--seed 0]

Bodies come from the dataset as in ``syndication.py``, split by site into halves; only those
with at least :data:`MIN_PASSAGES` passages are used (an article quoting a few paragraphs of
another, not one reprinting all of a short one). Half of them are sources; each of the
others, a host, quotes 1 to 3 passages of its own source, each lightly edited (about
:data:`EDIT_RATE` of its words substituted, deleted or inserted) and put at a random place of
the host. Sources and hosts land shuffled, in batches, through the dedup stage's steps
(article bands, passages, passage evidence), as cleaned articles: site chrome (menus, which
recur on every page of a site) is removed before passages link, and is not what this
measures.

A predicted link is a passage and the passage it links to; it is true when the two are a
planted quote and its source paragraph. Recall is the share of planted quotes linked to
their source (in either direction: a host may land before its source). Article links between
a host and its source are counted apart: quoting must not make one article a copy of another.
Targets: precision >= 0.99, recall >= 0.95, no article link.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

from dedup_quality import BATCH
from syndication import HALVES, drop_duplicate_bodies, edit, load_bodies

from dedup.matching import PASSAGE_POLICY, ArticleIndex, PassageIndex, PassagePolicy, passage_id
from dedup.signatures import signatures_with_parts

EDIT_RATE = 0.03
MIN_PASSAGES = 4


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset", type=Path, help="directory holding ground-truth/*.json")
    parser.add_argument("--half", choices=HALVES, default="test")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--near-jaccard", type=float, default=PASSAGE_POLICY.near_jaccard)
    parser.add_argument(
        "--bands", default="{}x{}".format(*PASSAGE_POLICY.bands), help="passage bands, BxR"
    )
    args = parser.parse_args()

    rng = random.Random(args.seed)
    bodies, _, _ = load_bodies(args.dataset, 80, args.half)
    bodies = drop_duplicate_bodies(bodies)
    vocabulary = sorted({w for body in bodies for p in body.paragraphs for w in p.split()})
    bands = tuple(int(n) for n in args.bands.split("x"))
    passages = PassageIndex(PassagePolicy(near_jaccard=args.near_jaccard, bands=bands))
    min_words = passages.policy.min_words

    def long(paragraphs: list[str]) -> list[int]:
        return [i for i, p in enumerate(paragraphs) if len(p.split()) >= min_words]

    rng.shuffle(bodies)
    sources = [b for b in bodies[: len(bodies) // 2] if len(long(b.paragraphs)) >= MIN_PASSAGES]
    hosts = [b for b in bodies[len(bodies) // 2 :] if len(long(b.paragraphs)) >= MIN_PASSAGES]
    hosts = hosts[: len(sources)]  # one host per source: a quote's only source is its own
    docs: list[tuple[str, list[str]]] = []  # (doc id, lines of the dump)
    #: quote passage id -> ids of the source's paragraphs it quotes (with its repeats)
    planted: dict[str, set[str]] = {}
    pairs: set[frozenset[str]] = set()  # {host id, source id}

    def dump(body_title: str, paragraphs: list[str]) -> tuple[list[str], int]:
        """The article's lines, as cleaning leaves them (the headline, then the body), and
        the line where the body starts."""
        return [body_title, *paragraphs], 1

    for n, host in enumerate(hosts):
        source = sources[n]
        candidates = long(source.paragraphs)
        chosen = rng.sample(candidates, min(rng.randint(1, 3), len(candidates)))
        body = list(host.paragraphs)
        places = []
        for i in chosen:
            (quote,) = edit([source.paragraphs[i]], EDIT_RATE, vocabulary, rng)
            at = rng.randint(1, len(body))
            body.insert(at, quote)
            places = [p + (p >= at) for p in places] + [at]
        host_id, source_id = f"host-{host.source}", f"source-{source.source}"
        lines, start = dump(host.title, body)
        docs.append((host_id, lines))
        source_lines, source_start = dump(source.title, source.paragraphs)
        docs.append((source_id, source_lines))
        for i, at in zip(chosen, places, strict=True):
            quote = passage_id(host_id, start + at)
            repeats = [j for j, p in enumerate(source.paragraphs) if p == source.paragraphs[i]]
            planted[quote] = {passage_id(source_id, source_start + j) for j in repeats}
        pairs.add(frozenset({host_id, source_id}))
    rng.shuffle(docs)

    articles = ArticleIndex()
    predicted: set[tuple[str, str]] = set()
    article_links: dict[str, str] = {}
    for first in range(0, len(docs), BATCH):
        batch = docs[first : first + BATCH]
        signed = signatures_with_parts(
            [lines for _, lines in batch],
            articles.policy.spec,
            passages.policy.spec,
            lambda text: len(text.split()) >= min_words,
        )
        article_links.update(
            articles.link(
                (doc_id, None, whole) for (doc_id, _), (whole, _) in zip(batch, signed, strict=True)
            )
        )
        parts = [
            (doc_id, [(passage_id(doc_id, i), s) for i, s in enumerate(sigs) if s is not None])
            for (doc_id, _), (_, sigs) in zip(batch, signed, strict=True)
        ]
        links, met = passages.link_and_meet((pid, aid, s) for aid, sigs in parts for pid, s in sigs)
        predicted.update(links.items())
        article_links.update(
            articles.link_by_passages(
                [(aid, [(pid, s.size) for pid, s in sigs]) for aid, sigs in parts], links, met
            )
        )

    def planted_pair(a: str, b: str) -> bool:
        return b in planted.get(a, ()) or a in planted.get(b, ())

    true = sum(planted_pair(a, b) for a, b in predicted)
    precision = true / len(predicted) if predicted else 1.0
    found = {a for a, b in predicted if a in planted and b in planted[a]}
    found |= {b for a, b in predicted if b in planted and a in planted[b]}
    recall = len(found) / len(planted)
    quoting_links = sum(frozenset({a, b}) in pairs for a, b in article_links.items())
    print(
        f"{len(docs)} articles ({args.half} half of the sites, seed {args.seed}): "
        f"{len(hosts)} hosts quoting {len(planted)} passages of as many sources"
    )
    print(f"passage links: {len(predicted)} predicted, {true} true")
    print(f"passage precision {precision:.4f}  recall {recall:.4f}")
    print(
        f"article links: {len(article_links)} in all, {quoting_links} between a host and its source"
    )
    ok = precision >= 0.99 and recall >= 0.95 and quoting_links == 0
    print("targets met" if ok else "targets NOT met")


if __name__ == "__main__":
    main()
