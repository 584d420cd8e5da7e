"""The clean task's result: a packed batch that the flow unpacks into the same documents."""

from __future__ import annotations

import datetime as dt
import json
import pickle
from pathlib import Path

import pytest

from flows import stages
from flows.ingest import clean
from sources.read import items, read

SEEDS = sorted(Path(__file__).parents[2].joinpath("seeds").glob("*"))


def test_packed_batch_unpacks_to_what_cleaning_gives(tmp_path: Path) -> None:
    bad = tmp_path / "empty.txt"
    bad.write_text("")
    files = [*SEEDS, bad]
    blob = clean.fn(list(items(files)))
    assert isinstance(blob, bytes)
    got = stages.unpack(blob)
    direct = stages.clean_batch(stages.decode_batch(read(files)).documents)
    assert [d.article_id for d in got.docs] == [d.article_id for d in direct.docs]
    assert [d.article.paragraphs for d in got.docs] == [d.article.paragraphs for d in direct.docs]
    assert [d.signature.hashvalues.tolist() for d in got.docs] == [
        d.signature.hashvalues.tolist() for d in direct.docs
    ]
    assert [r.source for r in got.rejects] == [str(bad)]


def test_unpack_refuses_anything_but_a_packed_batch() -> None:
    with pytest.raises(TypeError, match="expected a packed Cleaned batch, got dict"):
        stages.unpack(pickle.dumps({"docs": []}))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-05-01T10:00:00Z", dt.datetime(2024, 5, 1, 10, 0)),
        ("2024-05-01T12:00:00+02:00", dt.datetime(2024, 5, 1, 10, 0)),
        ("2024-05-01 10:00:00", dt.datetime(2024, 5, 1, 10, 0)),
        ("yesterday", None),
        ("", None),
        (None, None),
    ],
)
def test_fetch_times_land_as_naive_utc_or_not_at_all(
    value: str | None, expected: dt.datetime | None
) -> None:
    assert stages.fetched_time(value) == expected


def test_a_records_fetch_time_reaches_the_cleaned_document(tmp_path: Path) -> None:
    body = "The council met on Tuesday and voted to approve the new harbour plan in full."
    records = tmp_path / "pages.jsonl"
    records.write_text(
        json.dumps({"url": "https://a.example/1", "text": body, "fetched_at": "2024-05-01T10:00Z"})
        + "\n"
        + json.dumps({"url": "https://a.example/2", "text": body + " Again."})
        + "\n"
    )
    cleaned = stages.clean_batch(stages.decode_batch(read([records])).documents)
    assert [d.fetched_at for d in cleaned.docs] == [dt.datetime(2024, 5, 1, 10, 0), None]
