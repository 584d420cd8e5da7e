"""An exported model predicts in numpy what scikit-learn predicts."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from cleaners.learned import read_model
from evaluation.training import export_model

sklearn = pytest.importorskip("sklearn")
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.neural_network import MLPClassifier  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402


def _data(classes: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(300, 5)) * [1, 10, 0.1, 3, 1]
    y = (x[:, 0] + x[:, 1] / 10 > 0).astype(int) + (classes > 2) * (x[:, 3] > 2)
    return x, y


@pytest.mark.parametrize(
    "make",
    [
        lambda: LogisticRegression(max_iter=500),
        lambda: MLPClassifier(hidden_layer_sizes=(8,), max_iter=800, random_state=0),
        lambda: MLPClassifier(hidden_layer_sizes=(6, 4), max_iter=800, random_state=0),
    ],
)
@pytest.mark.parametrize("classes", [2, 3])
def test_numpy_inference_matches_scikit_learn(tmp_path: Path, make, classes: int) -> None:
    x, y = _data(classes)
    scaler = StandardScaler().fit(x)
    model = make().fit(scaler.transform(x), y)
    path = tmp_path / "m.npz"
    features = [f"f{i}" for i in range(5)]
    export_model(path, name="m", version="1", features=features, scaler=scaler, classifier=model)
    with np.load(path) as data:
        loaded = read_model(dict(data))
    expected = model.predict_proba(scaler.transform(x))
    np.testing.assert_allclose(loaded.proba(x), expected, atol=1e-4)
    assert loaded.rule == "m@1" and loaded.features == tuple(features)
