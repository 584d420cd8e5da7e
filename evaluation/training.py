"""Export of scikit-learn classifiers to the ``.npz`` that ``cleaners.learned`` reads.

Training code lives here, with the tools, so that cleaning never imports scikit-learn (an
optional dependency: ``pip install -e '.[train]'``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np


def export_model(
    path: Path,
    *,
    name: str,
    version: str,
    features: Sequence[str],
    scaler: Any,
    classifier: Any,
    threshold: float | None = None,
) -> None:
    """Write :func:`model_arrays` to ``path``, with the ``threshold`` its user decides by
    (``Model.threshold``) when there is one."""
    arrays = model_arrays(
        name=name, version=version, features=features, scaler=scaler, classifier=classifier
    )
    if threshold is not None:
        arrays["threshold"] = np.array(threshold, np.float32)
    np.savez_compressed(path, **arrays)


def model_arrays(
    *, name: str, version: str, features: Sequence[str], scaler: Any, classifier: Any
) -> dict[str, np.ndarray]:
    """The arrays of a fitted ``StandardScaler`` and a ``LogisticRegression`` or
    ``MLPClassifier`` (ReLU hidden layers), as ``cleaners.learned.read_model`` reads them;
    raises ``TypeError`` for any other classifier."""
    if hasattr(classifier, "coefs_"):
        if classifier.activation != "relu":
            raise TypeError(f"only ReLU perceptrons export, not {classifier.activation!r}")
        weights, biases = list(classifier.coefs_), list(classifier.intercepts_)
    elif hasattr(classifier, "coef_"):
        weights, biases = [classifier.coef_.T], [np.atleast_1d(classifier.intercept_)]
    else:
        raise TypeError(f"cannot export {type(classifier).__name__}")
    scale = np.where(scaler.scale_ == 0, 1.0, scaler.scale_)
    layers = {f"w{i}": w for i, w in enumerate(weights)} | {
        f"b{i}": b for i, b in enumerate(biases)
    }
    return {
        "name": np.array(name),
        "version": np.array(version),
        "features": np.array(list(features)),
        "classes": np.array([str(c) for c in classifier.classes_]),
        "mean": scaler.mean_.astype(np.float32),
        "scale": scale.astype(np.float32),
        "layers": np.array(len(weights)),
        **{key: value.astype(np.float32) for key, value in layers.items()},
    }
