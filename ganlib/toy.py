"""GANs on one-dimensional data, where every density is known.

On MNIST nobody knows p_data, so GAN theory cannot be checked there. On a mixture of
1-D Gaussians it can: the optimal discriminator, the value of the game and the
Jensen-Shannon divergence are integrals on a grid, and a GAN small enough to train
in seconds on a CPU shows both a converged discriminator and mode collapse.
Notebook 01 (``notebooks/01_gan_theory.ipynb``) is built on this module.

Contents
--------
* :class:`GaussianMixture`: the data distribution, with its exact density.
* Theory on a grid (pure numpy): :func:`optimal_discriminator`,
  :func:`value_function`, :func:`js_divergence`, :func:`kl_divergence`, :func:`kde_density`.
* A toy GAN: :class:`ToyGANConfig`, :func:`make_toy_generator`,
  :func:`make_toy_discriminator`, :func:`train_toy_gan` (returns a
  :class:`ToyGANResult` with the per-step history and sample snapshots).
* Measuring it: :func:`generate_samples`, :func:`discriminator_probability`,
  :func:`mode_radius`, :func:`mode_fractions`, :func:`count_modes`.
* Display: :func:`plot_snapshots` draws histograms of generated points over training.

The exercise checks of notebook 01 live with the others, in :mod:`ganlib.exercises`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from .config import check_fields

# ---------------------------------------------------------------------------
# the data distribution


@dataclass(frozen=True)
class GaussianMixture:
    """A mixture of one-dimensional Gaussians: p(x) = sum_k w_k N(x; mu_k, sigma_k^2).

    Parameters
    ----------
    means, stds : sequences of floats of one length K >= 1; every std > 0
    weights : sequence of K non-negative floats, or None for equal weights.
        Normalised to sum to 1.
    """

    means: tuple[float, ...]
    stds: tuple[float, ...]
    weights: tuple[float, ...] | None = None

    def __post_init__(self) -> None:
        means = tuple(float(m) for m in np.atleast_1d(self.means))
        stds = tuple(float(s) for s in np.atleast_1d(self.stds))
        if len(stds) == 1 and len(means) > 1:  # one std for every component
            stds = stds * len(means)
        if not means or len(stds) != len(means):
            raise ValueError(f"means and stds must have one length >= 1, got {len(means)} and {len(stds)}")
        if not all(s > 0 and math.isfinite(s) for s in stds) or not all(math.isfinite(m) for m in means):
            raise ValueError(f"means must be finite and stds finite and > 0, got {means}, {stds}")
        if self.weights is None:
            weights = (1.0 / len(means),) * len(means)
        else:
            raw = np.asarray(self.weights, dtype=np.float64).ravel()
            if raw.shape != (len(means),) or np.any(raw < 0) or not raw.sum() > 0:
                raise ValueError(f"weights must be {len(means)} non-negative numbers, not all 0; "
                                 f"got {self.weights}")
            weights = tuple(float(w) for w in raw / raw.sum())
        # frozen dataclass: store the normalised tuples
        object.__setattr__(self, "means", means)
        object.__setattr__(self, "stds", stds)
        object.__setattr__(self, "weights", weights)

    @classmethod
    def evenly_spaced(cls, n_modes: int, spacing: float, std: float) -> "GaussianMixture":
        """``n_modes`` equal-weight Gaussians of width ``std``, ``spacing`` apart, centred on 0."""
        if n_modes < 1:
            raise ValueError(f"n_modes must be >= 1, got {n_modes}")
        centres = spacing * (np.arange(n_modes) - (n_modes - 1) / 2)
        return cls(tuple(centres), (std,) * n_modes)

    @property
    def n_modes(self) -> int:
        return len(self.means)

    def pdf(self, x) -> np.ndarray:
        """The density at ``x``: float64 array of the shape of ``x``, >= 0."""
        x = np.asarray(x, dtype=np.float64)
        total = np.zeros_like(x)
        for m, s, w in zip(self.means, self.stds, self.weights):
            total += w * _normal_pdf(x, m, s)
        return total

    def sample(self, n: int, seed: int | np.random.Generator | None = None) -> np.ndarray:
        """Draw ``n`` points: float32 array of shape (n, 1), the layout a Keras model takes."""
        rng = np.random.default_rng(seed)
        component = rng.choice(self.n_modes, size=n, p=self.weights)
        x = np.asarray(self.means)[component] + np.asarray(self.stds)[component] * rng.standard_normal(n)
        return x.astype(np.float32)[:, None]


def _normal_pdf(x: np.ndarray, mean: float, std: float) -> np.ndarray:
    return np.exp(-0.5 * ((x - mean) / std) ** 2) / (std * math.sqrt(2 * math.pi))


# ---------------------------------------------------------------------------
# theory on a grid


def optimal_discriminator(p_data, p_g) -> np.ndarray:
    """D*(x) = p_data(x) / (p_data(x) + p_g(x)), the best D against a fixed generator.

    Parameters
    ----------
    p_data, p_g : arrays of one shape holding densities (>= 0) at the same points

    Returns
    -------
    float64 array of that shape in [0, 1]. Where both densities are 0 no sample ever
    lands and every D is equally good; 1/2 is returned there.
    """
    p_data = np.asarray(p_data, dtype=np.float64)
    p_g = np.asarray(p_g, dtype=np.float64)
    if p_data.shape != p_g.shape:
        raise ValueError(f"p_data and p_g must have one shape, got {p_data.shape} and {p_g.shape}")
    if np.any(p_data < 0) or np.any(p_g < 0):
        raise ValueError("densities must be >= 0")
    total = p_data + p_g
    with np.errstate(invalid="ignore", divide="ignore"):
        d = np.where(total > 0, p_data / total, 0.5)
    return d


def _xlogy(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """p * log(q) with 0 * log(anything) = 0: regions without mass contribute nothing."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(p > 0, p * np.log(np.where(p > 0, q, 1.0)), 0.0)


