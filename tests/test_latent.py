import numpy as np
import pytest

from ganlib.latent import interpolate, lecture_moments, sample_latent

from . import lecture_defects as lecture


def test_shape_dtype_and_seed():
    z = sample_latent(7, 100, seed=1)
    assert z.shape == (7, 100) and z.dtype == np.float32
    np.testing.assert_array_equal(z, sample_latent(7, 100, seed=1))
    assert not np.array_equal(z, sample_latent(7, 100, seed=2))


def test_per_dimension_mean_and_std_are_honoured():
    means, stds = np.linspace(-2, 2, 5), np.array([0.0, 0.5, 1.0, 2.0, 3.0])
    z = sample_latent(40_000, 5, mean=means, std=stds, seed=0)
    np.testing.assert_allclose(z.mean(axis=0), means, atol=0.05)
    np.testing.assert_allclose(z.std(axis=0), stds, atol=0.05)
    assert np.all(z[:, 0] == np.float32(-2.0))  # std 0 is a constant


@pytest.mark.parametrize("impl", [
    "ganlib",
    pytest.param("lecture", marks=pytest.mark.xfail(strict=True, reason="erratum 8: shape, dtype, negative std")),
])
@pytest.mark.parametrize("number", [100, 225])
def test_lecture_sweep_gives_valid_latent_points(impl, number):
    if impl == "ganlib":
        means, stds = lecture_moments(100, mean_scale=5, std_scale=1)
        z = sample_latent(number, 100, mean=means, std=stds, seed=0)
    else:
        z, stds = lecture.generate_latent_points(number=number, scale_means=5, scale_stds=1)
        z, stds = z.numpy(), stds.numpy()
    assert z.shape == (number, 100)
    assert z.dtype == np.float32
    assert np.min(stds) > 0


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="std must be >= 0"):
        sample_latent(3, 4, std=[1, -1, 1, 1])
    with pytest.raises(ValueError, match="length latent_dim=4"):
        sample_latent(3, 4, mean=np.zeros(5))
    with pytest.raises(ValueError, match="n must be a positive integer"):
        sample_latent(0, 4)
    with pytest.raises(ValueError, match="std_scale"):
        lecture_moments(4, std_scale=-1)


@pytest.mark.parametrize("method", ["linear", "slerp"])
def test_interpolation_starts_and_ends_at_the_given_points(method):
    rng = np.random.default_rng(0)
    z0, z1 = rng.normal(size=100), rng.normal(size=100)
    path = interpolate(z0, z1, 9, method)
    assert path.shape == (9, 100) and path.dtype == np.float32
    np.testing.assert_allclose(path[0], z0, rtol=1e-6)
    np.testing.assert_allclose(path[-1], z1, rtol=1e-6)


def test_slerp_keeps_norms_between_the_ends_and_linear_does_not():
    rng = np.random.default_rng(1)
    z0, z1 = rng.normal(size=100), 1.3 * rng.normal(size=100)
    r0, r1 = np.linalg.norm(z0), np.linalg.norm(z1)
    slerp = np.linalg.norm(interpolate(z0, z1, 21, "slerp"), axis=1)
    assert np.all(slerp >= min(r0, r1) - 1e-4) and np.all(slerp <= max(r0, r1) + 1e-4)
    linear = np.linalg.norm(interpolate(z0, z1, 21, "linear"), axis=1)
    assert linear[10] < min(r0, r1)  # near-orthogonal Gaussian vectors: the chord dips inside both


def test_slerp_of_equal_norms_stays_on_the_sphere_even_for_antipodal_points():
    z0 = np.zeros(10)
    z0[0] = 3.0
    for z1 in (np.roll(z0, 1), -z0):
        norms = np.linalg.norm(interpolate(z0, z1, 11, "slerp"), axis=1)
        np.testing.assert_allclose(norms, 3.0, rtol=1e-5)


def test_interpolation_rejects_bad_input():
    with pytest.raises(ValueError, match="steps"):
        interpolate(np.ones(3), np.ones(3), 1)
    with pytest.raises(ValueError, match="method"):
        interpolate(np.ones(3), np.ones(3), 3, "cubic")
    with pytest.raises(ValueError, match="one length"):
        interpolate(np.ones(3), np.ones(4), 3)
