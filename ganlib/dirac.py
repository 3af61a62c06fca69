"""The Dirac-GAN: a GAN with one parameter per player, whose training can be seen whole.

Mescheder, Geiger and Nowozin (2018), "Which training methods for GANs do actually
converge?", use it to show that plain gradient steps need not reach the equilibrium.
The data are a point mass at 0, the generator is a point mass at ``theta``, and the
discriminator's logit is linear, ``psi * x``, so that D(x) = sigmoid(psi * x) is, as
everywhere in ganlib, its probability that x is real. With the usual GAN loss
f(t) = -log(1 + exp(-t)) = log sigmoid(t), the value of the game is

    V(theta, psi) = f(psi * 0) + f(-psi * theta) = log D(0) + log(1 - D(theta)).

The discriminator raises V, the generator lowers it. The only equilibrium is
(theta, psi) = (0, 0): the generator on the data and a blind discriminator. The R1
penalty (gamma / 2) |d logit / dx|^2 at the data, which the shipped recipe adds to D's
loss (``DCGANConfig.r1_gamma``), is (gamma / 2) * psi^2 here.

A point of the game is a float64 array of shape (2,) holding (theta, psi). Everything is
pure numpy. Notebook 01 (``notebooks/01_gan_theory.ipynb``) plots it.

Contents
--------
* The game: :func:`f`, :func:`f_prime`, :func:`value`, :func:`gradient_field`.
* Training it: :func:`step` (simultaneous or alternating gradient steps) and
  :func:`trajectory`.
* Near the equilibrium: :func:`field_jacobian`, :func:`update_jacobian` and
  :func:`update_eigenvalues` (by formula), :func:`finite_difference_jacobian` (from the
  real update), :func:`spectral_radius`.
* What a trajectory did: :func:`growth_per_step`, :func:`turns`.
"""

from __future__ import annotations

import numpy as np

from .config import GENERATOR_LOSS_VARIANTS as GENERATOR_LOSSES  # the generator losses ganlib knows

METHODS = ("simultaneous", "alternating")
EQUILIBRIUM = np.zeros(2)


def f(t) -> np.ndarray:
    """f(t) = -log(1 + exp(-t)) = log sigmoid(t), computed without overflow; float64, <= 0."""
    return -np.logaddexp(0.0, -np.asarray(t, dtype=np.float64))


def f_prime(t) -> np.ndarray:
    """f'(t) = 1 / (1 + exp(t)) = sigmoid(-t), in (0, 1); f'(0) = 1/2."""
    return 0.5 * (1.0 - np.tanh(0.5 * np.asarray(t, dtype=np.float64)))


def value(theta, psi) -> np.ndarray:
    """V(theta, psi) = f(0) + f(-psi * theta), for arrays of one shape (or broadcastable).

    -log 4 wherever psi = 0 (a blind discriminator), whatever the generator does.
    """
    theta, psi = np.asarray(theta, dtype=np.float64), np.asarray(psi, dtype=np.float64)
    return f(0.0) + f(-psi * theta)


def _check(method: str, generator_loss: str, gamma: float, h: float | None = None) -> None:
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    if generator_loss not in GENERATOR_LOSSES:
        raise ValueError(f"generator_loss must be one of {GENERATOR_LOSSES}, got {generator_loss!r}")
    if not gamma >= 0:
        raise ValueError(f"gamma must be >= 0, got {gamma}")
    if h is not None and not h > 0:
        raise ValueError(f"the learning rate h must be > 0, got {h}")


def gradient_field(point, gamma: float = 0.0, generator_loss: str = "minimax") -> np.ndarray:
    """The direction in which each player moves: v = (-dL_G / dtheta, d(V - R1) / dpsi).

    Parameters
    ----------
    point : float array of shape (..., 2) holding (theta, psi)
    gamma : R1 weight >= 0; the discriminator maximises V - (gamma / 2) psi^2
    generator_loss : ``"minimax"`` (G minimises V, the zero-sum game) or
        ``"non_saturating"`` (G minimises -log D(theta) = -f(psi * theta))

    Returns
    -------
    float64 array of the shape of ``point``. A gradient step with learning rate h moves
    the point by h * v.
    """
    _check("simultaneous", generator_loss, gamma)
    point = np.asarray(point, dtype=np.float64)
    theta, psi = point[..., 0], point[..., 1]
    if generator_loss == "minimax":
        d_theta = psi * f_prime(-psi * theta)  # -dV/dtheta
    else:
        d_theta = psi * f_prime(psi * theta)  # d log D(theta) / dtheta
    d_psi = -theta * f_prime(-psi * theta) - gamma * psi  # dV/dpsi - d R1/dpsi
    return np.stack([d_theta, d_psi], axis=-1)


def step(point, h: float, method: str = "simultaneous", gamma: float = 0.0,
         generator_loss: str = "minimax") -> np.ndarray:
    """One gradient step of both players with learning rate ``h``.

    ``"simultaneous"``: both move from the same point, as ganlib's train steps do (both
    gradients from one batch). ``"alternating"``: the discriminator moves first, then the
    generator answers the new discriminator; the reverse order has the same eigenvalues
    near the equilibrium.

    Parameters
    ----------
    point : float array of shape (2,), (theta, psi)
    h : learning rate > 0
    method, gamma, generator_loss : as above and in :func:`gradient_field`

    Returns
    -------
    float64 array of shape (2,), the new (theta, psi)
    """
    _check(method, generator_loss, gamma, h)
    point = np.asarray(point, dtype=np.float64)
    if method == "simultaneous":
        return point + h * gradient_field(point, gamma, generator_loss)
    psi = point[1] + h * gradient_field(point, gamma, generator_loss)[1]
    theta = point[0] + h * gradient_field(np.array([point[0], psi]), gamma, generator_loss)[0]
    return np.array([theta, psi])


