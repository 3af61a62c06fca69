"""Test answers for notebook 10's exercise checks (see tests/test_exercises.py).

10.1 uses the notebook's hand-made configuration, 10.2 small Monte Carlo samples drawn here,
10.3 the shipped Ising model with 50 draws (the right answers measured in that context).
"""

import functools

import numpy as np


def _hand() -> dict:
    hand = np.ones((4, 4), dtype=np.int8)
    hand[0, 0] = hand[0, 1] = -1
    return {"spins": hand}


@functools.cache
def _samples() -> dict:
    from ganlib import ising

    return {"samples": {T: ising.sample(8, T, 200, algorithm="wolff", seed=0) for T in (2.0, 3.0)}}


def _chi(spins, T):
    m = np.abs(spins.mean(axis=(1, 2)))
    return spins.shape[1] ** 2 / T * (np.mean(m ** 2) - np.mean(m) ** 2)


def _chi_of_m(spins, T):  # the variance of m, not of |m|
    m = spins.mean(axis=(1, 2))
    return spins.shape[1] ** 2 / T * np.var(m)


def _chi_without_n(spins, T):
    m = np.abs(spins.mean(axis=(1, 2)))
    return np.var(m) / T


def _chi_without_t(spins, T):
    m = np.abs(spins.mean(axis=(1, 2)))
    return spins.shape[1] ** 2 * np.var(m)


def _raises(spins, T):
    raise IndexError("tuple index out of range")


@functools.cache
def _shipped() -> dict:
    import ganlib
    from ganlib import ising_gan

    ganlib.quiet_tensorflow(onednn=True)
    temperatures = ising_gan.read_model_info(ganlib.pretrained.ISING_DIR)["temperatures"]
    return {"generator": ganlib.pretrained.load_pretrained_ising(), "temperatures": temperatures,
            "temperature": 2.269, "n": 50, "seed": 0}


CASES = {
    "10.1": dict(right=(6, -1.25, 0.75),
                 wrong=[(8, -1.25, 0.75), (6, -20, 0.75), (6, -1.0, 0.75), (6, -1.25, -0.75), ("six", 0, 0)],
                 expected=[-1.25, 0.75],
                 context=_hand),
    "10.2": dict(right=(_chi,),
                 wrong=[(_chi_of_m,), (_chi_without_n,), (_chi_without_t,), (_raises,), ("chi",)],
                 expected=[],
                 context=_samples),
    "10.3": dict(right=(0.4313, 0.6864),
                 wrong=[(0.6864 + 0.3, 0.6864), (0.4313, 0.4313 - 0.3), ("high", 0.5)],
                 expected=[],
                 context=_shipped),
}
