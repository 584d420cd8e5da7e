"""Acceptance on the seeds: every gold-labelled line ends where the gold says."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from cleaners import Article, clean_text
from cleaners.normalize import fold_ws

ROOT = Path(__file__).resolve().parents[2]
GOLD = json.loads((Path(__file__).parents[1] / "data" / "seeds_gold.json").read_text("utf-8"))

#: The gold file labels the copyright line "copyright"; the kinds vocabulary calls it "legal".
KIND_ALIASES = {"copyright": "legal"}
KEPT = ("body", "heading")


def _clean(name: str) -> Article:
    return clean_text((ROOT / "seeds" / name).read_text("utf-8"), source=name)


@pytest.mark.parametrize("name", sorted(GOLD))
def test_kept_lines_are_kept_verbatim_and_in_order(name: str) -> None:
    article = _clean(name)
    expected = [fold_ws(x["text"]) for x in GOLD[name]["lines"] if x["label"] in KEPT]
    assert [fold_ws(p) for p in article.paragraphs] == expected


@pytest.mark.parametrize("name", sorted(GOLD))
def test_headings_are_marked(name: str) -> None:
    article = _clean(name)
    expected = [fold_ws(x["text"]) for x in GOLD[name]["lines"] if x["label"] == "heading"]
    assert [fold_ws(article.paragraphs[i]) for i in article.headings] == expected


@pytest.mark.parametrize("name", sorted(GOLD))
def test_other_lines_are_removed_with_the_gold_kind(name: str) -> None:
    article = _clean(name)
    removed = [(r.kind, fold_ws(r.text)) for r in article.removed]
    expected = [
        (KIND_ALIASES.get(x["label"], x["label"]), fold_ws(x["text"]))
        for x in GOLD[name]["lines"]
        if x["label"] not in KEPT
    ]
    assert removed == expected
    assert all(r.rule for r in article.removed)


@pytest.mark.parametrize("name", sorted(GOLD))
def test_gold_title_is_found(name: str) -> None:
    assert _clean(name).title == GOLD[name]["title"]


def test_lifted_lines_fill_metadata() -> None:
    examiner = _clean("001_fa8557c005fb274b.txt")
    assert examiner.site == "Washington Examiner"
    # "August 26, 04:11 PM" gives no year; the caption's "Aug. 18, 2021" in the same file does.
    assert examiner.published == dt.date(2021, 8, 26)
    assert _clean("004_2f6d8688ad184860.txt").authors == ["Mike Glenn"]
