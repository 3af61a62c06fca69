import numpy as np
import pytest

from ganlib.latent import (MEAN_DIRECTIONS, STD_PROFILES, interpolate, lecture_moments, mean_direction, sample_latent,
                           std_profile)

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


def test_every_mean_direction_has_the_ramps_length_and_its_own_direction():
    ramp = np.linspace(-1, 1, 100)
    np.testing.assert_array_equal(mean_direction(100), ramp)  # the default is the lecture's ramp
    given = np.zeros(100)
    given[3] = -0.2
    directions = {"ramp": mean_direction(100, "ramp"), "random": mean_direction(100, "random", seed=4),
                  "vector": mean_direction(100, "vector", vector=given)}
    assert set(directions) == set(MEAN_DIRECTIONS)
    for kind, direction in directions.items():
        assert direction.shape == (100,) and direction.dtype == np.float64, kind
        assert np.linalg.norm(direction) == pytest.approx(np.linalg.norm(ramp)), kind
    unit = directions["vector"] / np.linalg.norm(directions["vector"])
    np.testing.assert_allclose(unit, given / 0.2, atol=1e-12)  # the given vector's direction, sign kept
    u = np.random.default_rng(4).standard_normal(100)
    np.testing.assert_allclose(directions["random"] / np.linalg.norm(ramp), u / np.linalg.norm(u))
    np.testing.assert_array_equal(directions["random"], mean_direction(100, "random", seed=4))
    assert abs(directions["random"] @ mean_direction(100, "random", seed=5)) < 0.5 * ramp @ ramp


def test_random_directions_point_every_way():
    # a uniform direction: its components average to zero and no dimension is favoured
    units = np.array([mean_direction(10, "random", seed=s) for s in range(4000)]) / np.linalg.norm(
        np.linspace(-1, 1, 10))
    np.testing.assert_allclose(units.mean(axis=0), 0, atol=0.03)
    np.testing.assert_allclose((units**2).mean(axis=0), 0.1, atol=0.01)


def test_mean_direction_rejects_bad_input():
    with pytest.raises(ValueError, match="kind"):
        mean_direction(10, "diagonal")
    with pytest.raises(ValueError, match="needs a vector"):
        mean_direction(10, "vector")
    with pytest.raises(ValueError, match="nonzero"):
        mean_direction(10, "vector", vector=np.zeros(10))
    with pytest.raises(ValueError, match="length latent_dim=10"):
        mean_direction(10, "vector", vector=np.ones(9))
    with pytest.raises(ValueError, match="latent_dim"):
        mean_direction(0)


def test_std_profiles_isotropic_lecture_and_block():
    assert set(STD_PROFILES) == {"isotropic", "lecture", "block"}
    np.testing.assert_array_equal(std_profile(5), np.ones(5))
    lecture = std_profile(100, "lecture")
    np.testing.assert_allclose(lecture, np.abs(np.linspace(-1, 1, 100)))  # the lecture's V, made valid
    assert lecture.min() == pytest.approx(1 / 99) and lecture[0] == lecture[-1] == 1.0
    np.testing.assert_array_equal(std_profile(6, "block", block=(2, 5)), [0, 0, 1, 1, 1, 0])
    np.testing.assert_array_equal(std_profile(6, "block", block=(0, 6)), np.ones(6))
    np.testing.assert_array_equal(std_profile(6, "block", block=(3, 3)), np.zeros(6))
    for bad in ((4, 3), (-1, 2), (0, 7), (0.5, 2)):
        with pytest.raises(ValueError, match="block"):
            std_profile(6, "block", block=bad)
    with pytest.raises(ValueError, match="kind"):
        std_profile(6, "V")


def test_lecture_moments_scale_a_direction_and_a_profile():
    means, stds = lecture_moments(100, mean_scale=5, std_scale=2)
    np.testing.assert_allclose(means, 5 * np.linspace(-1, 1, 100))
    np.testing.assert_array_equal(stds, np.full(100, 2.0))  # default: one std for all (erratum 8)
    direction, profile = mean_direction(100, "random", seed=1), std_profile(100, "lecture")
    means, stds = lecture_moments(100, 3, 10, direction=direction, profile=profile)
    np.testing.assert_allclose(means, 3 * direction)
    np.testing.assert_allclose(stds, 10 * np.abs(np.linspace(-1, 1, 100)))
    z = sample_latent(20_000, 100, mean=means, std=stds, seed=0)
    np.testing.assert_allclose(z.std(axis=0), stds, rtol=0.03, atol=1e-6)  # middle dimensions nearly frozen
    with pytest.raises(ValueError, match="profile must be >= 0"):
        lecture_moments(100, profile=np.linspace(-1, 1, 100))  # the lecture's stds as written
    with pytest.raises(ValueError, match="direction"):
        lecture_moments(100, direction=np.ones(99))


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
