"""Clusters that an article bridges are merged into the older one; chrome does not bridge.

Signatures are built value by value, so that which pairs share bands and what their
estimated Jaccard and containment are is exact: the original O, its first two fifths H (all
of H in O) and a copy E with a third of its words edited (two thirds of it in O). H and E
share a fifth of their values: a candidate pair, but H is too small for the edited tier
(size ratio 0.4) and too little of it is in E for the part tier (0.49), so each starts a
cluster; O matches both.
"""

from __future__ import annotations

import numpy as np
import pytest

from dedup.matching import ARTICLE_SPEC, ArticleIndex
from dedup.signatures import Signature

N = ARTICLE_SPEC.num_perm


def _values(rng: np.random.Generator) -> np.ndarray:
    return rng.integers(0, 2**32, N, dtype=np.uint32)


def _sig(values: np.ndarray, size: int) -> Signature:
    return Signature.from_values(ARTICLE_SPEC, values, size)


def _story(seed: int) -> dict[str, Signature]:
    rng = np.random.default_rng(seed)
    o = _values(rng)
    h, e = _values(rng), _values(rng)
    h[:63] = o[:63]  # 21 bands of O
    e[42:105] = o[42:105]  # 21 bands of O, 7 of them H's too
    return {"O": _sig(o, 1000), "H": _sig(h, 400), "E": _sig(e, 1000)}


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("batches", [[["H"], ["E"], ["O"]], [["H", "E"], ["O"]], [["H", "E", "O"]]])
def test_the_original_merges_the_clusters_of_its_copies_into_the_first(seed, batches):
    story = _story(seed)
    index = ArticleIndex()
    links: dict[str, str] = {}
    for batch in batches:
        links.update(index.link((f"{seed}-{k}", "site", story[k]) for k in batch))
    h, e, o = (f"{seed}-{k}" for k in "HEO")
    # E is a copy in the links of the batch that merged it; landed before, it is relinked.
    assert links == ({o: h, e: h} if "E" in batches[-1] else {o: h})
    assert [index.original(k) for k in (h, e, o)] == [h, h, h]
    # O itself first linked to E (its best match), then followed E's cluster into H's.
    assert [(m.root, m.into, sorted(m.articles)) for m in index.take_merges()] == [
        (e, h, sorted([e, o]))
    ]
    assert index.take_merges() == []


def test_members_of_the_merged_cluster_follow_it():
    story = _story(7)
    index = ArticleIndex()
    index.link([("H", None, story["H"]), ("E", None, story["E"])])
    index.link([("E-copy", None, story["E"])])  # a copy of E: in E's cluster
    assert index.original("E-copy") == "E"
    links = index.link([("O", None, story["O"])])
    assert links == {"O": "H"}
    (merge,) = index.take_merges()
    assert (merge.root, merge.into, sorted(merge.articles)) == ("E", "H", ["E", "E-copy", "O"])
    assert [index.original(k) for k in ("E", "E-copy", "O")] == ["H", "H", "H"]
    assert index.relation("E-copy") == "contains"  # its new original, H, is a part of it
    assert index.relation("H") is None


@pytest.mark.parametrize("seed", range(4))
def test_an_article_matching_two_unrelated_stories_does_not_merge_them(seed):
    """D shares half its values with X and half with Y (a page heavy with its site's chrome
    that matches two stories of the site); X and Y share nothing, so D links to one of them
    and they stay two clusters."""
    rng = np.random.default_rng(100 + seed)
    x, y, d = _values(rng), _values(rng), _values(rng)
    d[:63], d[63:126] = x[:63], y[63:126]
    index = ArticleIndex()
    index.link([("X", None, _sig(x, 1000)), ("Y", None, _sig(y, 1000))])
    links = index.link([("D", None, _sig(d, 1000))])
    assert set(links) == {"D"} and links["D"] in {"X", "Y"}
    assert (index.original("X"), index.original("Y")) == ("X", "Y")
    assert index.take_merges() == []
