"""GAN losses computed from the discriminator's logits.

With D(x) = sigmoid(logit) and the value function
V(D, G) = E_x[log D(x)] + E_z[log(1 - D(G(z)))], the discriminator maximises V,
so it minimises ``-V``: binary cross-entropy with target 1 for real images and 0 for
fakes. The generator has two classic choices (Goodfellow et al. 2014):

* minimax: minimise E_z[log(1 - D(G(z)))], the game as written. Its gradient
  vanishes when D confidently rejects the fakes, which is exactly early in training.
* non-saturating: minimise -E_z[log D(G(z))]. Same fixed point, strong gradients
  when the fakes are bad. This is the default.

Notebook 01 plots both gradients against D(G(z)).
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf


def _mean_bce(targets, logits):
    return tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=targets, logits=logits))


def minimax_discriminator_loss(real_logits, fake_logits, label_smoothing: float = 0.0):
    """-V(D, G) estimated on a batch: BCE(real -> 1) + BCE(fake -> 0).

    Parameters
    ----------
    real_logits, fake_logits : float tensors of shape (batch, 1)
    label_smoothing : float in [0, 1)
        One-sided smoothing: real targets become ``1 - label_smoothing``.

    Returns
    -------
    scalar float32 tensor; 2 log 2 ~= 1.386 when D outputs 1/2 everywhere.
    """
    real_logits = tf.convert_to_tensor(real_logits, tf.float32)
    fake_logits = tf.convert_to_tensor(fake_logits, tf.float32)
    real_targets = tf.fill(tf.shape(real_logits), 1.0 - label_smoothing)
    return _mean_bce(real_targets, real_logits) + _mean_bce(tf.zeros_like(fake_logits), fake_logits)


#: Both generator variants share the discriminator's loss.
non_saturating_discriminator_loss = minimax_discriminator_loss
discriminator_loss = minimax_discriminator_loss  # the lecture's name


def minimax_generator_loss(fake_logits):
    """E_z[log(1 - D(G(z)))] on a batch, which the generator minimises.

    Equal to ``-BCE(fake -> 0)``: always <= 0, and it flattens out as D(G(z)) -> 0.
    """
    fake_logits = tf.convert_to_tensor(fake_logits, tf.float32)
    return -_mean_bce(tf.zeros_like(fake_logits), fake_logits)


def non_saturating_generator_loss(fake_logits):
    """-E_z[log D(G(z))] on a batch: BCE(fake -> 1), which the generator minimises."""
    fake_logits = tf.convert_to_tensor(fake_logits, tf.float32)
    return _mean_bce(tf.ones_like(fake_logits), fake_logits)


generator_loss = non_saturating_generator_loss  # the lecture's name


def r1_penalty(input_gradients, gamma: float):
    """The R1 penalty of Mescheder et al. (2018): gamma / 2 * E_x ||grad_x D(x)||^2 over real x.

    Parameters
    ----------
    input_gradients : float tensor (batch, 28, 28, 1)
        The gradient of the summed real logits with respect to the real images, i.e.
        one row grad_x D(x) per image (each logit depends on its own image only).
    gamma : float >= 0
        The penalty's weight (``DCGANConfig.r1_gamma``).

    Returns
    -------
    scalar float32 tensor, 0 when D is flat around the real images.
    """
    g = tf.convert_to_tensor(input_gradients, tf.float32)
    per_image = tf.reduce_sum(tf.square(tf.reshape(g, [tf.shape(g)[0], -1])), axis=1)
    return 0.5 * float(gamma) * tf.reduce_mean(per_image)


def information_loss(codes, category_logits, continuous=None, mean=None, log_std=None,
                     category_weight: float = 1.0, continuous_weight: float = 0.1):
    """InfoGAN's information term (Chen et al. 2016): the negative log-likelihood of the codes under Q.

    G draws an image from noise and a code c: a category (one of K) and, optionally, k
    continuous values. Q reads the image and returns a distribution Q(c | x) over the codes:
    logits for the category and, for each continuous code, the mean and log standard
    deviation of a Gaussian. The mutual information I(c; G(z, c)) is bounded below by
    E[log Q(c | x)] + H(c) (a variational bound; H(c) is fixed by the code's prior), so
    minimising this loss over G and Q maximises the bound: G must draw images from which
    its code can be read back.

    Parameters
    ----------
    codes : int tensor (batch,), the category each image was drawn with, 0 .. K - 1
    category_logits : float tensor (batch, K), Q's logits for the category
    continuous : float tensor (batch, k) of the continuous codes, or None (no continuous code)
    mean, log_std : float tensors (batch, k), Q's Gaussian for each continuous code
    category_weight, continuous_weight : weights of the two terms (the paper: 1 and 0.1 on MNIST)

    Returns
    -------
    (total, category_nll, continuous_nll): scalar float32 tensors, each a batch mean; total is
    ``category_weight * category_nll + continuous_weight * continuous_nll`` (continuous_nll is 0
    without continuous codes). category_nll is the cross-entropy of the category, log K for a Q
    that knows nothing; continuous_nll sums the k Gaussian negative log-densities per image.
    """
    logits = tf.cast(category_logits, tf.float32)
    category_nll = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
        labels=tf.cast(codes, tf.int32), logits=logits))
    if continuous is None:
        continuous_nll = tf.constant(0.0, tf.float32)
    else:
        c, mu, log_s = (tf.cast(t, tf.float32) for t in (continuous, mean, log_std))
        per_code = log_s + 0.5 * tf.square((c - mu) / tf.exp(log_s)) + 0.5 * np.log(2 * np.pi)
        continuous_nll = tf.reduce_mean(tf.reduce_sum(per_code, axis=1))
    total = float(category_weight) * category_nll + float(continuous_weight) * continuous_nll
    return total, category_nll, continuous_nll


GENERATOR_LOSSES = {
    "non_saturating": non_saturating_generator_loss,
    "minimax": minimax_generator_loss,
}
