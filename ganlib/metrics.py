"""Numbers for "does this generator draw convincing digits?", each beside its real-digit value.

GAN losses say who is winning the game, not how good the samples are (notebook 07).
These metrics use a small MNIST classifier instead, trained on half of the embedded
digits (250 of each class). The other half, which the classifier never saw, is the
real reference: a classifier is more confident on its own training images and its
features of them differ from those of any new image, generated or real, so only
unseen real digits make a fair comparison.

* classifier score: exp(E_x KL(p(y|x) || p(y))), the Inception Score with an MNIST
  classifier. At most 10; high when each sample is clearly one digit *and* all
  digits appear.
* Frechet distance between the classifier's penultimate-layer features of
  generated and real digits (FID with an MNIST classifier). Its floor is the
  distance between two disjoint sets of real digits of the same size.
* the histogram of predicted digits and its normalised entropy ("coverage":
  1.0 = all ten digits in equal shares; a generator that makes one digit gets 0).
* the fraction of samples the classifier labels with probability >= 0.9.

A conditional generator is also asked for particular digits, so it can be checked
on whether it draws what it was asked for: :func:`conditional_report` gives the
share of each asked digit that the classifier reads as that digit, and the full
confusion matrix (notebook 08).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

CONFIDENCE = 0.9
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
    model: object
    holdout_accuracy: float
    holdout_size: int
    train_size: int
    epochs: int


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
    return ClassifierReport(model, accuracy, len(hold_idx), len(train_idx), epochs)


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


def classifier_score(probs: np.ndarray) -> float:
    """exp(mean KL(p(y|x) || p(y))): 1 for uninformative or one-digit samples, at most 10."""
    probs = np.clip(np.asarray(probs, np.float64), 1e-12, 1.0)
    marginal = probs.mean(axis=0, keepdims=True)
    kl = np.sum(probs * (np.log(probs) - np.log(marginal)), axis=1)
    return float(np.exp(kl.mean()))


def digit_histogram(probs: np.ndarray) -> np.ndarray:
    """How many samples the classifier assigns to each digit: int (10,)."""
    return np.bincount(np.asarray(probs).argmax(axis=1), minlength=10)


def coverage(probs: np.ndarray) -> float:
    """Normalised entropy of the predicted-digit histogram: 1.0 = ten equal shares, 0 = one digit."""
    counts = digit_histogram(probs).astype(np.float64)
    shares = counts[counts > 0] / counts.sum()
    return float(max(0.0, -np.sum(shares * np.log(shares)) / np.log(10)))  # no -0.0


def confident_fraction(probs: np.ndarray, threshold: float = CONFIDENCE) -> float:
    """Fraction of samples whose most likely digit has probability >= threshold."""
    return float(np.mean(np.asarray(probs).max(axis=1) >= threshold))


def _sqrt_psd(matrix: np.ndarray) -> np.ndarray:
    values, vectors = np.linalg.eigh((matrix + matrix.T) / 2)
    return (vectors * np.sqrt(np.clip(values, 0, None))) @ vectors.T


def frechet_distance(features_a: np.ndarray, features_b: np.ndarray) -> float:
    """Frechet distance between Gaussians fitted to two feature sets (n, d).

    d^2 = |mu_a - mu_b|^2 + Tr(S_a + S_b - 2 (S_a^1/2 S_b S_a^1/2)^1/2), computed
    with symmetric eigendecompositions (no scipy needed).
    """
    a, b = np.asarray(features_a, np.float64), np.asarray(features_b, np.float64)
    if a.ndim != 2 or b.ndim != 2 or a.shape[1] != b.shape[1]:
        raise ValueError(f"feature sets must be (n, d) with the same d, got {a.shape} and {b.shape}")
    if len(a) < 2 or len(b) < 2:
        raise ValueError("each feature set needs at least two samples")
    mu_a, mu_b = a.mean(axis=0), b.mean(axis=0)
    cov_a, cov_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    root_a = _sqrt_psd(cov_a)
    cross = _sqrt_psd(root_a @ cov_b @ root_a)
    value = np.sum((mu_a - mu_b) ** 2) + np.trace(cov_a) + np.trace(cov_b) - 2 * np.trace(cross)
    return float(max(value, 0.0))


@dataclass
class QualityReport:
    """Metrics of one set of images, beside the same metrics of real digits."""

    n: int
    score: float
    coverage: float
    confident: float
    frechet: float
    histogram: list[int]
    real_score: float
    real_coverage: float
    real_confident: float
    frechet_floor: float  # real vs disjoint real, same sizes
    extra: dict = field(default_factory=dict)

    def meets_bar(self, score: float = 9.0, min_coverage: float = 0.98, min_confident: float = 0.9,
                  frechet_factor: float = 3.0) -> bool:
        """The quality bar of the shipped generator (issue: pretrained models)."""
        return (self.score >= score and self.coverage >= min_coverage and self.confident >= min_confident
                and self.frechet <= frechet_factor * self.frechet_floor)

    def table(self) -> str:
        rows = [
            ("classifier score (max 10)", self.score, self.real_score),
            ("coverage (1 = all digits equally)", self.coverage, self.real_coverage),
            (f"confidently classified (p >= {CONFIDENCE})", self.confident, self.real_confident),
            ("Frechet distance (real-vs-real floor)", self.frechet, self.frechet_floor),
        ]
        lines = [f"{'metric':40s} {'these':>8s} {'real':>8s}"]
        lines += [f"{name:40s} {a:8.3f} {b:8.3f}" for name, a, b in rows]
        lines.append("digits: " + " ".join(f"{d}:{c}" for d, c in enumerate(self.histogram)))
        return "\n".join(lines)


def evaluate_images(classifier, images: np.ndarray, reference: np.ndarray, seed: int = 0) -> QualityReport:
    """All metrics of ``images`` beside those of real digits.

    Parameters
    ----------
    classifier : from :func:`make_classifier` / :func:`train_classifier`
    images : float32 (n, 28, 28, 1) in [-1, 1], e.g. generated digits
    reference : real digits the classifier never saw (:func:`reference_digits`)

    The reference is split into two disjoint halves A and B. Score, coverage and
    confidence use all of ``images`` (and all of the reference); the Frechet
    distance compares ``min(n, len(A))`` images with A, and its floor is B against A
    at that same size.
    """
    images = np.asarray(images, np.float32)
    ref = _reference_stats(classifier, reference, len(images), seed)
    n = ref["n"]
    probs = predict_proba(classifier, images)
    return QualityReport(
        n=len(images),
        score=classifier_score(probs),
        coverage=coverage(probs),
        confident=confident_fraction(probs),
        frechet=frechet_distance(features(classifier, images[:n]), ref["feats_a"]),
        histogram=digit_histogram(probs).tolist(),
        real_score=ref["score"],
        real_coverage=ref["coverage"],
        real_confident=ref["confident"],
        frechet_floor=ref["floor"],
    )


def _reference_stats(classifier, reference: np.ndarray, n_images: int, seed: int) -> dict:
    """What evaluate_images needs of the real digits; it depends on the images only through their number."""
    reference = np.asarray(reference, np.float32)
    half = len(reference) // 2
    n = min(n_images, half)
    if n < 10:
        raise ValueError(f"need at least 10 images and 20 reference digits, got {n_images} and {len(reference)}")
    order = np.random.default_rng(seed).permutation(len(reference))
    real_a, real_b = reference[order[:n]], reference[order[half:half + n]]
    real_probs = predict_proba(classifier, reference)
    feats_a = features(classifier, real_a)
    return {"n": n, "feats_a": feats_a, "floor": frechet_distance(features(classifier, real_b), feats_a),
            "score": classifier_score(real_probs), "coverage": coverage(real_probs),
            "confident": confident_fraction(real_probs)}


def evaluate_generator(generator, classifier, reference: np.ndarray, n: int = 5000,
                       seed: int = 0) -> QualityReport:
    """Draw ``n`` digits from N(0, I) latents (seeded) and evaluate them with :func:`evaluate_images`.

    A conditional generator is asked for every digit equally often (labels 0, 1, ..., 9, 0, ...).
    """
    return evaluate_images(classifier, _draw(generator, n, seed), reference, seed=seed)


def _draw(generator, n: int, seed: int) -> np.ndarray:
    """n images from seeded N(0, I) latents; from a conditional generator, every digit equally often."""
    from .latent import sample_latent
    from .models import cycling_labels, generate_images, latent_dim_of, num_classes_of

    z = sample_latent(n, latent_dim_of(generator), seed=seed)
    num_classes = num_classes_of(generator)
    return generate_images(generator, z, None if num_classes is None else cycling_labels(n, num_classes))


def quality_probe(classifier, reference: np.ndarray, n: int = 1000, seed: int = 0):
    """A callable ``generator -> dict`` for :func:`ganlib.training.train`'s ``quality`` hook.

    Evaluates the same ``n`` latent points each time, so the numbers over training
    differ only because the generator changed.
    """
    ref = _reference_stats(classifier, reference, n, seed)  # once: the real digits do not change

    def probe(generator) -> dict[str, float]:
        images = _draw(generator, n, seed)
        probs = predict_proba(classifier, images)
        images_feats = features(classifier, images[:ref["n"]])
        return {"score": classifier_score(probs), "coverage": coverage(probs),
                "confident": confident_fraction(probs),
                "frechet": frechet_distance(images_feats, ref["feats_a"]), "frechet_floor": ref["floor"]}

    return probe


@dataclass
class ConditionalReport:
    """How well a conditional generator draws the digit it is asked for, judged by a classifier.

    Attributes
    ----------
    per_digit : float64 array of shape (num_classes,); entry d is the fraction of the
        samples asked for digit d that the classifier assigns to d (NaN for a digit
        never asked for)
    confusion : int64 array of shape (num_classes, num_classes); entry [a, c] counts
        the samples asked for digit a that the classifier assigns to digit c
        (rows: asked, columns: classified; each row sums to the samples asked for a)
    score : classifier score (:func:`classifier_score`) of all samples together
    """

    per_digit: np.ndarray
    confusion: np.ndarray
    score: float

    @property
    def n(self) -> int:
        """The number of samples judged."""
        return int(self.confusion.sum())

    def meets_bar(self, min_per_digit: float = 0.9, min_score: float = 9.0) -> bool:
        """The conditional model's quality bar: every digit classified as asked in at least
        ``min_per_digit`` of its samples, and a classifier score of at least ``min_score``."""
        return bool(np.all(self.per_digit >= min_per_digit) and self.score >= min_score)

    def table(self) -> str:
        """One line per asked digit: the share classified as asked, and the most common other verdict."""
        lines = [f"{'asked':>5} {'samples':>8} {'classified as asked':>20}   most common other digit"]
        for d, row in enumerate(self.confusion):
            others = row.copy()
            others[d] = 0
            other = int(others.argmax())
            shown = f"{other} ({others[other]} of {row.sum()})" if others[other] else "none"
            lines.append(f"{d:>5} {row.sum():>8} {self.per_digit[d]:>20.3f}   {shown}")
        lines.append(f"classifier score of all {self.n} samples: {self.score:.3f} (max 10)")
        return "\n".join(lines)


def conditional_report_from(probs: np.ndarray, asked: np.ndarray) -> ConditionalReport:
    """The :class:`ConditionalReport` of samples already classified.

    Parameters
    ----------
    probs : array of shape (n, num_classes), the classifier's p(digit | image) of each sample
    asked : int array of shape (n,), the digit each sample was asked for, in 0 .. num_classes - 1
    """
    probs = np.asarray(probs, np.float64)
    asked = np.asarray(asked)
    if probs.ndim != 2 or asked.shape != (len(probs),):
        raise ValueError(f"probs must be (n, num_classes) and asked (n,), got {probs.shape} and {asked.shape}")
    num_classes = probs.shape[1]
    if asked.size and (not np.issubdtype(asked.dtype, np.integer) or asked.min() < 0
                       or asked.max() >= num_classes):
        raise ValueError(f"asked must hold integer digits in 0-{num_classes - 1}")
    confusion = np.zeros((num_classes, num_classes), np.int64)
    np.add.at(confusion, (asked, probs.argmax(axis=1)), 1)
    totals = confusion.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):  # a digit never asked for gets NaN
        per_digit = np.diag(confusion) / totals
    return ConditionalReport(per_digit=per_digit, confusion=confusion, score=classifier_score(probs))


def conditional_report(generator, classifier, n_per_digit: int = 500, seed: int = 0) -> ConditionalReport:
    """Ask a conditional generator for every digit ``n_per_digit`` times and classify what it draws.

    The latent points are ``sample_latent(num_classes * n_per_digit, latent_dim, seed)``,
    a different point for every sample; samples 0 .. n_per_digit - 1 are asked for 0,
    the next n_per_digit for 1, and so on.

    Parameters
    ----------
    generator : a conditional generator (:func:`ganlib.load_pretrained_conditional`)
    classifier : e.g. :func:`ganlib.load_classifier`
    n_per_digit : positive int
    seed : latent seed

    Cost: one generator and one classifier pass over num_classes * n_per_digit images.
    """
    from .latent import sample_latent
    from .models import generate_images, latent_dim_of, num_classes_of

    num_classes = num_classes_of(generator)
    if num_classes is None:
        raise ValueError("conditional_report needs a conditional generator, one trained with "
                         "DCGANConfig(conditional=True); use evaluate_generator for this one")
    if n_per_digit < 1:
        raise ValueError(f"n_per_digit must be positive, got {n_per_digit}")
    asked = np.repeat(np.arange(num_classes, dtype=np.int32), n_per_digit)
    z = sample_latent(len(asked), latent_dim_of(generator), seed=seed)
    return conditional_report_from(predict_proba(classifier, generate_images(generator, z, asked)), asked)


# --- Parzen-window log-likelihood (Goodfellow et al. 2014, Table 1; notebook 07) -------------------

#: The sigmas Goodfellow et al.'s code searched: 10 values from 0.1 to 1, evenly spaced in log.
PARZEN_SIGMAS = np.logspace(-1, 0, 10)


def unit_pixels(images: np.ndarray) -> np.ndarray:
    """Images in [-1, 1] (ganlib's range) as flat pixel values in [0, 1], the scale of the Parzen papers.

    images : array of shape (n, 28, 28, 1) (any shape (n, ...)) in [-1, 1]
    Returns float64 (n, 784) in [0, 1].
    """
    images = np.asarray(images, np.float64)
    return ((images + 1.0) / 2.0).reshape(len(images), -1)


def _logsumexp_rows(a: np.ndarray) -> np.ndarray:
    top = a.max(axis=1, keepdims=True)
    return (top + np.log(np.sum(np.exp(a - top), axis=1, keepdims=True)))[:, 0]


def _parzen_table(samples: np.ndarray, test: np.ndarray, sigmas: np.ndarray, batch_size: int) -> np.ndarray:
    """log p(test_j) for every sigma: float64 (len(sigmas), n_test)."""
    samples = np.asarray(samples, np.float64).reshape(len(samples), -1)
    test = np.asarray(test, np.float64).reshape(len(test), -1)
    if samples.shape[1] != test.shape[1]:
        raise ValueError(f"samples and test points must have the same size, got {samples.shape} and {test.shape}")
    if len(samples) == 0 or len(test) == 0:
        raise ValueError("need at least one sample and one test point")
    sigmas = np.asarray(sigmas, np.float64).reshape(-1)
    if not np.all(sigmas > 0):
        raise ValueError(f"sigma must be > 0, got {sigmas}")
    n, d = samples.shape
    sample_sq = np.sum(samples ** 2, axis=1)
    out = np.empty((len(sigmas), len(test)))
    for start in range(0, len(test), batch_size):
        x = test[start:start + batch_size]
        # |x - s|^2 = |x|^2 + |s|^2 - 2 x.s: one matrix product per batch of test points
        dist = np.sum(x ** 2, axis=1)[:, None] + sample_sq[None, :] - 2.0 * x @ samples.T
        dist = np.maximum(dist, 0.0)
        for k, sigma in enumerate(sigmas):
            # log mean_i N(x; s_i, sigma^2 I), by log-sum-exp: the kernels underflow in 784 dimensions
            out[k, start:start + len(x)] = (_logsumexp_rows(-dist / (2.0 * sigma ** 2)) - np.log(n)
                                            - 0.5 * d * np.log(2.0 * np.pi * sigma ** 2))
    return out


def parzen_log_densities(samples: np.ndarray, test: np.ndarray, sigma: float, batch_size: int = 100) -> np.ndarray:
    """log p(x) of each test point under a Gaussian kernel density estimate built on ``samples``.

    p(x) = (1/n) sum_i N(x; s_i, sigma^2 I), the Parzen window of Goodfellow et al. 2014.

    Parameters
    ----------
    samples : (n, ...) array, e.g. :func:`unit_pixels` of generated images; flattened to (n, d)
    test : (m, ...) array of the same size per row, e.g. :func:`unit_pixels` of real digits
    sigma : kernel width, > 0, in the units of the data (pixel values in [0, 1] for images)
    batch_size : test points per matrix product; memory is batch_size * n floats

    Returns
    -------
    float64 (m,): log-densities in nats.
    """
    return _parzen_table(samples, test, [sigma], batch_size)[0]


def parzen_log_likelihood(samples: np.ndarray, test: np.ndarray, sigma: float, batch_size: int = 100) -> float:
    """Mean log-likelihood (nats) of ``test`` under the Parzen window on ``samples``.

    The number of Table 1 of Goodfellow et al. 2014 (225 +- 2 on MNIST, with 10,000
    samples and the 10,000 MNIST test digits as pixel values in [0, 1]). Theis, van
    den Oord & Bethge 2016 explain why it is a poor measure of a generative model:
    in hundreds of dimensions it needs far more samples than anyone draws, and it
    ranks blurry or memorised samples high. See notebook 07 and
    :func:`parzen_log_densities` for the per-point values.
    """
    return float(parzen_log_densities(samples, test, sigma, batch_size).mean())


def select_parzen_sigma(samples: np.ndarray, validation: np.ndarray, sigmas=PARZEN_SIGMAS,
                        batch_size: int = 100) -> tuple[float, np.ndarray]:
    """The kernel width that maximises the mean log-likelihood of a validation set.

    Choose sigma on points that are not the test points (as Goodfellow et al. did),
    then report :func:`parzen_log_likelihood` on the test points with that sigma.

    Returns
    -------
    (best sigma, float64 array of the mean validation log-likelihood for each of ``sigmas``)
    """
    sigmas = np.asarray(sigmas, np.float64).reshape(-1)
    means = _parzen_table(samples, validation, sigmas, batch_size).mean(axis=1)
    return float(sigmas[int(np.argmax(means))]), means
