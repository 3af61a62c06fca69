"""Test answers for notebook 04's exercise checks (see tests/test_exercises.py)."""

from __future__ import annotations

import atexit
import dataclasses
import shutil
import tempfile
from pathlib import Path

import numpy as np

from ganlib.config import DCGANConfig, get_preset

# a tiny run of 3 steps per epoch, stopped after step 4 like the notebook's after step 7
CUT, EPOCHS, STEPS_PER_EPOCH = 4, 2, 3


def _forgetful_resume_context():
    import ganlib

    folder = Path(tempfile.mkdtemp(prefix="ganlib-cases-nb04-"))
    atexit.register(shutil.rmtree, folder, True)
    images, _ = ganlib.load_mnist("embedded", verbose=False)
    cfg = dataclasses.replace(get_preset("fast"), gen_filters=8, latent_dim=8, batch_size=8, epochs=EPOCHS,
                              checkpoint_every=1, seed=2)
    train_images = images[:8 * STEPS_PER_EPOCH]
    first = ganlib.train(cfg, train_images, folder / "stopped", max_steps=CUT, verbose=0)
    straight = ganlib.train(cfg, train_images, folder / "straight", verbose=0)
    return {"stopped": first.state, "uninterrupted": straight.history, "images": train_images}


def _generator_context():
    """A tiny untrained generator whose BatchNorm layers have made-up gamma and beta (all zero beta
    would leave every later feature map constant)."""
    import keras

    import ganlib

    generator = ganlib.make_generator(DCGANConfig(latent_dim=8, gen_filters=8))
    rng = np.random.default_rng(0)
    for layer in generator.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            layer.gamma.assign(rng.uniform(0.5, 1.5, layer.gamma.shape).astype("float32"))
            layer.beta.assign(rng.normal(size=layer.beta.shape).astype("float32"))
    return {"generator": generator}


CENTRED = 7 * 7 * 8  # the Dense layer's BatchNorm: gen_filters 8

CASES = {
    "04.1": dict(right=(CUT + 2, 1.0),
                 wrong=[(CUT + 1, 1.0), (CUT + 3, 1.0), (CUT, 1.0), (CUT + 2, 0.5), (CUT + 2, 3.16),
                        (99, 1.0), ("nine", 1.0)],
                 expected=[CUT + 2, 1.0],
                 context=_forgetful_resume_context),
    "04.2": dict(right=(True, CENTRED),
                 wrong=[(False, CENTRED), (True, CENTRED + 128 + 64), (True, 0), (False, 0), (True, -1),
                        ("yes", CENTRED)],
                 expected=[CENTRED],
                 context=_generator_context),
    "04.3": dict(right=(11, 2130),
                 wrong=[(10, 2130), (13, 256), (11, 256), (11, 2000), (14, 2130), (11, "many")],
                 expected=[11, 2130],
                 context=lambda: {}),
}
