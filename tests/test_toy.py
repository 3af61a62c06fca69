import dataclasses
import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from ganlib import toy  # noqa: E402

GRID = np.linspace(-15.0, 15.0, 6001)
LOG2, LOG4 = math.log(2.0), math.log(4.0)


def _normal(mean, std):
    return toy.GaussianMixture((mean,), (std,)).pdf(GRID)


# --- the data distribution ----------------------------------------------------------


def test_mixture_density_integrates_to_one_and_weights_are_normalised():
    mix = toy.GaussianMixture((-2.0, 3.0), (0.5, 1.0), weights=(1, 3))
    assert mix.weights == (0.25, 0.75)
    assert np.trapezoid(mix.pdf(GRID), GRID) == pytest.approx(1.0, abs=1e-6)
    by_hand = 0.75 / math.sqrt(2 * math.pi) + 0.25 * math.exp(-0.5 * 10.0 ** 2) / (0.5 * math.sqrt(2 * math.pi))
    assert mix.pdf(3.0) == pytest.approx(by_hand, rel=1e-12)


def test_mixture_samples_have_the_model_layout_and_the_mixture_weights():
    mix = toy.GaussianMixture((-4.0, 4.0), (0.5,), weights=(0.2, 0.8))
    x = mix.sample(20_000, seed=0)
    assert x.shape == (20_000, 1) and x.dtype == np.float32
    assert np.mean(x > 0) == pytest.approx(0.8, abs=0.01)
    np.testing.assert_array_equal(x, mix.sample(20_000, seed=0))
    assert not np.array_equal(x, mix.sample(20_000, seed=1))


def test_evenly_spaced_mixture_is_centred():
    mix = toy.GaussianMixture.evenly_spaced(3, 4.0, 0.5)
    assert mix.means == (-4.0, 0.0, 4.0) and mix.stds == (0.5, 0.5, 0.5) and mix.n_modes == 3


@pytest.mark.parametrize("kwargs", [
    dict(means=(0.0, 1.0), stds=(1.0, 1.0, 1.0)),
    dict(means=(0.0,), stds=(0.0,)),
    dict(means=(0.0, 1.0), stds=(1.0,), weights=(1.0, -1.0)),
    dict(means=(), stds=()),
])
def test_mixture_rejects_bad_parameters(kwargs):
    with pytest.raises(ValueError):
        toy.GaussianMixture(**kwargs)


# --- theory on a grid ---------------------------------------------------------------


def test_optimal_discriminator_on_known_densities():
    p_data = np.array([1.0, 0.0, 0.3, 0.0, 2.0])
    p_g = np.array([1.0, 0.5, 0.0, 0.0, 6.0])
    np.testing.assert_allclose(toy.optimal_discriminator(p_data, p_g), [0.5, 0.0, 1.0, 0.5, 0.25])
    with pytest.raises(ValueError):
        toy.optimal_discriminator(p_data, p_g[:3])


def test_optimal_discriminator_beats_every_other_discriminator():
    p_data, p_g = _normal(0.0, 1.0), _normal(1.5, 2.0)
    d_star = toy.optimal_discriminator(p_data, p_g)
    best = toy.value_function(GRID, p_data, p_g, d_star)
    rng = np.random.default_rng(0)
    for _ in range(5):
        other = np.clip(d_star + rng.normal(0, 0.05, GRID.shape), 1e-6, 1 - 1e-6)
        assert toy.value_function(GRID, p_data, p_g, other) < best
    assert toy.value_function(GRID, p_data, p_g, np.full_like(GRID, 0.5)) < best


@pytest.mark.parametrize("mean, std", [(0.0, 1.0), (1.0, 1.0), (0.5, 2.5), (3.0, 0.3)])
def test_value_at_optimum_is_minus_log_4_plus_twice_jsd(mean, std):
    p_data, p_g = _normal(0.0, 1.0), _normal(mean, std)
    value = toy.value_function(GRID, p_data, p_g, toy.optimal_discriminator(p_data, p_g))
    # exact pointwise; the grid loses ~1e-9 of mass in the tails
    assert value == pytest.approx(-LOG4 + 2 * toy.js_divergence(GRID, p_data, p_g), abs=1e-7)


def test_js_divergence_bounds():
    p = _normal(0.0, 1.0)
    assert toy.js_divergence(GRID, p, p) == 0.0
    assert toy.js_divergence(GRID, p, _normal(1.0, 1.0)) == pytest.approx(
        toy.js_divergence(GRID, _normal(1.0, 1.0), p), abs=1e-12)  # symmetric
    assert toy.js_divergence(GRID, p, _normal(12.0, 0.5)) == pytest.approx(LOG2, abs=1e-6)


def test_value_of_the_blind_discriminator_is_minus_log_4_for_any_generator():
    p_data = toy.GaussianMixture((-2.0, 2.0), (0.5,)).pdf(GRID)
    for p_g in (p_data, _normal(0.0, 3.0), _normal(9.0, 0.5)):
        assert toy.value_function(GRID, p_data, p_g, np.full_like(GRID, 0.5)) == pytest.approx(-LOG4, abs=1e-6)


