"""Test answers for notebook 06's exercise checks (see tests/test_exercises.py)."""

import numpy as np


def _context():
    import ganlib
    from ganlib import explore

    ganlib.quiet_tensorflow()
    generator, classifier = ganlib.load_pretrained(ganlib.pretrained.LECTURE_DIR), ganlib.load_classifier()
    # a smaller pool than the notebook's 2,000: the answers below are this pool's
    pool = explore.latent_pool(generator, classifier, n=500, seed=0)
    return {"pool": pool, "generator": generator, "classifier": classifier}


_POOL_CONTEXT = {}


def _pool_context():
    if not _POOL_CONTEXT:  # one pool for exercises 06.3 and 06.4
        _POOL_CONTEXT.update(_context())
    return dict(_POOL_CONTEXT)


def _slant(images):
    """Minus the ink-weighted correlation of row and column: positive for digits leaning right."""
    w = (np.asarray(images, np.float64)[..., 0] + 1) / 2
    rows, cols = np.mgrid[0:28, 0:28]
    total = w.sum(axis=(1, 2))
    dr = rows - (np.sum(w * rows, axis=(1, 2)) / total)[:, None, None]
    dc = cols - (np.sum(w * cols, axis=(1, 2)) / total)[:, None, None]
    cov, vr, vc = (np.sum(w * x * y, axis=(1, 2)) / total for x, y in ((dr, dc), (dr, dr), (dc, dc)))
    return -cov / np.sqrt(vr * vc)


def _ink(images):
    return (np.asarray(images, np.float64).reshape(len(images), -1).mean(axis=1) + 1) / 2


# what _slant gives on the context's pool (moved best points at alpha = -2 and +2)
SLANT_CHANGE, SLANT_KEPT = 1.2886, 18

CASES = {
    "06.1": dict(
        right=(lambda d, t: d * ((1 - t) ** 2 + t ** 2),),
        wrong=[(lambda d, t: (1 - t) ** 2 + t ** 2,),            # forgot d
               (lambda d, t: d,),                                # no dip
               (lambda d, t: d * (1 - t) ** 2 + d * t ** 2 + 0.1 * t * (1 - t),),  # a cross term that does not vanish
               (lambda d, t: d * ((1 - t) ** 2 + t ** 2) + (d == 2),),  # not proportional to d
               (lambda d, t: d * (1 - 2 * t * (1 - t) ** 2),),   # right at the ends, off in between
               (lambda d, t: "fifty",)],
        expected=[50.0, 62.5, 82.0, 68.0, 1.56],
    ),
    "06.2": dict(
        right=(True, True, 12.25, 67.5),
        wrong=[(True, False, 12.25, 67.5), (False, True, 12.25, 67.5), (True, True, 10.75, 67.5),
               (True, True, 12.25, 22.5), (True, True, 12.25, 1.178), (True, True, 12.25, 60.0),
               ("yes", True, 12.25, 67.5)],
        expected=[12.25, 67.5],
    ),
    "06.3": dict(
        right=((2, 5, 7), (82.74, 90.32, 97.23), (9, 9, 9)),
        wrong=[((2, 5, 7), (82.74, 90.32, 97.23), (9, 8, 9)),
               ((2, 5, 7), (90.0, 90.0, 90.0), (9, 9, 9)),
               ((2, 2, 7), (82.74, 82.74, 97.23), (9, 9, 9)),
               ((2, 5), (82.74, 90.32), (9, 9)),
               ((2, 5, 7), (1.444, 1.576, 1.697), (9, 9, 9))],     # radians
        expected=[82.74, 90.32, 97.23, 9],
        context=lambda: dict(_pool_context(), steps=9),
    ),
    "06.4": dict(
        right=(_slant, SLANT_CHANGE, SLANT_KEPT),
        wrong=[(_slant, SLANT_CHANGE + 0.3, SLANT_KEPT), (_slant, SLANT_CHANGE, SLANT_KEPT - 1),
               (lambda images: np.zeros(3), SLANT_CHANGE, SLANT_KEPT), (lambda images: 1 / 0, 1.0, 10),
               (_ink, SLANT_CHANGE, SLANT_KEPT)],                 # another score gives other numbers
        expected=[SLANT_CHANGE, SLANT_KEPT],
        context=_pool_context,
    ),
}
