"""The two-dimensional Ising model, sampled by Monte Carlo, with its exact results.

A configuration is an L x L grid of spins s_i = +1 or -1 on a torus (periodic
boundaries). Its energy is E = -sum over nearest-neighbour pairs of s_i s_j (coupling
J = 1, no field, k_B = 1), and at temperature T a configuration appears with probability
proportional to exp(-E / T). At high T the spins are nearly independent and the mean spin
m is close to 0. Below the critical temperature T_c = 2 / ln(1 + sqrt 2) ~ 2.269 the
lattice orders: most spins agree, and an infinite lattice picks one of two magnetised
phases, m ~ +M(T) or m ~ -M(T). At T_c the correlated patches reach every size, and a
Monte Carlo chain that flips one spin at a time slows down sharply (critical slowing
down); flipping whole clusters of aligned spins (Wolff's algorithm) avoids most of it.

Everything is pure numpy. A batch of configurations is an int8 array of shape
(n, L, L) holding -1 and +1. Notebook 10 ("a GAN as a fast sampler of a physical
system") trains a conditional GAN on these configurations and judges its output by the
physics below.

Contents
--------
* Exact results of the infinite lattice: :data:`T_CRITICAL`,
  :func:`onsager_magnetization`, :func:`onsager_energy`.
* Observables of a batch: :func:`check_spins`, :func:`energy`, :func:`magnetization`,
  :func:`abs_magnetization`, :func:`susceptibility`, :func:`heat_capacity`; comparing
  two samples and error bars: :func:`histogram_distance`, :func:`bootstrap_error`.
* Monte Carlo moves on many chains at once: :func:`metropolis_sweeps` (checkerboard
  single-spin flips) and :func:`wolff_steps` (cluster flips); how long a chain remembers:
  :func:`integrated_autocorrelation_time`.
* Drawing configurations: :func:`sample` (burn-in and thinning chosen from a measured
  autocorrelation time; :data:`AUTO_THRESHOLD` is where ``"auto"`` switches from Wolff to
  Metropolis), :func:`dataset` (several temperatures, labelled),
  :func:`save_dataset`, :func:`load_dataset`, :func:`is_dataset_file`,
  :func:`cached_dataset`.
* For the GAN: :func:`as_images` (spins to float images) and :func:`to_spins` (a tanh
  generator's output back to spins).
"""

from __future__ import annotations

import math
import os
import time
import warnings
import zipfile
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

T_CRITICAL: float = 2.0 / math.log(1.0 + math.sqrt(2.0))
ALGORITHMS = ("metropolis", "wolff", "auto")

#: ``algorithm="auto"`` uses Wolff below this temperature and Metropolis from it up (on an
#: even L >= 6; an odd L or L <= 4 always gets Wolff, see :func:`metropolis_sweeps`). Below T_c
#: Wolff is needed for correct sampling (see :func:`sample`); above T_c it is a matter of
#: speed. Measured with ``sample(16, T, 2000)`` and ``sample(32, T, 300)`` on 2 CPU cores,
#: the two cost the same at T ~ 2.4 (L = 16: 1.3 s Metropolis, 1.1 s Wolff; L = 32: 8.3 s
#: and 8.1 s); at 2.5 Metropolis is 2-3 times faster, since Wolff's clusters shrink as T
#: rises while every cluster step still costs work on the whole lattice.
AUTO_THRESHOLD: float = 2.4

_FORMAT = "ganlib.ising.dataset"  # marks a file written by save_dataset
_FORMAT_VERSION = 1
_MIN_BURN_IN = 100  # steps; a hot start needs some relaxing before any measurement
_MIN_PILOT = 200  # steps recorded at least in the pilot run
_PILOT_LENGTH_PER_TAU = 50  # the pilot records at least this many tau after the burn-in
_MAX_PILOT_STEPS = 2 ** 15  # a hard stop for the pilot; sample() warns when it is reached

# ---------------------------------------------------------------------------
# checking arguments


def _check_temperature(T, name: str = "T") -> float:
    try:
        value = float(T)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a positive finite number, got {T!r}") from None
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a positive finite number, got {T!r}")
    return value


def _check_temperatures(T) -> np.ndarray:
    t = np.asarray(T, dtype=np.float64)
    if not np.all(np.isfinite(t) & (t > 0)):
        raise ValueError(f"temperatures must be positive finite numbers, got {T!r}")
    return t


