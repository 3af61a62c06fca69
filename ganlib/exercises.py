"""The checks behind the notebooks' exercises: one home, so that a check cell is one call.

    exercises.check("03.1", my_disc_loss_at_half, my_gen_loss_at_half, ...)

prints one of

- ``correct`` (sometimes followed by what was confirmed);
- ``not yet: <hint>``: the hint says what to reconsider, never the expected value or the
  formula;
- ``not answered yet: <what to fill in>`` while an answer is still ``None`` (or ``...``),
  which is what every check of the student edition prints before the student writes
  anything (``python -m ganlib student-edition``, README "For lecturers").

Every judge computes what it compares against when it runs, from ganlib's own code or by
simulation, from the objects the check cell hands it as keywords; no expected answer is
written down here. Exercise keys are ``"<notebook number>.<exercise number>"``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np

NOT_YET = "not yet: "
NOT_ANSWERED = "not answered yet: "
CORRECT = "correct"


class NotAnswered(Exception):
    """An answer is still the stub's ``None``: the student has not written it yet."""


class Problem(Exception):
    """A wrong or malformed answer; its message is the hint shown after "not yet: "."""


@dataclass(frozen=True)
class Exercise:
    """One checked exercise: its key, what the student fills in, and the judge.

    ``judge(*answers, **context)`` returns ``None`` for a right answer (or a short string
    that confirms what was right, printed after "correct: "), and raises :class:`Problem`
    with a hint for a wrong one.
    """

    key: str
    ask: str
    judge: Callable[..., str | None]


EXERCISES: dict[str, Exercise] = {}


def exercise(key: str, ask: str) -> Callable:
    """Register the decorated function as the judge of exercise ``key``."""
    def register(judge: Callable) -> Callable:
        if key in EXERCISES:
            raise ValueError(f"exercise {key!r} is registered twice")
        EXERCISES[key] = Exercise(key, ask, judge)
        return judge
    return register


def _unanswered(answer: Any) -> bool:
    return answer is None or answer is Ellipsis


def verdict(key: str, *answers: Any, **context: Any) -> str:
    """The message :func:`check` prints, as a string."""
    if key not in EXERCISES:
        raise ValueError(f"unknown exercise {key!r}; the exercises are {', '.join(sorted(EXERCISES))}")
    found = EXERCISES[key]
    if not answers or any(_unanswered(answer) for answer in answers):
        return NOT_ANSWERED + found.ask
    try:
        confirmed = found.judge(*answers, **context)
    except NotAnswered:
        return NOT_ANSWERED + found.ask
    except Problem as problem:
        return NOT_YET + str(problem)
    return CORRECT + (f": {confirmed}" if confirmed else "")


def check(key: str, *answers: Any, **context: Any) -> None:
    """Print whether the answers to exercise ``key`` are right.

    Parameters
    ----------
    key : ``"<notebook>.<exercise>"``, e.g. ``"03.1"``; ``EXERCISES`` lists them
    *answers : the student's answers, in the order the exercise asks for them; ``None``
        (the stub) means "not answered yet"
    **context : objects of the notebook the judge needs (a generator, a run's history);
        the check cell passes them, they are never answers
    """
    print(verdict(key, *answers, **context))


# --- helpers for judges: they turn a malformed answer into a Problem ----------------------

def number(answer: Any, what: str) -> float:
    """``answer`` as a finite float, or a Problem naming ``what`` was expected."""
    if isinstance(answer, bool):
        raise Problem(f"{what} should be a number, not {answer}")
    try:
        value = float(answer)
    except (TypeError, ValueError):
        raise Problem(f"{what} should be a number, got {answer!r}") from None
    if not math.isfinite(value):
        raise Problem(f"{what} should be a finite number, got {value}")
    return value


def integer(answer: Any, what: str) -> int:
    """``answer`` as an int (a float with no fraction is accepted), or a Problem."""
    value = number(answer, what)
    if value != int(value):
        raise Problem(f"{what} should be a whole number, got {answer!r}")
    return int(value)


def truth_value(answer: Any, what: str) -> bool:
    """``answer`` as a bool: only ``True`` or ``False`` (numpy's too) are accepted."""
    if isinstance(answer, (bool, np.bool_)):
        return bool(answer)
    raise Problem(f"{what} should be True or False, got {answer!r}")


def choice(answer: Any, options: tuple, what: str):
    """``answer`` if it is one of ``options``, or a Problem listing the options."""
    if isinstance(answer, str):
        answer = answer.strip().lower()
    if answer not in options:
        raise Problem(f"{what} should be one of {', '.join(map(repr, options))}, got {answer!r}")
    return answer


def call(function: Any, *args: Any, what: str = "your function") -> Any:
    """Call a student's function; ``None`` back means the stub is still there."""
    if not callable(function):
        raise Problem(f"{what} should be a function, got {function!r}")
    try:
        result = function(*args)
    except NotAnswered:
        raise
    except Exception as err:  # a student's code may fail in any way
        raise Problem(f"{what} raised {type(err).__name__}: {err}") from None
    if result is None:
        raise NotAnswered
    return result


def close(value: float, target: float, rel: float = 1e-3, abs_: float = 1e-6) -> bool:
    """Whether ``value`` is within ``rel`` (relative) or ``abs_`` of ``target``."""
    return abs(value - target) <= max(rel * abs(target), abs_)


# The judges, one section per notebook. Each computes its reference when it runs.

# --- notebook 01 ----------------------------------------------------------------------

# --- 01.1: two uniform distributions ------------------------------------------------------

def _uniforms_on_a_grid():
    """p_data = U[0, 1] and p_g = U[0, 2] on a fine grid, with D* from toy.optimal_discriminator."""
    from . import toy

    x = np.linspace(-1.0, 3.0, 400_001)
    p_data = ((x >= 0) & (x <= 1)).astype(np.float64)
    p_g = 0.5 * ((x >= 0) & (x <= 2))
    return x, p_data, p_g, toy.optimal_discriminator(p_data, p_g)


@exercise("01.1", ask="D* on [0, 1], D* on (1, 2] and C(G) = V(D*, G) in nats, for p_data = U[0, 1] "
                      "and p_g = U[0, 2] (three numbers)")
def _two_uniforms(inside, outside, value):
    from . import toy

    inside, outside = number(inside, "D* on [0, 1]"), number(outside, "D* on (1, 2]")
    value = number(value, "C(G)")
    x, p_data, p_g, d_star = _uniforms_on_a_grid()
    # D* is constant on each interval; read it off away from the jumps at 0, 1 and 2
    true_inside = float(np.median(d_star[(x > 0.01) & (x < 0.99)]))
    true_outside = float(np.median(d_star[(x > 1.01) & (x < 1.99)]))
    true_value = toy.value_function(x, p_data, p_g, d_star)
    if not close(inside, true_inside, abs_=1e-3):
        raise Problem(f"D* on [0, 1] is off (yours is {inside:.4f}): both densities are positive there, "
                      "and each integrates to one over its own interval; compare their heights")
    if not close(outside, true_outside, abs_=1e-3):
        raise Problem(f"D* on (1, 2] is off (yours is {outside:.4f}): only the generator puts points there; "
                      "what should the best discriminator say about such a point?")
    if not close(value, true_value, abs_=1e-3):
        if close(value * math.log(2.0), true_value, abs_=1e-3):
            raise Problem("C(G) looks right but in bits; the exercise asks for nats (natural logarithms)")
        if value > 0:
            raise Problem(f"C(G) = {value:.4f} cannot be right: both logarithms in V are of numbers "
                          "in [0, 1], so V never exceeds zero")
        if value < -math.log(4.0) - 1e-3:
            raise Problem(f"C(G) = {value:.4f} is below -log 4, the value of the blind discriminator "
                          "D = 1/2; the best discriminator cannot do worse than that")
        raise Problem(f"your D* is right but C(G) = {value:.4f} is off; write V(D*, G) as two integrals, "
                      "one over [0, 1] and one over (1, 2], and weight each logarithm by its own density")
    return None


# --- 01.2: two Gaussians --------------------------------------------------------------------

def _logit_of_d_star(x: np.ndarray, generator_std: float) -> np.ndarray:
    """log(D* / (1 - D*)) for p_data = N(0, 1), p_g = N(1, generator_std^2), from toy's densities."""
    from . import toy

    p_data = toy.GaussianMixture((0.0,), (1.0,)).pdf(x)
    p_g = toy.GaussianMixture((1.0,), (generator_std,)).pdf(x)
    d_star = toy.optimal_discriminator(p_data, p_g)
    return np.log(d_star) - np.log1p(-d_star)


def _smallest_polynomial_degree(x: np.ndarray, y: np.ndarray, highest: int = 6) -> int:
    """The lowest degree of a polynomial that fits y(x) to rounding error."""
    for degree in range(highest + 1):
        fit = np.polyval(np.polyfit(x, y, degree), x)
        if np.max(np.abs(fit - y)) < 1e-7 * max(1.0, np.max(np.abs(y))):
            return degree
    raise RuntimeError("the logit is no polynomial of low degree")  # cannot happen for Gaussians


# probe points for the hint; none prints like one of the answers
_PROBES = np.array([-4.3, -3.7, -0.7, -0.3, 0.0, 0.3, 0.8, 1.3, 1.7, 3.3, 3.7, 4.3])


@exercise("01.2", ask="D*(x) for p_data = N(0, 1) and p_g = N(1, 1) (a function of a numpy array x), "
                      "the slope and the intercept of its logit, and the degree of the logit in x "
                      "when p_g = N(1, 2²)")
def _two_gaussians(d_star, slope, intercept, wide_degree):
    x = np.linspace(-6.0, 6.0, 241)
    values = call(d_star, x.copy(), what="my_d_star")
    try:
        values = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise Problem("my_d_star should return an array of numbers, one per x") from None
    if values.shape != x.shape:
        raise Problem(f"my_d_star should return one value per x, shape {x.shape}; got shape {values.shape}")
    logit = _logit_of_d_star(x, 1.0)
    truth = 1.0 / (1.0 + np.exp(-logit))
    if not np.all(np.isfinite(values)) or np.max(np.abs(values - truth)) > 1e-3:
        probe_values = np.asarray(call(d_star, _PROBES.copy(), what="my_d_star"), dtype=np.float64)
        probe_truth = 1.0 / (1.0 + np.exp(-_logit_of_d_star(_PROBES, 1.0)))
        errors = np.where(np.isfinite(probe_values), np.abs(probe_values - probe_truth), np.inf)
        i = int(np.argmax(errors))
        if errors[i] > 1e-3:
            side = "too large" if probe_values[i] > probe_truth[i] else "too small"
            raise Problem(f"my_d_star({_PROBES[i]:.1f}) = {probe_values[i]:.4f} is {side}; write D* with the "
                          "ratio p_g(x) / p_data(x) first, then simplify the exponent")
        raise Problem("my_d_star differs from D* somewhere between x = -6 and x = +6; write D* with the "
                      "ratio p_g(x) / p_data(x) first, then simplify the exponent")
    true_intercept, true_slope = np.polynomial.polynomial.polyfit(x, logit, 1)
    slope, intercept = number(slope, "the logit's slope"), number(intercept, "the logit's intercept")
    if not close(slope, true_slope, abs_=1e-3):
        raise Problem(f"the slope of the logit is off (yours is {slope:.4f}): the logit is "
                      "log(D* / (1 - D*)), which your D* gives as a log ratio of the two densities")
    if not close(intercept, true_intercept, abs_=1e-3):
        raise Problem(f"the intercept of the logit is off (yours is {intercept:.4f}): at which x do the "
                      "two densities cross, so that D* is one half?")
    degree = integer(wide_degree, "the degree of the wide case's logit")
    if degree != _smallest_polynomial_degree(x, _logit_of_d_star(x, 2.0)):
        raise Problem(f"with p_g wider than p_data the logit is not of degree {degree}: write out "
                      "log p_data(x) - log p_g(x) for the two widths and see which powers of x survive")
    return None


