"""The clean task's result: a packed batch that the flow unpacks into the same documents."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from flows import stages as steps
from flows.ingest import clean
from sources.read import read

SEEDS = sorted(Path(__file__).parents[2].joinpath("seeds").glob("*"))


def test_packed_batch_unpacks_to_what_cleaning_gives(tmp_path: Path) -> None:
    bad = tmp_path / "empty.txt"
    bad.write_text("")
    files = [*SEEDS, bad]
    blob = clean.fn(files)
    assert isinstance(blob, bytes)
    got = steps.unpack(blob)
    direct = steps.clean_batch(steps.decode_batch(read(files)).documents)
    assert [d.article_id for d in got.docs] == [d.article_id for d in direct.docs]
    assert [d.article.paragraphs for d in got.docs] == [d.article.paragraphs for d in direct.docs]
    assert [d.signature.hashvalues.tolist() for d in got.docs] == [
        d.signature.hashvalues.tolist() for d in direct.docs
    ]
    assert [r.source for r in got.rejects] == [str(bad)]


def test_unpack_refuses_anything_but_a_packed_batch() -> None:
    with pytest.raises(TypeError, match="expected a packed Cleaned batch, got dict"):
        steps.unpack(pickle.dumps({"docs": []}))