def value_function(x, p_data, p_g, d) -> float:
    """V(D, G) = E_{p_data}[log D(x)] + E_{p_g}[log(1 - D(x))], by the trapezoid rule.

    Parameters
    ----------
    x : increasing float array of shape (m,), a grid that covers both densities
    p_data, p_g : densities on ``x``, arrays of shape (m,)
    d : discriminator outputs D(x) in [0, 1] on ``x``, shape (m,)

    Returns
    -------
    float <= 0 (-log 4 ~= -1.386 for D = 1/2 everywhere, whatever the densities).

    Notes
    -----
    D is clipped to [1e-308, 1 - 1e-308] before the logarithms. In a far tail, where one
    density is ~1e-30 of the other, D* = p_data / (p_data + p_g) rounds to exactly 1 (or
    0), and log(1 - D*) would make the whole integral -inf although that region's
    contribution is ~1e-28. The price: a D that is exactly 0 where the data have real
    mass scores about -708 per unit of probability instead of -inf.
    """
    x, p_data, p_g, d = (np.asarray(a, dtype=np.float64) for a in (x, p_data, p_g, d))
    tiny = np.finfo(np.float64).tiny
    log_d = np.log(np.clip(d, tiny, 1.0))
    log_not_d = np.log(np.clip(1.0 - d, tiny, 1.0))
    # both logs are finite now, so regions without mass contribute 0, whatever D does there
    return float(np.trapezoid(p_data * log_d + p_g * log_not_d, x))


def js_divergence(x, p, q) -> float:
    """Jensen-Shannon divergence in nats, JSD(p || q) = (KL(p || m) + KL(q || m)) / 2, m = (p + q) / 2.

    Parameters
    ----------
    x : increasing float array of shape (m,), a grid that covers both densities
    p, q : densities on ``x``, arrays of shape (m,)

    Returns
    -------
    float in [0, log 2]: 0 when p = q, log 2 ~= 0.693 when they do not overlap.
    """
    p, q = np.asarray(p, dtype=np.float64), np.asarray(q, dtype=np.float64)
    m = 0.5 * (p + q)
    return 0.5 * (kl_divergence(x, p, m) + kl_divergence(x, q, m))


