"""Inference of the learned classifiers shipped with the package, in plain numpy.

A model is trained with scikit-learn (``evaluation/training.py``) and exported to an ``.npz``
beside this module (``cleaners/models/``): the feature names it expects, the standardisation
fitted on the training folds, and the weights of a logistic regression or a small multi-layer
perceptron with ReLU hidden layers. Inference is a few matrix products over a whole batch of
blocks, so cleaning neither imports scikit-learn nor pays for it per block.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib.resources import files

import numpy as np

MODELS = files("cleaners") / "models"


@dataclass(frozen=True, slots=True)
class Model:
    """An exported classifier: ``proba`` gives one row of class probabilities per input row."""

    name: str
    version: str
    features: tuple[str, ...]
    classes: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    weights: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray, ...]
    #: The probability its user decides by, where one was chosen on the training folds and
    #: exported with the model (``threshold`` in the ``.npz``).
    threshold: float | None = None

    @property
    def rule(self) -> str:
        """The name its removals carry in ``removals.rule``: model and version."""
        return f"{self.name}@{self.version}"

    def proba(self, rows: np.ndarray) -> np.ndarray:
        """Class probabilities of ``rows`` (one row per block, columns in ``features`` order)."""
        x = (np.asarray(rows, dtype=np.float32) - self.mean) / self.scale
        for w, b in zip(self.weights[:-1], self.biases[:-1], strict=True):
            x = np.maximum(x @ w + b, 0.0)
        logits = x @ self.weights[-1] + self.biases[-1]
        if logits.shape[1] == 1:  # binary: one logit for the second class
            # float32 exp overflows past |88|; the probability is 0 or 1 there anyway
            p = 1.0 / (1.0 + np.exp(-np.clip(logits[:, 0], -80.0, 80.0)))
            return np.stack([1.0 - p, p], axis=1)
        logits -= logits.max(axis=1, keepdims=True)
        e = np.exp(logits)
        return e / e.sum(axis=1, keepdims=True)


def read_model(data: dict[str, np.ndarray]) -> Model:
    """A model from the arrays of an exported ``.npz``."""
    layers = int(data["layers"])
    return Model(
        name=str(data["name"]),
        version=str(data["version"]),
        features=tuple(str(f) for f in data["features"]),
        classes=tuple(str(c) for c in data["classes"]),
        mean=data["mean"].astype(np.float32),
        scale=data["scale"].astype(np.float32),
        weights=tuple(data[f"w{i}"].astype(np.float32) for i in range(layers)),
        biases=tuple(data[f"b{i}"].astype(np.float32) for i in range(layers)),
        threshold=float(data["threshold"]) if "threshold" in data else None,
    )


@functools.cache
def load_model(file_name: str) -> Model:
    """A model shipped in ``cleaners/models/``, read once per process."""
    with MODELS.joinpath(file_name).open("rb") as handle, np.load(handle) as data:
        return read_model(dict(data))
