import numpy as np
import pytest
import tensorflow as tf

from ganlib import losses

from . import lecture_defects as lecture


def _np_sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


@pytest.mark.parametrize("impl", [
    "ganlib",
    pytest.param("lecture", marks=pytest.mark.xfail(strict=True, raises=AttributeError,
                                                    reason="erratum 1: tf.zeros_liks")),
])
def test_discriminator_loss_runs_and_is_two_log_two_at_one_half(impl):
    zeros = tf.zeros((4, 1))
    fn = losses.discriminator_loss if impl == "ganlib" else lecture.discriminator_loss
    assert float(fn(zeros, zeros)) == pytest.approx(2 * np.log(2), rel=1e-6)


def test_losses_match_their_formulas():
    rng = np.random.default_rng(0)
    real, fake = rng.normal(size=(64, 1)) * 3, rng.normal(size=(64, 1)) * 3
    d_real, d_fake = _np_sigmoid(real), _np_sigmoid(fake)
    value = np.mean(np.log(d_real)) + np.mean(np.log(1 - d_fake))  # V(D, G) on the batch
    assert float(losses.minimax_discriminator_loss(real, fake)) == pytest.approx(-value, rel=1e-5)
    assert float(losses.minimax_generator_loss(fake)) == pytest.approx(np.mean(np.log(1 - d_fake)), rel=1e-5)
    assert float(losses.non_saturating_generator_loss(fake)) == pytest.approx(-np.mean(np.log(d_fake)), rel=1e-5)
    smoothed = -np.mean(0.9 * np.log(d_real) + 0.1 * np.log(1 - d_real)) - np.mean(np.log(1 - d_fake))
    assert float(losses.discriminator_loss(real, fake, label_smoothing=0.1)) == pytest.approx(smoothed, rel=1e-5)


def test_minimax_generator_gradient_vanishes_where_non_saturating_does_not():
    # D confidently rejects the fakes: D(G(z)) = sigmoid(-8) ~ 3e-4
    logits = tf.Variable([[-8.0]])
    grads = {}
    for name, fn in losses.GENERATOR_LOSSES.items():
        with tf.GradientTape() as tape:
            loss = fn(logits)
        grads[name] = abs(float(tape.gradient(loss, logits)[0, 0]))
    assert grads["minimax"] < 1e-3
    assert grads["non_saturating"] > 0.99


def test_lecture_names_are_aliases():
    assert losses.generator_loss is losses.non_saturating_generator_loss
    assert losses.discriminator_loss is losses.minimax_discriminator_loss


def test_r1_penalty_is_half_gamma_times_the_mean_squared_slope():
    # two images: D's gradient is 1 at every pixel of the first and 0 on the second
    grads = np.zeros((2, 28, 28, 1), np.float32)
    grads[0] = 1.0
    assert float(losses.r1_penalty(grads, gamma=3.0)) == pytest.approx(3.0 / 2 * (784 + 0) / 2)
    assert float(losses.r1_penalty(np.zeros_like(grads), gamma=3.0)) == 0.0


def test_information_loss_matches_the_likelihoods_worked_by_hand():
    # two images, three categories, one continuous code
    codes = np.array([2, 0])
    logits = np.array([[0.0, 0.0, np.log(2.0)], [np.log(3.0), 0.0, 0.0]], np.float32)
    # softmax: image 0 gives its category 2/4, image 1 gives its category 3/5
    category_nll = -(np.log(2 / 4) + np.log(3 / 5)) / 2
    c = np.array([[0.5], [-1.0]], np.float32)
    mean = np.array([[0.5], [0.0]], np.float32)
    log_std = np.array([[0.0], [np.log(2.0)]], np.float32)
    # N(0.5; 0.5, 1) and N(-1; 0, 4): -log p = log sigma + (c - mu)^2 / (2 sigma^2) + log(2 pi) / 2
    continuous_nll = ((0 + 0 + 0.5 * np.log(2 * np.pi)) + (np.log(2.0) + 1 / 8 + 0.5 * np.log(2 * np.pi))) / 2
    total, cat, cont = losses.information_loss(codes, logits, c, mean, log_std,
                                               category_weight=1.0, continuous_weight=0.1)
    assert float(cat) == pytest.approx(category_nll, rel=1e-6)
    assert float(cont) == pytest.approx(continuous_nll, rel=1e-6)
    assert float(total) == pytest.approx(category_nll + 0.1 * continuous_nll, rel=1e-6)


def test_information_loss_of_a_q_that_knows_nothing_is_log_k_and_gradients_reach_q():
    logits = tf.Variable(np.zeros((4, 10), np.float32))
    with tf.GradientTape() as tape:
        total, cat, cont = losses.information_loss(np.array([0, 3, 9, 9]), logits)
    assert float(cat) == pytest.approx(np.log(10), rel=1e-6) and float(cont) == 0.0
    assert float(total) == pytest.approx(np.log(10), rel=1e-6)
    grad = tape.gradient(total, logits).numpy()
    # d CE / d logit = softmax - one-hot, over the batch mean: the true class is pushed up
    assert grad[1, 3] == pytest.approx((0.1 - 1) / 4) and grad[1, 0] == pytest.approx(0.1 / 4)