def kl_divergence(x, p, q) -> float:
    """Kullback-Leibler divergence in nats, KL(p || q) = integral of p log(p / q), by the trapezoid rule.

    Parameters
    ----------
    x : increasing float array of shape (m,), a grid that covers both densities
    p, q : densities on ``x``, arrays of shape (m,)

    Returns
    -------
    float >= 0 (up to the grid's error): 0 when p = q, ``inf`` when p has mass where
    q is exactly 0. Not symmetric: KL(p_g || p_data) punishes fakes where there are no
    data, KL(p_data || p_g) punishes data that the generator misses.
    """
    x, p, q = (np.asarray(a, dtype=np.float64) for a in (x, p, q))
    return float(np.trapezoid(_xlogy(p, p) - _xlogy(p, q), x))


def kde_density(samples, x, bandwidth: float | None = None) -> np.ndarray:
    """Gaussian kernel density estimate of 1-D ``samples``, evaluated at ``x``.

    Parameters
    ----------
    samples : float array with n >= 2 values (any shape; flattened)
    x : float array of points where the density is wanted (any shape)
    bandwidth : kernel standard deviation; default Silverman's rule,
        0.9 * min(std, IQR / 1.34) * n ** (-1/5)

    Returns
    -------
    float64 array of the shape of ``x``, >= 0, integrating to 1 over the real line.
    """
    samples = np.asarray(samples, dtype=np.float64).ravel()
    if samples.size < 2:
        raise ValueError("kde_density needs at least 2 samples")
    x = np.asarray(x, dtype=np.float64)
    if bandwidth is None:
        q75, q25 = np.percentile(samples, [75, 25])
        spread = min(samples.std(), (q75 - q25) / 1.34) or samples.std()
        bandwidth = 0.9 * spread * samples.size ** (-0.2)
    if not bandwidth > 0:
        raise ValueError(f"bandwidth must be > 0, got {bandwidth} (are all samples equal?)")
    flat = x.ravel()
    density = np.zeros_like(flat)
    for start in range(0, flat.size, 256):  # bounded memory: 256 grid points x n samples at a time
        block = flat[start:start + 256, None]
        density[start:start + 256] = _normal_pdf(block, samples[None, :], bandwidth).mean(axis=1)
    return density.reshape(x.shape)


# ---------------------------------------------------------------------------
# a toy GAN

@dataclass(frozen=True)
class ToyGANConfig:
    """Everything that defines a toy GAN run on 1-D data.

    Attributes
    ----------
    latent_dim : int
        Length of the noise vector z ~ N(0, I) fed to the generator.
    hidden : int
        Units in each hidden layer of both networks.
    depth : int
        Hidden layers in each network.
    batch_size : int
        Real points per step; the fake batch has the same size.
    steps : int
        Training steps. Each step updates both networks (after ``disc_steps - 1``
        extra discriminator updates).
    gen_learning_rate, disc_learning_rate : float
        Adam learning rates.
    beta_1 : float
        Adam's first-moment decay, shared by both optimizers.
    generator_loss : str
        ``"non_saturating"`` (-log D(G(z))) or ``"minimax"`` (log(1 - D(G(z)))).
    disc_steps : int
        Discriminator updates per generator update (1 = both once per step).
    seed : int
        Seeds the weights, the real batches, the noise and the snapshot noise.
    """

    latent_dim: int = 2
    hidden: int = 32
    depth: int = 2
    batch_size: int = 128
    steps: int = 2000
    gen_learning_rate: float = 1e-3
    disc_learning_rate: float = 1e-3
    beta_1: float = 0.5
    generator_loss: str = "non_saturating"
    disc_steps: int = 1
    seed: int = 0

    def __post_init__(self) -> None:
        check_fields(self, counts=("latent_dim", "hidden", "depth", "batch_size", "steps", "disc_steps"),
                     rates=("gen_learning_rate", "disc_learning_rate"), fractions=("beta_1",))


