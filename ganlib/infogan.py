"""InfoGAN's codes (Chen et al. 2016; notebook 09): drawing them, generating from them, and
measuring whether a code has come to mean a digit.

An InfoGAN's generator takes, besides the noise z, a code c: a category, one of K (uniform),
and k continuous values (uniform in [-1, 1]). Nobody tells it what the codes mean. Its
discriminator carries a head Q that reads the code back from an image, and training rewards G
for images whose code Q can read (:func:`ganlib.losses.information_loss`); on digits the
category then tends to become the digit, and the continuous codes its slant and stroke.

Whether the category became the digit is measured here with the independent classifier of
:mod:`ganlib.classifier`, never used in training: :func:`code_digit_match` counts how often the
classifier's digit agrees with the code under the best one-to-one naming of codes by digits
(the Hungarian assignment; the paper reports about 95% on MNIST).

The networks are :func:`ganlib.models.make_infogan_generator` and
:func:`ganlib.models.make_infogan_discriminator`; the train step is :mod:`ganlib.training`'s.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .config import DCGANConfig
from .latent import sample_latent
from .models import check_labels, info_codes_of, latent_dim_of


def _codes_of(generator) -> tuple[int, int]:
    codes = info_codes_of(generator)
    if codes is None:
        raise ValueError("this generator is not an InfoGAN's and takes no codes: use ganlib.generate_images, "
                         "or train one with --preset infogan")
    return codes


def draw_codes(n: int, categories: int, continuous: int, seed: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """InfoGAN codes from their prior: categories int32 (n,) uniform over 0 .. K - 1, and
    continuous float32 (n, k) uniform in [-1, 1]. Seeded draws are reproducible."""
    rng = np.random.default_rng(seed)
    codes = rng.integers(0, categories, size=n).astype(np.int32)
    values = rng.uniform(-1.0, 1.0, size=(n, continuous)).astype(np.float32)
    return codes, values


def check_continuous(continuous, n: int, k: int) -> np.ndarray:
    """``continuous`` as float32 (n, k), or ValueError naming the problem. None gives zeros, the
    middle of the codes' range; one row of k values is repeated for all n."""
    if continuous is None:
        return np.zeros((n, k), np.float32)
    arr = np.asarray(continuous, np.float32)
    if arr.ndim == 1 and arr.shape[0] == k:
        arr = np.repeat(arr[None], n, axis=0)
    if arr.shape != (n, k):
        raise ValueError(f"continuous codes must have shape ({n}, {k}) (or ({k},) for every row), got "
                         f"{arr.shape}; this generator has {k} continuous codes")
    if not np.all(np.isfinite(arr)):
        raise ValueError("continuous codes must be finite numbers; they were trained on [-1, 1]")
    return arr


def generate(generator, z, codes, continuous=None, batch_size: int = 500) -> np.ndarray:
    """Run an InfoGAN generator in inference mode.

    Parameters
    ----------
    generator : from :func:`ganlib.models.make_infogan_generator`
    z : float array (n, latent_dim), the noise
    codes : int array (n,), a category in 0 .. K - 1 per row (a single int is repeated)
    continuous : float array (n, k) or (k,), codes trained on [-1, 1]; None: all 0

    Returns
    -------
    float32 array of shape (n, 28, 28, 1) in [-1, 1]
    """
    categories, k = _codes_of(generator)
    z = np.asarray(z, np.float32)
    expected = latent_dim_of(generator)
    if z.ndim != 2 or z.shape[1] != expected:
        raise ValueError(f"noise must have shape (n, {expected}) for this generator, got {z.shape}; "
                         f"draw it with ganlib.sample_latent(n, {expected})")
    n = len(z)
    if np.ndim(codes) == 0:
        codes = np.full(n, codes)
    try:
        codes = check_labels(codes, n, categories, of="z")
    except ValueError as err:  # the same checks as a label's, in the words of a code
        raise ValueError(str(err).replace("label", "code").replace("digit this model knows", "category of "
                         "this InfoGAN")) from None
    continuous = check_continuous(continuous, n, k)
    if n == 0:
        return np.zeros((0, *generator.outputs[0].shape[1:]), np.float32)
    parts = [np.asarray(generator([z[i:i + batch_size], codes[i:i + batch_size], continuous[i:i + batch_size]],
                                  training=False)) for i in range(0, n, batch_size)]
    return np.concatenate(parts).astype(np.float32)


@dataclass
class InfoSample:
    """Images drawn from an InfoGAN, with the noise and codes they were drawn from."""

    images: np.ndarray  # float32 (n, 28, 28, 1) in [-1, 1]
    z: np.ndarray  # float32 (n, latent_dim)
    codes: np.ndarray  # int32 (n,)
    continuous: np.ndarray  # float32 (n, k)


def sample(generator, n: int, seed: int | None = 0, code: int | None = None, continuous=None) -> InfoSample:
    """Draw ``n`` images: noise from N(0, I) and codes from their prior, all seeded by ``seed``,
    unless ``code`` fixes the category or ``continuous`` (k values, or (n, k)) the continuous codes.
    With neither it is an unconditional sample of the InfoGAN."""
    categories, k = _codes_of(generator)
    z = sample_latent(n, latent_dim_of(generator), seed=seed)
    codes, values = draw_codes(n, categories, k, seed=None if seed is None else seed + 1)
    if code is not None:
        if not (isinstance(code, (int, np.integer)) and 0 <= code < categories):
            raise ValueError(f"code must be a category from 0 to {categories - 1}, got {code!r}")
        codes = np.full(n, code, np.int32)
    if continuous is not None:
        values = check_continuous(continuous, n, k)
    return InfoSample(generate(generator, z, codes, values), z, codes, values)


