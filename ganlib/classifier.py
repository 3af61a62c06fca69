"""The MNIST classifier behind the sample-quality metrics: its network, training, hold-out
split, reference digits, features and files.

A small CNN trained on half of the embedded digits (250 of each class). The other
half, which it never saw, is the real reference the metrics compare samples with
(:mod:`ganlib.metrics`): a classifier is more confident on its own training images,
and its features of them differ from those of any new image, generated or real, so
only unseen real digits make a fair comparison. The shipped one lives in
``pretrained/`` (:func:`ganlib.load_classifier` checks its hashes); ``python -m ganlib
classifier`` trains it again with :func:`train_classifier` and :func:`save_classifier`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

CLASSIFIER_WEIGHTS = "classifier.weights.h5"
CLASSIFIER_INFO = "classifier.json"
FEATURES_LAYER = "features"
HOLDOUT_PER_CLASS = 250


def make_classifier(seed: int = 0):
    """A small CNN: images (n, 28, 28, 1) in [-1, 1] -> 10 logits.

    Its 128-unit layer named ``features`` feeds the Frechet distance.
    """
    import keras
    from keras import layers

    keras.utils.set_random_seed(seed)
    return keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1), name="image"),
            layers.Conv2D(32, 3, activation="relu", name="conv1"),
            layers.MaxPooling2D(name="pool1"),
            layers.Conv2D(64, 3, activation="relu", name="conv2"),
            layers.MaxPooling2D(name="pool2"),
            layers.Flatten(name="flatten"),
            layers.Dense(128, activation="relu", name=FEATURES_LAYER),
            layers.Dropout(0.3, name="dropout"),
            layers.Dense(10, name="logits"),
        ],
        name="mnist_classifier",
    )


def split_holdout(labels: np.ndarray, per_class: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Indices (train, holdout) with ``per_class`` held-out digits of each class."""
    rng = np.random.default_rng(seed)
    holdout = np.concatenate([
        rng.choice(np.flatnonzero(labels == d), per_class, replace=False) for d in range(10)
    ])
    train = np.setdiff1d(np.arange(len(labels)), holdout)
    return train, np.sort(holdout)


@dataclass
class ClassifierReport:
    """A classifier from :func:`train_classifier` and how it did on the digits held out."""

    model: object
    holdout_accuracy: float
    holdout_size: int
    train_size: int
    epochs: int
    holdout_per_class: int = HOLDOUT_PER_CLASS
    seed: int = 0


def train_classifier(images: np.ndarray, labels: np.ndarray, holdout_per_class: int = HOLDOUT_PER_CLASS,
                     epochs: int = 10, seed: int = 0, verbose: int = 0) -> ClassifierReport:
    """Train :func:`make_classifier` on real digits, holding out some of each class.

    Parameters
    ----------
    images : float32 (n, 28, 28, 1) in [-1, 1]; labels : int (n,) in 0-9
    holdout_per_class : digits of each class kept out of training; they measure the
        accuracy and serve as the real reference (:func:`reference_digits`)

    Returns
    -------
    ClassifierReport with the model and its accuracy on the held-out digits.
    """
    import keras

    train_idx, hold_idx = split_holdout(labels, holdout_per_class, seed)
    model = make_classifier(seed)
    model.compile(optimizer=keras.optimizers.Adam(1e-3),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    model.fit(images[train_idx], labels[train_idx], batch_size=64, epochs=epochs, verbose=verbose,
              shuffle=True)
    probs = predict_proba(model, images[hold_idx])
    accuracy = float(np.mean(probs.argmax(axis=1) == labels[hold_idx]))
    return ClassifierReport(model, accuracy, len(hold_idx), len(train_idx), epochs, holdout_per_class, seed)


def reference_digits(images: np.ndarray, labels: np.ndarray, holdout_per_class: int = HOLDOUT_PER_CLASS,
                     seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The real digits a classifier trained with the same arguments never saw."""
    _, hold_idx = split_holdout(labels, holdout_per_class, seed)
    return images[hold_idx], labels[hold_idx]


def _batched(model, images: np.ndarray, batch_size: int) -> np.ndarray:
    images = np.asarray(images, np.float32)
    parts = [np.asarray(model(images[i:i + batch_size], training=False))
             for i in range(0, len(images), batch_size)]
    return np.concatenate(parts).astype(np.float64)


def predict_proba(classifier, images: np.ndarray, batch_size: int = 500) -> np.ndarray:
    """Class probabilities, float64 (n, 10), rows summing to 1."""
    logits = _batched(classifier, images, batch_size)
    logits -= logits.max(axis=1, keepdims=True)
    p = np.exp(logits)
    return p / p.sum(axis=1, keepdims=True)


def features(classifier, images: np.ndarray, batch_size: int = 500) -> np.ndarray:
    """The classifier's ``features`` activations, float64 (n, 128)."""
    import keras

    extractor = getattr(classifier, "_ganlib_features", None)
    if extractor is None:  # built once per classifier: a new model each call would retrace
        extractor = keras.Model(classifier.inputs[0], classifier.get_layer(FEATURES_LAYER).output)
        classifier._ganlib_features = extractor
    return _batched(extractor, images, batch_size)


def save_classifier(report: ClassifierReport, out: str | Path, seconds: float) -> Path:
    """Write a trained classifier's weights and how it was trained (``classifier.json``) into ``out``.

    The weights file holds no optimizer state: it is loaded for inference only.
    Returns the folder.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    shipped = make_classifier(report.seed)  # uncompiled: its file holds no optimizer state
    shipped.set_weights(report.model.get_weights())
    shipped.save_weights(str(out / CLASSIFIER_WEIGHTS))
    info = {"data": "embedded", "seed": report.seed, "epochs": report.epochs,
            "holdout_per_class": report.holdout_per_class, "train_size": report.train_size,
            "holdout_size": report.holdout_size, "holdout_accuracy": round(report.holdout_accuracy, 4),
            "seconds": round(seconds, 1)}
    (out / CLASSIFIER_INFO).write_text(json.dumps(info, indent=2) + "\n")
    return out


def read_info(directory: str | Path) -> dict:
    """How the classifier in ``directory`` was trained: seed, hold-out size, epochs, hold-out accuracy."""
    return json.loads((Path(directory) / CLASSIFIER_INFO).read_text())


def load_classifier_from(directory: str | Path):
    """The classifier saved in ``directory`` by :func:`save_classifier`, without a hash check
    (:func:`ganlib.load_classifier` checks the shipped one)."""
    from .checkpoints import load_weights

    model = make_classifier(read_info(directory).get("seed", 0))
    load_weights(model, Path(directory) / CLASSIFIER_WEIGHTS)
    return model


def reference_for(info: dict) -> np.ndarray:
    """The embedded real digits that the classifier described by ``info`` (:func:`read_info`)
    never saw: float32 (n, 28, 28, 1) in [-1, 1]."""
    from .data import load_mnist

    images, labels = load_mnist("embedded", verbose=False)
    return reference_digits(images, labels, info["holdout_per_class"], info["seed"])[0]
