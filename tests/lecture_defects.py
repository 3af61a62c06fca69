"""The source lecture's defective code paths, reproduced in miniature.

Each erratum test runs ganlib's version and this one; the lecture's is marked
``xfail(strict=True)``, so the test proves it catches the defect (if the lecture's
version ever passed, the strict xfail would turn the suite red).
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf


def discriminator_loss(real_output, fake_output):
    """Erratum 1: ``tf.zeros_liks`` does not exist."""
    bce = tf.keras.losses.BinaryCrossentropy(from_logits=True)
    return bce(tf.ones_like(real_output), real_output) + bce(tf.zeros_liks(fake_output), fake_output)


def generator_model(latent_dim: int, batch_size: int):
    """Erratum 4: the first feature map has batch_size channels."""
    import keras
    from keras import layers

    return keras.Sequential([
        keras.Input((latent_dim,)),
        layers.Dense(7 * 7 * batch_size, use_bias=False),
        layers.BatchNormalization(),
        layers.LeakyReLU(),
        layers.Reshape((7, 7, batch_size)),
        layers.Conv2DTranspose(128, 5, strides=1, padding="same", use_bias=False),
        layers.BatchNormalization(),
        layers.LeakyReLU(),
        layers.Conv2DTranspose(64, 5, strides=2, padding="same", use_bias=False),
        layers.BatchNormalization(),
        layers.LeakyReLU(),
        layers.Conv2DTranspose(1, 5, strides=2, padding="same", use_bias=False, activation="tanh"),
    ])


def make_dataset(images, batch_size: int):
    """Erratum 5: shuffle and batch, keeping a smaller last batch."""
    return tf.data.Dataset.from_tensor_slices(images).shuffle(len(images)).batch(batch_size)


def write_losses(path, gen_losses, disc_losses):
    """Erratum 3: the loss history written as ``str(list)``."""
    with open(path, "w") as f:
        f.write(str(list(gen_losses)) + "\n\n" + str(list(disc_losses)) + "\n\n")


def restore(checkpoint: tf.train.Checkpoint, directory):
    """Erratum 7: ``restore(latest_checkpoint(d))`` when d holds no checkpoint."""
    return checkpoint.restore(tf.train.latest_checkpoint(str(directory)))


def generate_latent_points(number=100, scale_means=1, scale_stds=1):
    """Erratum 8: stds from linspace(-1, 1), shape [number, number], float64."""
    latent_dim = 100
    means = scale_means * tf.linspace(-1, 1, num=latent_dim)
    stds = scale_stds * tf.linspace(-1, 1, num=latent_dim)
    return tf.random.normal([number, number], means, stds, dtype=tf.float64), stds


def grid_indices(n: int) -> np.ndarray:
    """Erratum 9: panel (i, j) of a sqrt(n) x sqrt(n) grid shows image i*j."""
    side = int(np.sqrt(n))
    return np.array([[i * j for j in range(side)] for i in range(side)])


def subplot_grid(images):
    """Erratum 10: one matplotlib subplot per image."""
    import matplotlib.pyplot as plt

    side = int(np.sqrt(len(images)))
    fig, axs = plt.subplots(side, side, figsize=(10, 10))
    for i in range(side):
        for j in range(side):
            axs[i, j].imshow(images[i * side + j, :, :, 0], cmap="Greys")
            axs[i, j].axis("off")
    return fig