def trajectory(start, steps: int, h: float, method: str = "simultaneous", gamma: float = 0.0,
               generator_loss: str = "minimax") -> np.ndarray:
    """``steps`` gradient steps from ``start``: float64 array of shape (steps + 1, 2), row 0 = start."""
    if steps < 0:
        raise ValueError(f"steps must be >= 0, got {steps}")
    path = np.empty((steps + 1, 2))
    path[0] = np.asarray(start, dtype=np.float64)
    for k in range(steps):
        path[k + 1] = step(path[k], h, method, gamma, generator_loss)
    return path


def field_jacobian(gamma: float = 0.0) -> np.ndarray:
    """Jacobian of :func:`gradient_field` at the equilibrium (0, 0), by formula.

    [[0, f'(0)], [-f'(0), -gamma]] with f'(0) = 1/2, for either generator loss. Its
    eigenvalues are (-gamma +- sqrt(gamma^2 - 1)) / 2: +-i/2 without R1, a pure
    rotation with nothing that pulls the players to the equilibrium.
    Returns a float64 array of shape (2, 2).
    """
    _check("simultaneous", "minimax", gamma)
    a = float(f_prime(0.0))
    return np.array([[0.0, a], [-a, -gamma]])


def update_jacobian(h: float, method: str = "simultaneous", gamma: float = 0.0) -> np.ndarray:
    """Jacobian of one :func:`step` at the equilibrium (0, 0), by formula.

    With J = :func:`field_jacobian` and a = f'(0) = 1/2:

    * simultaneous: I + h J;
    * alternating (D first): [[1 - h^2 a^2, h a (1 - h gamma)], [-h a, 1 - h gamma]],
      whose determinant is 1 - h gamma.

    The same for either generator loss. Returns a float64 array of shape (2, 2).
    """
    _check(method, "minimax", gamma, h)
    a = float(f_prime(0.0))
    if method == "simultaneous":
        return np.eye(2) + h * field_jacobian(gamma)
    return np.array([[1.0 - (h * a) ** 2, h * a * (1.0 - h * gamma)],
                     [-h * a, 1.0 - h * gamma]])


def update_eigenvalues(h: float, method: str = "simultaneous", gamma: float = 0.0) -> np.ndarray:
    """Eigenvalues of :func:`update_jacobian`, from the closed form of a 2 x 2 matrix.

    lambda = T/2 +- sqrt(T^2/4 - det) with trace T and determinant det; for simultaneous
    steps this is 1 + h mu with mu the eigenvalues of the field's Jacobian.

    Returns
    -------
    complex128 array of shape (2,), the one with the larger imaginary part (then the
    larger real part) first.
    """
    _check(method, "minimax", gamma, h)
    a = float(f_prime(0.0))
    if method == "simultaneous":
        trace, det = 2.0 - h * gamma, (1.0 - h * gamma) + (h * a) ** 2
    else:
        trace, det = 2.0 - (h * a) ** 2 - h * gamma, 1.0 - h * gamma
    root = np.sqrt(complex(trace ** 2 / 4.0 - det))
    return np.array([trace / 2.0 + root, trace / 2.0 - root])


def finite_difference_jacobian(h: float, method: str = "simultaneous", gamma: float = 0.0,
                               generator_loss: str = "minimax", point=EQUILIBRIUM,
                               eps: float = 1e-6) -> np.ndarray:
    """Jacobian of the real :func:`step` at ``point`` by central differences.

    Parameters
    ----------
    h, method, gamma, generator_loss : as in :func:`step`
    point : float array of shape (2,); default the equilibrium
    eps : the finite-difference step; the error is O(eps^2) from the step's curvature
        plus O(1e-16 / eps) from rounding, about 1e-10 at the default

    Returns
    -------
    float64 array of shape (2, 2); column j is d step / d point_j.
    """
    point = np.asarray(point, dtype=np.float64)
    columns = []
    for j in range(2):
        e = np.zeros(2)
        e[j] = eps
        columns.append((step(point + e, h, method, gamma, generator_loss)
                        - step(point - e, h, method, gamma, generator_loss)) / (2 * eps))
    return np.stack(columns, axis=1)


def spectral_radius(matrix) -> float:
    """Largest |eigenvalue| of a square matrix. For an update's Jacobian at a fixed point:
    > 1, nearby points move away; < 1, they converge; = 1, neither."""
    return float(np.max(np.abs(np.linalg.eigvals(np.asarray(matrix, dtype=np.float64)))))


def growth_per_step(path) -> float:
    """How much the distance to the equilibrium grows per step along ``path`` (shape (k, 2)).

    exp of the slope of a least-squares line through log |point_k| against k. Near the
    equilibrium it estimates the spectral radius of the update: the fit averages out the
    wobble of a path that circles on an ellipse rather than a circle.
    """
    path = np.asarray(path, dtype=np.float64)
    radius = np.hypot(path[:, 0], path[:, 1])
    if len(path) < 2 or np.any(radius == 0):
        raise ValueError("growth_per_step needs >= 2 points, none at the equilibrium itself")
    slope = np.polyfit(np.arange(len(path)), np.log(radius), 1)[0]
    return float(np.exp(slope))


def turns(path) -> float:
    """How many times ``path`` (shape (k, 2)) winds around the equilibrium: the net angle
    it sweeps, in units of 2 pi, >= 0. Near the equilibrium each step turns by
    |arg lambda| of the update's eigenvalues."""
    path = np.asarray(path, dtype=np.float64)
    angle = np.unwrap(np.arctan2(path[:, 1], path[:, 0]))
    return float(abs(angle[-1] - angle[0]) / (2 * np.pi))
