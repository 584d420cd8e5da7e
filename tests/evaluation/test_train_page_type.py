"""The page-type training: floors chosen on training folds only, and exported with the model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from cleaners.learned import read_model
from cleaners.page_type import ARTICLE
from evaluation.train_page_type import (
    BA_TOLERANCE,
    FLOORS,
    Samples,
    balanced_accuracy,
    choose_floor,
    cross_validate,
    fit_and_export,
)

pytest.importorskip("sklearn")


def _samples(shift: float) -> Samples:
    """Two features; articles sit ``shift`` apart from the other types. 60 sites."""
    rng = np.random.default_rng(1)
    samples = Samples([], [], [], [], [])
    kinds = (ARTICLE, ARTICLE, "listing", "forum")
    for i in range(480):
        label = kinds[i % 4]
        centre = shift if label == ARTICLE else 0.0
        row = {"a": rng.normal(centre), "b": rng.normal(1.0 if label == "forum" else 0.0)}
        samples.add(row, label, f"site{i % 60}.example")
    return samples


def test_balanced_accuracy_weighs_both_sides_alike() -> None:
    truth = np.array([True] * 8 + [False] * 2)
    assert balanced_accuracy(truth, np.ones(10, bool)) == 0.5
    assert balanced_accuracy(truth, truth) == 1.0


def test_the_lowest_floor_within_the_tolerance_of_the_best_is_chosen() -> None:
    proba = np.array([0.9, 0.8, 0.35, 0.12, 0.12, 0.05, 0.01])
    truth = np.array([True, True, True, False, True, False, False])
    scores = [balanced_accuracy(truth, proba >= f) for f in FLOORS]
    chosen = choose_floor(proba, truth)
    assert balanced_accuracy(truth, proba >= chosen) >= max(scores) - BA_TOLERANCE
    lower = [s for f, s in zip(FLOORS, scores, strict=True) if f < chosen]
    assert all(s < max(scores) - BA_TOLERANCE for s in lower)


def test_held_out_floors_are_chosen_per_fold_and_a_fixed_floor_is_kept() -> None:
    samples = _samples(shift=3.0)
    chosen = cross_validate("html", samples, folds=5)
    assert len(chosen.floors) == 5 and set(chosen.floors) <= set(FLOORS)
    assert chosen.balanced_accuracy() > 0.9
    fixed = cross_validate("text", samples, folds=5, floor=0.002)
    assert fixed.floors == [0.002] * 5
    # nearly every page is an article at a floor that low: the non-articles' recall falls
    assert fixed.balanced_accuracy() < chosen.balanced_accuracy()


def test_the_floor_is_exported_with_the_model(tmp_path: Path) -> None:
    path = tmp_path / "page_type.npz"
    floor = fit_and_export(_samples(shift=3.0), path, "page_type", folds=5)
    with np.load(path) as data:
        model = read_model(dict(data))
    assert model.threshold == pytest.approx(floor) and floor in FLOORS
    assert model.features == ("a", "b") and ARTICLE in model.classes