# --- 01.3: rescue the weak-D run -----------------------------------------------------------

# the changes the exercise offers, as "field: what the change must do"
_RESCUES = {
    "disc_learning_rate": "raise the discriminator's learning rate",
    "disc_steps": "give the discriminator more updates per generator update",
    "generator_loss": "swap the generator loss",
}


def _one_change(config, weak) -> str:
    """The one field in which ``config`` differs from ``weak`` (the seed may differ too)."""
    import dataclasses

    from . import toy

    if not isinstance(config, toy.ToyGANConfig):
        raise Problem(f"my_rescue_config should be a toy.ToyGANConfig (weak_d with one change), "
                      f"got {type(config).__name__}")
    changed = [f.name for f in dataclasses.fields(config)
               if f.name != "seed" and getattr(config, f.name) != getattr(weak, f.name)]
    if not changed:
        raise Problem("my_rescue_config is the weak-D configuration itself (up to the seed); change one thing")
    if len(changed) > 1:
        raise Problem(f"my_rescue_config changes {', '.join(changed)}; change one thing at a time, "
                      "so that you know which one did it")
    (field,) = changed
    if field not in _RESCUES:
        raise Problem(f"my_rescue_config changes {field}; the exercise asks you to "
                      + ", or ".join(_RESCUES.values()))
    if field == "disc_learning_rate" and config.disc_learning_rate < weak.disc_learning_rate:
        raise Problem("my_rescue_config lowers the discriminator's learning rate; the weak discriminator "
                      "needs a larger one")
    return field


@exercise("01.3", ask="the ToyGANConfig you trained (weak_d with one change), its run from "
                      "toy.train_toy_gan(..., snapshot_every=250), the fewest modes covered at a snapshot "
                      "after step 0, and the fraction of the final snapshot's points within one std of a mode")
def _rescue_the_weak_d_run(config, run, fewest, near, *, weak, data):
    from . import toy

    _one_change(config, weak)
    if not isinstance(run, toy.ToyGANResult):
        raise Problem(f"my_rescue_run should be what toy.train_toy_gan returns, got {type(run).__name__}")
    trained = len(run.history.get("step", ()))
    if trained != config.steps:
        raise Problem(f"my_rescue_run has {trained} training steps and my_rescue_config asks for "
                      f"{config.steps}; pass the run you trained with this configuration")
    wanted = np.unique(np.r_[np.arange(0, config.steps, 250), config.steps])
    if not np.array_equal(np.asarray(run.snapshot_steps), wanted):
        raise Problem("my_rescue_run should have a snapshot every 250 steps: train it with snapshot_every=250")
    radius = toy.mode_radius(data)
    counts = [toy.count_modes(snapshot, data.means, radius) for snapshot in run.snapshots[1:]]
    fewest = integer(fewest, "the fewest modes covered")
    if fewest != min(counts):
        raise Problem(f"your run does not cover {fewest} modes at its worst snapshot: count the modes with "
                      "toy.count_modes and toy.mode_radius(three) at every snapshot after step 0, "
                      "and take the smallest count")
    near = number(near, "the fraction near a mode")
    true_near = float(toy.mode_fractions(run.snapshots[-1], data.means, radius).sum())
    if not close(near, true_near, abs_=0.005):
        if close(near / 100.0, true_near, abs_=0.005):
            raise Problem("write the fraction near a mode as a number in [0, 1], not in per cent")
        raise Problem(f"{near:.3f} of the final points near a mode does not match your run: add "
                      "toy.mode_fractions of the last snapshot over the three modes")
    return None


# --- 01.4: how strong must R1 be? --------------------------------------------------------------

def _rho_squared(h: float, gamma: float) -> float:
    from . import dirac

    return dirac.spectral_radius(dirac.update_jacobian(h, "simultaneous", gamma)) ** 2


def _largest_converging_h(gamma: float) -> float:
    """Where the spectral radius of a simultaneous step crosses 1, by bisection."""
    low, high = 1e-6, 1.9  # converges just above 0 for gamma > 0; spirals out at h = 1.9 for gamma < 0.4
    if not (_rho_squared(low, gamma) < 1 < _rho_squared(high, gamma)):
        raise ValueError(f"no crossing in ({low}, {high}) for gamma = {gamma}")
    for _ in range(60):
        middle = 0.5 * (low + high)
        low, high = (middle, high) if _rho_squared(middle, gamma) < 1 else (low, middle)
    return 0.5 * (low + high)


# (h, gamma) pairs with complex eigenvalues (gamma < 1); none prints like the answer
_R1_PROBES = [(0.05, 0.0), (0.3, 0.0), (1.3, 0.0), (0.07, 0.1), (0.3, 0.1), (0.7, 0.1),
              (0.13, 0.03), (0.9, 0.35), (0.25, 0.8), (1.7, 0.6)]


@exercise("01.4", ask="|λ|² of a simultaneous step as a function of h and gamma (a function), and the "
                      "largest learning rate h at which gamma = 0.1 still converges (a number)")
def _how_strong_must_r1_be(rho_squared, h_max):
    tiny = number(call(rho_squared, 1e-9, 0.1, what="my_rho_squared"), "my_rho_squared(h, gamma)")
    if not close(tiny, 1.0, abs_=1e-6):
        raise Problem(f"my_rho_squared(1e-9, 0.1) = {tiny:.4g}; a step that small moves nothing, so "
                      "|λ|² should tend to one as h goes to zero")
    for h, gamma in _R1_PROBES:
        yours = number(call(rho_squared, h, gamma, what="my_rho_squared"), "my_rho_squared(h, gamma)")
        truth = _rho_squared(h, gamma)
        if not close(yours, truth, rel=1e-6, abs_=1e-9):
            side = "too large" if yours > truth else "too small"
            raise Problem(f"my_rho_squared({h}, {gamma}) = {yours:.5f} is {side}; an eigenvalue of I + hJ is "
                          "1 + h times an eigenvalue of J: multiply it by its complex conjugate")
    h_max = number(h_max, "the largest learning rate")
    truth = _largest_converging_h(0.1)
    if not close(h_max, truth, rel=1e-3):
        at_yours = math.sqrt(_rho_squared(h_max, 0.1)) if h_max > 0 else float("nan")
        if not h_max > 0:
            raise Problem("a learning rate is positive")
        where = ("steps still converge there, so a larger one is still safe" if at_yours < 1
                 else "the players already spiral outwards there")
        raise Problem(f"at h = {h_max:.4g} with gamma = 0.1, rho = {at_yours:.5f}: {where}; "
                      "find where your |λ|² equals one")
    return None


# --- notebook 02 ----------------------------------------------------------------------

# --- 02.1: a formula for the generator's size ------------------------------------------------

@exercise("02.1", ask="the number of parameters of ganlib.make_generator as a function of latent_dim "
                      "and gen_filters (a function returning an integer)")
def _generator_size(count, *, cfg):
    import dataclasses

    from .models import make_generator

    def keras_count(latent_dim: int, gen_filters: int) -> int:
        changed = dataclasses.replace(cfg, latent_dim=latent_dim, gen_filters=gen_filters)
        return int(make_generator(changed).count_params())

    def off_by(latent_dim: int, gen_filters: int) -> int:
        yours = integer(call(count, latent_dim, gen_filters, what="my_generator_param_count"),
                        f"my_generator_param_count({latent_dim}, {gen_filters})")
        return yours - keras_count(latent_dim, gen_filters)

    # a small 2 x 2 design tells which part of the formula is off: the difference from Keras'
    # count changes with latent_dim only if a latent_dim term is wrong, and so on
    base, more_latent, more_filters = off_by(16, 8), off_by(40, 8), off_by(16, 24)
    if base != more_latent:
        raise Problem("the part of your count that grows with latent_dim is off: which layer sees z, "
                      "and does it have a bias?")
    if base != more_filters:
        raise Problem("a part of your count that grows with gen_filters is off: recount the dense "
                      "projection, its BatchNorm (count the BatchNorm statistics too) and the first "
                      "transposed convolution, whose input has gen_filters channels")
    if base != 0:
        raise Problem("the part of your count that depends on neither argument is off: recount the "
                      "layers after the first transposed convolution, with their BatchNorm statistics")
    if off_by(cfg.latent_dim, cfg.gen_filters) != 0:
        raise Problem("your count is right for small networks but not for the lecture's; "
                      "does it use both arguments, and only them?")
    return None


# --- 02.2: which kernels overlap evenly? --------------------------------------------------------

def _constant_input_interior(kernel_size: int) -> np.ndarray:
    """The output of a stride-two transposed convolution with weights 1 on a constant input, away from the border."""
    import keras

    layer = keras.layers.Conv2DTranspose(1, kernel_size, strides=2, padding="same", use_bias=False,
                                         kernel_initializer="ones")
    out = np.asarray(layer(np.ones((1, 12, 12, 1), np.float32)))[0, :, :, 0]
    return out[kernel_size:-kernel_size, kernel_size:-kernel_size]


@exercise("02.2", ask="the kernel sizes among 2 to 7 whose stride-2 transposed convolution gives a uniform "
                      "output on a constant input (a list), and for kernel size 7 the largest and the "
                      "smallest number of stamps covering one interior output pixel (two integers)")
def _even_overlap(kernels, most, fewest):
    if isinstance(kernels, (str, bytes)) or not hasattr(kernels, "__iter__"):
        raise Problem(f"my_even_kernels should be a list of kernel sizes, got {kernels!r}")
    chosen = {integer(k, "each kernel size") for k in kernels}
    if not chosen <= set(range(2, 8)):
        raise Problem("my_even_kernels should only hold kernel sizes from the range asked about")
    interiors = {k: _constant_input_interior(k) for k in range(2, 8)}
    uniform = {k for k, out in interiors.items() if np.all(out == out.flat[0])}
    if chosen - uniform:
        raise Problem("your list holds a kernel size whose output is not uniform; along one row, count "
                      "how many stamps cover two neighbouring output pixels for each size")
    if uniform - chosen:
        raise Problem("your list misses a kernel size whose output is uniform; along one row, count "
                      "how many stamps cover two neighbouring output pixels for each size")
    most, fewest = integer(most, "the largest number of stamps"), integer(fewest, "the smallest number of stamps")
    if most < fewest:
        raise Problem("the largest number of stamps should not be smaller than the smallest")
    for yours, truth, which in ((most, int(interiors[7].max()), "largest"),
                                (fewest, int(interiors[7].min()), "smallest")):
        if yours != truth:
            raise Problem(f"for kernel size seven the {which} number of stamps on an interior pixel is off: "
                          "count the stamps along a row and along a column separately, then combine the "
                          "two counts")
    return None


