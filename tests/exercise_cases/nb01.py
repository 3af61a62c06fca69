"""Test answers for notebook 01's exercise checks (see tests/test_exercises.py)."""

import dataclasses
import math

import numpy as np

from ganlib import toy

# --- 01.1 ---
C_OF_G = math.log(2 / 3) + 0.5 * math.log(1 / 3)


# --- 01.2 ---
def _d_star(x):
    return 1.0 / (1.0 + np.exp(x - 0.5))


# --- 01.3: a made-up run, so that the test trains nothing ---
THREE = toy.GaussianMixture(means=(-4.0, 0.0, 4.0), stds=(0.5, 0.5, 0.5))
WEAK = toy.ToyGANConfig(steps=500, gen_learning_rate=1e-2, disc_learning_rate=1e-4)
RESCUE = dataclasses.replace(WEAK, disc_steps=5)


def _run(steps=500, snapshot_steps=(0, 250, 500)):
    start = np.full(200, 0.2)  # one spike on the middle mode
    middle = np.r_[np.full(60, -4.1), np.full(70, 0.0), np.full(70, 3.9)]  # all three modes
    final = np.r_[np.full(50, -4.0), np.full(40, 0.1), np.full(110, 2.0)]  # two modes, 45 % near one
    snapshots = np.stack([start, middle, final][:len(snapshot_steps)]).astype(np.float32)
    return toy.ToyGANResult(generator=None, discriminator=None,
                            history={"step": np.arange(1, steps + 1)},
                            snapshot_steps=np.asarray(snapshot_steps), snapshots=snapshots)


RUN = _run()


# --- 01.4 ---
def _rho_squared(h, gamma):
    return 1.0 - h * gamma + h * h / 4.0


CASES = {
    "01.1": dict(right=(0.6667, 0, -0.9548),
                 wrong=[(0.5, 0.0, C_OF_G), (2 / 3, 0.5, C_OF_G), (2 / 3, 0.0, -1.2), (2 / 3, 0.0, 0.3),
                        (2 / 3, 0.0, -1.5), (2 / 3, 0.0, C_OF_G / math.log(2)), ("a lot", 0.0, 0.0)],
                 expected=[2 / 3, C_OF_G],  # D* = 0 on (1, 2] is left out: "[0, 1]" is in the hints
                 context=lambda: {}),
    "01.2": dict(right=(_d_star, -1.0, 0.5, 2),
                 wrong=[(lambda x: 1.0 / (1.0 + np.exp(0.5 - x)), -1.0, 0.5, 2),
                        (lambda x: 1.0 / (1.0 + np.exp(x)), -1.0, 0.5, 2),
                        (lambda x: x[:3], -1.0, 0.5, 2),
                        (lambda x: 1 / 0, -1.0, 0.5, 2),
                        (_d_star, 1.0, 0.5, 2), (_d_star, -1.0, -0.5, 2), (_d_star, -1.0, 0.5, 1),
                        (_d_star, -1.0, 0.5, 1.5), (_d_star, "down", 0.5, 2)],
                 expected=[-1.0, 0.5, 2],
                 context=lambda: {}),
    "01.3": dict(right=(RESCUE, RUN, 2, 0.45),
                 wrong=[(RESCUE, RUN, 3, 0.45), (RESCUE, RUN, 2, 0.6), (RESCUE, RUN, 2, 45.0),
                        (WEAK, RUN, 2, 0.45),
                        (dataclasses.replace(RESCUE, disc_learning_rate=1e-3), RUN, 2, 0.45),
                        (dataclasses.replace(WEAK, hidden=64), RUN, 2, 0.45),
                        (dataclasses.replace(WEAK, disc_learning_rate=1e-5), RUN, 2, 0.45),
                        ("disc_steps=5", RUN, 2, 0.45), (RESCUE, "my run", 2, 0.45),
                        (RESCUE, _run(steps=400), 2, 0.45), (RESCUE, _run(snapshot_steps=(0, 500)), 2, 0.45)],
                 expected=[2, 0.45],
                 context=lambda: {"weak": WEAK, "data": THREE}),
    "01.4": dict(right=(_rho_squared, 0.4),
                 wrong=[(lambda h, g: 1.0 + h * h / 4.0, 0.4), (lambda h, g: 1.0 - h * g / 2 + h * h / 4.0, 0.4),
                        (lambda h, g: 2.0, 0.4), (_rho_squared, 0.2), (_rho_squared, 0.8), (_rho_squared, -1.0)],
                 expected=[0.4],
                 context=lambda: {}),
}