def _check_positive_int(value, name: str, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def _check_algorithm(algorithm: str) -> str:
    if algorithm not in ALGORITHMS:
        raise ValueError(f"unknown algorithm {algorithm!r}: use one of {', '.join(ALGORITHMS)}")
    return algorithm


def check_spins(spins) -> np.ndarray:
    """Validate a batch of configurations and return it as int8.

    Parameters
    ----------
    spins : array of shape (n, L, L), or (L, L) for one configuration, any numeric dtype,
        every value -1 or +1, L >= 2.

    Returns
    -------
    int8 array of shape (n, L, L) in {-1, +1} (a copy when the dtype or shape changed).

    Raises
    ------
    ValueError
        For another shape, a non-square lattice, L < 2, or a value other than -1 and +1.
    """
    s = np.asarray(spins)
    if s.ndim == 2:
        s = s[None]
    if s.ndim != 3 or s.shape[1] != s.shape[2]:
        raise ValueError(f"spins must have shape (n, L, L) or (L, L), got {np.shape(spins)}")
    if s.shape[0] == 0:
        raise ValueError("spins holds no configuration (n = 0): pass at least one")
    if s.shape[1] < 2:
        raise ValueError(f"L must be an integer >= 2, got spins of shape {s.shape}")
    if s.dtype.kind not in "biuf":
        raise ValueError(f"spins must be numbers -1 and +1, got dtype {s.dtype}")
    bad = (s != 1) & (s != -1)
    if bad.any():
        raise ValueError(f"spins must be -1 or +1, found {s[bad].flat[0]!r} (e.g. 0/1 data: use 2 * x - 1)")
    return s.astype(np.int8, copy=False)


# ---------------------------------------------------------------------------
# exact results of the infinite lattice (Onsager 1944, Yang 1952)


def onsager_magnetization(T) -> np.ndarray:
    """Spontaneous magnetisation |m| of the infinite lattice.

    M(T) = (1 - sinh(2/T)^-4)^(1/8) below T_c, 0 at and above T_c (Yang 1952).

    Parameters
    ----------
    T : float or array of floats > 0

    Returns
    -------
    float64 array of the shape of ``T`` in [0, 1]; M -> 1 as T -> 0.
    """
    t = _check_temperatures(T)
    with np.errstate(over="ignore"):  # sinh(2/T) overflows to inf for T < ~0.003: M = 1 then
        inv4 = np.sinh(2.0 / t) ** -4.0
    return np.where(t < T_CRITICAL, np.clip(1.0 - inv4, 0.0, None) ** 0.125, 0.0)


def _agm(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Arithmetic-geometric mean, elementwise, a and b >= 0 (quadratic convergence)."""
    a, b = np.array(a, dtype=np.float64), np.array(b, dtype=np.float64)
    zero = (a == 0) | (b == 0)  # AGM(a, 0) = 0, reached only in the limit of the iteration
    for _ in range(64):  # doubles the correct digits each round; 64 covers b ~ 1e-300
        if np.all(zero | (np.abs(a - b) <= 1e-15 * a)):
            break
        a, b = 0.5 * (a + b), np.sqrt(a * b)
    return np.where(zero, 0.0, a)


def _elliptic_k(k: np.ndarray) -> np.ndarray:
    """Complete elliptic integral of the first kind, modulus k in [0, 1]: pi / (2 AGM(1, k'))."""
    k_prime = np.sqrt(np.clip(1.0 - np.asarray(k, dtype=np.float64) ** 2, 0.0, None))
    with np.errstate(divide="ignore"):  # K(1) = inf
        return np.pi / (2.0 * _agm(np.ones_like(k_prime), k_prime))


def onsager_energy(T) -> np.ndarray:
    """Exact energy per spin of the infinite lattice (Onsager 1944).

    u(T) = -coth(2/T) [1 + (2/pi) (2 tanh^2(2/T) - 1) K(k)],  k = 2 sinh(2/T) / cosh^2(2/T),

    with K the complete elliptic integral of the first kind (modulus k), computed by the
    arithmetic-geometric mean. u(T_c) = -sqrt 2; u -> -2 as T -> 0 and -> 0 as T -> inf.

    Parameters
    ----------
    T : float or array of floats > 0

    Returns
    -------
    float64 array of the shape of ``T`` in [-2, 0].
    """
    t = _check_temperatures(T)
    x = 2.0 / t
    with np.errstate(over="ignore"):  # cosh(x) = inf at tiny T: k = 0 there, which is right
        k = 2.0 * np.tanh(x) / np.cosh(x)
    factor = 2.0 * np.tanh(x) ** 2 - 1.0
    with np.errstate(invalid="ignore"):
        # at T_c the factor is 0 and K(1) infinite; the product tends to 0 (K grows only as log)
        term = np.where(factor == 0.0, 0.0, factor * _elliptic_k(np.clip(k, 0.0, 1.0)))
    term = np.where(np.isfinite(term), term, 0.0)
    return -(1.0 / np.tanh(x)) * (1.0 + (2.0 / np.pi) * term)


# ---------------------------------------------------------------------------
# observables of a batch of configurations


def _bond_sum(s: np.ndarray) -> np.ndarray:
    """Sum of s_i s_j over the right and down neighbour of every site: (n,) int64."""
    s = s.astype(np.int32, copy=False)
    return (s * np.roll(s, -1, axis=2)).sum(axis=(1, 2), dtype=np.int64) + \
        (s * np.roll(s, -1, axis=1)).sum(axis=(1, 2), dtype=np.int64)


def energy(spins) -> np.ndarray:
    """Energy per spin, e = -(1 / L^2) sum over nearest-neighbour bonds of s_i s_j.

    Each bond is counted once (every site's right and down neighbour, periodic). On
    L = 2 the right and left neighbours are one site, so each pair is joined by two bonds.

    Parameters
    ----------
    spins : (n, L, L) or (L, L) array in {-1, +1}

    Returns
    -------
    float64 array of shape (n,) in [-2, 2]: -2 when all spins agree, +2 for a checkerboard.
    """
    s = check_spins(spins)
    return -_bond_sum(s) / float(s.shape[1] ** 2)


def magnetization(spins) -> np.ndarray:
    """Mean spin m of each configuration: float64 array of shape (n,) in [-1, 1]."""
    s = check_spins(spins)
    return s.mean(axis=(1, 2), dtype=np.float64)


def abs_magnetization(spins) -> np.ndarray:
    """|m| of each configuration: float64 array of shape (n,) in [0, 1].

    On a finite lattice without a field <m> is 0 at every T (both signs are equally
    likely), so the order is measured by <|m|>.
    """
    return np.abs(magnetization(spins))


def susceptibility(spins, T) -> float:
    """Magnetic susceptibility per spin, chi = L^2 / T (<m^2> - <|m|>^2).

    The |m| form is the usual one for finite lattices without a field: <m>^2 would be ~0
    below T_c and make chi grow with the number of sign flips the sampler managed.

    Parameters
    ----------
    spins : (n, L, L) array in {-1, +1}, configurations drawn at temperature ``T``
    T : temperature > 0

    Returns
    -------
    float >= 0
    """
    s = check_spins(spins)
    T = _check_temperature(T)
    m = np.abs(s.mean(axis=(1, 2), dtype=np.float64))
    return float(s.shape[1] ** 2 / T * max(np.mean(m ** 2) - np.mean(m) ** 2, 0.0))


def heat_capacity(spins, T) -> float:
    """Heat capacity per spin, c = L^2 / T^2 (<e^2> - <e>^2) with e the energy per spin.

    Parameters
    ----------
    spins : (n, L, L) array in {-1, +1}, configurations drawn at temperature ``T``
    T : temperature > 0

    Returns
    -------
    float >= 0
    """
    s = check_spins(spins)
    T = _check_temperature(T)
    return float(s.shape[1] ** 2 / T ** 2 * np.var(energy(s)))


def histogram_distance(a, b, bins) -> float:
    """Total variation distance between the histograms of two samples of one observable.

    d = 1/2 sum_k |p_k - q_k|, where p and q are the fractions of ``a`` and of ``b`` in
    bin k. The bins are shared: ``bins`` equal-width bins over the range of both samples
    together, or the given bin edges. d is 0 for identical histograms and 1 when no bin
    holds values of both. It depends on the binning: on an observable with few distinct
    values (the energy of a small lattice) put the edges between those values.

    Parameters
    ----------
    a, b : 1-D arrays of finite floats, each with at least one value
    bins : int >= 1, or an increasing sequence of bin edges (values outside are dropped)

    Returns
    -------
    float in [0, 1]
    """
    a = np.asarray(a, dtype=np.float64).ravel()
    b = np.asarray(b, dtype=np.float64).ravel()
    if a.size == 0 or b.size == 0:
        raise ValueError("histogram_distance needs two non-empty samples")
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        raise ValueError("histogram_distance got NaN or inf values: drop them first")
    edges = np.histogram_bin_edges(np.concatenate([a, b]), bins=bins)
    p = np.histogram(a, bins=edges)[0].astype(np.float64)
    q = np.histogram(b, bins=edges)[0].astype(np.float64)
    if p.sum() == 0 or q.sum() == 0:
        raise ValueError("no value of one sample falls inside the bin edges: widen the bins")
    return float(0.5 * np.abs(p / p.sum() - q / q.sum()).sum())


def bootstrap_error(values, statistic: Callable = np.mean, n_boot: int = 200, seed: int = 0) -> float:
    """Standard error of a statistic of independent samples, by the bootstrap.

    The samples are drawn again with replacement ``n_boot`` times; the error is the
    standard deviation of the statistic over those resamples. The samples must be
    (close to) independent, as the thinned output of :func:`sample` is; for a correlated
    series the error comes out too small by about sqrt(2 tau).

    Parameters
    ----------
    values : 1-D array of at least 2 floats (e.g. ``magnetization(spins)``)
    statistic : function of a 1-D array returning a float, e.g. ``np.mean`` or
        ``lambda m: L**2 / T * (np.mean(m**2) - np.mean(np.abs(m))**2)`` for chi
    n_boot : number of resamples, >= 2
    seed : seed of the resampling

    Returns
    -------
    float >= 0
    """
    x = np.asarray(values, dtype=np.float64)
    if x.ndim != 1 or x.size < 2:
        raise ValueError(f"values must be a 1-D array of at least 2 samples, got shape {x.shape}")
    n_boot = _check_positive_int(n_boot, "n_boot", minimum=2)
    rng = np.random.default_rng(seed)
    index = rng.integers(0, x.size, size=(n_boot, x.size))
    stats = np.array([float(statistic(x[i])) for i in index])
    return float(np.std(stats, ddof=1))


# ---------------------------------------------------------------------------
# Monte Carlo moves


def _checkerboard(L: int) -> np.ndarray:
    """(2, L, L) bool: the even ((i + j) % 2 == 0) and the odd sublattice."""
    even = (np.add.outer(np.arange(L), np.arange(L)) % 2) == 0
    return np.stack([even, ~even])


def _neighbour_sum(s: np.ndarray) -> np.ndarray:
    """h_i = sum of the 4 neighbours of every site, periodic; int8 in [-4, 4]."""
    return (np.roll(s, 1, axis=1) + np.roll(s, -1, axis=1) + np.roll(s, 1, axis=2) + np.roll(s, -1, axis=2))


def _metropolis(s: np.ndarray, T: float, sweeps: int, rng: np.random.Generator) -> np.ndarray:
    """The sweeps of :func:`metropolis_sweeps` on a checked, owned int8 array (changed in place)."""
    masks = _checkerboard(s.shape[1])
    # s_i h_i takes only the values -4, -2, 0, 2, 4: the acceptance min(1, exp(-2 s_i h_i / T))
    # of a flip is a table lookup at (s_i h_i + 4) / 2
    accept = np.exp(-2.0 * np.maximum(np.arange(-4, 5, 2), 0) / T).astype(np.float32)
    for _ in range(sweeps):
        for mask in masks:
            # the sites of one sublattice have all their neighbours on the other one, so
            # flipping them together is the same as visiting them one after another
            sh = s * _neighbour_sum(s)
            u = rng.random(s.shape, dtype=np.float32)  # steps of 2^-24: finer than any sample sees
            flip = mask & (u < accept[(sh + 4) >> 1])
            s[flip] *= -1
    return s


def _check_metropolis_lattice(L: int) -> None:
    if L % 2:
        raise ValueError(f"metropolis needs an even L for its checkerboard, got L = {L}: "
                         "use an even L or algorithm='wolff'")
    if L < 4:
        raise ValueError("metropolis needs an even L >= 4: on the 2 x 2 torus its sweeps lock into "
                         "stripes, where every flip is certain; use algorithm='wolff'")


def metropolis_sweeps(spins, T: float, sweeps: int, rng: np.random.Generator) -> np.ndarray:
    """Checkerboard Metropolis sweeps of many chains at once.

    One sweep updates the even sublattice ((i + j) even), then the odd one. Every site of
    the sublattice proposes to flip and is flipped with probability
    min(1, exp(-2 s_i h_i / T)), h_i the sum of its four neighbours. Since no two sites of
    a sublattice are neighbours, this is an ordinary sweep visiting the sites in a fixed
    order: each single-site update satisfies detailed balance, so every sweep leaves the
    Boltzmann distribution unchanged.

    L must be even and at least 4; other L raise ValueError (use :func:`wolff_steps`).
    On an odd torus the sublattices wrap into each other (site (0, 0) and its left
    neighbour (0, L - 1) are both "even"), so two neighbours would flip at once. On the
    2 x 2 torus, in a striped configuration every spin's neighbours cancel (h_i = 0), so
    every flip is accepted with certainty and the sweeps cycle through the 4 stripe states
    for ever. Such traps (every h_i = 0, e.g. a checkerboard of 2 x 2 blocks) exist on
    larger lattices too: on L = 4 they are 36 of the 65536 configurations, and about 0.1%
    of hot-started chains end in one (biasing <e> by ~0.002); on L >= 8 their share of the
    2^(L^2) configurations is so small that a chain practically never meets one.
    ``sample(algorithm="auto")`` therefore uses Wolff for L <= 4.

    Parameters
    ----------
    spins : (chains, L, L) array in {-1, +1}, L even and >= 4 (not modified)
    T : temperature > 0
    sweeps : number of sweeps, >= 0
    rng : ``np.random.Generator``, the only source of randomness

    Returns
    -------
    int8 array of shape (chains, L, L) in {-1, +1}: the configurations after the sweeps.
    """
    s = np.array(check_spins(spins), dtype=np.int8)
    T = _check_temperature(T)
    sweeps = _check_positive_int(sweeps, "sweeps", minimum=0)
    _check_metropolis_lattice(s.shape[1])
    return _metropolis(s, T, sweeps, rng)


def _grow(frontier: np.ndarray, right: np.ndarray, down: np.ndarray) -> np.ndarray:
    """Sites joined by an open bond to a site of ``frontier``: (chains, L, L) bool, periodic.

    ``right[c, i, j]``: the bond (i, j) - (i, j + 1) is open; ``down[c, i, j]``: the bond
    (i, j) - (i + 1, j). np.roll(x, 1, axis=2)[i, j] is x[i, j - 1], the left neighbour.
    """
    return (np.roll(frontier & right, 1, axis=2) | (np.roll(frontier, -1, axis=2) & right)
            | np.roll(frontier & down, 1, axis=1) | (np.roll(frontier, -1, axis=1) & down))


def _wolff(s: np.ndarray, T: float, steps: int, rng: np.random.Generator) -> tuple[np.ndarray, float]:
    """The steps of :func:`wolff_steps` on a checked, owned int8 array (changed in place).

    Returns the array and the mean cluster size in sites.
    """
    chains, L, _ = s.shape
    p = -math.expm1(-2.0 / T)  # 1 - exp(-2/T) without cancellation at large T
    rows = np.arange(chains)
    flipped = 0
    for _ in range(steps):
        # Each bond is tried at most once while a cluster grows: bond (a, b) is tried only
        # in the round when a is on the frontier and b is not yet in the cluster; after that
        # round a stays in the cluster, so it is never tried from b, and a leaves the
        # frontier. The outcome of each bond's one try can therefore be drawn before the
        # growth starts: "open" bonds join two equal spins with probability p. The cluster is
        # then the set of sites joined to the seed by open bonds, exactly as in Wolff's
        # one-bond-at-a-time growth, at 2 random numbers per site instead of 4 per round.
        u = rng.random((2, chains, L, L), dtype=np.float32)
        right = (s == np.roll(s, -1, axis=2)) & (u[0] < p)  # bond (i, j) - (i, j + 1)
        down = (s == np.roll(s, -1, axis=1)) & (u[1] < p)  # bond (i, j) - (i + 1, j)
        seed = rng.integers(0, L, size=(2, chains))
        cluster = np.zeros(s.shape, dtype=bool)
        cluster[rows, seed[0], seed[1]] = True
        # grow all clusters one layer per round; chains whose cluster stopped growing are
        # dropped from the arrays now and then, since a few large clusters take many rounds
        active = rows
        frontier, grown = cluster.copy(), cluster
        while True:
            alive = frontier.any(axis=(1, 2))
            if not alive.any():
                break
            if 2 * np.count_nonzero(alive) < active.size:
                cluster[active] = grown
                active, frontier, grown = active[alive], frontier[alive], grown[alive]
                right, down = right[alive], down[alive]
            frontier = _grow(frontier, right, down) & ~grown
            grown |= frontier
        cluster[active] = grown
        s[cluster] *= -1
        flipped += int(np.count_nonzero(cluster))
    return s, flipped / max(steps * chains, 1)


def wolff_steps(spins, T: float, steps: int, rng: np.random.Generator) -> np.ndarray:
    """Wolff single-cluster updates of many chains at once.

    In each step every chain picks a random seed site, grows a cluster from it over
    neighbours of the same sign, joining each with probability p = 1 - exp(-2/T), and
    flips the whole cluster (always accepted: the choice of p makes it satisfy detailed
    balance). The clusters of all chains grow together, one layer of neighbours per round,
    until no chain's cluster grows. Works for every L >= 2.

    Parameters
    ----------
    spins : (chains, L, L) array in {-1, +1} (not modified)
    T : temperature > 0
    steps : number of cluster flips per chain, >= 0
    rng : ``np.random.Generator``, the only source of randomness

    Returns
    -------
    int8 array of shape (chains, L, L) in {-1, +1}: the configurations after the steps.
    """
    s = np.array(check_spins(spins), dtype=np.int8)
    T = _check_temperature(T)
    steps = _check_positive_int(steps, "steps", minimum=0)
    return _wolff(s, T, steps, rng)[0]


# ---------------------------------------------------------------------------
# autocorrelation


def integrated_autocorrelation_time(series, c: float = 5.0) -> float:
    """Integrated autocorrelation time of an observable along one or more chains.

    tau_int = 1/2 + sum_{t=1}^{W} rho(t), with rho the normalised autocorrelation and
    Sokal's automatic window: the smallest W with W >= c tau_int(W). N successive values
    of a chain carry about as much information as N / (2 tau_int) independent ones.

    rho is computed by FFT from the autocovariance averaged over the chains, with one mean
    taken over all chains together: chains that sample the same distribution share its
    mean, so short chains do not bias tau low, and chains stuck in different states show
    up as a long tau.

    Parameters
    ----------
    series : float array of shape (t,) or (t, chains), t >= 2, in the order of the chain
    c : Sokal's window constant (5 is usual; larger is safer for slowly decaying rho)

    Returns
    -------
    float >= 0.5 (0.5 for uncorrelated values, and for a constant series). If no window
    fits inside the series (t < ~c tau), the sum over the whole series is returned, which
    underestimates tau: run longer.
    """
    x = np.asarray(series, dtype=np.float64)
    if x.ndim == 1:
        x = x[:, None]
    if x.ndim != 2 or x.shape[0] < 2:
        raise ValueError(f"series must have shape (t,) or (t, chains) with t >= 2, got {np.shape(series)}")
    if not np.all(np.isfinite(x)):
        raise ValueError("series holds NaN or inf values")
    if not c > 0:
        raise ValueError(f"the window constant c must be > 0, got {c!r}")
    t = x.shape[0]
    x = x - x.mean()
    n_fft = 1 << (2 * t - 1).bit_length()  # zero padding to >= 2t: a linear, not circular, correlation
    f = np.fft.rfft(x, n=n_fft, axis=0)
    acov = np.fft.irfft(f * np.conj(f), n=n_fft, axis=0)[:t].sum(axis=1) / (t - np.arange(t))
    if not acov[0] > 1e-300:
        return 0.5
    tau = 0.5 + np.cumsum(acov[1:] / acov[0])  # tau[W - 1] = tau_int with window W
    windows = np.arange(1, t)
    fits = np.nonzero(windows >= c * tau)[0]
    w = fits[0] if fits.size else t - 2
    return float(max(0.5, tau[w]))


# ---------------------------------------------------------------------------
# sampling


def _choose(algorithm: str, L: int, T: float) -> str:
    if algorithm != "auto":
        return algorithm
    if L % 2 or L <= 4 or T < AUTO_THRESHOLD:  # the checkerboard's limits: metropolis_sweeps
        return "wolff"
    return "metropolis"


def _drifting(x: np.ndarray, tau: float) -> bool:
    """Whether the chains' mean of x (t, chains) moved between the first and the last half
    of the record by more than 4 standard errors (the error from x's variance and tau)."""
    h = x.shape[0] // 2
    change = x[-h:].mean() - x[:h].mean()
    error = math.sqrt(2.0 * x.var() * 2.0 * tau / (h * x.shape[1]))
    return abs(change) > 4.0 * error + 1e-12


def _settle(m: np.ndarray, e: np.ndarray, skip: int) -> tuple[int, float]:
    """Burn-in and tau from the pilot's records of |m| and e, arrays (t, chains).

    Returns (skip, tau): the first ``skip`` recorded steps are still burn-in, and tau (the
    larger of the two observables' tau_int) is measured on the rest. ``skip`` grows from
    the given value until it is at least 20 tau past the minimum burn-in and neither
    observable drifts over the rest; burn-in is relaxation from the hot start, which can
    last much longer than tau (Wolff's first clusters on random spins are tiny).
    """
    tau = 0.5
    while m.shape[0] - skip >= 4:
        tau = max(integrated_autocorrelation_time(m[skip:]), integrated_autocorrelation_time(e[skip:]))
        new = max(skip, math.ceil(20 * tau) - _MIN_BURN_IN)
        if new == skip and (_drifting(m[skip:], tau) or _drifting(e[skip:], tau)):
            new = skip + (m.shape[0] - skip) // 2
        if new == skip:
            break
        skip = new
    return skip, tau


def sample(L: int, T: float, n: int, algorithm: str = "auto", seed: int | Sequence[int] = 0,
           chains: int | None = None, return_info: bool = False):
    """Draw n configurations of the L x L Ising model at temperature T by Monte Carlo.

    ``chains`` chains run side by side from random spins (a hot start). The number of
    steps thrown away at the start (burn-in) and between kept configurations (thinning)
    come from a measured autocorrelation time: a pilot run records |m| and e of every chain
    and takes tau as the larger of their integrated autocorrelation times, measured past
    the burn-in and over at least 50 tau. The burn-in is the largest of 100 steps, 20 tau,
    and the time until the chains' mean |m| and e stop drifting (the relaxation from the
    hot start can outlast tau). The thinning is ceil(2 tau) steps, so kept configurations
    of one chain are nearly independent (rho(2 tau) ~ e^-2 for an exponential decay), and
    those of different chains are independent. Configurations are kept from all chains,
    round after round, until n are collected: the output interleaves the chains, and
    ``spins[r * chains + c]`` is chain c's r-th kept configuration.

    A "step" is one sweep for Metropolis (every site proposes a flip once) and one cluster
    flip per chain for Wolff; ``tau``, ``burn_in`` and ``thinning`` are in those steps.
    Below T_c a hot start relaxes fast under Wolff, and each chain keeps visiting both
    signs of m, since one cluster can hold most of the lattice and flips the magnetisation
    at once. Under Metropolis a chain below T_c keeps one sign for a very long time (the
    measured tau, of |m| and e, does not see it), and a hot start on a large lattice
    coarsens slowly and can stay in a striped state (two domain walls across the torus)
    for very long; the drift test lengthens the burn-in but cannot rule that out. Use
    ``"auto"`` or ``"wolff"`` below T_c.

    Parameters
    ----------
    L : side of the lattice, integer >= 2 (even and >= 4 for ``"metropolis"``)
    T : temperature, finite and > 0 (T_c ~ 2.269)
    n : number of configurations, >= 1
    algorithm : ``"metropolis"``, ``"wolff"`` or ``"auto"`` (Wolff below
        :data:`AUTO_THRESHOLD` = 2.4, for an odd L and for L <= 4, where it is the right,
        the faster or the only choice; Metropolis from 2.4 up, where Wolff's clusters are small)
    seed : seed of ``np.random.default_rng`` (an int, or a sequence of ints); the same
        arguments give bitwise the same array
    chains : number of parallel chains, >= 1; default min(n, 256)
    return_info : also return a dict describing the run

    Returns
    -------
    spins : int8 array of shape (n, L, L) in {-1, +1}
    info : dict, only with ``return_info=True``: ``algorithm`` (the one used), ``tau``
        (float, in steps), ``burn_in`` and ``thinning`` (int, steps), ``chains``,
        ``steps_run`` (steps each chain ran in all), ``seconds``, ``step`` (``"sweep"`` or
        ``"cluster flip"``) and ``mean_cluster_size`` (sites per Wolff step, None for
        Metropolis; tau * mean_cluster_size / L^2 is Wolff's tau in sweeps).
    """
    if isinstance(L, bool) or not isinstance(L, (int, np.integer)) or L < 2:
        raise ValueError(f"L must be an integer >= 2, got {L!r}")
    L = int(L)
    T = _check_temperature(T)
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a positive integer (the number of configurations), got {n!r}")
    n = int(n)
    chosen = _choose(_check_algorithm(algorithm), L, T)
    if chosen == "metropolis":
        _check_metropolis_lattice(L)
    chains = min(n, 256) if chains is None else _check_positive_int(chains, "chains")

    start = time.perf_counter()
    rng = np.random.default_rng(seed)
    s = np.where(rng.random((chains, L, L)) < 0.5, 1, -1).astype(np.int8)
    cluster_sites, cluster_steps = 0.0, 0

    def advance(steps: int) -> None:
        nonlocal s, cluster_sites, cluster_steps
        if chosen == "metropolis":
            s = _metropolis(s, T, steps, rng)
        else:
            s, mean_size = _wolff(s, T, steps, rng)
            cluster_sites += mean_size * steps
            cluster_steps += steps

    # pilot: relax for the minimum burn-in, then record |m| and e of every chain until the
    # part of the record past the measured burn-in spans at least 50 tau
    advance(_MIN_BURN_IN)
    m_rec, e_rec = [], []
    target, skip = _MIN_PILOT, 0
    while True:
        while len(m_rec) < target:
            advance(1)
            m_rec.append(np.abs(s.mean(axis=(1, 2), dtype=np.float64)))
            e_rec.append(-_bond_sum(s) / float(L * L))
        steps_run = _MIN_BURN_IN + len(m_rec)
        skip, tau = _settle(np.array(m_rec), np.array(e_rec), skip)
        wanted = skip + max(math.ceil(_PILOT_LENGTH_PER_TAU * tau), _MIN_PILOT)
        if len(m_rec) >= wanted:
            break
        if steps_run >= _MAX_PILOT_STEPS:
            warnings.warn(f"sample(L={L}, T={T:g}, algorithm={chosen!r}): the autocorrelation time "
                          f"({tau:.0f} steps) could not be measured within {_MAX_PILOT_STEPS} steps; the "
                          "configurations may be correlated. Use algorithm='wolff' near and below T_c.",
                          RuntimeWarning, stacklevel=2)
            break
        target = min(max(2 * target, wanted), _MAX_PILOT_STEPS - _MIN_BURN_IN)
    del m_rec, e_rec
    cluster_sites, cluster_steps = 0.0, 0  # Wolff's cluster size is reported in equilibrium only

    burn_in = max(_MIN_BURN_IN + skip, math.ceil(20 * tau))
    thinning = max(1, math.ceil(2 * tau))
    if steps_run < burn_in:
        advance(burn_in - steps_run)
        steps_run = burn_in
    rounds = -(-n // chains)
    kept = np.empty((rounds, chains, L, L), dtype=np.int8)
    for r in range(rounds):
        advance(thinning)
        steps_run += thinning
        kept[r] = s
    spins = kept.reshape(rounds * chains, L, L)[:n]
    if not return_info:
        return spins
    info = {
        "algorithm": chosen,
        "tau": float(tau),
        "burn_in": int(burn_in),
        "thinning": int(thinning),
        "chains": int(chains),
        "steps_run": int(steps_run),
        "seconds": time.perf_counter() - start,
        "step": "sweep" if chosen == "metropolis" else "cluster flip",
        "mean_cluster_size": cluster_sites / cluster_steps if cluster_steps else None,
    }
    return spins, info


# ---------------------------------------------------------------------------
# data sets of several temperatures


def dataset(L: int, temperatures, n_per_temperature: int, seed: int = 0, algorithm: str = "auto") -> dict:
    """Configurations at several temperatures, labelled by the temperature's index.

    Temperature k is sampled with the seed (seed, k), so adding, removing or changing one
    temperature leaves the configurations of the others as they were.

    Parameters
    ----------
    L : side of the lattice, integer >= 2
    temperatures : 1-D sequence of k >= 1 temperatures > 0
    n_per_temperature : configurations per temperature, >= 1
    seed : non-negative integer
    algorithm : as in :func:`sample`

    Returns
    -------
    dict with ``spins`` int8 (k * n, L, L) in {-1, +1} (temperature after temperature),
    ``labels`` int32 (k * n,) the index into ``temperatures``, ``temperatures`` float64
    (k,), ``L`` int, ``seed`` int, ``algorithm`` str (as asked), ``algorithms`` str (k,)
    (as used at each temperature), ``tau`` float64 (k,), ``burn_in`` and ``thinning``
    int64 (k,).
    """
    temps = np.asarray(temperatures, dtype=np.float64)
    if temps.ndim != 1 or temps.size == 0:
        raise ValueError(f"temperatures must be a non-empty 1-D sequence, got {temperatures!r}")
    _check_temperatures(temps)
    seed = _check_positive_int(seed, "seed", minimum=0)
    n = _check_positive_int(n_per_temperature, "n_per_temperature")
    spins, infos = [], []
    for k, T in enumerate(temps):
        s, info = sample(L, float(T), n, algorithm=algorithm, seed=(seed, k), return_info=True)
        spins.append(s)
        infos.append(info)
    return {
        "spins": np.concatenate(spins),
        "labels": np.repeat(np.arange(temps.size, dtype=np.int32), n),
        "temperatures": temps.copy(),
        "L": int(L),
        "seed": seed,
        "algorithm": algorithm,
        "algorithms": np.array([info["algorithm"] for info in infos]),
        "tau": np.array([info["tau"] for info in infos], dtype=np.float64),
        "burn_in": np.array([info["burn_in"] for info in infos], dtype=np.int64),
        "thinning": np.array([info["thinning"] for info in infos], dtype=np.int64),
    }


_ARRAY_KEYS = ("labels", "temperatures", "algorithms", "tau", "burn_in", "thinning")


def save_dataset(path, data: dict) -> Path:
    """Write a data set of :func:`dataset` to an ``.npz`` file, spins packed as bits.

    One bit per spin (``np.packbits(spins > 0)``) plus compression keeps 12 x 2000
    configurations of 16 x 16 spins under 1 MB. The file is written to ``path`` exactly
    (no ``.npz`` is appended) through a temporary file, so an interrupted write leaves no
    half file behind; missing folders are created.

    Returns
    -------
    the ``Path`` written
    """
    path = Path(path)
    spins = check_spins(data["spins"])
    missing = [k for k in ("L", "seed", "algorithm") + _ARRAY_KEYS if k not in data]
    if missing:
        raise ValueError(f"data lacks {', '.join(missing)}: save what ganlib.ising.dataset returns")
    if len(data["labels"]) != len(spins):
        raise ValueError(f"data has {len(spins)} configurations but {len(data['labels'])} labels")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as f:
        np.savez_compressed(
            f, format=np.array(_FORMAT), version=np.array(_FORMAT_VERSION),
            bits=np.packbits(spins > 0), shape=np.array(spins.shape, dtype=np.int64),
            L=np.array(int(data["L"])), seed=np.array(int(data["seed"])), algorithm=np.array(str(data["algorithm"])),
            **{k: np.asarray(data[k]) for k in _ARRAY_KEYS})
    os.replace(tmp, path)
    return path


def _open_dataset(path: Path):
    """The NpzFile of an Ising data set, or None when the file is something else."""
    try:
        f = np.load(path, allow_pickle=False)
    except (OSError, ValueError, zipfile.BadZipFile, EOFError):
        return None
    if not isinstance(f, np.lib.npyio.NpzFile):
        return None
    try:
        if "format" in f.files and str(f["format"]) == _FORMAT:
            return f
    except (OSError, ValueError, zipfile.BadZipFile):
        pass
    f.close()
    return None


def is_dataset_file(path) -> bool:
    """True when ``path`` is a file written by :func:`save_dataset`; False for anything else
    (a folder, a missing file, MNIST's ``mnist.npz``, or a name like ``"embedded"``)."""
    path = Path(path)
    if not path.is_file():
        return False
    f = _open_dataset(path)
    if f is None:
        return False
    f.close()
    return True


def load_dataset(path) -> dict:
    """Read a file written by :func:`save_dataset`: the dict :func:`dataset` returned.

    Raises
    ------
    FileNotFoundError
        When ``path`` does not exist.
    ValueError
        When it is not an Ising data set of ganlib (or one of a newer format).
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no Ising data set at {path}: make one with ganlib.ising.cached_dataset "
                                "or save_dataset")
    f = _open_dataset(path)
    if f is None:
        raise ValueError(f"{path} is not an Ising data set (no {_FORMAT!r} marker): give a file written by "
                         "ganlib.ising.save_dataset")
    with f:
        if int(f["version"]) > _FORMAT_VERSION:
            raise ValueError(f"{path} has data set format {int(f['version'])}, newer than this ganlib "
                             f"reads ({_FORMAT_VERSION}): update ganlib")
        shape = tuple(int(v) for v in f["shape"])
        bits = np.unpackbits(f["bits"], count=int(np.prod(shape)))
        data = {"spins": (2 * bits.astype(np.int8) - 1).reshape(shape)}
        data.update({k: f[k] for k in _ARRAY_KEYS})
        data.update(L=int(f["L"]), seed=int(f["seed"]), algorithm=str(f["algorithm"]))
    return data


def cached_dataset(path, L: int, temperatures, n_per_temperature: int, seed: int = 0,
                   algorithm: str = "auto") -> dict:
    """The data set of :func:`dataset`, read from ``path`` when it is there, else made and saved.

    A file made with other parameters is never overwritten: it raises ValueError naming
    the parameter that differs.

    Parameters
    ----------
    path : the ``.npz`` file of the cache
    L, temperatures, n_per_temperature, seed, algorithm : as in :func:`dataset`

    Returns
    -------
    the dict of :func:`dataset`
    """
    path = Path(path)
    temps = np.asarray(temperatures, dtype=np.float64)
    if path.exists():
        data = load_dataset(path)
        k = len(data["temperatures"])
        stored = {"L": data["L"], "temperatures": list(data["temperatures"]),
                  "n_per_temperature": len(data["labels"]) // k if k else 0,
                  "seed": data["seed"], "algorithm": data["algorithm"]}
        wanted = {"L": int(L), "temperatures": list(temps.ravel()), "n_per_temperature": n_per_temperature,
                  "seed": seed, "algorithm": algorithm}
        for name in stored:
            if stored[name] != wanted[name]:
                raise ValueError(f"{path} was made with {name}={stored[name]!r}, not {wanted[name]!r}: delete "
                                 "the file to sample again, or choose another path")
        return data
    data = dataset(L, temps, n_per_temperature, seed=seed, algorithm=algorithm)
    save_dataset(path, data)
    return data


# ---------------------------------------------------------------------------
# to and from the GAN's images


def as_images(spins) -> np.ndarray:
    """Spins as one-channel images for the GAN: float32 (n, L, L, 1) in {-1., +1.}."""
    return check_spins(spins).astype(np.float32)[..., None]


def to_spins(images) -> np.ndarray:
    """A tanh generator's output as spins: +1 where x >= 0, else -1 (a tie at 0 gives +1).

    Parameters
    ----------
    images : float array of shape (n, L, L, 1) or (n, L, L), values in [-1, 1] (any real
        values work; only the sign matters)

    Returns
    -------
    int8 array of shape (n, L, L) in {-1, +1}
    """
    x = np.asarray(images)
    if x.ndim == 4 and x.shape[-1] == 1:
        x = x[..., 0]
    if x.ndim != 3 or x.shape[1] != x.shape[2]:
        raise ValueError(f"images must have shape (n, L, L, 1) or (n, L, L), got {np.shape(images)}")
    if np.isnan(x).any():
        raise ValueError("images contain NaN: the generator's output is broken (diverged training?)")
    return np.where(x >= 0, 1, -1).astype(np.int8)