# --- 02.3: balance of power ---------------------------------------------------------------

@exercise("02.3", ask="how many times more parameters G has than D in the fast preset (a number), "
                      "'better' or 'worse' for training with the minimax generator loss against a much "
                      "larger D, and the gradient that loss passes to a fake's logit when D(G(z)) = 0.001")
def _balance_of_power(ratio, strong_d, gradient):
    import ganlib

    from .models import make_discriminator, make_generator

    ratio = number(ratio, "the ratio of G's parameters to D's")
    fast = ganlib.get_preset("fast")
    true_ratio = make_generator(fast).count_params() / make_discriminator(fast).count_params()
    if not close(ratio, true_ratio, rel=1e-2):
        if close(1.0 / ratio if ratio else np.inf, true_ratio, rel=1e-2):
            raise Problem("that is D's size over G's; the exercise asks how many times larger G is")
        raise Problem(f"a ratio of {ratio:.3g} does not match the fast preset's networks: build them with "
                      "ganlib.get_preset('fast') and compare their count_params()")
    gradient = abs(number(gradient, "the minimax gradient"))
    true_gradient = _minimax_gradient(0.001)
    if not close(gradient, true_gradient, rel=1e-2):
        raise Problem(f"{gradient:.4g} is not the gradient of the minimax generator loss with respect to the "
                      "fake's logit at that D: differentiate log(1 - sigmoid(logit)) or let TensorFlow do it")
    strong_d = choice(strong_d, ("better", "worse"), "your expectation")
    # a strong D pushes D(G(z)) towards 0; compare the gradient there with the one of a fooled D
    helps = true_gradient > _minimax_gradient(0.5)
    if (strong_d == "better") != helps:
        raise Problem("your own gradient says otherwise: compare it with the gradient when D cannot tell "
                      "(D(G(z)) = 1/2), and ask how fast G learns against a D that rejects every fake")
    return None


def _logit_slopes(loss, d) -> np.ndarray:
    """|d loss / d logit| of one fake, for each value of D(G(z)) in ``d``, by TensorFlow.

    ``loss`` is one of ganlib's generator losses (a mean over the batch); the slopes are
    per fake, so they do not depend on how many values ``d`` holds.
    """
    import tensorflow as tf

    d = np.asarray(d, dtype=np.float64).reshape(-1, 1)
    logits = tf.Variable(np.log(d / (1.0 - d)))
    with tf.GradientTape() as tape:
        value = loss(tf.cast(logits, tf.float32))
    return np.abs(tape.gradient(value, logits).numpy().ravel()) * len(d)


def _minimax_gradient(d_fake: float) -> float:
    """|d/d logit| of ganlib's minimax generator loss for one fake with D(G(z)) = d_fake."""
    from .losses import minimax_generator_loss

    return float(_logit_slopes(minimax_generator_loss, [d_fake])[0])


# --- 02.4: training-mode BatchNorm at inference ---------------------------------------------

def _training_mode_outputs(generator, z):
    """generator(..., training=True) on z twice, on z[:2], and on z[:1] and z[1:2] alone.

    Training mode moves BatchNorm's running averages; they are put back, so that the check
    leaves the notebook's generator as it found it.
    """
    saved = [v.numpy() for v in generator.non_trainable_variables]
    try:
        outputs = [np.asarray(generator(batch, training=True)) for batch in (z, z, z[:2], z[:1], z[1:2])]
    finally:
        for variable, value in zip(generator.non_trainable_variables, saved):
            variable.assign(value)
    return outputs


@exercise("02.4", ask="True/False: the first two images are the same in the two calls on z16; True/False: "
                      "they are the same as in the call on z16[:2]; and the largest pixel difference between "
                      "generator(z16[:1], training=True) and generator(z16[1:2], training=True) (a number)")
def _training_mode_batchnorm(same_twice, same_small_batch, single_difference, *, generator, z):
    same_twice = truth_value(same_twice, "my_same_twice")
    same_small_batch = truth_value(same_small_batch, "my_same_small_batch")
    single_difference = number(single_difference, "the largest pixel difference")
    full, again, small, first, second = _training_mode_outputs(generator, np.asarray(z))
    if same_twice != bool(np.allclose(full[:2], again[:2], rtol=0, atol=1e-6)):
        raise Problem("reconsider the two calls on the same batch: is anything random when this generator "
                      "runs (it has no dropout), and which statistics does BatchNorm use in training mode?")
    if same_small_batch != bool(np.allclose(full[:2], small, rtol=0, atol=1e-4)):
        raise Problem("reconsider the call on z16[:2]: in training mode an image is normalised with the "
                      "statistics of the batch it comes in; are those of two latent vectors the ones of sixteen?")
    truth = float(np.max(np.abs(first - second)))
    if not close(single_difference, truth, rel=1e-3, abs_=1e-4):
        raise Problem(f"your largest difference, {single_difference:.4g}, is not what the generator gives: "
                      "draw the two single images in training mode and compare them pixel by pixel; what "
                      "is left of a unit after BatchNorm subtracts the mean of a batch of one?")
    return None


# --- 02.5: resize, then convolve ----------------------------------------------------------------

@exercise("02.5", ask="how many different values the resize-then-convolve output of the constant input takes "
                      "away from the border, the side of the patch the single pixel becomes (two integers), "
                      "and which layer cannot make a checkerboard from a flat input: 'transposed' or 'resize'")
def _resize_then_convolve(interior_values, patch_side, flat_safe):
    import keras

    interior_values = integer(interior_values, "the number of different values")
    patch_side = integer(patch_side, "the side of the patch")
    resize_then_convolve = keras.Sequential([
        keras.layers.UpSampling2D(2),
        keras.layers.Conv2D(1, 5, padding="same", use_bias=False, kernel_initializer="ones")])
    flat = np.asarray(resize_then_convolve(np.ones((1, 7, 7, 1), np.float32)))[0, 3:-3, 3:-3, 0]
    one_pixel = np.zeros((1, 7, 7, 1), np.float32)
    one_pixel[0, 3, 3, 0] = 1.0
    rows, cols = np.nonzero(np.asarray(resize_then_convolve(one_pixel))[0, :, :, 0])
    if interior_values != len(np.unique(flat)):
        raise Problem(f"the flat input's output does not take {interior_values} different values inside: "
                      "after the upsampling the input is still flat; how many of its pixels does each 5×5 "
                      "window of the convolution see?")
    if patch_side != int(rows.max() - rows.min() + 1):
        raise Problem(f"the patch is not {patch_side} pixels wide: the pixel first becomes a 2×2 block; "
                      "how far does a 5×5 window reach while it still overlaps that block?")
    flat_safe = choice(flat_safe, ("transposed", "resize"), "the layer")
    transposed_flat = _constant_input_interior(5)
    pattern_from_flat = {"transposed": len(np.unique(transposed_flat)) > 1, "resize": len(np.unique(flat)) > 1}
    if pattern_from_flat[flat_safe]:
        raise Problem("that layer does turn a flat input into a pattern: look at your count of different "
                      "values, and compare it with what the transposed convolution does to the same input")
    return None


# --- notebook 03 ----------------------------------------------------------------------

@contextlib.contextmanager
def _quiet_retracing():
    """Silence TensorFlow's "frequent retracing" warning while a judge builds train steps of its own.

    Every short run traces a new train step; after a few in a row TensorFlow warns, and the
    warning would land in the check cell's output.
    """
    import logging

    logger = logging.getLogger("tensorflow")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


@exercise("03.1", ask="L_D, the non-saturating L_G and the minimax L_G when D says 1/2 to every image "
                      "(three numbers)")
def _losses_at_half(disc, gen, minimax):
    import tensorflow as tf

    from . import losses

    values = [number(disc, "L_D"), number(gen, "the non-saturating L_G"), number(minimax, "the minimax L_G")]
    half = tf.zeros((4, 1))  # a logit of 0 is D = sigmoid(0)
    truths = [float(losses.minimax_discriminator_loss(half, half)),
              float(losses.non_saturating_generator_loss(half)),
              float(losses.minimax_generator_loss(half))]
    d, g, m = values
    if not close(d, truths[0]):
        if close(d, -truths[0]):
            raise Problem("L_D has the wrong sign: it is a cross-entropy, minus the log of probabilities")
        if close(d, truths[0] / 2) or close(d, -truths[0] / 2):
            raise Problem("L_D is off: it sums two terms, one for the real and one for the fake batch")
        raise Problem(f"L_D is off ({d:g}): write both of its terms with D = one half")
    if not close(g, truths[1]):
        if close(g, -truths[1]):
            raise Problem("the non-saturating L_G has the wrong sign: it is minus the log of a probability")
        raise Problem(f"the non-saturating L_G is off ({g:g}): it has one term, for the fake batch")
    if not close(m, truths[2]):
        if close(m, -truths[2]):
            raise Problem("the minimax L_G has the wrong sign: it is the log of a probability below one, "
                          "with no minus in front")
        raise Problem(f"the minimax L_G is off ({m:g}): it is the mean of log(1 - D) over the fakes")
    return None


def _short_rows(cfg, images, steps: int) -> dict[str, list[float]]:
    """The loss rows of the first ``steps`` steps of a run of ``cfg``, as losses.csv records them."""
    from .data import make_dataset
    from .training import build_gan, make_train_step

    state = build_gan(cfg)
    train_step = make_train_step(state)
    rows: dict[str, list[float]] = {}
    for batch in make_dataset(images, cfg, 0).take(steps):
        for key, value in train_step(batch).items():
            rows.setdefault(key, []).append(float(f"{float(value):.6g}"))  # losses.csv keeps 6 digits
    return rows


def _first_differing_row(rows: dict[str, list[float]], history: dict) -> int | None:
    n = len(next(iter(rows.values())))
    for i in range(n):
        if any(not np.isclose(rows[key][i], history[key][i], rtol=2e-6, atol=0) for key in rows if key in history):
            return int(history["step"][i])
    return None


@exercise("03.2", ask="two predictions, True or False: is a rerun with the same seed identical, and one with "
                      "another seed? And the first step whose row differs with the other seed (an integer)")
def _reproducible(same_seed, other_seed, first_step, *, cfg, images, history):
    same_seed = truth_value(same_seed, "your same-seed prediction")
    other_seed = truth_value(other_seed, "your other-seed prediction")
    first_step = integer(first_step, "the first differing step")
    if len(history["step"]) < 3:
        raise Problem("the history passed is too short: pass this notebook's run, history=history")
    # a few steps more than the question's three: the same answers, and TensorFlow sees enough calls
    # between the traces of these short runs not to warn about retracing in the notebook's next cells
    steps = min(6, len(history["step"]))
    with _quiet_retracing():
        truth_same = _first_differing_row(_short_rows(cfg, images, steps), history) is None
        other = _short_rows(dataclasses.replace(cfg, seed=cfg.seed + 1), images, steps)
    truth_first = _first_differing_row(other, history)
    truth_other = truth_first is None
    if same_seed != truth_same:
        raise Problem("reconsider the same seed: list what is random in a run (the seed's line in "
                      "DCGANConfig's docstring) and ask what is left to differ on one machine")
    if other_seed != truth_other:
        raise Problem("reconsider the other seed: what does the seed decide before the first update is made?")
    if first_step < int(history["step"][0]):
        raise Problem(f"losses.csv has no step {first_step}: look at its step column")
    if first_step != truth_first:
        raise Problem("the rows part earlier than that: a row holds the losses of its step's forward pass, "
                      "computed before that step's update; what differs between the two runs already then?")
    return None


