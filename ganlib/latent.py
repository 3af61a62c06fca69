"""Points in the generator's latent space: sampling, sweep directions and profiles, interpolation.

All functions are pure numpy. Latent points come out as float32, the generator's
dtype; means, standard deviations and directions as float64.
"""

from __future__ import annotations

import numpy as np

INTERPOLATION_METHODS = ("linear", "slerp")
#: What :func:`mean_direction` offers: the lecture's ramp, a random direction, a given vector.
MEAN_DIRECTIONS = ("ramp", "random", "vector")
#: What :func:`std_profile` offers: one std for all, the lecture's V, a block of dimensions.
STD_PROFILES = ("isotropic", "lecture", "block")


def _per_dimension(value, latent_dim: int, name: str) -> np.ndarray:
    arr = np.asarray(value, dtype=np.float64)
    if arr.ndim == 0:
        return np.full(latent_dim, float(arr))
    if arr.shape != (latent_dim,):
        raise ValueError(
            f"{name} must be a scalar or a vector of length latent_dim={latent_dim}, "
            f"got shape {arr.shape}"
        )
    return arr


def _check_latent_dim(latent_dim) -> None:
    if isinstance(latent_dim, bool) or not isinstance(latent_dim, (int, np.integer)) or latent_dim <= 0:
        raise ValueError(f"latent_dim must be a positive integer, got {latent_dim!r}")