def _mlp(name: str, input_dim: int, hidden: int, depth: int, seed: int):
    import keras
    from keras import layers

    stack = [keras.Input(shape=(input_dim,), name="input")]
    for i in range(depth):
        # explicit seeds: the same arguments build the same network, whatever ran before
        stack += [layers.Dense(hidden, kernel_initializer=keras.initializers.GlorotUniform(seed + i),
                               name=f"hidden_{i}"),
                  layers.LeakyReLU(negative_slope=0.2, name=f"hidden_{i}_act")]
    stack.append(layers.Dense(1, kernel_initializer=keras.initializers.GlorotUniform(seed + depth),
                              name="output"))
    return keras.Sequential(stack, name=name)


def make_toy_generator(latent_dim: int, hidden: int, depth: int = 2, seed: int = 0):
    """An MLP generator: z (batch, latent_dim) -> x (batch, 1), unbounded (linear output).

    ``depth`` hidden layers of ``hidden`` LeakyReLU units; weights drawn from ``seed``.
    """
    return _mlp("toy_generator", latent_dim, hidden, depth, seed)


def make_toy_discriminator(hidden: int, depth: int = 2, seed: int = 0):
    """An MLP discriminator: x (batch, 1) -> logits (batch, 1); D(x) = sigmoid(logit).

    ``depth`` hidden layers of ``hidden`` LeakyReLU units; weights drawn from ``seed``.
    """
    return _mlp("toy_discriminator", 1, hidden, depth, seed)


def build_toy_gan(cfg: ToyGANConfig):
    """Fresh ``(generator, discriminator)`` for ``cfg``, their weights drawn from ``cfg.seed``."""
    return (make_toy_generator(cfg.latent_dim, cfg.hidden, cfg.depth, seed=1000 * cfg.seed),
            make_toy_discriminator(cfg.hidden, cfg.depth, seed=1000 * cfg.seed + 500))


@dataclass
class ToyGANResult:
    """What :func:`train_toy_gan` trained and recorded.

    Attributes
    ----------
    generator, discriminator : the trained Keras models
    history : dict of float64 arrays of shape (steps,) with keys ``gen_loss``,
        ``disc_loss``, ``d_real`` and ``d_fake`` (mean D on the real and the fake
        batch), plus int64 ``step`` (1-based)
    snapshot_steps : int64 array of shape (k,): steps after which samples were drawn
        (0 = before training)
    snapshots : float32 array of shape (k, n_snapshot): generated points at those
        steps, always from the same noise
    """

    generator: object
    discriminator: object
    history: dict[str, np.ndarray] = field(default_factory=dict)
    snapshot_steps: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    snapshots: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.float32))