def _quality_table(run: Path) -> dict:
    from .runfolder import QUALITY_FILE, SHIPPED_QUALITY_FILE, read_history

    for name in (QUALITY_FILE, SHIPPED_QUALITY_FILE):
        if (run / name).is_file():
            return read_history(run / name)
    raise Problem(f"{run} holds no quality table: train with quality=probe, or name a run that has one")


def _run_folder(answer, what: str = "the run folder") -> Path:
    from .runfolder import HISTORY_FILE

    if not isinstance(answer, (str, Path)):
        raise Problem(f"{what} should be a path, such as RUN_DIR, got {answer!r}")
    run = Path(answer)
    if not (run / HISTORY_FILE).is_file():
        raise Problem(f"{run} holds no {HISTORY_FILE}: name a folder that a training run wrote")
    return run


@exercise("03.3", ask="the run folder you read, two epochs with a quality check, and between them the change "
                      "of the classifier score and of the epoch mean of D's loss (two numbers)")
def _longer_run(run, epochs, score_change, loss_change):
    from .runfolder import read_history

    run = _run_folder(run)
    try:
        early, late = (integer(e, "an epoch") for e in epochs)
    except TypeError:
        raise Problem(f"the epochs should be a pair, such as (7, 20), got {epochs!r}") from None
    except ValueError:
        raise Problem(f"the epochs should be a pair, such as (7, 20), got {epochs!r}") from None
    score_change = number(score_change, "the change of the score")
    loss_change = number(loss_change, "the change of D's loss")
    quality = _quality_table(run)
    checked = quality["epoch"].tolist()
    for epoch in (early, late):
        if epoch not in checked:
            raise Problem(f"epoch {epoch} has no quality check in {run.name}; its checks are at epochs "
                          f"{', '.join(map(str, checked))}")
    if early >= late:
        raise Problem("give the earlier epoch first")
    score = {int(e): s for e, s in zip(quality["epoch"], quality["score"])}
    history = read_history(run)
    mean_loss = {e: float(history["disc_loss"][history["epoch"] == e].mean()) for e in (early, late)}
    truth_score = score[late] - score[early]
    truth_loss = mean_loss[late] - mean_loss[early]
    if not close(score_change, truth_score, rel=1e-2, abs_=5e-3):
        if close(score_change, -truth_score, rel=1e-2, abs_=5e-3):
            raise Problem("your score change has the wrong sign: take the later epoch's value minus the earlier's")
        raise Problem(f"your score change ({score_change:g}) is off: read the score column of the run's "
                      "quality table at your two epochs")
    if not close(loss_change, truth_loss, rel=2e-2, abs_=2e-3):
        if close(loss_change, -truth_loss, rel=2e-2, abs_=2e-3):
            raise Problem("your loss change has the wrong sign: take the later epoch's mean minus the earlier's")
        raise Problem(f"your loss change ({loss_change:g}) is off: average disc_loss over all the rows of "
                      "each of your two epochs, then subtract")
    return None


def _slope_ratios(d: np.ndarray) -> np.ndarray:
    """|d minimax L_G / d logit| over |d non-saturating L_G / d logit| at D(G(z)) = d."""
    from . import losses

    return (_logit_slopes(losses.minimax_generator_loss, d)
            / _logit_slopes(losses.non_saturating_generator_loss, d))


@exercise("03.4", ask="my_slope_ratio(d) (a function of an array of D(G(z)) values), the folder of your "
                      "minimax run, and the ratio at the mean d_fake of its first epoch (a number)")
def _minimax(slope_ratio, run, ratio_at_run):
    from .config import DCGANConfig
    from .runfolder import CONFIG_FILE, read_history

    grid = np.linspace(0.02, 0.98, 49)
    mine = call(slope_ratio, grid.copy(), what="my_slope_ratio")
    try:
        mine = np.asarray(mine, dtype=np.float64)
    except (TypeError, ValueError):
        raise Problem(f"my_slope_ratio should return numbers, got {type(mine).__name__}") from None
    if mine.shape != grid.shape:
        raise Problem(f"my_slope_ratio should return one ratio per d, shape {grid.shape}; got shape {mine.shape}")
    truth = _slope_ratios(grid)
    wrong = ~np.isclose(mine, truth, rtol=1e-3, atol=1e-6)
    if np.any(wrong):
        if np.all(mine[wrong] < 0):
            raise Problem("a ratio of two sizes cannot be negative")
        where = grid[wrong]
        part = "where D rejects the fakes (small d)" if where.mean() < 0.5 else "where D is fooled (d near one)"
        raise Problem(f"my_slope_ratio is off {part}: differentiate each loss with respect to the logit, "
                      "not with respect to D, and divide the sizes")
    run = _run_folder(run, "the minimax run's folder")
    loss = DCGANConfig.load(run / CONFIG_FILE).generator_loss
    if loss != "minimax":
        raise Problem(f"{run.name} is a run with generator_loss={loss!r}; train one with "
                      "dataclasses.replace(cfg, generator_loss=\"minimax\")")
    ratio_at_run = number(ratio_at_run, "the ratio at the run's mean d_fake")
    history = read_history(run)
    first_epoch = history["d_fake"][history["epoch"] == history["epoch"][0]]
    target = float(_slope_ratios(np.array([first_epoch.mean()]))[0])
    if not close(ratio_at_run, target, rel=1e-2):
        raise Problem(f"your ratio ({ratio_at_run:g}) is off: take the mean of d_fake over the rows of the "
                      "run's first epoch, then evaluate your ratio there")
    return None


# --- notebook 04 ----------------------------------------------------------------------

def _copy_of_state(state):
    """A fresh GANState holding every value of ``state`` (weights, Adam, counters, random states).

    Written to a temporary checkpoint and read back, so that training the copy leaves the
    notebook's objects as they were.
    """
    from .training import build_gan

    copy = build_gan(state.cfg)
    with tempfile.TemporaryDirectory() as folder:
        path = state.checkpoint().write(f"{folder}/state")
        copy.checkpoint().read(path).assert_consumed()
    return copy


def _fresh_adam(cfg, learning_rate, model):
    import keras

    from .checkpoints import build_optimizer

    optimizer = keras.optimizers.Adam(learning_rate, beta_1=cfg.beta_1, beta_2=cfg.beta_2)
    build_optimizer(optimizer, model)
    return optimizer


def _forgetful_losses(stopped, images, last_step: int) -> dict[int, tuple[float, float]]:
    """Resume ``stopped`` with two new Adam optimizers up to ``last_step``: step -> (gen_loss, disc_loss)."""
    from .data import make_dataset
    from .training import make_train_step

    state = _copy_of_state(stopped)
    cfg = state.cfg
    state = dataclasses.replace(state, gen_optimizer=_fresh_adam(cfg, cfg.gen_learning_rate, state.generator),
                                disc_optimizer=_fresh_adam(cfg, cfg.disc_learning_rate, state.discriminator))
    train_step = make_train_step(state)
    steps_per_epoch = len(images) // cfg.batch_size
    losses = {}
    epoch = int(state.epoch)
    while int(state.step) < last_step:
        done = int(state.step) - epoch * steps_per_epoch  # batches of this epoch already trained on
        for batch in make_dataset(images, cfg, epoch).skip(max(done, 0)):
            step = int(state.step) + 1
            values = train_step(batch)
            losses[step] = (float(values["gen_loss"]), float(values["disc_loss"]))
            if step >= last_step:
                break
        epoch += 1
    return losses


def _as_recorded(value: float) -> str:
    return f"{value:.6g}"  # losses.csv keeps 6 significant digits


def _first_adam_step(cfg) -> float:
    """The median size of a fresh Adam's first change to a weight, in units of its learning rate."""
    import keras
    import tensorflow as tf

    rng = np.random.default_rng(0)
    weights = tf.Variable(rng.normal(size=1000).astype("float32"))
    start = weights.numpy().copy()
    optimizer = keras.optimizers.Adam(cfg.gen_learning_rate, beta_1=cfg.beta_1, beta_2=cfg.beta_2)
    # gradients spread over four orders of magnitude: the step should not care
    gradient = (rng.normal(size=1000) * 10.0 ** rng.uniform(-2, 2, size=1000)).astype("float32")
    optimizer.apply_gradients([(tf.constant(gradient), weights)])
    return float(np.median(np.abs(weights.numpy() - start)) / cfg.gen_learning_rate)


@exercise("04.1", ask="the first step whose loss row differs after a resume with fresh Adam optimizers "
                      "(an integer), and the size of a fresh Adam's first step on a weight, in units of "
                      "its learning rate (a number)")
def _resume_that_forgets_adam(first_step, adam_step, *, stopped, uninterrupted, images):
    first_step = integer(first_step, "the first differing step")
    adam_step = number(adam_step, "the size of a fresh Adam's first step")
    cut = int(stopped.step)
    last = int(uninterrupted["step"][-1])
    if cut >= last:
        raise Problem(f"the stopped state has been trained on since the first call stopped (its step counter "
                      f"reads {cut}): train a copy of it, and rerun the notebook from the top to get it back")
    recorded = {int(s): (_as_recorded(g), _as_recorded(d)) for s, g, d in
                zip(uninterrupted["step"], uninterrupted["gen_loss"], uninterrupted["disc_loss"])}
    with _quiet_retracing():
        retrained = _forgetful_losses(stopped, images, last)
    differing = [s for s, (g, d) in sorted(retrained.items()) if (_as_recorded(g), _as_recorded(d)) != recorded[s]]
    if not differing:
        raise Problem("in this run the rows never differ: was the uninterrupted history passed as uninterrupted=?")
    truth = differing[0]
    if first_step <= cut:
        raise Problem(f"step {first_step} was trained by the first call, before the stop: "
                      "nothing about the resume can change its row")
    if first_step > last:
        raise Problem(f"step {first_step} lies beyond the run's last step: it is never trained")
    if first_step > truth:
        raise Problem("the rows part earlier: ask which weights the resumed call's first step computes its "
                      "losses with, and which weights its second step uses")
    if first_step < truth:
        raise Problem("that row is still identical: a row holds the losses of its step's forward pass, "
                      "made before that step's update")
    if not close(adam_step, _first_adam_step(stopped.cfg), rel=1e-2):
        raise Problem(f"a fresh Adam's first step is not {adam_step:g} learning rates: put the first step's t into "
                      "the bias-corrected moments above and see how much of the gradient's size survives")
    return None


def _batch_norm_outputs(generator, z_pair):
    """Each BatchNorm layer's outputs for each latent point drawn alone in training mode, and the images.

    Works on a clone, so that the training-mode calls leave ``generator``'s running averages alone.
    """
    import keras

    clone = keras.models.clone_model(generator)
    clone.set_weights(generator.get_weights())
    norms = [layer for layer in clone.layers if isinstance(layer, keras.layers.BatchNormalization)]
    if not norms:
        raise Problem("that generator has no BatchNorm layer; pass the shipped one, generator=G")
    inner = keras.Model(clone.inputs[0], [layer.output for layer in norms] + list(clone.outputs))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        runs = [[np.asarray(t)[0] for t in inner(z_pair[i:i + 1], training=True)] for i in range(2)]
    return norms, runs


