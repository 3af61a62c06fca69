"""The 2023 lecture's code, corrected just enough to run: the baseline of the benchmarks.

Faithful to the lecture in everything that costs time: the same layers (Keras'
default LeakyReLU slope 0.3), Adam 1e-4 with Keras' default betas, a ``tf.function``
train step that calls the discriminator twice (once on the real batch, once on the
fakes), and a matplotlib grid of one subplot per image. Only its bugs are fixed:
``tf.zeros_like`` (erratum 1), a generator sized by 256 filters rather than by the
batch size (erratum 4, the same network at batch 256), a noise batch as large as the
real batch (erratum 5), and the grid shows image ``i * n + j`` (erratum 9).

It is not part of ganlib and nothing in ganlib imports it.
"""

from __future__ import annotations

import io

import numpy as np

NOISE_DIM = 100
FILTERS = 256  # the lecture's 7 * 7 * BATCH_SIZE with BATCH_SIZE = 256


def generator_model():
    import tensorflow as tf
    from tensorflow.keras import layers

    model = tf.keras.Sequential()
    model.add(tf.keras.Input(shape=(NOISE_DIM,)))
    model.add(layers.Dense(units=7 * 7 * FILTERS, use_bias=False))
    model.add(layers.BatchNormalization())
    model.add(layers.LeakyReLU())
    model.add(layers.Reshape((7, 7, FILTERS)))
    model.add(layers.Conv2DTranspose(128, (5, 5), strides=(1, 1), padding="same", use_bias=False))
    model.add(layers.BatchNormalization())
    model.add(layers.LeakyReLU())
    model.add(layers.Conv2DTranspose(64, (5, 5), strides=(2, 2), padding="same", use_bias=False))
    model.add(layers.BatchNormalization())
    model.add(layers.LeakyReLU())
    model.add(layers.Conv2DTranspose(1, (5, 5), strides=(2, 2), padding="same", use_bias=False,
                                     activation="tanh"))
    return model


def discriminator_model():
    import tensorflow as tf
    from tensorflow.keras import layers

    model = tf.keras.Sequential()
    model.add(tf.keras.Input(shape=(28, 28, 1)))
    model.add(layers.Conv2D(64, (5, 5), strides=(2, 2), padding="same"))
    model.add(layers.LeakyReLU())
    model.add(layers.Dropout(0.3))
    model.add(layers.Conv2D(128, (5, 5), strides=(2, 2), padding="same"))
    model.add(layers.LeakyReLU())
    model.add(layers.Dropout(0.3))
    model.add(layers.Flatten())
    model.add(layers.Dense(1))
    return model


def make_lecture_step(generator, discriminator):
    """The lecture's ``train_step(images) -> (gen_loss, disc_loss)``, with its optimizers."""
    import tensorflow as tf

    cross_entropy = tf.keras.losses.BinaryCrossentropy(from_logits=True)
    generator_optimizer = tf.keras.optimizers.Adam(1e-4)
    discriminator_optimizer = tf.keras.optimizers.Adam(1e-4)

    def generator_loss(fake_output):
        return cross_entropy(tf.ones_like(fake_output), fake_output)

    def discriminator_loss(real_output, fake_output):
        real_loss = cross_entropy(tf.ones_like(real_output), real_output)
        fake_loss = cross_entropy(tf.zeros_like(fake_output), fake_output)  # erratum 1: was zeros_liks
        return real_loss + fake_loss

    @tf.function
    def train_step(images):
        noise = tf.random.normal([tf.shape(images)[0], NOISE_DIM])  # erratum 5: match the real batch
        with tf.GradientTape() as gen_tape, tf.GradientTape() as disc_tape:
            generated_images = generator(noise, training=True)
            real_output = discriminator(images, training=True)
            fake_output = discriminator(generated_images, training=True)
            gen_loss = generator_loss(fake_output)
            disc_loss = discriminator_loss(real_output, fake_output)
        gradients_of_generator = gen_tape.gradient(gen_loss, generator.trainable_variables)
        gradients_of_discriminator = disc_tape.gradient(disc_loss, discriminator.trainable_variables)
        generator_optimizer.apply_gradients(zip(gradients_of_generator, generator.trainable_variables))
        discriminator_optimizer.apply_gradients(zip(gradients_of_discriminator,
                                                    discriminator.trainable_variables))
        return gen_loss, disc_loss

    return train_step


def generate_latent_points(number: int, scale_means: float = 1.0, scale_stds: float = 1.0,
                           seed: int = 0) -> np.ndarray:
    """The lecture's per-dimension ramp of means and stds, with the stds made valid
    (|linspace(-1, 1)|, erratum 8) and the right shape and dtype."""
    means = scale_means * np.linspace(-1, 1, NOISE_DIM)
    stds = scale_stds * np.abs(np.linspace(-1, 1, NOISE_DIM))
    rng = np.random.default_rng(seed)
    return (means + stds * rng.standard_normal((number, NOISE_DIM))).astype(np.float32)


def plot_result_png(generated_images, number: int) -> bytes:
    """The lecture's ``plot_result``: one matplotlib subplot per image, drawn to PNG bytes
    (the lecture called plt.show(); a notebook turns that into the same PNG)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    side = int(np.sqrt(number))
    fig, axs = plt.subplots(side, side, figsize=(10, 10))
    for i in range(side):
        for j in range(side):
            axs[i, j].imshow(generated_images[i * side + j], cmap="Greys")  # erratum 9: was [i*j]
            axs[i, j].axis("off")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return buffer.getvalue()
