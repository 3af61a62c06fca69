"""Numbers for "does this generator draw convincing digits?", each beside its real-digit value.

GAN losses say who is winning the game, not how good the samples are (notebook 07).
These metrics judge samples with the small MNIST classifier of
:mod:`ganlib.classifier`, and compare them with real digits that classifier never
saw (:func:`ganlib.classifier.reference_digits`).

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
confusion matrix (notebook 08). The Parzen-window log-likelihood, an older and
poorer measure, has a module of its own, :mod:`ganlib.parzen`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .classifier import features, predict_proba

CONFIDENCE = 0.9


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
        if "code_match" in self.extra:
            lines.append(f"{'code matches digit (InfoGAN)':40s} {self.extra['code_match']:8.3f}")
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
    An InfoGAN's codes are drawn from their prior, and ``extra["code_match"]`` says how often
    the classifier's digit is the one its category code stands for (:func:`ganlib.infogan.code_digit_match`).
    """
    images, codes = _draw(generator, n, seed)
    report = evaluate_images(classifier, images, reference, seed=seed)
    if codes is not None:
        report.extra["code_match"] = _code_match(generator, codes, predict_proba(classifier, images))
    return report


def _draw(generator, n: int, seed: int) -> tuple[np.ndarray, np.ndarray | None]:
    """n images from seeded N(0, I) latents, and the InfoGAN category codes they were drawn with
    (None for any other generator); from a conditional generator, every digit equally often."""
    from . import infogan
    from .latent import sample_latent
    from .models import cycling_labels, generate_images, info_codes_of, latent_dim_of, num_classes_of

    if info_codes_of(generator) is not None:
        drawn = infogan.sample(generator, n, seed=seed)
        return drawn.images, drawn.codes
    z = sample_latent(n, latent_dim_of(generator), seed=seed)
    num_classes = num_classes_of(generator)
    return generate_images(generator, z, None if num_classes is None else cycling_labels(n, num_classes)), None


def _code_match(generator, codes: np.ndarray, probs: np.ndarray) -> float:
    from .infogan import code_digit_match
    from .models import info_codes_of

    return code_digit_match(codes, probs.argmax(axis=1), info_codes_of(generator)[0],
                            num_digits=probs.shape[1]).accuracy


def quality_probe(classifier, reference: np.ndarray, n: int = 1000, seed: int = 0):
    """A callable ``generator -> dict`` for :func:`ganlib.training.train`'s ``quality`` hook.

    Evaluates the same ``n`` latent points each time, so the numbers over training
    differ only because the generator changed. For an InfoGAN it adds ``code_match``.
    """
    ref = _reference_stats(classifier, reference, n, seed)  # once: the real digits do not change

    def probe(generator) -> dict[str, float]:
        images, codes = _draw(generator, n, seed)
        probs = predict_proba(classifier, images)
        images_feats = features(classifier, images[:ref["n"]])
        values = {"score": classifier_score(probs), "coverage": coverage(probs),
                  "confident": confident_fraction(probs),
                  "frechet": frechet_distance(images_feats, ref["feats_a"]), "frechet_floor": ref["floor"]}
        if codes is not None:  # an InfoGAN: does its category code name the digit?
            values["code_match"] = _code_match(generator, codes, probs)
        return values

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
