"""Test answers for notebook 07's exercise checks (see tests/test_exercises.py).

The right answers of 07.2 to 07.5 were measured with the shipped models (07.4 and 07.5: the compact
generator of pretrained/) and the embedded
digits, in the small contexts built here (not the notebook's sizes).
"""

import functools

import numpy as np


@functools.cache
def _shipped() -> dict:
    import ganlib

    ganlib.quiet_tensorflow(onednn=True)
    images, labels = ganlib.load_mnist("embedded", verbose=False)
    info = ganlib.pretrained.classifier_info()
    reference, _ = ganlib.reference_digits(images, labels, info["holdout_per_class"], info["seed"])
    return {"images": images, "reference": reference, "generator": ganlib.load_pretrained(),
            "classifier": ganlib.load_classifier()}


def _digits() -> np.ndarray:
    import ganlib

    return ganlib.load_mnist("embedded", verbose=False)[0]


def _parzen_context() -> dict:
    from ganlib import parzen

    return {"test": parzen.unit_pixels(_digits()[:100])}


def _memorising_context() -> dict:
    images = _digits()
    # 500 training digits; "samples" are 8 other real digits, so nothing is a copy
    return {"samples": images[500:508], "real": images[:8], "training": images[:500]}


def _frechet_context() -> dict:
    import ganlib

    shipped = _shipped()
    samples = ganlib.generate_images(shipped["generator"], ganlib.sample_latent(1000, 100, seed=0))
    return {"classifier": shipped["classifier"], "reference": shipped["reference"], "samples": samples, "seed": 0}


def _truncation_context() -> dict:
    shipped = _shipped()
    return {"generator": shipped["generator"], "classifier": shipped["classifier"], "n": 200, "seed": 0}


CASES = {
    "07.1": dict(right=(2.8284, 0.4515),
                 wrong=[(3.0, 0.4771), (2.8284, 0.6), (4.5, 0.4515), (2.0, 2.0), ("a lot", 0.45)],
                 expected=[2.828, 0.4515]),
    "07.2": dict(right=(0.1, 543.43),
                 wrong=[(0.215, 543.43), (0.129, 543.43), (0.1, 271.7), (1.0, -5.0), (0.15, 543.43)],
                 expected=[0.1, 543.4],
                 context=_parzen_context),
    "07.3": dict(right=(65.24, 24.87, False),
                 wrong=[(65.24, 24.87, True), (0.0, 24.87, False), (65.24, 0.0, False), (30.0, 40.0, "no")],
                 expected=[65.24, 24.87],
                 context=_memorising_context),
    "07.4": dict(right=(13.603, 2.211, 10.039),
                 wrong=[(2.211, 13.603, 10.039), (13.603, 2.211, 2.315), (1.0, 1.0, 1.0)],
                 expected=[13.60, 2.211, 10.04],
                 context=_frechet_context),
    "07.5": dict(right=("down", 5.975, 0.88),
                 wrong=[("up", 5.975, 0.88), ("down", 10.0, 0.88), ("down", 5.975, 0.905), ("sideways", 6, 0.9)],
                 # the word itself is not listed: a hint may name both choices, as the question does
                 expected=[5.975, 0.88],
                 context=_truncation_context),
}
