"""The lecture's DCGAN for 28x28 MNIST digits, built from a :class:`DCGANConfig`.

The generator maps a latent vector z of length ``cfg.latent_dim`` to an image in
[-1, 1]; the discriminator maps an image to one logit (no sigmoid: the losses work
on logits, which is numerically safer). Notebook 02 walks through both.
"""

from __future__ import annotations

import numpy as np

from .config import DCGANConfig

IMAGE_SHAPE = (28, 28, 1)


def make_generator(cfg: DCGANConfig):
    """Build the generator: z (batch, latent_dim) -> images (batch, 28, 28, 1) in [-1, 1].

    Dense to a 7 x 7 x ``cfg.gen_filters`` feature map, then three 5x5 transposed
    convolutions (128 channels at 7x7, 64 at 14x14, 1 at 28x28) with BatchNorm and
    LeakyReLU between them and tanh at the end. The channel count of the first
    feature map is ``gen_filters``, never the batch size (erratum 4).
    """
    import keras
    from keras import layers

    slope = cfg.leaky_relu_slope
    f = cfg.gen_filters
    return keras.Sequential(
        [
            keras.Input(shape=(cfg.latent_dim,), name="z"),
            layers.Dense(7 * 7 * f, use_bias=False, name="project"),
            layers.BatchNormalization(name="project_bn"),
            layers.LeakyReLU(negative_slope=slope, name="project_act"),
            layers.Reshape((7, 7, f), name="to_7x7"),
            layers.Conv2DTranspose(128, 5, strides=1, padding="same", use_bias=False, name="up_7x7"),
            layers.BatchNormalization(name="up_7x7_bn"),
            layers.LeakyReLU(negative_slope=slope, name="up_7x7_act"),
            layers.Conv2DTranspose(64, 5, strides=2, padding="same", use_bias=False, name="up_14x14"),
            layers.BatchNormalization(name="up_14x14_bn"),
            layers.LeakyReLU(negative_slope=slope, name="up_14x14_act"),
            layers.Conv2DTranspose(1, 5, strides=2, padding="same", use_bias=False,
                                   activation="tanh", name="up_28x28"),
        ],
        name="generator",
    )


def make_discriminator(cfg: DCGANConfig):
    """Build the discriminator: images (batch, 28, 28, 1) -> logits (batch, 1).

    Two strided 5x5 convolutions (64 and 128 channels), each followed by LeakyReLU
    and Dropout, then one Dense unit. The output is a logit: D(x) = sigmoid(logit).
    """
    import keras
    from keras import layers

    slope = cfg.leaky_relu_slope
    return keras.Sequential(
        [
            keras.Input(shape=IMAGE_SHAPE, name="image"),
            layers.Conv2D(64, 5, strides=2, padding="same", name="down_14x14"),
            layers.LeakyReLU(negative_slope=slope, name="down_14x14_act"),
            layers.Dropout(cfg.dropout, name="down_14x14_drop"),
            layers.Conv2D(128, 5, strides=2, padding="same", name="down_7x7"),
            layers.LeakyReLU(negative_slope=slope, name="down_7x7_act"),
            layers.Dropout(cfg.dropout, name="down_7x7_drop"),
            layers.Flatten(name="flatten"),
            layers.Dense(1, name="logit"),
        ],
        name="discriminator",
    )


def latent_dim_of(generator) -> int:
    """The latent vector length a generator expects."""
    return int(generator.inputs[0].shape[-1])


def generate_images(generator, z, batch_size: int = 500) -> np.ndarray:
    """Run a generator in inference mode on latent vectors.

    Parameters
    ----------
    generator : keras.Model from :func:`make_generator`
    z : array of shape (n, latent_dim), any float dtype (cast to float32)
    batch_size : int
        Images generated per call; the result does not depend on it, because
        ``training=False`` makes BatchNorm use its moving statistics.

    Returns
    -------
    float32 array of shape (n, 28, 28, 1) in [-1, 1]
    """
    z = np.asarray(z, dtype=np.float32)
    expected = latent_dim_of(generator)
    if z.ndim != 2 or z.shape[1] != expected:
        raise ValueError(
            f"latent vectors must have shape (n, {expected}) for this generator, got {z.shape}; "
            f"draw them with ganlib.sample_latent(n, {expected})"
        )
    if len(z) == 0:
        return np.zeros((0, *IMAGE_SHAPE), np.float32)
    parts = [
        np.asarray(generator(z[i:i + batch_size], training=False))
        for i in range(0, len(z), batch_size)
    ]
    return np.concatenate(parts).astype(np.float32)


def layer_table(model) -> str:
    """A plain-text table of a Sequential model: each layer's name, kind, output shape
    (None is the batch dimension) and parameter count, then the total.

    Keras' ``model.summary()`` draws box characters whose layout changes between
    versions; this table stays the same, so notebooks can check it with nbval.
    """
    lines = [f"{'layer':<16}{'kind':<21}{'output shape':<21}{'parameters':>11}",
             f"{model.inputs[0].name:<16}{'(input)':<21}{str(model.inputs[0].shape):<21}{0:>11,}"]
    for layer in model.layers:
        lines.append(f"{layer.name:<16}{type(layer).__name__:<21}{str(layer.output.shape):<21}"
                     f"{layer.count_params():>11,}")
    lines.append(f"{'total':<58}{model.count_params():>11,}")
    return "\n".join(lines)