def grid_codes(cfg: DCGANConfig) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The points of an InfoGAN's per-epoch sample grid: (z, codes, continuous).

    One row per category, ``cfg.sample_grid_size // info_categories`` columns; every column
    keeps one noise vector and one draw of the continuous codes across its rows, so a row
    shows what the category does and a column shows what it does not change.
    """
    if not cfg.infogan:
        raise ValueError("grid_codes is for an InfoGAN configuration (info_categories > 0)")
    columns = max(1, cfg.sample_grid_size // cfg.info_categories)
    z = sample_latent(columns, cfg.latent_dim, seed=cfg.seed)
    _, values = draw_codes(columns, cfg.info_categories, cfg.info_continuous, seed=cfg.seed + 1)
    rows = cfg.info_categories
    return np.tile(z, (rows, 1)), np.repeat(np.arange(rows, dtype=np.int32), columns), np.tile(values, (rows, 1))


def grid_columns(cfg: DCGANConfig) -> int:
    """Columns of an InfoGAN's sample grid (:func:`grid_codes`)."""
    return max(1, cfg.sample_grid_size // cfg.info_categories)


@dataclass
class CodeMatch:
    """How well an InfoGAN's category code names the digit it draws.

    Attributes
    ----------
    matrix : int64 (K, 10); entry [c, d] counts samples drawn with code c that the classifier
        calls digit d
    digit_of_code : int64 (K,), the digit each code is named after by the best one-to-one
        assignment (-1 for a code left without a digit when K > 10)
    accuracy : the share of samples whose digit is their code's digit under that assignment
    """

    matrix: np.ndarray
    digit_of_code: np.ndarray
    accuracy: float

    def table(self) -> str:
        """The matrix as text, one row per code, with the digit it was matched to."""
        k, d = self.matrix.shape
        lines = ["code -> digit " + "".join(f"{j:>6d}" for j in range(d))]
        for c in range(k):
            lines.append(f"{c:>4d} -> {self.digit_of_code[c]:>2d}    " + "".join(f"{v:>6d}" for v in self.matrix[c]))
        lines.append(f"match: {self.accuracy:.3f}")
        return "\n".join(lines)


def code_digit_match(codes, digits, categories: int, num_digits: int = 10) -> CodeMatch:
    """Match codes to digits one to one so that most samples agree (Hungarian assignment).

    codes : int (n,), the category each sample was drawn with; digits : int (n,), the digit the
    classifier read. A code that draws two digits, or two codes that share one, lower the
    match: at most one code can be named after each digit.
    """
    from scipy.optimize import linear_sum_assignment

    codes, digits = np.asarray(codes), np.asarray(digits)
    if codes.shape != digits.shape or codes.ndim != 1:
        raise ValueError(f"codes and digits must be two 1-D arrays of the same length, got {codes.shape} "
                         f"and {digits.shape}")
    matrix = np.zeros((categories, num_digits), np.int64)
    np.add.at(matrix, (codes, digits), 1)
    rows, cols = linear_sum_assignment(matrix, maximize=True)
    digit_of_code = np.full(categories, -1, np.int64)
    digit_of_code[rows] = cols
    accuracy = float(matrix[rows, cols].sum() / max(1, len(codes)))
    return CodeMatch(matrix, digit_of_code, accuracy)


def q_readback(discriminator, images, batch_size: int = 500, training: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """What Q reads from ``images``: the most likely category int (n,) and the continuous
    codes' means float32 (n, k).

    ``training=False`` (default) runs D's BatchNorm layers on their moving averages, as a trained
    model should. After only a few dozen steps those averages are still near their start, and
    ``training=True`` (each batch normalised by its own statistics, as in training) shows what Q
    has learned; no weights change either way.
    """
    images = np.asarray(images, np.float32)
    parts = [discriminator(images[i:i + batch_size], training=training) for i in range(0, len(images), batch_size)]
    category = np.concatenate([np.argmax(np.asarray(p[1]), axis=1) for p in parts])
    means = np.concatenate([np.asarray(p[2]) for p in parts])
    return category.astype(np.int32), means.astype(np.float32)


def generate_mixed(generator, z, category_weights, continuous=None, batch_size: int = 500) -> np.ndarray:
    """Run an InfoGAN generator on a *blend* of categories: row i's one-hot code is replaced by
    ``category_weights[i]`` (n, K), e.g. (1 - t) e_a + t e_b to walk from category a to b.

    G never saw such codes in training (its categories are one-hot); what it draws between two
    of them is what notebook 09's interpolation shows. A one-hot row gives exactly
    :func:`generate`'s image.
    """
    import keras

    categories, k = _codes_of(generator)
    z = np.asarray(z, np.float32)
    weights = np.asarray(category_weights, np.float32)
    if weights.shape != (len(z), categories):
        raise ValueError(f"category_weights must have shape ({len(z)}, {categories}), one row of "
                         f"{categories} weights per noise vector, got {weights.shape}")
    continuous = check_continuous(continuous, len(z), k)
    after = getattr(generator, "_ganlib_after_codes", None)
    if after is None:  # G's layers after the concatenation of z and the codes, as a model of its own
        names = [layer.name for layer in generator.layers]
        x = inputs = keras.Input(shape=(z.shape[1] + categories + k,))
        for layer in generator.layers[names.index("z_and_codes") + 1:]:
            x = layer(x)
        after = generator._ganlib_after_codes = keras.Model(inputs, x)
    full = np.concatenate([z, weights, continuous], axis=1)
    parts = [np.asarray(after(full[i:i + batch_size], training=False)) for i in range(0, len(full), batch_size)]
    return np.concatenate(parts).astype(np.float32)
