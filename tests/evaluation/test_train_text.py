"""Training the text line classifier: labels by alignment, the threshold, and a real fit."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np
import pytest

from cleaners import make_block
from cleaners.text_model import FEATURES, STACKED, read_classifier, relabel
from evaluation.train_text import (
    VERSION,
    align,
    choose_threshold,
    cross_validate,
    format_scores,
    train,
)

pytest.importorskip("sklearn")

DATA = Path(__file__).parents[1] / "data" / "html"
TRUTH = (
    "Der Rat hat am Mittwoch beschlossen, die Brücke zu sanieren.\n\nDie Arbeiten beginnen im Mai."
)


def test_alignment_labels_blocks_by_their_words_in_the_truth() -> None:
    blocks = [
        make_block("Startseite"),
        make_block("Der Rat hat am Mittwoch beschlossen, die Brücke zu sanieren."),
        make_block("[Die Arbeiten](/a) beginnen im Mai."),
        make_block("Teilen auf Facebook und per Mail versenden"),
        make_block("Mai"),
    ]
    assert align(blocks, TRUTH).tolist() == [0, 1, 1, 0, 1]


def test_threshold_removes_what_costs_content_only_where_f1_gains() -> None:
    # three content blocks of 100 words, chrome of 10 words; one content block looks chrome-ish
    chrome = np.array([0.1, 0.2, 0.75, 0.9, 0.95, 0.99])
    content = np.array([1, 1, 1, 0, 0, 0])
    words = np.array([100, 100, 100, 10, 10, 10], dtype=float)
    threshold = choose_threshold(chrome, content, words)
    assert threshold >= 0.75  # removing the 0.75 block would lose a third of the content
    assert threshold < 0.9  # and the chrome above it still goes


def test_threshold_keeps_content_where_f1_is_flat() -> None:
    # a content block of 10 words as chrome-ish as 10 words of chrome: removing both changes
    # F1 by less than the tolerance, so the threshold that keeps them is taken
    chrome = np.array([0.1, 0.65, 0.65, 0.99])
    content = np.array([1, 1, 0, 0])
    words = np.array([1000, 10, 10, 100], dtype=float)
    assert choose_threshold(chrome, content, words) >= 0.65


def _dataset(root: Path) -> None:
    (root / "html").mkdir(parents=True)
    (root / "ground-truth").mkdir()
    html = (DATA / "article.html").read_bytes()
    truth = (
        "The city council voted seven to two on Wednesday night to build protected bike lanes "
        "along the full length of the riverside road, ending a debate that had run through "
        "four public hearings and more than a year of planning work."
    )
    for i in range(4):
        name = f"{i:04d}"
        (root / "html" / f"{name}.html.gz").write_bytes(gzip.compress(html))
        record = {
            "url": f"https://site{i}.example/news/{i}",
            "ground_truth": {"main_content": truth, "title": "Council approves"},
        }
        (root / "ground-truth" / f"{name}.json").write_text(json.dumps(record))


def test_train_writes_a_model_that_cleaning_reads(tmp_path: Path) -> None:
    _dataset(tmp_path / "data")
    out = tmp_path / "models" / "text_blocks.npz"
    report = train([tmp_path / "data"], out=out, validate=False, styles=("visible",))
    assert "4 pages, 4 dumps" in report and out.exists()
    with np.load(out) as data:
        classifier = read_classifier(dict(data))
    assert classifier.model.features == FEATURES
    assert classifier.context is not None and classifier.context.features == STACKED
    assert classifier.rule == f"text_blocks@{VERSION}"
    assert 0.5 <= classifier.threshold < 1.0
    blocks = [make_block("Home"), make_block("Share on Facebook")]
    relabel(blocks, classifier)  # runs on blocks the training never saw
    assert all(b.label in ("body", "navigation", "widget", "sidebar") for b in blocks)


def test_cross_validation_scores_every_system_on_held_out_sites(tmp_path: Path) -> None:
    from evaluation.train_text import SYSTEMS, collect

    _dataset(tmp_path / "data")
    docs = collect([tmp_path / "data"], None, None, ("visible",))
    scores = cross_validate(docs, 0, tmp_path)
    held = {system for (_, page_type, system) in scores.table if page_type == "all"}
    assert held == set(SYSTEMS)
    assert "oracle labels" in format_scores(scores)
