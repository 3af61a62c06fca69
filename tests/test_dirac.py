import math

import numpy as np
import pytest

from ganlib import dirac

START = np.array([0.3, 0.0])  # near enough to the equilibrium for the linear picture to hold
H = 0.1


def _radius(path):
    return np.hypot(path[:, 0], path[:, 1])


# --- the game -------------------------------------------------------------------------


def test_f_is_log_sigmoid_and_its_derivative():
    t = np.array([-800.0, -3.0, 0.0, 2.5, 800.0])
    assert np.all(np.isfinite(dirac.f(t)))  # no overflow in exp
    np.testing.assert_allclose(dirac.f(t[1:4]), np.log(1 / (1 + np.exp(-t[1:4]))), rtol=1e-12)
    assert dirac.f_prime(0.0) == 0.5
    step = 1e-6
    numeric = (dirac.f(t[1:4] + step) - dirac.f(t[1:4] - step)) / (2 * step)
    np.testing.assert_allclose(dirac.f_prime(t[1:4]), numeric, rtol=1e-7)


def test_a_blind_discriminator_scores_minus_log_4_whatever_the_generator_does():
    np.testing.assert_allclose(dirac.value(np.array([-3.0, 0.0, 5.0]), 0.0), -math.log(4), rtol=1e-12)
    assert dirac.value(2.0, -1.0) > -math.log(4)  # D gains by tilting its logit against the fake


@pytest.mark.parametrize("gamma", [0.0, 0.7])
def test_gradient_field_is_the_players_gradients_of_the_value(gamma):
    point, eps = np.array([0.8, -0.6]), 1e-6
    theta, psi = point
    d_theta = (dirac.value(theta + eps, psi) - dirac.value(theta - eps, psi)) / (2 * eps)
    d_psi = (dirac.value(theta, psi + eps) - dirac.value(theta, psi - eps)) / (2 * eps)
    # G descends V, D ascends V minus the R1 penalty gamma / 2 psi^2
    np.testing.assert_allclose(dirac.gradient_field(point, gamma), [-d_theta, d_psi - gamma * psi], rtol=1e-7)
    # the non-saturating G ascends log D(theta) = f(psi theta) instead; D is unchanged
    ns = dirac.gradient_field(point, gamma, "non_saturating")
    d_log_d = (dirac.f(psi * (theta + eps)) - dirac.f(psi * (theta - eps))) / (2 * eps)
    np.testing.assert_allclose(ns, [d_log_d, d_psi - gamma * psi], rtol=1e-7)
    assert not np.isclose(ns[0], -d_theta)


def test_gradient_field_vanishes_at_the_equilibrium_and_is_a_rotation_without_r1():
    np.testing.assert_array_equal(dirac.gradient_field(np.zeros(2)), [0.0, 0.0])
    points = np.random.default_rng(0).normal(size=(50, 2))
    v = dirac.gradient_field(points)
    assert v.shape == (50, 2)
    # perpendicular to the way back: the continuous-time flow keeps theta^2 + psi^2 fixed
    np.testing.assert_allclose(np.sum(v * points, axis=1), 0.0, atol=1e-12)
    assert np.all(np.sum(dirac.gradient_field(points, gamma=0.5) * points, axis=1) <= 0)


@pytest.mark.parametrize("kwargs", [dict(method="leapfrog"), dict(generator_loss="wasserstein"),
                                    dict(gamma=-0.1), dict(h=0.0)])
def test_bad_arguments_are_refused(kwargs):
    args = dict(point=START, h=H, method="simultaneous", gamma=0.0, generator_loss="minimax") | kwargs
    with pytest.raises(ValueError):
        dirac.step(**args)


# --- trajectories ---------------------------------------------------------------------


def test_simultaneous_steps_spiral_outwards():
    path = dirac.trajectory(START, 600, H, "simultaneous")
    assert path.shape == (601, 2)
    np.testing.assert_array_equal(path[0], START)
    r = _radius(path)
    assert np.all(np.diff(r) > 0)  # farther from the equilibrium at every single step
    assert r[-1] > 2 * r[0]
    assert dirac.turns(path) > 4  # and circling it while doing so
    assert dirac.spectral_radius(dirac.update_jacobian(H, "simultaneous")) > 1


def test_alternating_steps_circle_without_converging_or_escaping():
    path = dirac.trajectory(START, 5000, H, "alternating")
    r = _radius(path)
    assert 0.95 * r[0] < r.min() and r.max() < 1.05 * r[0]
    assert dirac.turns(path) > 30
    assert dirac.growth_per_step(path) == pytest.approx(1.0, abs=1e-5)


@pytest.mark.parametrize("method", dirac.METHODS)
@pytest.mark.parametrize("generator_loss", dirac.GENERATOR_LOSSES)
def test_the_r1_penalty_makes_both_kinds_of_step_converge(method, generator_loss):
    path = dirac.trajectory(START, 3000, H, method, gamma=0.1, generator_loss=generator_loss)
    r = _radius(path)
    assert r[-1] < 1e-4 * r[0]
    assert dirac.spectral_radius(dirac.update_jacobian(H, method, gamma=0.1)) < 1


