import numpy as np
import pytest

from ganlib import parzen


def test_parzen_of_one_sample_is_a_gaussian_log_density():
    # one kernel: log p(x) = -|x - s|^2 / (2 sigma^2) - d/2 log(2 pi sigma^2), even where exp() underflows
    rng = np.random.default_rng(0)
    s, x = rng.uniform(size=(1, 784)), rng.uniform(size=(5, 784))
    sigma = 0.05
    expected = -np.sum((x - s) ** 2, axis=1) / (2 * sigma ** 2) - 392 * np.log(2 * np.pi * sigma ** 2)
    got = parzen.parzen_log_densities(s, x, sigma)
    assert np.all(np.isfinite(got)) and np.all(expected < -1e4)  # a naive exp() would give log(0)
    np.testing.assert_allclose(got, expected, rtol=1e-9)


def test_parzen_matches_a_direct_sum_and_ignores_batching():
    rng = np.random.default_rng(1)
    samples, test = rng.normal(size=(7, 3)), rng.normal(size=(11, 3))
    sigma = 0.8
    kernels = np.exp(-np.sum((test[:, None] - samples[None]) ** 2, axis=2) / (2 * sigma ** 2))
    direct = np.log(kernels.mean(axis=1) / (2 * np.pi * sigma ** 2) ** 1.5)
    for batch_size in (1, 4, 100):
        np.testing.assert_allclose(parzen.parzen_log_densities(samples, test, sigma, batch_size), direct,
                                   rtol=1e-10)
    assert parzen.parzen_log_likelihood(samples, test, sigma) == pytest.approx(direct.mean())


def test_parzen_of_gaussian_data_approaches_the_smoothed_gaussian():
    # samples from N(0, s^2 I): with many samples the KDE is N(0, (s^2 + sigma^2) I), and the
    # mean log-likelihood of test points from N(0, s^2 I) is -d/2 [log 2 pi (s^2 + sigma^2) + s^2 / (s^2 + sigma^2)]
    rng = np.random.default_rng(2)
    d, s, sigma = 2, 1.0, 0.5
    samples, test = rng.normal(scale=s, size=(20000, d)), rng.normal(scale=s, size=(4000, d))
    v = s ** 2 + sigma ** 2
    expected = -d / 2 * (np.log(2 * np.pi * v) + s ** 2 / v)
    assert parzen.parzen_log_likelihood(samples, test, sigma) == pytest.approx(expected, abs=0.05)


def test_parzen_rises_as_samples_approach_the_test_points():
    rng = np.random.default_rng(3)
    test = rng.uniform(size=(50, 784))
    values = [parzen.parzen_log_likelihood(test + rng.normal(scale=noise, size=test.shape), test, 0.2)
              for noise in (0.5, 0.2, 0.05, 0.0)]
    assert values == sorted(values) and values[-1] - values[0] > 100


def test_select_parzen_sigma_takes_the_best_of_the_grid():
    rng = np.random.default_rng(4)
    samples, valid = rng.normal(size=(2000, 2)), rng.normal(size=(500, 2))
    sigmas = [0.01, 0.3, 5.0]
    best, means = parzen.select_parzen_sigma(samples, valid, sigmas)
    assert best == 0.3 and means.shape == (3,)
    assert means[1] == pytest.approx(parzen.parzen_log_likelihood(samples, valid, 0.3))
    with pytest.raises(ValueError, match="sigma"):
        parzen.parzen_log_densities(samples, valid, 0.0)


def test_unit_pixels_maps_model_range_to_flat_unit_range():
    images = np.array([-1.0, 0.0, 1.0], np.float32).reshape(1, 3, 1, 1) * np.ones((2, 3, 1, 1), np.float32)
    out = parzen.unit_pixels(images)
    assert out.shape == (2, 3) and out.dtype == np.float64
    np.testing.assert_array_equal(out[0], [0.0, 0.5, 1.0])
