"""Cluster merges through the dedup stage and a real warehouse, across runs.

Three runs, each rebuilding its dedup state from the warehouse as a run does: the first
lands H, the second E and a copy of E (E and H do not match), the third O, which matches
both. The articles' text is real prose from the seeds; their signatures are set value by
value (see ``tests/dedup/test_cluster_merges.py``) so that which pairs match is exact.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import duckdb
import numpy as np

import warehouse
from dedup.matching import ARTICLE_SPEC
from dedup.signatures import Signature
from flows.dedup_stage import Deduplicator
from flows.stages import Cleaned, clean_items
from sources.read import items
from tests.helpers.stories import P1, P2, P3

N = ARTICLE_SPEC.num_perm


def _signatures() -> dict[str, Signature]:
    rng = np.random.default_rng(3)
    o, h, e = (rng.integers(0, 2**32, N, dtype=np.uint32) for _ in range(3))
    h[:63], e[42:105] = o[:63], o[42:105]
    sizes = {"O": 1000, "H": 400, "E": 1000, "E2": 1000}
    values = {"O": o, "H": h, "E": e, "E2": e}
    return {k: Signature.from_values(ARTICLE_SPEC, values[k], sizes[k]) for k in sizes}


def _cleaned(tmp_path: Path, names: list[str]) -> Cleaned:
    """The named articles cleaned from real files, with their set signatures."""
    sigs, paths = _signatures(), []
    tmp_path.mkdir()
    for i, name in enumerate(names):
        path = tmp_path / f"{name}.txt"
        path.write_text(f"Story {name}\n\n{[P1, P2, P3][i % 3]} ({name})\n", "utf-8")
        paths.append(path)
    cleaned = clean_items(items(paths))
    assert not cleaned.rejects
    cleaned.docs = [
        dataclasses.replace(
            doc, signature=sigs[Path(doc.source).stem],
            passage_signatures=[None] * len(doc.passage_signatures),
        )
        for doc in cleaned.docs
    ]  # fmt: skip
    return cleaned


def _run(db: Path, cleaned: Cleaned, run_id: str) -> dict[str, str]:
    with warehouse.open_warehouse(db) as con:
        dedup = Deduplicator.from_warehouse(con)
        deduped = dedup.process(cleaned, run_id)
        deduped.batch.run_id = run_id
        warehouse.land(con, deduped.batch)
    return {Path(d.source).stem: d.article_id for d in cleaned.docs}


def test_a_later_original_merges_landed_clusters_into_the_first(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    ids = _run(db, _cleaned(tmp_path / "r1", ["H"]), "r1")
    ids |= _run(db, _cleaned(tmp_path / "r2", ["E", "E2"]), "r2")
    with duckdb.connect(str(db), read_only=True) as con:
        before = dict(con.execute("SELECT article_id, duplicate_of FROM articles").fetchall())
    assert before == {ids["H"]: None, ids["E"]: None, ids["E2"]: ids["E"]}

    ids |= _run(db, _cleaned(tmp_path / "r3", ["O"]), "r3")
    name = {v: k for k, v in ids.items()}
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("SELECT article_id, duplicate_of, duplicate_relation FROM articles")
        after = {name[a]: (name.get(d), r) for a, d, r in rows.fetchall()}
        merges = con.execute("SELECT merged_root, into_root, articles, run_id FROM cluster_merges")
        merged = merges.fetchall()
    assert after == {
        "H": (None, None),
        "E": ("H", "contains"),
        "E2": ("H", "contains"),
        "O": ("H", "contains"),
    }
    assert merged == [(ids["E"], ids["H"], 3, "r3")]
