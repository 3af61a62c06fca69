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
