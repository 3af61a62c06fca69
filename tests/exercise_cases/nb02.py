"""Test answers for notebook 02's exercise checks (see tests/test_exercises.py)."""

import ganlib


def _count(latent_dim, gen_filters):
    return 49 * gen_filters * latent_dim + 3396 * gen_filters + 207_168


def _lecture_generator():
    cfg = ganlib.get_preset("lecture")
    return {"generator": ganlib.make_generator(cfg), "z": ganlib.sample_latent(16, cfg.latent_dim, seed=0)}


CASES = {
    "02.1": dict(right=(_count,),
                 wrong=[(lambda L, f: _count(L, f) + L,),  # a bias per latent input
                        (lambda L, f: _count(L, f) - 98 * f,),  # BatchNorm with two numbers per unit
                        (lambda L, f: _count(L, f) - 1600,),  # the last layer forgotten
                        (lambda L, f: _count(L, f) + 5 * (L == 100),),  # right only for small networks
                        (lambda L, f: _count(L, f) / 3,), (lambda L, f: "many",)],
                 expected=[2_330_944],
                 context=lambda: {"cfg": ganlib.get_preset("lecture")}),
    "02.2": dict(right=([2, 4, 6], 16, 9),
                 wrong=[([3, 5, 7], 16, 9), ([2, 4], 16, 9), ([2, 4, 6, 7], 16, 9), ([2, 4, 6, 8], 16, 9),
                        ([2, 4, 6], 9, 16), ([2, 4, 6], 12, 9), ([2, 4, 6], 4, 3), ("even ones", 16, 9)],
                 expected=[2, 4, 6, 16, 9],
                 context=lambda: {}),
    "02.3": dict(right=(5.96, "worse", 0.001),
                 wrong=[(1 / 5.96, "worse", 0.001), (11, "worse", 0.001), (5.96, "better", 0.001),
                        (5.96, "worse", 0.999), (5.96, "worse", 0.5)],
                 expected=[5.96, "worse", 0.001],
                 context=lambda: {}),
    "02.4": dict(right=(True, False, 0.0),
                 wrong=[(False, False, 0.0), (True, True, 0.0), (True, False, 1.5), ("yes", False, 0.0)],
                 expected=[0.0],
                 context=_lecture_generator),
    "02.5": dict(right=(1, 6, "resize"),
                 wrong=[(3, 6, "resize"), (1, 5, "resize"), (1, 6, "transposed"), (2.5, 6, "resize")],
                 expected=[1, 6, "resize"],
                 context=lambda: {}),
}