def test_value_stays_finite_when_d_star_rounds_to_one_in_a_far_tail():
    # far apart, D* = 1 / (1 + 1e-30) is exactly 1.0 in float64 near the data
    p_data, p_g = _normal(0.0, 0.5), _normal(8.0, 0.5)
    value = toy.value_function(GRID, p_data, p_g, toy.optimal_discriminator(p_data, p_g))
    assert value == pytest.approx(0.0, abs=1e-9)


def test_value_for_two_uniforms_matches_the_exercise_answer():
    x = np.linspace(-1.0, 3.0, 400_001)
    p_data = ((x >= 0) & (x <= 1)).astype(float)
    p_g = 0.5 * ((x >= 0) & (x <= 2))
    value = toy.value_function(x, p_data, p_g, toy.optimal_discriminator(p_data, p_g))
    assert value == pytest.approx(math.log(2) - 1.5 * math.log(3), abs=1e-4)


def test_kl_divergence_of_two_gaussians_and_its_asymmetry():
    p, q = _normal(0.0, 1.0), _normal(1.0, 2.0)
    by_hand = math.log(2.0) + (1.0 + 1.0) / (2 * 4.0) - 0.5  # log(s2/s1) + (s1^2 + dm^2) / (2 s2^2) - 1/2
    assert toy.kl_divergence(GRID, p, q) == pytest.approx(by_hand, abs=1e-9)
    assert toy.kl_divergence(GRID, q, p) > toy.kl_divergence(GRID, p, q) + 0.1
    assert toy.kl_divergence(GRID, p, p) == 0.0
    uniform = ((GRID >= 0) & (GRID <= 1)).astype(float)
    assert toy.kl_divergence(GRID, p, uniform) == math.inf  # p has mass where q has none
    assert math.isfinite(toy.kl_divergence(GRID, uniform, p))


def test_kde_recovers_a_gaussian():
    samples = np.random.default_rng(0).normal(1.0, 2.0, 5000)
    x = np.linspace(-6, 8, 300)
    density = toy.kde_density(samples, x)
    assert density.shape == x.shape
    assert np.max(np.abs(density - toy.GaussianMixture((1.0,), (2.0,)).pdf(x))) < 0.025  # peak 0.2
    assert np.trapezoid(toy.kde_density(samples, GRID), GRID) == pytest.approx(1.0, abs=1e-3)
    with pytest.raises(ValueError):
        toy.kde_density([1.0], x)


# --- counting modes ---------------------------------------------------------------------


def test_mode_counter_on_constructed_samples():
    centres = (-4.0, 0.0, 4.0)
    samples = np.concatenate([np.full(60, -4.1), np.full(39, 0.2), np.full(1, 4.0), np.full(100, 2.0)])
    np.testing.assert_allclose(toy.mode_fractions(samples, centres, radius=1.0), [0.3, 0.195, 0.005])
    assert toy.count_modes(samples, centres, radius=1.0) == 2  # 0.5 % at +4 is a stray point
    assert toy.count_modes(samples, centres, radius=1.0, min_fraction=0.001) == 3
    assert toy.count_modes(samples, centres, radius=2.5) == 3  # the points at 2.0 now reach +4
    assert toy.count_modes(np.full(10, 20.0), centres, radius=1.0) == 0
    # one radius per centre
    np.testing.assert_allclose(toy.mode_fractions(samples, centres, radius=[0.05, 1.0, 0.5]), [0.0, 0.195, 0.005])
    with pytest.raises(ValueError):
        toy.mode_fractions(samples, centres, radius=[1.0, 0.0, 1.0])


THREE = toy.GaussianMixture((-4.0, 0.0, 4.0), (0.5,))


def test_mode_radius_is_one_std_of_each_mode_and_the_data_cover_every_mode():
    np.testing.assert_allclose(toy.mode_radius(toy.GaussianMixture((-1.0, 3.0), (0.2, 0.6))), [0.2, 0.6])
    np.testing.assert_allclose(toy.mode_radius(THREE, n_std=2.0), [1.0, 1.0, 1.0])
    real = THREE.sample(30_000, seed=0)
    shares = toy.mode_fractions(real, THREE.means, toy.mode_radius(THREE))
    np.testing.assert_allclose(shares, math.erf(1 / math.sqrt(2)) / 3, atol=0.01)  # 68 % of each third
    assert toy.count_modes(real, THREE.means, toy.mode_radius(THREE)) == 3


@pytest.mark.parametrize("spike_at", [-1.2, 1.1, 2.0, 2.9])
def test_a_spike_off_the_modes_covers_no_mode(spike_at):
    # a collapsed generator between the modes, 2.2 or more stds from the nearest one. The weak-D run of
    # notebook 01 sits at such places (x ~ -1.1 and +1.2); a radius of 3 stds counted it as covering x = 0
    spike = spike_at + np.random.default_rng(0).normal(0.0, 0.05, 2000)
    assert toy.count_modes(spike, THREE.means, toy.mode_radius(THREE)) == 0
    result = toy.ToyGANResult(generator=None, discriminator=None, snapshot_steps=np.array([0]),
                              snapshots=spike[None, :].astype(np.float32))
    assert toy.plot_snapshots(result, THREE)[0].get_title() == "step 0: 0/3 modes"
    plt.close("all")


