"""Test answers for notebook 05's exercise checks (see tests/test_exercises.py)."""

import math

_MODELS = {}


def _models():
    """The lecture-architecture generator that notebook 05 explores, and the classifier: the answers below are theirs."""
    if not _MODELS:
        import ganlib

        ganlib.quiet_tensorflow()
        _MODELS.update(generator=ganlib.load_pretrained(ganlib.pretrained.LECTURE_DIR), classifier=ganlib.load_classifier())
    return dict(_MODELS)


def _norm(a, s, d):
    return a**2 * d * (d + 1) / (3 * (d - 1)) + d * s**2


# with noise seed 0 and 200 images: random direction 0 gives a 6 with half the images from mean_scale 3 on,
# and a 6 at +8, a 5 at -8; direction 1 gives a 4 from mean_scale 2 on
FAR_COSINE = 8 * math.sqrt(100 * 101 / 297) / math.sqrt(64 * 100 * 101 / 297 + 100)

CASES = {
    "05.1": dict(
        right=(_norm,),
        wrong=[(lambda a, s, d: a**2 * d / 3 + d * s**2,),           # the ramp's length squared taken as d/3
               (lambda a, s, d: a * d * (d + 1) / (3 * (d - 1)) + d * s**2,),  # mean_scale not squared
               (lambda a, s, d: a**2 * d + d * s**2,),               # the ramp taken as all ones
               (lambda a, s, d: a**2 * d * (d + 1) / (3 * (d - 1)) + d * s,),  # std not squared
               (lambda a, s, d: 1 / 0,), (lambda a, s, d: "large",)],
        expected=[_norm(5, 1, 100), _norm(-2, 0.5, 16), _norm(1, 10, 100), _norm(-1.5, 2, 2), _norm(3, 0, 7)],
    ),
    "05.2": dict(
        right=(81, 143, 39),
        wrong=[(89, 143, 39), (81, 152, 39), (80, 143, 39), (225, 143, 39), (81, 143, 40), (81, 143, 20),
               (81.5, 143, 39), ("many", 143, 39)],
        expected=[81, 143, 39],
    ),
    "05.3": dict(
        right=(0, 3, 6),
        wrong=[(0, 2, 6), (0, 4, 6), (0, 3, 5), (0, 0, 6), (0, 11, 6), (100, 3, 6), (0, 3, 12)],
        expected=[3, 6],
        context=_models,
    ),
    "05.4": dict(
        right=(0, 6, 5, FAR_COSINE),
        wrong=[(0, 5, 6, FAR_COSINE), (0, 6, 6, FAR_COSINE), (0, 6, 5, 0.9), (0, 6, 5, -FAR_COSINE), (0, 6, 5, 1.5)],
        expected=[6, 5, FAR_COSINE],
        context=_models,
    ),
    "05.5": dict(
        right=(math.sqrt(10), 0.90, 0.255),
        wrong=[(1.0, 0.90, 0.255), (10.0, 0.90, 0.255), (math.sqrt(10), 0.95, 0.255),
               (math.sqrt(10), 0.90, 0.5), (math.sqrt(10), 90, 25.5)],
        expected=[math.sqrt(10), 0.90, 0.255],
        context=_models,
    ),
}