def train_toy_gan(
    cfg: ToyGANConfig,
    data: GaussianMixture,
    *,
    generator=None,
    discriminator=None,
    update_generator: bool = True,
    snapshot_every: int | None = None,
    n_snapshot: int = 2000,
) -> ToyGANResult:
    """Train a toy GAN on ``data`` for ``cfg.steps`` steps, with ganlib's losses.

    Every step updates both networks from one batch of real points and one batch of
    fakes (the discriminator first gets ``cfg.disc_steps - 1`` extra updates on
    fresh batches). The discriminator minimises
    :func:`ganlib.losses.minimax_discriminator_loss`, the generator the loss named by
    ``cfg.generator_loss``. All random numbers come from ``cfg.seed``, so the same
    call on the same machine gives the same result.

    Parameters
    ----------
    cfg : ToyGANConfig
    data : GaussianMixture to learn
    generator, discriminator : models to continue training; default fresh ones
        from :func:`build_toy_gan`
    update_generator : False freezes the generator and trains only the
        discriminator, which then approaches D* of the frozen generator
    snapshot_every : draw ``n_snapshot`` generated points every this many steps
        (and before the first); default: only before and after training
    n_snapshot : points per snapshot

    Returns
    -------
    ToyGANResult
    """
    import keras
    import tensorflow as tf

    from .losses import GENERATOR_LOSSES, minimax_discriminator_loss
    from .models import latent_dim_of

    if generator is None or discriminator is None:
        fresh_g, fresh_d = build_toy_gan(cfg)
        generator = generator if generator is not None else fresh_g
        discriminator = discriminator if discriminator is not None else fresh_d
    gen_loss_fn = GENERATOR_LOSSES[cfg.generator_loss]
    gen_opt = keras.optimizers.Adam(cfg.gen_learning_rate, beta_1=cfg.beta_1)
    disc_opt = keras.optimizers.Adam(cfg.disc_learning_rate, beta_1=cfg.beta_1)
    # slots must exist before the in-graph loop: no variables may be created inside it
    gen_opt.build(generator.trainable_variables)
    disc_opt.build(discriminator.trainable_variables)

    latent_dim = latent_dim_of(generator)
    rng = np.random.default_rng([cfg.seed, 1])
    # separate streams: the snapshot noise stays the same whatever the training draws
    snapshot_noise = np.random.default_rng([cfg.seed, 2]).standard_normal((n_snapshot, latent_dim))
    snapshot_noise = snapshot_noise.astype(np.float32)
    every = cfg.steps if snapshot_every is None else snapshot_every
    if every <= 0:
        raise ValueError(f"snapshot_every must be positive, got {snapshot_every}")
    k_d, batch = cfg.disc_steps, cfg.batch_size
    g_vars, d_vars = generator.trainable_variables, discriminator.trainable_variables

    def step(real, noise):
        # real: (disc_steps, batch, 1), noise: (disc_steps, batch, latent_dim)
        for j in range(1, k_d):  # extra discriminator updates on fresh batches
            with tf.GradientTape() as tape:
                fake = generator(noise[j], training=True)
                d_loss = minimax_discriminator_loss(discriminator(real[j], training=True),
                                                    discriminator(fake, training=True))
            disc_opt.apply_gradients(zip(tape.gradient(d_loss, d_vars), d_vars))
        # the joint update: both networks from the same batch, as in ganlib.training
        with tf.GradientTape() as g_tape, tf.GradientTape() as d_tape:
            fake = generator(noise[0], training=True)
            real_logits = discriminator(real[0], training=True)
            fake_logits = discriminator(fake, training=True)
            g_loss = gen_loss_fn(fake_logits)
            d_loss = minimax_discriminator_loss(real_logits, fake_logits)
        if update_generator:
            gen_opt.apply_gradients(zip(g_tape.gradient(g_loss, g_vars), g_vars))
        disc_opt.apply_gradients(zip(d_tape.gradient(d_loss, d_vars), d_vars))
        return tf.stack([g_loss, d_loss, tf.reduce_mean(tf.sigmoid(real_logits)),
                         tf.reduce_mean(tf.sigmoid(fake_logits))])

    @tf.function(input_signature=[tf.TensorSpec([None, k_d, batch, 1], tf.float32),
                                  tf.TensorSpec([None, k_d, batch, latent_dim], tf.float32)])
    def run(real, noise):
        # the loop runs inside the graph: one Python call per snapshot, not per step
        n = tf.shape(real)[0]
        records = tf.TensorArray(tf.float32, size=n)
        for i in tf.range(n):
            records = records.write(i, step(real[i], noise[i]))
        return records.stack()

    def snapshot() -> np.ndarray:
        return np.asarray(generator(snapshot_noise, training=False), dtype=np.float32)[:, 0]

    snapshot_steps, snapshots, records = [0], [snapshot()], []
    done = 0
    while done < cfg.steps:
        n = min(every, cfg.steps - done)
        real = data.sample(n * k_d * batch, rng).reshape(n, k_d, batch, 1)
        noise = rng.standard_normal((n, k_d, batch, latent_dim)).astype(np.float32)
        records.append(run(tf.constant(real), tf.constant(noise)).numpy())
        done += n
        snapshot_steps.append(done)
        snapshots.append(snapshot())
    table = np.concatenate(records).astype(np.float64)
    history = {"step": np.arange(1, cfg.steps + 1, dtype=np.int64)}
    history.update({key: table[:, i] for i, key in enumerate(("gen_loss", "disc_loss", "d_real", "d_fake"))})
    return ToyGANResult(generator=generator, discriminator=discriminator, history=history,
                        snapshot_steps=np.asarray(snapshot_steps, np.int64), snapshots=np.stack(snapshots))