def test_a_spike_on_a_mode_covers_that_mode_only():
    spike = 0.3 + np.random.default_rng(0).normal(0.0, 0.05, 2000)
    assert toy.count_modes(spike, THREE.means, toy.mode_radius(THREE)) == 1


# --- the toy GAN -----------------------------------------------------------------------

TINY = toy.ToyGANConfig(latent_dim=2, hidden=8, depth=1, batch_size=16, steps=5, seed=3)
DATA = toy.GaussianMixture((-2.0, 2.0), (0.5,))


def _weights(model):
    return [w.numpy().copy() for w in model.weights]


def _changed(before, after):
    return any(not np.array_equal(a, b) for a, b in zip(before, after))


def test_models_map_the_right_shapes_and_are_seeded():
    g, d = toy.build_toy_gan(TINY)
    z = np.zeros((7, 2), np.float32)
    assert tuple(g(z).shape) == (7, 1) and tuple(d(g(z)).shape) == (7, 1)
    g2, _ = toy.build_toy_gan(TINY)
    g3, _ = toy.build_toy_gan(dataclasses.replace(TINY, seed=4))
    np.testing.assert_array_equal(_weights(g)[0], _weights(g2)[0])
    assert not np.array_equal(_weights(g)[0], _weights(g3)[0])


def test_a_few_train_steps_change_both_networks_and_record_finite_losses():
    g, d = toy.build_toy_gan(TINY)
    before_g, before_d = _weights(g), _weights(d)
    result = toy.train_toy_gan(TINY, DATA, generator=g, discriminator=d, snapshot_every=2, n_snapshot=50)
    assert _changed(before_g, _weights(g)) and _changed(before_d, _weights(d))
    history = result.history
    assert history["step"].tolist() == [1, 2, 3, 4, 5]
    for key in ("gen_loss", "disc_loss", "d_real", "d_fake"):
        assert history[key].shape == (5,) and np.all(np.isfinite(history[key]))
    assert np.all((history["d_real"] > 0) & (history["d_real"] < 1))
    assert result.snapshot_steps.tolist() == [0, 2, 4, 5]
    assert result.snapshots.shape == (4, 50) and result.snapshots.dtype == np.float32
    assert not np.array_equal(result.snapshots[0], result.snapshots[-1])


def test_same_config_same_run_and_minimax_with_extra_disc_steps_trains():
    cfg = dataclasses.replace(TINY, generator_loss="minimax", disc_steps=2)
    a = toy.train_toy_gan(cfg, DATA, n_snapshot=20)
    b = toy.train_toy_gan(cfg, DATA, n_snapshot=20)
    np.testing.assert_array_equal(a.history["gen_loss"], b.history["gen_loss"])
    np.testing.assert_array_equal(a.snapshots, b.snapshots)
    assert np.all(a.history["gen_loss"] < 0)  # log(1 - D(G(z))) is negative


def test_frozen_generator_stays_put_while_the_discriminator_learns_to_separate():
    g, d = toy.build_toy_gan(TINY)
    before_g = _weights(g)
    cfg = dataclasses.replace(TINY, steps=150, disc_learning_rate=1e-2)
    result = toy.train_toy_gan(cfg, DATA, generator=g, discriminator=d, update_generator=False)
    for a, b in zip(before_g, _weights(g)):
        np.testing.assert_array_equal(a, b)
    # the untrained generator's points sit near 0, between the modes: D learns to tell them apart
    assert result.history["d_real"][-20:].mean() > 0.6 > result.history["d_fake"][-20:].mean() + 0.2
    x = np.array([-2.0, 0.0, 2.0])
    assert toy.discriminator_probability(d, x).shape == (3,)
    assert toy.generate_samples(g, 11, seed=0).shape == (11,)


@pytest.mark.parametrize("change", [dict(steps=0), dict(generator_loss="wasserstein"), dict(beta_1=1.0),
                                    dict(gen_learning_rate=0.0), dict(hidden=2.5)])
def test_config_rejects_bad_values(change):
    with pytest.raises(ValueError):
        dataclasses.replace(TINY, **change)


def test_plot_snapshots_draws_one_panel_per_step_with_its_mode_count():
    result = toy.ToyGANResult(generator=None, discriminator=None, snapshot_steps=np.array([0, 10]),
                              snapshots=np.stack([np.full(100, 0.0), np.r_[np.full(50, -2.0), np.full(50, 2.0)]]))
    axes = toy.plot_snapshots(result, DATA, label="run")
    assert [ax.get_title() for ax in axes] == ["step 0: 0/2 modes", "step 10: 2/2 modes"]
    plt.close("all")
    with pytest.raises(ValueError, match="no snapshot"):
        toy.plot_snapshots(result, DATA, steps=[5])


# --- exercises ----------------------------------------------------------------------------


