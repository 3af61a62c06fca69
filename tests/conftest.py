"""Shared fixtures: tiny configurations and real MNIST digits, TensorFlow started quietly."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from ganlib.runtime import quiet_tensorflow

quiet_tensorflow(onednn=True)  # same kernels as the command line; before any test imports TF

from ganlib.config import DCGANConfig  # noqa: E402


@pytest.fixture(scope="session")
def tiny_cfg() -> DCGANConfig:
    """A DCGAN small enough that a train step takes milliseconds."""
    return DCGANConfig(latent_dim=8, gen_filters=8, batch_size=16, epochs=2, seed=3,
                       checkpoint_every=1, sample_grid_size=4)


@pytest.fixture(scope="session")
def tiny_cond_cfg(tiny_cfg) -> DCGANConfig:
    """The tiny configuration as a conditional GAN (10 labels)."""
    return dataclasses.replace(tiny_cfg, conditional=True)


@pytest.fixture(scope="session")
def mnist():
    from ganlib.data import load_mnist

    return load_mnist("embedded", verbose=False)


@pytest.fixture(scope="session")
def small_images(mnist) -> np.ndarray:
    """48 real digits: three batches of the tiny configuration."""
    return mnist[0][:48]


def replace(cfg: DCGANConfig, **changes) -> DCGANConfig:
    return dataclasses.replace(cfg, **changes)


@pytest.fixture(scope="session")
def small_labels(mnist) -> np.ndarray:
    """The digits of ``small_images``: int64 (48,)."""
    return mnist[1][:48]


@pytest.fixture(scope="session")
def built_book(tmp_path_factory):
    """The web book and the decks, built once per session (``python -m ganlib book``):
    the folder holding index.html, notebooks/ and slides/."""
    from ganlib import book

    return book.build(tmp_path_factory.mktemp("book")).parent