def sample_latent(n: int, latent_dim: int, mean=0.0, std=1.0, seed: int | None = None) -> np.ndarray:
    """Draw n latent vectors z ~ N(mean, diag(std**2)).

    Parameters
    ----------
    n, latent_dim : positive int
    mean, std : float or array of shape (latent_dim,)
        Per-dimension means and standard deviations; every std must be >= 0.
    seed : int or None
        Same seed, same points.

    Returns
    -------
    float32 array of shape (n, latent_dim)
    """
    for name, value in (("n", n), ("latent_dim", latent_dim)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")
    means = _per_dimension(mean, latent_dim, "mean")
    stds = _per_dimension(std, latent_dim, "std")
    if not np.all(np.isfinite(means)) or not np.all(np.isfinite(stds)):
        raise ValueError("mean and std must be finite")
    if np.any(stds < 0):
        raise ValueError(f"std must be >= 0 in every dimension, got minimum {stds.min():g}")
    rng = np.random.default_rng(seed)
    z = means + stds * rng.standard_normal((n, latent_dim))
    return z.astype(np.float32)


def _ramp(latent_dim: int) -> np.ndarray:
    """The lecture's ramp linspace(-1, 1, latent_dim): float64 array of shape (latent_dim,)."""
    return np.linspace(-1.0, 1.0, latent_dim)


def mean_direction(latent_dim: int, kind: str = "ramp", seed: int = 0, vector=None) -> np.ndarray:
    """The direction along which a latent sweep moves its means, as long as the lecture's ramp.

    Every kind has the ramp's length ``|linspace(-1, 1, latent_dim)|`` (5.83 for 100
    dimensions), so a ``mean_scale`` puts the mean equally far from the origin,
    whichever direction it moves along; only the direction differs.

    Parameters
    ----------
    latent_dim : positive int
    kind : one of ``MEAN_DIRECTIONS``
        ``"ramp"``: the lecture's ramp itself. ``"random"``: a unit vector drawn
        uniformly over all directions (a standard normal vector divided by its
        length) with ``seed``, then scaled to the ramp's length. ``"vector"``: the
        direction of ``vector`` (e.g. :func:`ganlib.explore.attribute_direction`),
        scaled to the ramp's length.
    seed : int, only for ``"random"``; same seed, same direction
    vector : array of shape (latent_dim,), only for ``"vector"``; not all zero

    Returns
    -------
    float64 array of shape (latent_dim,)
    """
    _check_latent_dim(latent_dim)
    if kind not in MEAN_DIRECTIONS:
        raise ValueError(f"kind must be one of {MEAN_DIRECTIONS}, got {kind!r}")
    r = _ramp(latent_dim)
    if kind == "ramp":
        return r
    if kind == "random":
        u = np.random.default_rng(seed).standard_normal(latent_dim)
    else:
        if vector is None:
            raise ValueError('kind="vector" needs a vector')
        u = _per_dimension(vector, latent_dim, "vector")
        if np.ndim(vector) == 0 or not np.all(np.isfinite(u)) or not np.any(u):
            raise ValueError("vector must be a finite, nonzero array of length latent_dim")
    return u * (np.linalg.norm(r) / np.linalg.norm(u))


def std_profile(latent_dim: int, kind: str = "isotropic", block: tuple[int, int] = (0, 10)) -> np.ndarray:
    """The shape of a latent sweep's standard deviations, one number per dimension (all >= 0).

    A sweep's stds are ``std_scale * std_profile(...)``.

    Parameters
    ----------
    latent_dim : positive int
    kind : one of ``STD_PROFILES``
        ``"isotropic"``: 1 in every dimension (with std_scale 1, the training prior).
        ``"lecture"``: ``|linspace(-1, 1, latent_dim)|``, the V-shaped profile the
        lecture's sampler really used (erratum 8: its stds were the ramp itself,
        half of them negative, and ``mean + std * eps`` acts as if they were their
        absolute values); 1 at both ends, about 0.01 in the middle.
        ``"block"``: 1 in dimensions ``start .. stop - 1`` and 0 elsewhere, so only
        that block varies and every other dimension stays at its mean.
    block : (start, stop) with 0 <= start <= stop <= latent_dim, only for ``"block"``

    Returns
    -------
    float64 array of shape (latent_dim,)
    """
    _check_latent_dim(latent_dim)
    if kind not in STD_PROFILES:
        raise ValueError(f"kind must be one of {STD_PROFILES}, got {kind!r}")
    if kind == "isotropic":
        return np.ones(latent_dim)
    if kind == "lecture":
        return np.abs(_ramp(latent_dim))
    start, stop = block
    if not (isinstance(start, (int, np.integer)) and isinstance(stop, (int, np.integer))
            and 0 <= start <= stop <= latent_dim):
        raise ValueError(f"block must be (start, stop) with 0 <= start <= stop <= {latent_dim}, got {block!r}")
    profile = np.zeros(latent_dim)
    profile[start:stop] = 1.0
    return profile


def lecture_moments(latent_dim: int, mean_scale: float = 1.0, std_scale: float = 1.0,
                    direction=None, profile=None):
    """Per-dimension means and stds of the lecture's latent sweep, done correctly.

    The lecture drew dimension i with mean ``mean_scale * linspace(-1, 1)[i]`` and
    std ``std_scale * linspace(-1, 1)[i]``: half of those stds are negative and the
    middle ones nearly zero (+-0.01 for 100 dimensions; TensorFlow's mean + std * eps
    treats a negative std like its absolute value, so the real effect is a V-shaped
    profile that all but freezes the middle dimensions; erratum 8). By default the
    means keep the lecture's ramp, a fixed direction in latent space scaled by
    ``mean_scale``, and every dimension gets the standard deviation ``std_scale``
    (1 is the training prior).

    Parameters
    ----------
    direction : array of shape (latent_dim,) or None
        The means are ``mean_scale * direction``; None is the ramp. See
        :func:`mean_direction` for the ramp, a random direction or a given one.
    profile : array of shape (latent_dim,) with entries >= 0, or None
        The stds are ``std_scale * profile``; None is 1 in every dimension. See
        :func:`std_profile`; ``std_profile(latent_dim, "lecture")`` is the lecture's
        own V-shaped profile, made valid.

    Returns
    -------
    means, stds : float64 arrays of shape (latent_dim,)
    """
    if std_scale < 0:
        raise ValueError(f"std_scale must be >= 0, got {std_scale!r}")
    direction = mean_direction(latent_dim) if direction is None else _per_dimension(direction, latent_dim, "direction")
    profile = std_profile(latent_dim) if profile is None else _per_dimension(profile, latent_dim, "profile")
    if not np.all(np.isfinite(direction)) or not np.all(np.isfinite(profile)):
        raise ValueError("direction and profile must be finite")
    if np.any(profile < 0):
        raise ValueError(f"profile must be >= 0 in every dimension, got minimum {profile.min():g}")
    return mean_scale * direction, std_scale * profile


def interpolate(z0, z1, steps: int, method: str = "linear") -> np.ndarray:
    """Points from z0 to z1, both ends included.

    ``"linear"`` moves along the straight chord. Its midpoints are shorter than
    z0 and z1: for Gaussian latents in many dimensions that leaves the shell where
    the generator saw nearly all its training inputs. ``"slerp"`` moves the
    direction along the great circle and the length linearly, so every point's
    norm lies between |z0| and |z1|.

    Parameters
    ----------
    z0, z1 : arrays of shape (latent_dim,)
    steps : int >= 2
    method : "linear" or "slerp"

    Returns
    -------
    float32 array of shape (steps, latent_dim); row 0 is z0 and row -1 is z1.
    """
    z0 = np.asarray(z0, dtype=np.float64)
    z1 = np.asarray(z1, dtype=np.float64)
    if z0.ndim != 1 or z0.shape != z1.shape:
        raise ValueError(f"z0 and z1 must be vectors of one length, got {z0.shape} and {z1.shape}")
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 2:
        raise ValueError(f"steps must be an integer >= 2, got {steps!r}")
    if method not in INTERPOLATION_METHODS:
        raise ValueError(f"method must be one of {INTERPOLATION_METHODS}, got {method!r}")
    t = np.linspace(0.0, 1.0, steps)[:, None]
    if method == "linear":
        path = (1 - t) * z0 + t * z1
    else:
        r0, r1 = np.linalg.norm(z0), np.linalg.norm(z1)
        if r0 == 0 or r1 == 0:
            path = (1 - t) * z0 + t * z1  # no direction to rotate
        else:
            u0, u1 = z0 / r0, z1 / r1
            omega = np.arccos(np.clip(u0 @ u1, -1.0, 1.0))
            if omega < 1e-6:  # same direction
                direction = np.broadcast_to(u0, (steps, len(u0)))
            elif np.pi - omega < 1e-6:  # opposite: every great circle through both will do
                helper = np.zeros_like(u0)
                helper[np.argmin(np.abs(u0))] = 1.0
                v = helper - (helper @ u0) * u0
                v /= np.linalg.norm(v)
                direction = np.cos(np.pi * t) * u0 + np.sin(np.pi * t) * v
            else:
                direction = (np.sin((1 - t) * omega) * u0 + np.sin(t * omega) * u1) / np.sin(omega)
            path = ((1 - t) * r0 + t * r1) * direction
        path[0], path[-1] = z0, z1
    return path.astype(np.float32)
