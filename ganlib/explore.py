"""Finding latent points by what the generator draws there, and the lecture's sweeps.

The lecture picked latent points blindly and judged the pictures by eye. Here the
shipped MNIST classifier (:mod:`ganlib.metrics`) labels what a generator draws, so
a notebook can ask for "a latent point that gives a confident 7" and report how
confident it is, whatever the weights. Notebook 06 uses these helpers to
interpolate between chosen digits and to do latent vector arithmetic.

A conditional generator is told the digit instead: :func:`digit_rows` draws every
digit from the same latent points, so what z controls (slant, thickness) shows
apart from what the label controls.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .latent import lecture_moments, sample_latent
from .classifier import predict_proba
from .models import generate_images, latent_dim_of, num_classes_of


@dataclass(frozen=True)
class LatentPool:
    """Latent points, the images a generator draws from them, and a classifier's verdict.

    Attributes
    ----------
    z : float32 array of shape (n, latent_dim)
    images : float32 array of shape (n, 28, 28, 1) in [-1, 1]
    probs : float64 array of shape (n, 10); row k is p(digit | images[k])
    """

    z: np.ndarray
    images: np.ndarray
    probs: np.ndarray

    @property
    def labels(self) -> np.ndarray:
        """The most likely digit of each image: int array of shape (n,)."""
        return self.probs.argmax(axis=1)

    def most_confident(self, digit: int, k: int = 1) -> np.ndarray:
        """Indices of the k points whose images have the highest p(digit), highest first."""
        return most_confident(self.probs, digit, k)

    def latents_of(self, digit: int, k: int = 1) -> np.ndarray:
        """The k latent points most confidently drawn as ``digit``: float32 (k, latent_dim)."""
        return self.z[self.most_confident(digit, k)]


def most_confident(probs: np.ndarray, digit: int, k: int = 1) -> np.ndarray:
    """Indices of the k rows of ``probs`` with the highest probability of ``digit``.

    Parameters
    ----------
    probs : array of shape (n, 10), class probabilities
    digit : int in 0-9
    k : int, 1 <= k <= n

    Returns
    -------
    int array of shape (k,), highest p(digit) first (ties: lower index first).
    The rows are ranked by p(digit) whether or not ``digit`` is their most likely
    class, so there is always an answer; read ``probs[idx, digit]`` to see how good it is.
    """
    probs = np.asarray(probs)
    if probs.ndim != 2 or probs.shape[1] != 10:
        raise ValueError(f"probs must have shape (n, 10), got {probs.shape}")
    if isinstance(digit, bool) or not isinstance(digit, (int, np.integer)) or not 0 <= digit <= 9:
        raise ValueError(f"digit must be an integer from 0 to 9, got {digit!r}")
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 1 <= k <= len(probs):
        raise ValueError(f"k must be an integer from 1 to {len(probs)} (the number of candidates), got {k!r}")
    return np.argsort(-probs[:, digit], kind="stable")[:k]


def sweep_images(generator, mean_scale: float = 0.0, std_scale: float = 1.0, seed: int = 0,
                 n: int = 64, digit: int | None = None, direction=None,
                 profile=None) -> tuple[np.ndarray, np.ndarray]:
    """Latent points of the lecture's sweep, done right, and the images drawn from them.

    Dimension i of every point is drawn from N(mean_scale * direction[i],
    (std_scale * profile[i])**2) (:func:`ganlib.lecture_moments`). By default the
    direction is the lecture's ramp linspace(-1, 1, latent_dim) and the profile is 1
    in every dimension: the means move along one fixed direction and every std is
    ``std_scale`` >= 0. :func:`ganlib.mean_direction` gives other directions (a
    random one, an attribute direction) and :func:`ganlib.std_profile` other
    profiles (the lecture's own V, a block of dimensions). The same seed gives the
    same noise whatever the scales, direction and profile, so two settings differ
    only by what was changed. Notebook 05 sweeps them;
    :func:`ganlib.widgets.latent_explorer` puts them on controls.

    A conditional generator needs ``digit`` (0-9), which every image is asked to be
    (:func:`ganlib.widgets.conditional_explorer`); an unconditional one refuses it.

    Returns
    -------
    z : float32 array of shape (n, latent_dim)
    images : float32 array of shape (n, 28, 28, 1) in [-1, 1]

    Cost: one generator pass over the n points (a single call up to 500 of them).
    """
    latent_dim = latent_dim_of(generator)
    means, stds = lecture_moments(latent_dim, mean_scale, std_scale, direction, profile)
    z = sample_latent(n, latent_dim, mean=means, std=stds, seed=seed)
    labels = None if digit is None else np.full(n, digit)
    return z, generate_images(generator, z, labels)


def ink(images: np.ndarray) -> np.ndarray:
    """The amount of ink of each image: its mean brightness on a 0 (blank) to 1 (all ink) scale.

    images : array of shape (n, 28, 28, 1) in [-1, 1]; returns float64 (n,).
    A score for :func:`attribute_direction` (notebook 05).
    """
    images = np.asarray(images, np.float64)
    if images.ndim < 2:
        raise ValueError(f"images must have shape (n, ...), got {images.shape}")
    return (images.reshape(len(images), -1).mean(axis=1) + 1.0) / 2.0


def paired_bootstrap(statistic, *samples, n_boot: int = 1000, seed: int = 0) -> np.ndarray:
    """A statistic of resampled data, for its spread: the same rows are drawn from every sample.

    Row k of every sample must belong together, e.g. the classifier's probabilities
    of the images drawn from the same noise under two settings of a sweep. Each
    resample draws n row indices with replacement and passes those rows of every
    sample to ``statistic``, so for a difference between settings the shared noise
    cancels as it does in the data. The standard deviation of the returned values
    is the bootstrap standard error of ``statistic(*samples)``.

    Parameters
    ----------
    statistic : callable taking one array per sample, returning a float
    samples : arrays of equal length n along their first axis
    n_boot : int >= 2, the number of resamples
    seed : int, the resampling's random numbers

    Returns
    -------
    float64 array of shape (n_boot,)
    """
    if not samples:
        raise ValueError("paired_bootstrap needs at least one sample")
    samples = [np.asarray(s) for s in samples]
    n = len(samples[0])
    if n == 0 or any(len(s) != n for s in samples):
        raise ValueError(f"samples must be non-empty and of one length, got {[len(s) for s in samples]}")
    if isinstance(n_boot, bool) or not isinstance(n_boot, (int, np.integer)) or n_boot < 2:
        raise ValueError(f"n_boot must be an integer >= 2, got {n_boot!r}")
    rng = np.random.default_rng(seed)
    values = np.empty(n_boot)
    for b in range(n_boot):
        rows = rng.integers(0, n, n)
        values[b] = statistic(*(s[rows] for s in samples))
    return values


def latent_pool(generator, classifier, n: int = 2000, seed: int = 0, mean=0.0, std=1.0) -> LatentPool:
    """Draw n latent points, generate their images and classify them.

    Parameters
    ----------
    generator : keras.Model from :func:`ganlib.make_generator`
    classifier : model from :func:`ganlib.load_classifier` (anything
        :func:`ganlib.metrics.predict_proba` accepts)
    n, seed, mean, std : passed to :func:`ganlib.sample_latent`; the default is the
        training prior N(0, I)

    Cost: one generator and one classifier pass over n images (about 5 s for 2,000
    images with the shipped models on a 2-core CPU).
    """
    z = sample_latent(n, latent_dim_of(generator), mean=mean, std=std, seed=seed)
    images = generate_images(generator, z)
    return LatentPool(z=z, images=images, probs=predict_proba(classifier, images))


def find_digit_latents(generator, classifier, digit: int, n_candidates: int = 2000, seed: int = 0,
                       k: int = 1) -> np.ndarray:
    """The k latent points, among n_candidates drawn from N(0, I), whose images the
    classifier most confidently calls ``digit``.

    Returns
    -------
    float32 array of shape (k, latent_dim), most confident first.

    Each call generates and classifies all candidates; to pick points for several
    digits, build one :func:`latent_pool` and call its ``latents_of`` for each digit.
    """
    return latent_pool(generator, classifier, n_candidates, seed).latents_of(digit, k)


def attribute_direction(z: np.ndarray, scores: np.ndarray, fraction: float = 0.25,
                        groups: np.ndarray | None = None) -> np.ndarray:
    """A latent direction along which a measured attribute grows.

    The mean latent point of the ``fraction`` of points with the highest scores
    minus the mean of the ``fraction`` with the lowest: the "smiling minus neutral"
    vector of latent arithmetic, with any score, e.g. the amount of ink.

    An attribute that differs between classes (a 0 carries more ink than a 1) makes
    that difference partly a direction between classes. With ``groups`` (e.g. the
    classifier's digit of each point) the difference is taken inside each group,
    high against low scores of the same class, and the groups' directions are
    averaged with equal weights; groups with fewer than two points are skipped.

    Parameters
    ----------
    z : array of shape (n, latent_dim)
    scores : array of shape (n,), the attribute of each point's image
    fraction : in (0, 0.5]; at least one point of each group goes into each half
    groups : optional int array of shape (n,)

    Returns
    -------
    float32 array of shape (latent_dim,)
    """
    z = np.asarray(z, np.float64)
    scores = np.asarray(scores, np.float64)
    if z.ndim != 2 or scores.shape != (len(z),):
        raise ValueError(f"z must be (n, latent_dim) and scores (n,), got {z.shape} and {scores.shape}")
    if not 0 < fraction <= 0.5:
        raise ValueError(f"fraction must be in (0, 0.5], got {fraction!r}")
    if groups is None:
        members = [np.arange(len(z))]
    else:
        groups = np.asarray(groups)
        if groups.shape != (len(z),):
            raise ValueError(f"groups must have shape ({len(z)},), got {groups.shape}")
        members = [np.flatnonzero(groups == g) for g in np.unique(groups)]
    directions = []
    for idx in members:
        if len(idx) < 2:
            continue
        m = max(1, int(round(fraction * len(idx))))
        order = idx[np.argsort(scores[idx], kind="stable")]
        directions.append(z[order[-m:]].mean(axis=0) - z[order[:m]].mean(axis=0))
    if not directions:
        raise ValueError("need at least two points (in at least one group)")
    return np.mean(directions, axis=0).astype(np.float32)


def digit_row_inputs(n_per_digit: int, latent_dim: int, seed: int = 0,
                     num_classes: int = 10) -> tuple[np.ndarray, np.ndarray]:
    """Labels and latent points of a grid with one row per digit and one latent point per column.

    Returns
    -------
    labels : int32 array of shape (num_classes * n_per_digit,); labels[k] = k // n_per_digit
    z : float32 array of shape (num_classes * n_per_digit, latent_dim); z[k] is the
        column's point ``sample_latent(n_per_digit, latent_dim, seed)[k % n_per_digit]``,
        the same in every row
    """
    column_z = sample_latent(n_per_digit, latent_dim, seed=seed)
    labels = np.repeat(np.arange(num_classes, dtype=np.int32), n_per_digit)
    return labels, np.tile(column_z, (num_classes, 1))


def digit_rows(generator, n_per_digit: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Every digit drawn from the same ``n_per_digit`` latent points, one row per digit.

    Image k = row * n_per_digit + col shows digit ``row`` drawn from latent point
    ``col``, so ``ganlib.show_grid(images, ncols=n_per_digit)`` puts digit d in row d,
    and down a column only the label changes.

    Parameters
    ----------
    generator : a conditional generator (:func:`ganlib.models.make_conditional_generator`)
    n_per_digit : positive int, the number of columns
    seed : latent seed of the columns

    Returns
    -------
    labels : int32 array of shape (num_classes * n_per_digit,), row of each image
    images : float32 array of shape (num_classes * n_per_digit, 28, 28, 1) in [-1, 1]
    """
    num_classes = num_classes_of(generator)
    if num_classes is None:
        raise ValueError("digit_rows needs a conditional generator, one trained with "
                         "DCGANConfig(conditional=True); this one cannot be told a digit")
    labels, z = digit_row_inputs(n_per_digit, latent_dim_of(generator), seed, num_classes)
    return labels, generate_images(generator, z, labels)