# ---------------------------------------------------------------------------
# measuring a toy GAN


def generate_samples(generator, n: int, seed: int = 0) -> np.ndarray:
    """``n`` points from ``generator`` (inference mode) on noise z ~ N(0, I) drawn from ``seed``.

    Returns float32 array of shape (n,).
    """
    from .models import latent_dim_of

    z = np.random.default_rng(seed).standard_normal((n, latent_dim_of(generator))).astype(np.float32)
    return np.asarray(generator(z, training=False), dtype=np.float32)[:, 0]


def discriminator_probability(discriminator, x) -> np.ndarray:
    """D(x) = sigmoid(logit) at the points ``x`` (any shape): float64 array of that shape in [0, 1]."""
    x = np.asarray(x, dtype=np.float32)
    logits = np.asarray(discriminator(x.reshape(-1, 1), training=False), dtype=np.float64)
    return (1.0 / (1.0 + np.exp(-logits))).reshape(x.shape)


# one standard deviation: there a Gaussian mode's density is still e^(-1/2) ~ 61 % of its
# peak, and it holds 68 % of the mode's points. With 3 stds (1.1 % of the peak) a collapsed
# spike in the gap between two modes, 2 or more stds off the nearer one, counted as covering it.
MODE_RADIUS_STDS = 1.0


def mode_radius(data: GaussianMixture, n_std: float = MODE_RADIUS_STDS) -> np.ndarray:
    """How close to each mode's centre a point must lie to count for that mode.

    Parameters
    ----------
    data : the GaussianMixture whose modes are counted
    n_std : the radius in standard deviations of each mode (default
        ``MODE_RADIUS_STDS`` = 1). A perfect generator puts a fraction
        erf(n_std / sqrt 2) of each mode's points within it: 0.683 for 1 std.

    Returns
    -------
    float64 array of shape (K,): ``n_std`` times each mode's std; pass it as the
    ``radius`` of :func:`mode_fractions` and :func:`count_modes`.
    """
    if not n_std > 0:
        raise ValueError(f"n_std must be > 0, got {n_std}")
    return n_std * np.asarray(data.stds, dtype=np.float64)


def mode_fractions(samples, centres, radius) -> np.ndarray:
    """Fraction of ``samples`` within ``radius`` of each centre.

    Parameters
    ----------
    samples : float array of n points (any shape; flattened)
    centres : float array of shape (K,), e.g. ``GaussianMixture.means``
    radius : float > 0, or float array of shape (K,) with one radius per centre (e.g.
        :func:`mode_radius`); a point counts for every centre it is this close to

    Returns
    -------
    float64 array of shape (K,) in [0, 1]
    """
    samples = np.asarray(samples, dtype=np.float64).ravel()
    centres = np.asarray(centres, dtype=np.float64).ravel()
    radius = np.broadcast_to(np.asarray(radius, dtype=np.float64), centres.shape)
    if not np.all(radius > 0):
        raise ValueError(f"radius must be > 0, got {radius}")
    if samples.size == 0:
        return np.zeros(centres.shape)
    return (np.abs(samples[:, None] - centres[None, :]) <= radius[None, :]).mean(axis=0)