def test_too_weak_an_r1_penalty_loses_to_the_step_size():
    # simultaneous steps: |lambda|^2 = 1 - h gamma + h^2 / 4, above 1 for gamma < h / 4
    assert dirac.spectral_radius(dirac.update_jacobian(H, "simultaneous", gamma=0.01)) > 1
    r = _radius(dirac.trajectory(START, 3000, H, "simultaneous", gamma=0.01))
    assert r[-1] > r[0]


# --- the Jacobian of one step at the equilibrium -----------------------------------------------


@pytest.mark.parametrize("h", [0.05, 0.1, 0.5, 1.0, 3.9])
def test_alternating_eigenvalues_lie_on_the_unit_circle_below_h_4(h):
    eig = dirac.update_eigenvalues(h, "alternating")
    np.testing.assert_allclose(np.abs(eig), 1.0, atol=1e-12)
    assert np.all(np.abs(eig.imag) > 0)  # a rotation, not a standstill
    np.testing.assert_allclose(np.abs(np.linalg.eigvals(dirac.finite_difference_jacobian(h, "alternating"))),
                               1.0, atol=1e-8)


def test_alternating_steps_become_unstable_for_a_large_learning_rate():
    assert dirac.spectral_radius(dirac.update_jacobian(4.5, "alternating")) > 1


@pytest.mark.parametrize("h", [0.01, 0.1, 1.0])
def test_simultaneous_eigenvalues_are_outside_the_unit_circle_for_every_h(h):
    eig = dirac.update_eigenvalues(h, "simultaneous")
    np.testing.assert_allclose(eig, [1 + 0.5j * h, 1 - 0.5j * h], atol=1e-15)
    assert dirac.spectral_radius(dirac.update_jacobian(h, "simultaneous")) == pytest.approx(
        math.sqrt(1 + h * h / 4), rel=1e-12)


def test_field_jacobian_is_a_rotation_damped_by_r1():
    np.testing.assert_allclose(np.linalg.eigvals(dirac.field_jacobian()), [0.5j, -0.5j], atol=1e-15)
    assert np.all(np.linalg.eigvals(dirac.field_jacobian(0.3)).real == pytest.approx(-0.15))


@pytest.mark.parametrize("method", dirac.METHODS)
@pytest.mark.parametrize("gamma", [0.0, 0.1, 0.4, 2.0])
@pytest.mark.parametrize("generator_loss", dirac.GENERATOR_LOSSES)
@pytest.mark.parametrize("h", [0.1, 0.7])
def test_formulas_match_the_finite_difference_jacobian_of_the_real_update(method, gamma, generator_loss, h):
    numeric = dirac.finite_difference_jacobian(h, method, gamma, generator_loss)
    np.testing.assert_allclose(numeric, dirac.update_jacobian(h, method, gamma), atol=1e-8)
    np.testing.assert_allclose(np.sort_complex(np.linalg.eigvals(numeric)),
                               np.sort_complex(dirac.update_eigenvalues(h, method, gamma)), atol=1e-7)


def test_the_jacobian_away_from_the_equilibrium_is_different():
    # the formulas hold at (0, 0) only; the finite difference sees the curvature elsewhere
    far = dirac.finite_difference_jacobian(H, "simultaneous", point=np.array([2.0, 1.5]))
    assert np.abs(far - dirac.update_jacobian(H, "simultaneous")).max() > 0.01


# --- what a trajectory did, against the eigenvalues ---------------------------------------------


@pytest.mark.parametrize("method, gamma", [("simultaneous", 0.0), ("alternating", 0.0),
                                           ("simultaneous", 0.1), ("alternating", 0.1)])
def test_near_the_equilibrium_trajectories_do_what_the_eigenvalues_say(method, gamma):
    steps = 600
    path = dirac.trajectory(1e-3 * START, steps, H, method, gamma)  # deep in the linear regime
    eig = dirac.update_eigenvalues(H, method, gamma)
    assert dirac.growth_per_step(path) == pytest.approx(np.abs(eig).max(), rel=1e-5)
    assert dirac.turns(path) == pytest.approx(steps * abs(np.angle(eig[0])) / (2 * np.pi), abs=0.05)


def test_growth_and_turns_on_a_known_path():
    k = np.arange(201)
    spiral = np.stack([np.cos(0.1 * k), np.sin(0.1 * k)], axis=1) * 1.01 ** k[:, None]
    assert dirac.growth_per_step(spiral) == pytest.approx(1.01, rel=1e-12)
    assert dirac.turns(spiral) == pytest.approx(20 / (2 * np.pi), rel=1e-12)
    assert dirac.turns(spiral[::-1]) == pytest.approx(20 / (2 * np.pi), rel=1e-12)
    with pytest.raises(ValueError):
        dirac.growth_per_step(np.zeros((5, 2)))