@exercise("04.2", ask="whether two different latent points, each drawn alone with training=True, give the "
                      "same image (True or False), and how many BatchNorm outputs per image have "
                      "x - mu_B = 0 then (an integer)")
def _batch_of_one(same, count, *, generator):
    from .latent import sample_latent

    same = truth_value(same, "your prediction")
    count = integer(count, "your count")
    z_pair = sample_latent(2, int(generator.inputs[0].shape[-1]), seed=4)
    norms, runs = _batch_norm_outputs(generator, z_pair)
    images_equal = bool(np.max(np.abs(runs[0][-1] - runs[1][-1])) < 1e-3)
    # an output sits at beta when its normalised value (x - mu_B) / sigma_B is 0. Keras keeps one
    # mean per channel (the last axis), so a channel counts when all of its outputs sit there.
    centred = 0
    for layer, output in zip(norms, runs[0]):
        gamma, beta = np.asarray(layer.gamma), np.asarray(layer.beta)
        at_beta = np.abs(output - beta) <= 1e-4 * np.abs(gamma) + 1e-6
        whole_channels = at_beta.reshape(-1, at_beta.shape[-1]).all(axis=0)
        centred += int(whole_channels.sum()) * (output.size // output.shape[-1])
    if count < 0:
        raise Problem("a count cannot be negative")
    if count != centred:
        if count > centred:
            raise Problem(f"{count} is too many: for which layers is a batch mean taken over the batch alone, "
                          "and for which over the positions of a feature map as well?")
        raise Problem(f"{count} is too few: count every output of every BatchNorm layer whose batch mean "
                      "is the feature itself when the batch holds one latent point")
    if same != images_equal:
        raise Problem("your count is right, but not your prediction: what do the layers after that one "
                      "receive, whatever z is?")
    return None


# The scenario of exercise 3: the question's data, not its answer.
_FULL_MNIST, _BATCH, _SAVE_EVERY, _POWER_CUT = 60_000, 64, 5, 11_500


def _newest_checkpoint_before(power_cut: int) -> tuple[int, int]:
    """(epoch, step) of the newest periodic checkpoint before ``power_cut``, step by step as train() goes."""
    steps_per_epoch = _FULL_MNIST // _BATCH  # train() drops the last, incomplete batch
    saved = (0, 0)
    epoch = 0
    for step in range(1, power_cut + 1):
        if step % steps_per_epoch == 0:
            epoch += 1
            if epoch % _SAVE_EVERY == 0:
                saved = (epoch, step)
    return saved


@exercise("04.3", ask="the epoch the resumed run starts with, and how many steps it must train again "
                      "(two integers)")
def _power_cut(first_epoch, steps_again):
    first_epoch = integer(first_epoch, "the first epoch after the resume")
    steps_again = integer(steps_again, "the steps to train again")
    saved_epoch, saved_step = _newest_checkpoint_before(_POWER_CUT)
    if first_epoch != saved_epoch + 1:
        if first_epoch == saved_epoch:
            raise Problem("which epoch did the newest checkpoint complete, and does resume=True repeat that "
                          "epoch or go on with the next?")
        raise Problem("the run saved only every fifth epoch, and nothing at the power cut: which save was "
                      "the last before it?")
    if steps_again != _POWER_CUT - saved_step:
        if steps_again == _POWER_CUT % (_FULL_MNIST // _BATCH):
            raise Problem("that counts only the unfinished epoch: every step since the newest checkpoint is lost")
        raise Problem("count the steps from the newest checkpoint's step to the power cut; an epoch has as "
                      "many steps as whole batches fit into the data")
    return None


# --- notebook 05 ----------------------------------------------------------------------

#: What exercises 05.3 to 05.5 draw at every setting: the explorer's noise seed 0, 200 images.
SWEEP_SEED, SWEEP_N = 0, 200
FAR_OUT = 8.0  # exercise 05.4's mean_scale
BLOCK = 10  # exercise 05.5's block width


def _sweep_points(latent_dim: int, settings: list[tuple]) -> np.ndarray:
    """The latent points of ``sweep_images`` for each (mean_scale, std_scale, direction, profile):
    (len(settings), SWEEP_N, latent_dim), drawn from the same noise as the explorer's seed 0."""
    from .latent import lecture_moments, sample_latent

    points = []
    for mean_scale, std_scale, direction, profile in settings:
        means, stds = lecture_moments(latent_dim, mean_scale, std_scale, direction, profile)
        points.append(sample_latent(SWEEP_N, latent_dim, mean=means, std=stds, seed=SWEEP_SEED))
    return np.stack(points)


def _labels(generator, classifier, points: np.ndarray) -> np.ndarray:
    """The classifier's digit of every image drawn from ``points`` (..., latent_dim): int (...)."""
    from .classifier import predict_proba
    from .models import generate_images

    flat = points.reshape(-1, points.shape[-1])
    return predict_proba(classifier, generate_images(generator, flat)).argmax(axis=1).reshape(points.shape[:-1])


def _top(labels: np.ndarray) -> tuple[int, float]:
    """The most frequent digit among ``labels`` (n,) and its share."""
    counts = np.bincount(labels, minlength=10)
    return int(counts.argmax()), float(counts.max() / counts.sum())


def _digit(answer, what: str) -> int:
    value = integer(answer, what)
    if not 0 <= value <= 9:
        raise Problem(f"{what} should be a digit from 0 to 9, got {value}")
    return value


def _direction_seed(answer) -> int:
    seed = integer(answer, "the direction seed")
    if not 0 <= seed <= 99:
        raise Problem(f"the direction seed should be a whole number from 0 to 99 (the explorer's slider), got {seed}")
    return seed


@exercise("05.1", ask="my_expected_squared_norm(mean_scale, std_scale, latent_dim), your formula for E|z|^2 "
                      "(a function of three numbers)")
def _expected_squared_norm(formula):
    from .latent import lecture_moments

    cases = [(0.0, 1.0, 100), (0.0, 0.5, 16), (0.0, 2.0, 3), (5.0, 1.0, 100), (-2.0, 0.5, 16), (1.0, 10.0, 100),
             (3.0, 0.0, 7), (-1.5, 2.0, 2)]
    mine, true = {}, {}
    for case in cases:
        mine[case] = number(call(formula, *case, what="my_expected_squared_norm"), "my_expected_squared_norm")
        means, stds = lecture_moments(case[2], case[0], case[1])
        true[case] = float(means @ means + stds @ stds)  # sum over the components of mean^2 + variance
    wrong = [case for case in cases if not close(mine[case], true[case], rel=1e-6, abs_=1e-9)]
    if not wrong:
        return None
    if any(case[0] == 0 for case in wrong):
        raise Problem("with mean_scale 0 only the noise is left, and yours is off there already: "
                      "each of the latent_dim components adds its variance")
    def mirrored(a, s, d):
        return number(call(formula, -a, s, d, what="my_expected_squared_norm"), "my_expected_squared_norm")

    if any(not close(mine[(a, s, d)], mirrored(a, s, d), rel=1e-9) for a, s, d in wrong):
        raise Problem("yours changes when mean_scale changes sign; "
                      "the points at -a·r lie just as far out as those at +a·r")
    large = [case for case in wrong if case[2] >= 50]
    if large and all(close(mine[case], true[case], rel=0.05) for case in large):
        raise Problem("close, but not exact: the ramp's squared length is not exactly latent_dim/3 "
                      "(the question gives the exact sum; small latent_dim shows the difference)")
    raise Problem("the noise part is right; the part of the mean is off: it is the squared length of the mean "
                  "vector mean_scale·r, with the ramp's squared length from the question")


@exercise("05.2", ask="my_distinct_15x15, my_distinct_20x20 (distinct images shown) and my_zero_panels_20x20 "
                      "(panels showing image 0): three whole numbers")
def _bigger_grids(distinct_15, distinct_20, zero_panels_20):
    answers = {15: integer(distinct_15, "my_distinct_15x15"), 20: integer(distinct_20, "my_distinct_20x20")}
    zeros = integer(zero_panels_20, "my_zero_panels_20x20")
    for side, mine in answers.items():
        products = [i * j for i in range(side) for j in range(side)]  # the lecture's panel (i, j) shows image i*j
        if mine == len(set(products)):
            continue
        what = f"the {side}×{side} count"
        if mine == len({i * j for i in range(1, side + 1) for j in range(1, side + 1)}):
            raise Problem(f"{what} lets i and j run from 1; the lecture's rows and columns start at 0")
        if mine == len(set(products)) - 1:
            raise Problem(f"{what} leaves out one image: image 0, in row 0 and column 0, is shown too")
        if mine >= side * side:
            raise Problem(f"{what} is as large as the number of panels; many products i·j repeat (2·6 = 3·4)")
        raise Problem(f"{what} is off: count each product i·j once, for i and j from 0 to {side - 1}")
    true_zeros = sum(i * j == 0 for i in range(20) for j in range(20))
    if zeros != true_zeros:
        if zeros == 2 * 20:
            raise Problem("my_zero_panels_20x20 counts panel (0, 0) twice: row 0 and column 0 share it")
        raise Problem("my_zero_panels_20x20 is off: image 0 sits in every panel where i or j is 0")
    return None


@exercise("05.3", ask="my_direction_seed, my_one_digit_mean_scale (the smallest whole mean_scale from 1 to 10 at "
                      "which one digit takes at least half of 200 images) and my_one_digit (that digit)")
def _one_digit_on_demand(direction_seed, mean_scale, digit, generator, classifier):
    from .latent import mean_direction
    from .models import latent_dim_of

    seed = _direction_seed(direction_seed)
    scale = integer(mean_scale, "my_one_digit_mean_scale")
    if not 1 <= scale <= 10:
        raise Problem(f"my_one_digit_mean_scale should be a whole number from 1 to 10, got {scale}; "
                      "if your direction needs more, choose another direction seed")
    digit = _digit(digit, "my_one_digit")
    latent_dim = latent_dim_of(generator)
    direction = mean_direction(latent_dim, "random", seed=seed)
    points = _sweep_points(latent_dim, [(float(k), 1.0, direction, None) for k in range(1, scale + 1)])
    tops = [_top(labels) for labels in _labels(generator, classifier, points)]
    top_digit, share = tops[-1]
    if share < 0.5:
        raise Problem(f"at your mean_scale along your direction no digit takes half of the 200 images yet "
                      f"(the most frequent takes {share:.0%}); go further out")
    if any(s >= 0.5 for _, s in tops[:-1]):
        raise Problem("along your direction one digit takes half already at a smaller whole mean_scale; "
                      "step back towards 0")
    if digit != top_digit:
        raise Problem("at your mean_scale along your direction the most frequent digit is another one; "
                      "read the classifier's count")
    return None


@exercise("05.4", ask="my_far_seed (a direction seed), my_far_digit_plus and my_far_digit_minus (the digit that takes "
                      "over at mean_scale +8 and -8) and my_far_cosine (the mean cosine of the +8 points with the "
                      "direction)")
def _far_out(direction_seed, digit_plus, digit_minus, cosine, generator, classifier):
    from .latent import mean_direction
    from .models import latent_dim_of

    seed = _direction_seed(direction_seed)
    plus, minus = _digit(digit_plus, "my_far_digit_plus"), _digit(digit_minus, "my_far_digit_minus")
    cosine = number(cosine, "my_far_cosine")
    if not -1 <= cosine <= 1:
        raise Problem(f"a cosine lies between -1 and 1, got {cosine}")
    latent_dim = latent_dim_of(generator)
    direction = mean_direction(latent_dim, "random", seed=seed)
    points = _sweep_points(latent_dim, [(FAR_OUT, 1.0, direction, None), (-FAR_OUT, 1.0, direction, None)])
    cosines = points[0] @ direction / np.linalg.norm(points[0], axis=1) / np.linalg.norm(direction)
    if not abs(cosine - float(cosines.mean())) <= 0.01:
        if cosine < 0:
            raise Problem("my_far_cosine should be the cosine of the points at +8, which lean towards +direction")
        raise Problem(f"my_far_cosine ({cosine:.3f}) is off: compare the length of the mean vector (8 times the "
                      "ramp's length) with the typical length of the noise, and mind that the two are nearly "
                      "perpendicular")
    for (answer, name), labels in zip(((plus, "+8"), (minus, "-8")), _labels(generator, classifier, points)):
        if answer != _top(labels)[0]:
            raise Problem(f"the digit at mean_scale {name} is off: along your direction another digit is the most "
                          "frequent there; count the classifier's labels of the 200 images")
    return None


@exercise("05.5", ask="my_block_std_scale (a std_scale that puts a block's points at |z| about 10), "
                      "my_lowest_block_coverage and my_largest_block_share (over the ten blocks of ten dims)")
def _blocks(std_scale, lowest_coverage, largest_share, generator, classifier):
    from .latent import std_profile
    from .metrics import coverage
    from .models import latent_dim_of

    std_scale = number(std_scale, "my_block_std_scale")
    if std_scale <= 0:
        raise Problem(f"my_block_std_scale should be positive, got {std_scale}")
    lowest = number(lowest_coverage, "my_lowest_block_coverage")
    largest = number(largest_share, "my_largest_block_share")
    if not (0 <= lowest <= 1 and 0 <= largest <= 1):
        raise Problem("a coverage and a share lie between 0 and 1 (a share, not a percentage)")
    latent_dim = latent_dim_of(generator)
    blocks = [(start, start + BLOCK) for start in range(0, latent_dim - BLOCK + 1, BLOCK)]
    points = _sweep_points(latent_dim, [(0.0, std_scale, None, std_profile(latent_dim, "block", b)) for b in blocks])
    length = float(np.linalg.norm(points, axis=-1).mean())
    if abs(length - np.sqrt(latent_dim)) > 0.5:
        raise Problem(f"at std_scale {std_scale:g} the block points have a mean |z| of {length:.1f}, not about 10: "
                      f"only {BLOCK} components vary, each with standard deviation std_scale")
    labels = _labels(generator, classifier, points)
    coverages = [coverage(np.eye(10)[row]) for row in labels]  # coverage() reads the argmax of each row
    if not abs(lowest - min(coverages)) <= 0.006:
        raise Problem(f"my_lowest_block_coverage ({lowest:.3f}) is off for std_scale {std_scale:g}: take the "
                      "coverage of each of the ten blocks, 200 images from seed 0, and the lowest of them")
    if not abs(largest - max(_top(row)[1] for row in labels)) <= 0.006:
        raise Problem(f"my_largest_block_share ({largest:.3f}) is off for std_scale {std_scale:g}: for each block "
                      "take the share of its most frequent digit, then the largest over the ten blocks")
    return None


# --- notebook 06 ----------------------------------------------------------------------

ORDINAL = ("first", "second", "third")
ALPHA = 2.0  # exercise 06.4 moves the best points to -ALPHA and +ALPHA along the slant direction


def _line_moment(d: int, t: float) -> float:
    """E|(1 - t) z0 + t z1|^2 for independent z0, z1 ~ N(0, I_d), by Gauss-Hermite quadrature.

    The components are independent and alike, so the d-dimensional mean is d times the
    mean over one pair (x, y) of standard normal numbers; 20 nodes per axis integrate
    the polynomial exactly.
    """
    nodes, weights = np.polynomial.hermite_e.hermegauss(20)
    weights = weights / weights.sum()
    x, y = np.meshgrid(nodes, nodes, indexing="ij")
    one_component = np.sum(np.outer(weights, weights) * ((1 - t) * x + t * y) ** 2)
    return d * float(one_component)


@exercise("06.1", ask="my_squared_norm_on_the_line(d, t), your formula for E|(1 - t) z0 + t z1|^2 "
                      "(a function of d and t)")
def _squared_norm_on_the_line(formula):
    cases = [(1, 0.0), (7, 1.0), (100, 0.0), (2, 0.5), (16, 0.25), (100, 0.1), (100, 0.8), (3, 0.6)]
    mine = {case: number(call(formula, *case, what="my_squared_norm_on_the_line"), "my_squared_norm_on_the_line")
            for case in cases}
    wrong = [case for case in cases if not close(mine[case], _line_moment(*case), rel=1e-6, abs_=1e-9)]
    if not wrong:
        return None
    if any(t in (0.0, 1.0) for _, t in wrong):
        raise Problem("at the ends (t = 0 and t = 1) the point is z0 or z1 itself, and yours is off there: "
                      "what is E|z|^2 for one prior point in d dimensions?")
    if any(not close(mine[(d, t)], 2 * number(call(formula, d / 2, t, what="my_squared_norm_on_the_line"),
                                              "my_squared_norm_on_the_line"), rel=1e-6)
           for d, t in wrong if d % 2 == 0):
        raise Problem("the components are independent and alike, so the mean squared length should grow in "
                      "proportion to d")
    middle = number(call(formula, 100, 0.5, what="my_squared_norm_on_the_line"), "my_squared_norm_on_the_line")
    if middle >= mine[(100, 0.0)]:
        raise Problem("yours does not dip between the ends, but the first section measured a midpoint shorter than "
                      "the ends; expand the square and ask what the cross term z0·z1 gives on average")
    raise Problem("right at the ends, off in between: expand the square and average each of its three terms "
                  "on its own")


def _orthogonal_ends(latent_dim: int = 100) -> tuple[np.ndarray, np.ndarray]:
    """z0 of length 10 and z1 of length 13 at right angles (exercise 06.2)."""
    from .latent import sample_latent

    a, b = sample_latent(2, latent_dim, seed=7).astype(np.float64)
    b = b - (b @ a) / (a @ a) * a
    return 10 * a / np.linalg.norm(a), 13 * b / np.linalg.norm(b)


@exercise("06.2", ask="my_linear_reversible, my_slerp_reversible (True or False), and for the backward slerp path "
                      "from z1 to z0 the length my_backward_length and the angle my_backward_angle (in degrees, to z0) "
                      "of its point at t = 1/4")
def _reversible(linear_reversible, slerp_reversible, length, angle):
    from .latent import interpolate, sample_latent

    predictions = {"linear": truth_value(linear_reversible, "my_linear_reversible"),
                   "slerp": truth_value(slerp_reversible, "my_slerp_reversible")}
    length, angle = number(length, "my_backward_length"), number(angle, "my_backward_angle")
    z0, z1 = sample_latent(2, 100, seed=3)
    z1 = 1.3 * z1  # ends of different lengths, so that a path that mixed them up would show it
    for method, predicted in predictions.items():
        forward = interpolate(z0, z1, 9, method)
        backward = interpolate(z1, z0, 9, method)[::-1]
        if predicted != bool(np.allclose(forward, backward, atol=1e-4)):
            raise Problem(f"your {method} prediction is off: write the backward path's point at position t and "
                          "compare it with the forward path's point at 1 - t")
    a, b = _orthogonal_ends()
    point = interpolate(b, a, 5, "slerp")[1].astype(np.float64)  # t = 1/4 of the way from z1 to z0
    true_length = float(np.linalg.norm(point))
    true_angle = math.degrees(math.acos(float(point @ a) / true_length / np.linalg.norm(a)))
    if not close(length, true_length, rel=1e-3):
        raise Problem(f"my_backward_length ({length:g}) is off: the backward path starts at z1, of length 13, "
                      "and slerp moves the length evenly from its start to its end")
    if not abs(angle - true_angle) <= 0.1:
        if abs(angle - math.radians(true_angle)) <= 0.01:
            raise Problem("my_backward_angle looks like radians; give it in degrees")
        if abs(angle - (90 - true_angle)) <= 0.1:
            raise Problem("that is the angle to z1, where the backward path starts; "
                          "the question asks for the angle to z0")
        raise Problem(f"my_backward_angle ({angle:g}) is off: slerp turns the direction at an even rate "
                      "along the great circle from z1 to z0")
    return None


def _digits(answer, what: str, count: int) -> list[int]:
    if isinstance(answer, (str, bytes)) or not hasattr(answer, "__len__") or len(answer) != count:
        raise Problem(f"{what} should be {count} numbers, one per digit, got {answer!r}")
    return list(answer)


@exercise("06.3", ask="my_inside_digits (three digits), my_inside_angles (the angle between each digit's two best "
                      "points, in degrees) and my_inside_kept (how many points of each slerp walk keep the digit)")
def _inside_one_digit(digits, angles, kept, pool, generator, classifier, steps):
    from .classifier import predict_proba
    from .latent import interpolate
    from .models import generate_images

    digits = [integer(d, "each of my_inside_digits") for d in _digits(digits, "my_inside_digits", 3)]
    if len(set(digits)) != 3 or not all(0 <= d <= 9 for d in digits):
        raise Problem(f"my_inside_digits should be three different digits, got {digits}")
    angles = [number(a, "each of my_inside_angles") for a in _digits(angles, "my_inside_angles", 3)]
    kept = [integer(k, "each of my_inside_kept") for k in _digits(kept, "my_inside_kept", 3)]
    walks = []
    for k, (digit, angle) in enumerate(zip(digits, angles)):
        z0, z1 = pool.latents_of(digit, 2).astype(np.float64)
        true_angle = math.degrees(math.acos(np.clip(z0 @ z1 / np.linalg.norm(z0) / np.linalg.norm(z1), -1, 1)))
        if not abs(angle - true_angle) <= 0.5:
            if abs(angle - math.radians(true_angle)) <= 0.01:
                raise Problem("my_inside_angles look like radians; give them in degrees")
            raise Problem(f"your {ORDINAL[k]} angle ({angle:g}) is off: it is the angle between the digit's "
                          "two best latent points, in degrees")
        walks.append(interpolate(z0, z1, steps, "slerp"))
    labels = predict_proba(classifier, generate_images(generator, np.concatenate(walks))).argmax(axis=1)
    for k, (digit, count, walk_labels) in enumerate(zip(digits, kept, labels.reshape(3, steps))):
        if count != int(np.sum(walk_labels == digit)):
            raise Problem(f"your {ORDINAL[k]} count is off: count the points of the digit's slerp walk, "
                          "ends included, whose image the classifier calls that digit")
    return None


def _moved(best: np.ndarray, direction: np.ndarray, alpha: float) -> np.ndarray:
    """Each row of ``best`` moved by alpha * direction, then put back at its own length."""
    moved = best + alpha * direction
    return moved * np.linalg.norm(best, axis=1, keepdims=True) / np.linalg.norm(moved, axis=1, keepdims=True)


def _scores(slant, images: np.ndarray) -> np.ndarray:
    values = call(slant, images.copy(), what="my_slant")
    try:
        values = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise Problem(f"my_slant should return one number per image, got {type(values).__name__}") from None
    if values.shape != (len(images),):
        raise Problem(f"my_slant should return one number per image, shape ({len(images)},); got shape {values.shape}")
    if not np.all(np.isfinite(values)):
        raise Problem("my_slant returns a value that is not finite for some image (a blank image?)")
    return values


@exercise("06.4", ask="my_slant(images), a score per image; my_slant_change (the ten digits' mean score at alpha = +2 "
                      "minus at -2) and my_slant_kept (how many of the 20 moved images keep their digit)")
def _slant(slant, change, kept, pool, generator, classifier):
    from .classifier import predict_proba
    from .explore import attribute_direction
    from .models import generate_images

    change, kept = number(change, "my_slant_change"), integer(kept, "my_slant_kept")
    direction = attribute_direction(pool.z, _scores(slant, pool.images), groups=pool.labels).astype(np.float64)
    best = np.stack([pool.latents_of(d)[0] for d in range(10)]).astype(np.float64)
    images = generate_images(generator, np.concatenate([_moved(best, direction, a) for a in (-ALPHA, ALPHA)]))
    scores = _scores(slant, images)
    true_change = float(scores[10:].mean() - scores[:10].mean())
    if not close(change, true_change, rel=0.01, abs_=1e-3):
        raise Problem(f"my_slant_change ({change:g}) is not what your score gives: build the direction within "
                      "each digit from pool.images, move each digit's best point to alpha = -2 and +2, put it back "
                      "at its length, and take the ten digits' mean score at +2 minus that at -2")
    labels = predict_proba(classifier, images).argmax(axis=1)
    if kept != int(np.sum(labels == np.tile(np.arange(10), 2))):
        raise Problem(f"my_slant_kept ({kept}) is off: count the images, ten at alpha = -2 and ten at +2, that "
                      "the classifier still calls the digit they started as")
    return None


# --- notebook 07 ----------------------------------------------------------------------

@exercise("07.1", ask="the classifier score and the coverage of a generator that draws 0s, 1s and 7s "
                      "in shares 1/2, 1/4, 1/4, every sample certain (two numbers)")
def _three_digits(score, cover):
    from . import metrics

    score, cover = number(score, "the classifier score"), number(cover, "the coverage")
    certain = np.eye(10)[np.tile([0, 0, 1, 7], 250)]  # p(y|x) of 1,000 certain samples in those shares
    equal = np.eye(10)[np.tile([0, 1, 7], 250)]  # the same three digits in equal shares
    problems = []
    if not close(score, metrics.classifier_score(certain), rel=2e-3):
        if close(score, metrics.classifier_score(equal), rel=2e-3):
            problems.append("your score is the one for three digits in equal shares; here one digit is twice "
                            "as common as each of the others")
        elif not 1 <= score <= 3:
            problems.append(f"a score of {score:g} is impossible here: with only three digits drawn it lies "
                            "between 1 and 3")
        else:
            problems.append("the score is off: with certain samples, p(y|x) is one-hot, so each sample's KL "
                            "divergence reduces to a single term, set by how common the sample's digit is in "
                            "p(y); average over the samples before you exponentiate")
    if not close(cover, metrics.coverage(certain), rel=2e-3):
        if close(cover, metrics.coverage(equal), rel=2e-3):
            problems.append("your coverage is the one for equal shares; use the shares 1/2, 1/4, 1/4")
        elif cover > 1 or cover < 0:
            problems.append(f"a coverage of {cover:g} is outside [0, 1]: divide the entropy by that of ten "
                            "equal shares, with the same base of logarithm in both")
        else:
            problems.append("the coverage is off: it is the entropy of the digit shares (natural log) divided "
                            "by the entropy of ten equal shares")
    if problems:
        raise Problem("; ".join(problems))
    return None


@exercise("07.2", ask="the sigma of parzen.PARZEN_SIGMAS that select_parzen_sigma picks when the samples "
                      "are the test digits, and how many nats the log-likelihood gains each time sigma "
                      "halves below the grid (two numbers)")
def _memorised_test_set(sigma, gain, test):
    from . import parzen

    sigma, gain = number(sigma, "your sigma"), number(gain, "the gain per halving")
    grid = np.asarray(parzen.PARZEN_SIGMAS, np.float64)
    if not np.any(np.isclose(grid, sigma, rtol=0, atol=6e-4)):
        raise Problem("your sigma is not a value of the grid: pick one of parzen.PARZEN_SIGMAS "
                      "(rounded to 3 decimals is fine)")
    picked, _ = parzen.select_parzen_sigma(test, test)
    problems = []
    if not np.isclose(sigma, picked, rtol=0, atol=6e-4):
        problems.append("that is not the sigma it picks: each test digit sits exactly on the kernel of its own "
                        "copy among the samples, and that kernel alone outweighs all the others; which sigma "
                        "of the grid makes its peak highest?")
    small = grid.min() / 2  # well below the distances between different digits: only the own kernel counts
    reference = (parzen.parzen_log_likelihood(test, test, small / 2)
                 - parzen.parzen_log_likelihood(test, test, small))
    if not close(gain, reference, rel=1e-2):
        if gain <= 0:
            problems.append("the log-likelihood grows as sigma shrinks here, so the gain is positive")
        else:
            problems.append(f"a gain of {gain:g} nats is off: at small sigma each test digit's log-density is "
                            "the log of the peak height of one Gaussian in 784 dimensions (plus a constant); "
                            "how much does that log grow when sigma halves?")
    if problems:
        raise Problem("; ".join(problems))
    return None


def _nearest_squared_distances(points: np.ndarray, pool: np.ndarray, skip_self: bool) -> np.ndarray:
    from . import parzen

    a, b = parzen.unit_pixels(points), parzen.unit_pixels(pool)
    squared = np.maximum(np.sum(a ** 2, 1)[:, None] + np.sum(b ** 2, 1)[None, :] - 2 * a @ b.T, 0.0)
    if skip_self:
        squared[squared < 1e-6] = np.inf  # a real digit is one of the pool itself
    return squared.min(axis=1)


@exercise("07.3", ask="the median squared pixel distance from the 8 shipped samples to their nearest "
                      "real digit, the same for the 8 real digits (leaving each one itself out), and "
                      "whether the GAN copies its training digits (two numbers and True or False)")
def _memorising_gan(gan_median, real_median, copies, samples, real, training):
    gan_median = number(gan_median, "the samples' median distance")
    real_median = number(real_median, "the real digits' median distance")
    copies = truth_value(copies, "your verdict on copying")
    gan_true = float(np.median(_nearest_squared_distances(samples, training, skip_self=False)))
    real_true = float(np.median(_nearest_squared_distances(real, training, skip_self=True)))
    problems = []
    if not close(gan_median, gan_true, rel=1e-2):
        problems.append(f"the samples' median ({gan_median:g}) is off: for each sample take the smallest "
                        "squared distance to any of the 5,000 digits, in pixel values on [0, 1] "
                        "(parzen.unit_pixels), then the median of those 8")
    if not close(real_median, real_true, rel=1e-2):
        if real_median < 1e-3:
            problems.append("the real digits' median is about zero: each of them is among the 5,000 itself; "
                            "leave its own distance out")
        else:
            problems.append(f"the real digits' median ({real_median:g}) is off: nearest *other* digit among "
                            "the 5,000, squared distance of pixel values on [0, 1], median of the 8")
    if copies != (gan_true < 0.25 * real_true):
        problems.append("compare the two medians: a copy would sit far closer to its training digit than two "
                        "different real digits sit to each other")
    if problems:
        raise Problem("; ".join(problems))
    return None


@exercise("07.4", ask="the Frechet floor at n = 250 and at n = 1000, and the shipped model's Frechet "
                      "distance at n = 250 (three numbers)")
def _frechet_bias(floor_250, floor_1000, shipped_250, classifier, reference, samples, seed):
    from . import metrics

    answers = [number(a, what) for a, what in ((floor_250, "the floor at n = 250"),
                                               (floor_1000, "the floor at n = 1000"),
                                               (shipped_250, "the shipped model's distance at n = 250"))]
    small = metrics.evaluate_images(classifier, samples[:250], reference, seed=seed)
    large = metrics.evaluate_images(classifier, samples[:1000], reference, seed=seed)
    targets = (small.frechet_floor, large.frechet_floor, small.frechet)
    names = ("the floor at n = 250", "the floor at n = 1000", "the shipped model's distance at n = 250")
    wrong = [name for name, mine, target in zip(names, answers, targets) if not close(mine, target, rel=1e-2)]
    if not wrong:
        return None
    listed = wrong[0] if len(wrong) == 1 else ", ".join(wrong[:-1]) + " and " + wrong[-1]
    hint = f"{listed} {'is' if len(wrong) == 1 else 'are'} off: use metrics.evaluate_images on the " \
           "first n images of the pool, with the notebook's seed, and read its frechet_floor and frechet"
    if answers[0] < answers[1]:
        hint += "; your floor grows with n, but two small samples of the same digits differ more than two large ones"
    raise Problem(hint)


@exercise("07.5", ask='"up" or "down" for the confident fraction at s = 0.6, the median norm |z| of the '
                      "scaled latent points, and the confident fraction you measure at s = 0.6 "
                      "(a word and two numbers)")
def _truncation(guess, norm, confident, generator, classifier, n, seed):
    from . import metrics
    from .classifier import predict_proba
    from .latent import sample_latent
    from .models import generate_images, latent_dim_of

    guess = choice(guess, ("up", "down"), "your guess")
    norm = number(norm, "the median norm")
    confident = number(confident, "the confident fraction")
    z = sample_latent(int(n), latent_dim_of(generator), seed=seed)
    shares = {s: metrics.confident_fraction(predict_proba(classifier, generate_images(generator, s * z)))
              for s in (1.0, 0.6)}
    truth = "up" if shares[0.6] > shares[1.0] else "down"
    problems = []
    if guess != truth:
        problems.append("the measurement disagrees with your guess: compare the confident fraction at "
                        "s = 0.6 with the one at s = 1, from the same latent points scaled")
    if not close(confident, shares[0.6], rel=0, abs_=5e-3):
        problems.append(f"your confident fraction ({confident:g}) is off: draw the notebook's N_SAMPLES latent "
                        "points with its seed, multiply them by 0.6, and classify the generated images")
    true_norm = float(np.median(np.linalg.norm(0.6 * z, axis=1)))
    if not close(norm, true_norm, rel=1e-2):
        problems.append(f"your median norm ({norm:g}) is off: the Euclidean length of each scaled latent "
                        "vector, all 100 components, then the median")
    if problems:
        raise Problem("; ".join(problems))
    return None


# --- notebook 08 ----------------------------------------------------------------------

def _most_common_other(counts: np.ndarray, digit: int) -> set[int]:
    """The digits other than ``digit`` with the largest count (several when tied)."""
    others = np.asarray(counts, np.int64).copy()
    others[digit] = -1
    return set(np.flatnonzero(others == others.max()).tolist())


def _digit_not_4(answer, what: str) -> int:
    value = integer(answer, what)
    if not 0 <= value < 10 or value == 4:
        raise Problem(f"{what} should be a digit other than 4, got {answer!r}")
    return value


@exercise("08.1", ask="the digit asked-for 4s are most often seen as, the asked digit most often seen as a 4, "
                      "and how many real held-out 4s the classifier reads as your first digit (three whole numbers)")
def _fours(seen_as, asked_as, real_count, report, real_report):
    seen_as = _digit_not_4(seen_as, "(a)")
    asked_as = _digit_not_4(asked_as, "(b)")
    real_count = integer(real_count, "(c), the count among real 4s,")
    problems = []
    if seen_as not in _most_common_other(report.confusion[4], 4):
        problems.append("(a) is off: it is read along the row of the asked 4s (rows: asked), "
                        "leaving out the diagonal")
    if asked_as not in _most_common_other(report.confusion[:, 4], 4):
        problems.append("(b) is off: it is read down the column of the 4s the classifier saw "
                        "(columns: seen), leaving out the diagonal")
    if not problems and real_count != int(real_report.confusion[4, seen_as]):
        problems.append("(c) is off: take real_report.confusion, the row of the real 4s, at the column of "
                        "your digit (a)")
    if problems:
        raise Problem("; ".join(problems))
    return None


@exercise("08.2", ask="the share classified as asked and the classifier score of a generator that ignores its "
                      "label and draws every digit equally often, each certain (two numbers)")
def _ignoring_label(share, score):
    from . import metrics

    share, score = number(share, "the share"), number(score, "the score")
    asked = np.repeat(np.arange(10), 100)  # 100 requests for each digit
    drawn = np.tile(np.arange(10), 100)  # whatever was asked: every digit equally often
    truth = metrics.conditional_report_from(np.eye(10)[drawn], asked)
    problems = []
    if not close(share, float(truth.per_digit[0]), rel=1e-3):
        problems.append("the share is off: a request for a 3 is answered by a digit chosen regardless of the "
                        "request; how often is that digit a 3?")
    if not close(score, truth.score, rel=1e-3):
        problems.append("the score is off: it never looks at what was asked, only at the images, and these are "
                        "each certain and spread evenly over the digits; what does that give for a perfect "
                        "unconditional generator?")
    if problems:
        raise Problem("; ".join(problems))
    return None


@exercise("08.3", ask="the mean over digits of the tiny run's share classified as asked, and how many digits "
                      "it draws as asked at least half of the time (a number and a whole number)")
def _longer_tiny_run(mean_share, learnt, run, classifier, seed):
    from . import metrics

    mean_share = number(mean_share, "the mean share")
    learnt = integer(learnt, "the number of digits")
    report = metrics.conditional_report(run.state.sampler, classifier, n_per_digit=50, seed=seed)
    problems = []
    if not close(mean_share, float(np.mean(report.per_digit)), rel=0, abs_=2e-3):
        problems.append(f"your mean share ({mean_share:g}) is not that of this run: measure the run of the "
                        "parameters cell as the cell after it does (50 samples per digit, the notebook's "
                        "seed), then average the ten shares")
    if not 0 <= learnt <= 10:
        problems.append("the number of digits lies between none and all ten")
    elif learnt != int(np.sum(report.per_digit >= 0.5)):
        problems.append("the count of digits is off for this run: count the digits whose share classified as "
                        "asked is at least one half")
    if problems:
        raise Problem("; ".join(problems))
    return f"measured for a run of {run.steps} steps"


@exercise("08.4", ask="the correlation of the slant at z with the slant at -z over the whole grid, and the "
                      "number of digits whose row has a negative correlation (a number and a whole number)")
def _flipped_style(overall, flipped, generator, measure, columns, seed):
    from .explore import digit_row_inputs
    from .models import generate_images, latent_dim_of

    overall = number(overall, "the correlation")
    flipped = integer(flipped, "the number of digits")
    labels, z = digit_row_inputs(int(columns), latent_dim_of(generator), seed=seed)
    at_z = np.asarray(measure(generate_images(generator, z, labels))).reshape(10, -1)
    at_minus_z = np.asarray(measure(generate_images(generator, -z, labels))).reshape(10, -1)
    whole = float(np.corrcoef(at_z.ravel(), at_minus_z.ravel())[0, 1])
    per_digit = np.array([np.corrcoef(a, b)[0, 1] for a, b in zip(at_z, at_minus_z)])
    problems = []
    if not -1 <= overall <= 1:
        problems.append("a correlation lies between -1 and 1")
    elif close(-overall, whole, rel=0, abs_=5e-3) and abs(whole) > 5e-3:
        problems.append("the size of your correlation is right but its sign is not: pair each image at z with "
                        "the same digit and column at -z")
    elif not close(overall, whole, rel=0, abs_=5e-3):
        problems.append("your correlation is off: correlate the slant of each image at z with the slant of the "
                        "same digit at -z, over all STYLE_COLUMNS columns of all ten rows together")
    if not 0 <= flipped <= 10:
        problems.append("the number of digits lies between none and all ten")
    elif flipped != int(np.sum(per_digit < 0)):
        problems.append("the number of digits is off: for each digit, correlate its row at z with its row at "
                        "-z (one value per column), and count the negative correlations")
    if problems:
        raise Problem("; ".join(problems))
    return None


# --- notebook 10 ----------------------------------------------------------------------

def _bond_products(spins) -> tuple[np.ndarray, np.ndarray]:
    """s_i s_j of every bond to the right and below, periodic: two int arrays (n, L, L)."""
    s = np.asarray(spins, dtype=np.int64)
    return s * np.roll(s, -1, axis=2), s * np.roll(s, -1, axis=1)


@exercise("10.1", ask="the number of unsatisfied bonds, the energy per spin and the magnetisation per spin of "
                      "the configuration `hand` (a whole number and two numbers)")
def _energy_by_hand(unsatisfied, energy_per_spin, m, spins):
    from . import ising

    unsatisfied = integer(unsatisfied, "the number of unsatisfied bonds")
    energy_per_spin, m = number(energy_per_spin, "the energy per spin"), number(m, "the magnetisation")
    s = ising.check_spins(spins)
    right, down = _bond_products(s)
    bad = int((right < 0).sum() + (down < 0).sum())
    problems = []
    if unsatisfied != bad:
        problems.append("the count of unsatisfied bonds is off: every spin has four neighbours, each bond "
                        "belongs to two spins, and the lattice wraps around at its edges")
    if close(energy_per_spin, float(ising.energy(s)[0]) * s.shape[1] ** 2, rel=1e-6):
        problems.append("that is the total energy; divide by the number of spins")
    elif not close(energy_per_spin, float(ising.energy(s)[0]), rel=1e-6):
        problems.append("the energy per spin is off: E sums -s_i s_j over the 2 L^2 bonds, satisfied ones "
                        "giving -1 and unsatisfied ones +1")
    if not close(m, float(ising.magnetization(s)[0]), rel=1e-6):
        problems.append("the magnetisation is off: it is the mean spin, with its sign")
    if problems:
        raise Problem("; ".join(problems))
    return None


@exercise("10.2", ask="my_susceptibility(spins, T), the susceptibility per spin of configurations drawn at T "
                      "(a function)")
def _susceptibility(function, samples):
    from . import ising

    for T, spins in samples.items():
        value = number(call(function, spins, T, what="my_susceptibility"), "my_susceptibility(spins, T)")
        truth = ising.susceptibility(spins, T)
        if close(value, truth, rel=1e-6):
            continue
        L = spins.shape[1]
        m = ising.magnetization(spins)
        if close(value * L ** 2, truth, rel=1e-6) or close(value, truth * L ** 2, rel=1e-6):
            raise Problem(f"off by the number of spins at T = {T:g}: chi per spin carries a factor N = L^2 "
                          "in front of the variance of the magnetisation per spin")
        if close(value, L ** 2 / T * np.var(m), rel=1e-6):
            raise Problem(f"at T = {T:g} yours uses the variance of m itself, which counts the jumps between "
                          "+m and -m; on a finite lattice without a field take the variance of |m|")
        raise Problem(f"my_susceptibility(spins, {T:g}) = {value:g} is off: chi = N / T times the variance of "
                      "|m| over the configurations")
    return f"checked at T = {', '.join(f'{T:g}' for T in samples)}"


@exercise("10.3", ask="the mean of s_i s_j over the bonds that wrap around the lattice's edges and over all the "
                      "other bonds, for the generator's draws at T_c (two numbers)")
def _wrap_bonds(wrap, inner, generator, temperatures, temperature, n, seed):
    from . import ising_gan

    wrap, inner = number(wrap, "the wrap-around mean"), number(inner, "the interior mean")
    spins = ising_gan.generate_spins(generator, temperatures, temperature, int(n), seed=seed)
    right, down = _bond_products(spins)
    wraps = np.concatenate([right[:, :, -1].ravel(), down[:, -1, :].ravel()])
    inners = np.concatenate([right[:, :, :-1].ravel(), down[:, :-1, :].ravel()])
    problems = []
    if not close(wrap, float(wraps.mean()), rel=0, abs_=1e-3):
        problems.append("the wrap-around mean is off: take the bond from the last column to the first and "
                        "from the last row to the first, in every configuration (np.roll pairs them)")
    if not close(inner, float(inners.mean()), rel=0, abs_=1e-3):
        problems.append("the interior mean is off: every other bond to the right and below")
    if problems:
        raise Problem("; ".join(problems))
    return None


@exercise("09.1", ask="H(c) of the uniform 10-way code in nats, and the lower bound H(c) - CE on I(c; x) at the "
                      "live run's last step (two numbers)")
def _information_bound(entropy, bound, categories, history):
    entropy, bound = number(entropy, "the entropy"), number(bound, "the bound")
    truth = math.log(int(categories))
    last = float(np.asarray(history["info_category"])[-1])
    problems = []
    if not close(entropy, truth, rel=1e-3):
        problems.append("the entropy is off: every one of the categories is equally likely; in nats use the "
                        "natural logarithm")
    if not close(bound, truth - last, rel=0, abs_=1e-3):
        problems.append("the bound is off: subtract the live run's cross-entropy of the category at its last "
                        "step (the info_category column of its losses) from H(c)")
    if problems:
        raise Problem("; ".join(problems))
    return None


@exercise("09.2", ask="the share of samples that agree with their code's commonest digit (a number), and how "
                      "many codes share their commonest digit with another code (a whole number)")
def _purity(purity, sharing, match):
    purity, sharing = number(purity, "the share"), integer(sharing, "the number of codes")
    matrix = np.asarray(match.matrix)
    commonest = matrix.argmax(axis=1)
    truth = float(matrix.max(axis=1).sum() / matrix.sum())
    shared = int(sum(np.sum(commonest == d) for d in set(commonest.tolist()) if np.sum(commonest == d) > 1))
    problems = []
    if not close(purity, truth, rel=0, abs_=1e-3):
        problems.append("the share is off: for each code (a row of the matrix) take its largest count, add "
                        "them up, and divide by all samples")
    if sharing != shared:
        problems.append("the count is off: find each row's commonest digit and count the codes whose digit "
                        "appears in more than one row")
    if problems:
        raise Problem("; ".join(problems))
    if purity < match.accuracy - 1e-9:
        raise Problem("the share cannot be below the one-to-one match: each code may keep its own best digit")
    return None