def count_modes(samples, centres, radius, min_fraction: float = 0.02) -> int:
    """How many modes the samples cover: centres that receive at least ``min_fraction``
    of the samples within ``radius`` (a float, or one per centre as :func:`mode_fractions`).

    With K equal modes a perfect generator puts about 1/K of its samples at each (and,
    with :func:`mode_radius`, 68 % of those within the radius); ``min_fraction`` = 0.02
    ignores the odd stray point between modes. Keep the radius small: a mode counts as
    covered by any points within it, also by a spike on the mode's flank.
    """
    return int(np.sum(mode_fractions(samples, centres, radius) >= min_fraction))


# ---------------------------------------------------------------------------
# display


def plot_snapshots(result: ToyGANResult, data: GaussianMixture, steps: Sequence[int] | None = None,
                   axes=None, radius: float | None = None, xlim: tuple[float, float] | None = None,
                   bins: int = 80, label: str | None = None, ymax: float | None = None):
    """Histograms of generated points at some snapshot steps, over the data density.

    Parameters
    ----------
    result : ToyGANResult from :func:`train_toy_gan` with snapshots
    data : the GaussianMixture it was trained on (its density is drawn in black)
    steps : snapshot steps to show (each must be in ``result.snapshot_steps``);
        default all
    axes : a sequence of matplotlib axes, one per step; default a new row of panels
    radius : a mode counts as covered when at least 2 % of the points lie this close
        to its centre (:func:`count_modes`); a float or one per mode, default
        :func:`mode_radius` (one std of each mode)
    xlim : x range; default the outermost means widened by 1.5 times the largest
        gap between means (or by 6 stds, if wider). Points outside it are not drawn;
        the title then gives their share.
    bins : histogram bins across ``xlim``
    label : name of the run, written beside the first panel
    ymax : top of the density axis; default 2.5 times the data's highest density.
        Taller bars are cut off, so that a collapsed generator's spike does not
        flatten everything else.

    Returns
    -------
    the axes
    """
    import matplotlib.pyplot as plt

    steps = list(result.snapshot_steps) if steps is None else list(steps)
    index = {int(s): i for i, s in enumerate(result.snapshot_steps)}
    missing = [s for s in steps if int(s) not in index]
    if missing:
        raise ValueError(f"no snapshot at steps {missing}; snapshots exist at {list(index)}")
    if axes is None:
        _, axes = plt.subplots(1, len(steps), figsize=(2.6 * len(steps), 2.4), sharex=True,
                               squeeze=False)
        axes = axes[0]
    radius = mode_radius(data) if radius is None else radius
    if xlim is None:
        margin = 1.5 * max(np.diff(data.means).max() if data.n_modes > 1 else 2.0, 4 * max(data.stds))
        xlim = (min(data.means) - margin, max(data.means) + margin)
    grid = np.linspace(*xlim, 600)
    ymax = 2.5 * data.pdf(grid).max() if ymax is None else ymax
    edges = np.linspace(*xlim, bins + 1)
    for k, (ax, step) in enumerate(zip(axes, steps)):
        points = result.snapshots[index[int(step)]]
        inside = (points >= xlim[0]) & (points <= xlim[1])
        # bars are a density of *all* points: mass off the range is missing, not rescaled
        weights = np.full(inside.sum(), 1.0 / (len(points) * (edges[1] - edges[0])))
        ax.hist(points[inside], bins=edges, weights=weights, color="tab:orange", alpha=0.7,
                label="generated")
        ax.plot(grid, data.pdf(grid), color="black", lw=1, label="$p_{data}$")
        covered = count_modes(points, data.means, radius)
        title = f"step {int(step)}: {covered}/{data.n_modes} modes"
        if inside.mean() < 0.99:
            title += f"\n({1 - inside.mean():.0%} of points off this range)"
        ax.set_title(title, fontsize=9)
        ax.set_xlim(*xlim)
        ax.set_ylim(0, ymax)
        ax.set_yticks([])
        ax.set_xlabel("x")
    axes[0].set_ylabel(f"{label}\ndensity" if label else "density")
    axes[0].legend(fontsize=7, loc="upper left")
    return axes
