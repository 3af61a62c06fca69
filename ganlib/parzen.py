"""The Parzen-window log-likelihood of Goodfellow et al. 2014 (Table 1), and why it misleads (notebook 07).

Fit a Gaussian kernel density estimate on generated samples and report the mean
log-density of real test digits under it. The GAN papers of 2014-2016 ranked models
this way; Theis, van den Oord & Bethge 2016 showed that in hundreds of dimensions it
needs far more samples than anyone draws and ranks blurry or memorised samples high.
Notebook 07 measures both effects. Pure NumPy: no classifier, no TensorFlow.
"""

from __future__ import annotations

import numpy as np

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
