"""Hyperparameters of a DCGAN run, in one frozen dataclass, and named presets.

Vary a configuration with :func:`dataclasses.replace`::

    cfg = dataclasses.replace(get_preset("lecture"), epochs=2)

The batch size never decides the architecture (erratum 4 of the source lecture):
the generator's first layer is sized by ``gen_filters`` alone.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: The generator losses of :data:`ganlib.losses.GENERATOR_LOSSES`, named here so that a
#: configuration can be checked before TensorFlow starts (DCGANConfig and the toy GAN's).
GENERATOR_LOSS_VARIANTS = ("non_saturating", "minimax")


def check_fields(cfg, counts=(), rates=(), fractions=()) -> None:
    """Raise ValueError naming the first bad field of a frozen config dataclass.

    counts must be positive integers, rates > 0, fractions in [0, 1); a
    ``generator_loss`` field must name one of :data:`GENERATOR_LOSS_VARIANTS`.
    """
    kind = type(cfg).__name__
    for name in counts:
        value = getattr(cfg, name)
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise ValueError(f"{kind}.{name} must be a positive integer, got {value!r}")
    for name in rates:
        if not getattr(cfg, name) > 0:
            raise ValueError(f"{kind}.{name} must be > 0, got {getattr(cfg, name)!r}")
    for name in fractions:
        if not 0.0 <= getattr(cfg, name) < 1.0:
            raise ValueError(f"{kind}.{name} must lie in [0, 1), got {getattr(cfg, name)!r}")
    loss = getattr(cfg, "generator_loss", GENERATOR_LOSS_VARIANTS[0])
    if loss not in GENERATOR_LOSS_VARIANTS:
        raise ValueError(f"{kind}.generator_loss must be one of {GENERATOR_LOSS_VARIANTS}, got {loss!r}")


#: The networks a DCGANConfig can build (DCGANConfig.architecture; ganlib.models).
ARCHITECTURES = ("lecture", "infogan", "compact")

#: Keras dtype policies a run can train under (DCGANConfig.precision).
PRECISIONS = ("float32", "mixed_bfloat16", "mixed_float16")

#: How ``train --strategy`` spreads a run over devices (:func:`ganlib.training.make_strategy`):
#: one device, or tf.distribute.MirroredStrategy. Not a DCGANConfig field: a run computes the
#: same under either, up to rounding, and its checkpoints restore under both.
STRATEGIES = ("default", "mirrored")


@dataclass(frozen=True)
class DCGANConfig:
    """Everything that defines a DCGAN training run on 28x28 grey images.

    Attributes
    ----------
    latent_dim : int
        Length of the latent vector z fed to the generator.
    gen_filters : int
        Channels of the generator's first feature map (7 x 7 x gen_filters).
    batch_size : int
        Real images per training step; the fake batch has the same size.
    gen_learning_rate, disc_learning_rate : float
        Adam learning rates of the generator and the discriminator.
    beta_1, beta_2 : float
        Adam's moment decay rates, shared by both optimizers.
    epochs : int
        Passes over the training images.
    seed : int
        Seeds weights, the data order, the training noise and the sample grid.
    dropout : float
        Dropout rate after each discriminator convolution.
    leaky_relu_slope : float
        Negative slope of every LeakyReLU (0.3 is Keras' default, which the lecture used).
    label_smoothing : float
        Target for real images is ``1 - label_smoothing`` in the discriminator loss.
    generator_loss : str
        ``"non_saturating"`` (default, -log D(G(z))) or ``"minimax"`` (log(1 - D(G(z)))).
    checkpoint_every : int
        Save a checkpoint every this many epochs (and always at the end of a run).
    sample_grid_size : int
        Number of fixed latent points drawn as the per-epoch sample grid.
    ema_decay : float
        0 (default) samples from the trained generator. Above 0, e.g. 0.999, a second
        generator keeps an exponential moving average of its weights, updated every
        step, and is the one that draws samples and is saved as the final model
        (Yazici et al. 2019: averaging damps the oscillation of GAN training). Early
        on the decay is min(ema_decay, (1 + step) / (10 + step)), so the random
        initial weights do not linger in the average.
    conditional : bool
        False (default): G draws from z alone. True: a conditional GAN (Mirza and
        Osindero 2014); G and D also take the digit's label, so G can be asked for a
        chosen digit (:func:`ganlib.models.make_conditional_generator`). Training then
        needs the images' labels.
    num_classes : int
        Number of labels of a conditional GAN (10 digits); unused otherwise.
    precision : str
        ``"float32"`` (default) computes in float32. ``"mixed_bfloat16"`` computes the
        layers in bfloat16 (fast on CPUs with AVX-512 BF16 or AMX, and on recent GPUs)
        and ``"mixed_float16"`` in float16 (GPUs; its losses are scaled by Keras'
        ``LossScaleOptimizer``). In both, the weights, D's logit, the losses, the R1
        penalty and the weight average stay float32, so a checkpoint written under one
        precision restores under another (benchmarks/train_step.py measures the speed).
    architecture : str
        ``"lecture"`` (default): the lecture's networks, a generator of three 5x5 transposed
        convolutions after a Dense projection and a discriminator of two strided 5x5
        convolutions with dropout (0.21 M parameters against G's 2.3 M at full width).
        ``"infogan"``: the MNIST networks of the InfoGAN paper (Chen et al. 2016, appendix),
        used for a plain GAN too: G is Dense 1024 and Dense (s/4) x (s/4) x 128, each with
        BatchNorm and ReLU, then a 4x4 transposed convolution to 64 channels (BatchNorm,
        ReLU) and one to the image (tanh); D is a 4x4 convolution to 64 channels
        (LeakyReLU), one to 128 with BatchNorm, Dense 1024 with BatchNorm, then the logit.
        Its D is about 30 times the lecture's; ``gen_filters`` and ``dropout`` do not apply.
        ``"compact"``: the InfoGAN paper's D with a lean G, the paper's G with its first Dense
        layer 128 units wide instead of 1,024 (0.97 M parameters at latent_dim 100 against
        its 6.7 M): the strong D is what makes the digits clear (issue 16), and the lean G
        is small enough to ship. Both start from the papers' N(0, 0.02) weights.
    info_categories : int
        0 (default): a plain GAN. K >= 2: an InfoGAN (Chen et al. 2016, notebook 09). G then also
        takes a code c drawn with the noise: a category, one of K (uniform), and
        ``info_continuous`` values uniform in [-1, 1]. Q, a head on D's body, reads the code back
        from the image, and the information loss (:func:`ganlib.losses.information_loss`) goes
        into G's and D's objectives, so G must draw images whose code can be read. Needs the
        ``infogan`` or ``compact`` architecture (Q sits on their Dense layer); not conditional.
    info_continuous : int
        Number of continuous codes of an InfoGAN (0 or more; the paper used 2 on MNIST).
    info_weight : float
        lambda, the weight of the information term in both objectives (1 in the paper). At 0
        the codes are fed to G but nothing asks G to use them: a plain GAN that ignores c.
    info_continuous_weight : float
        The continuous codes' Gaussian NLL counts this much beside the category's
        cross-entropy inside the information term (0.1 in the paper for MNIST).
    image_size : int
        Side of the square one-channel images, 28 (default) for MNIST digits; any multiple
        of 4 from 8 up, since G doubles a (image_size / 4)-wide map twice. Notebook 10
        trains on 16 x 16 Ising spin configurations.
    r1_gamma : float
        0 (default) trains D on its loss alone. Above 0, D's loss also gets the R1
        penalty of Mescheder et al. (2018), ``r1_gamma / 2 * E ||grad_x D(x)||^2`` over
        the real batch (D's logit), which keeps D from growing steep around the real
        digits. It costs a second-order gradient: an epoch took about 20% longer on a
        2-core CPU. The logged ``disc_loss`` stays the plain BCE loss, comparable across runs.
    """

    latent_dim: int = 100
    gen_filters: int = 256
    batch_size: int = 256
    gen_learning_rate: float = 1e-4
    disc_learning_rate: float = 1e-4
    beta_1: float = 0.9
    beta_2: float = 0.999
    epochs: int = 30
    seed: int = 0
    dropout: float = 0.3
    leaky_relu_slope: float = 0.3
    label_smoothing: float = 0.0
    generator_loss: str = "non_saturating"
    checkpoint_every: int = 5
    sample_grid_size: int = 16
    ema_decay: float = 0.0
    conditional: bool = False
    num_classes: int = 10
    r1_gamma: float = 0.0
    precision: str = "float32"
    image_size: int = 28
    architecture: str = "lecture"
    info_categories: int = 0
    info_continuous: int = 0
    info_weight: float = 1.0
    info_continuous_weight: float = 0.1

    def __post_init__(self) -> None:
        check_fields(self, counts=("latent_dim", "gen_filters", "batch_size", "epochs", "checkpoint_every",
                                   "sample_grid_size", "num_classes"),
                     rates=("gen_learning_rate", "disc_learning_rate"),
                     fractions=("beta_1", "beta_2", "dropout", "label_smoothing", "ema_decay"))
        if not (isinstance(self.r1_gamma, (int, float)) and not isinstance(self.r1_gamma, bool)
                and self.r1_gamma >= 0):
            raise ValueError(f"DCGANConfig.r1_gamma must be a number >= 0 (0 = no penalty), got {self.r1_gamma!r}")
        if self.leaky_relu_slope < 0:
            raise ValueError(f"DCGANConfig.leaky_relu_slope must be >= 0, got {self.leaky_relu_slope!r}")
        if not isinstance(self.conditional, bool):
            # a JSON "false" or a string "False" must not switch the architecture by truthiness
            raise ValueError(f"DCGANConfig.conditional must be True or False, got {self.conditional!r}")
        if not (isinstance(self.image_size, int) and self.image_size >= 8 and self.image_size % 4 == 0):
            raise ValueError(f"DCGANConfig.image_size must be a multiple of 4 from 8 up (G doubles an "
                             f"image_size/4 map twice), got {self.image_size!r}")
        if self.num_classes < 2:
            raise ValueError(f"DCGANConfig.num_classes must be at least 2, got {self.num_classes!r}")
        if self.architecture not in ARCHITECTURES:
            raise ValueError(f"DCGANConfig.architecture must be one of {', '.join(ARCHITECTURES)}, "
                             f"got {self.architecture!r}")
        if self.precision not in PRECISIONS:
            raise ValueError(f"DCGANConfig.precision must be one of {', '.join(PRECISIONS)}, got {self.precision!r}")
        self._check_infogan()
        if not isinstance(self.seed, int):
            raise ValueError(f"DCGANConfig.seed must be an integer, got {self.seed!r}")

    @property
    def infogan(self) -> bool:
        """Whether this is an InfoGAN: G takes a code besides the noise, and D has a Q head."""
        return self.info_categories > 0

    @property
    def input_dim(self) -> int:
        """Length of G's whole input: the noise and, for an InfoGAN, the one-hot category and
        the continuous codes (62 + 10 + 2 = 74 for the ``infogan`` preset)."""
        return self.latent_dim + (self.info_categories + self.info_continuous if self.infogan else 0)

    def _check_infogan(self) -> None:
        for name in ("info_categories", "info_continuous"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"DCGANConfig.{name} must be an integer >= 0, got {value!r}")
        for name in ("info_weight", "info_continuous_weight"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0:
                raise ValueError(f"DCGANConfig.{name} must be a number >= 0, got {value!r}")
        if self.info_categories == 1:
            raise ValueError("DCGANConfig.info_categories must be 0 (a plain GAN) or at least 2, got 1")
        if not self.infogan:
            if self.info_continuous:
                raise ValueError("DCGANConfig.info_continuous needs a categorical code too: set "
                                 "info_categories (e.g. 10), or info_continuous=0")
            return
        if self.conditional:
            raise ValueError("an InfoGAN learns its own codes and cannot also be conditional: set "
                             "conditional=False or info_categories=0")
        if self.architecture not in ("infogan", "compact"):
            raise ValueError(f"an InfoGAN's Q head sits on the Dense layer of the infogan and compact "
                             f"discriminators: set architecture='compact', not {self.architecture!r}")

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> "DCGANConfig":
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(f"unknown DCGANConfig fields {unknown}; known fields: {sorted(known)}")
        return cls(**values)

    def save(self, path: str | Path) -> None:
        """Write the configuration as JSON (a training run keeps it beside its checkpoints)."""
        Path(path).write_text(json.dumps(self.to_dict(), indent=2) + "\n")

    @classmethod
    def load(cls, path: str | Path) -> "DCGANConfig":
        path = Path(path)
        try:
            values = json.loads(path.read_text())
        except FileNotFoundError:
            raise FileNotFoundError(f"no configuration file at {path}") from None
        except json.JSONDecodeError as err:
            raise ValueError(f"{path} is not valid JSON ({err}); it should hold a DCGANConfig") from None
        return cls.from_dict(values)


#: Named configurations. ``lecture`` is the source lecture's recipe (Adam 1e-4 with
#: Keras' default beta_1 0.9, batch 256, 7x7x256 first feature map; the lecture's text
#: claims 100 epochs while its code set 30). ``dcgan`` keeps the lecture's
#: architecture and trains it with the DCGAN paper's recipe (Radford et al. 2016:
#: Adam 2e-4, beta_1 0.5, LeakyReLU slope 0.2) at batch 64. ``fast`` is that recipe on
#: a half-width generator, which draws recognisable digits after minutes on a 2-core
#: CPU. ``conditional`` is ``fast`` as a conditional GAN that is told which digit to
#: draw: the same recipe and half width, so a conditional run costs about what a
#: ``fast`` run costs on a CPU and the two can be compared directly (the label adds
#: only 10 inputs to G's Dense layer and 10 channels to D's first convolution). Its
#: per-epoch grid has 20 points, two full rows of the digits 0-9. Speeds and sample
#: quality are measured in benchmarks/.
_DCGAN = DCGANConfig(
    batch_size=64,
    gen_learning_rate=2e-4,
    disc_learning_rate=2e-4,
    beta_1=0.5,
    epochs=100,
    leaky_relu_slope=0.2,
)
PRESETS: dict[str, DCGANConfig] = {
    "lecture": DCGANConfig(),
    "dcgan": _DCGAN,
    "fast": dataclasses.replace(_DCGAN, gen_filters=128, epochs=20),
}
PRESETS["dcgan_r1"] = dataclasses.replace(_DCGAN, dropout=0.0, r1_gamma=1.0, ema_decay=0.999, epochs=200)
PRESETS["conditional"] = dataclasses.replace(PRESETS["fast"], conditional=True, sample_grid_size=20)
#: ``ising`` is the conditional GAN of notebook 10 for 16 x 16 Ising spin configurations: the
#: label is the index of one of the 12 temperatures of ``ganlib.ising_gan.TEMPERATURES``, and
#: the grid shows each temperature twice. The DCGAN recipe, without the weight average that
#: helps the digits: averaged weights drew configurations that were too ordered at every
#: temperature (at step 7,500, <e> at T_c -1.75 against Monte Carlo's -1.45; the trained
#: generator itself -1.27; notebook 10 shows both).
#: ``compact`` trains the ``compact`` architecture (the InfoGAN paper's D, a lean G) with the
#: paper's optimiser (Adam with G at 1e-3 and D at 2e-4, beta_1 0.5, LeakyReLU slope 0.1), no R1,
#: and G's weights averaged (EMA 0.999), for 100 epochs (7,800 steps). It is the recipe of the
#: shipped unconditional model. Adding the R1 penalty (gamma 1) did not help here: at epoch 80 the
#: 1,000-sample probe read 8.74 with it and 8.94 without, one seed each (pretrained/README.md).
PRESETS["compact"] = dataclasses.replace(_DCGAN, architecture="compact", gen_learning_rate=1e-3,
                                         disc_learning_rate=2e-4, leaky_relu_slope=0.1, dropout=0.0,
                                         ema_decay=0.999, epochs=100)
#: ``infogan`` is ``compact`` as an InfoGAN with the paper's MNIST codes: 62 noise values, a
#: 10-way category and 2 continuous codes, information weight 1 with the continuous NLL at 0.1.
#: Its grid has 100 points, one row per category (:func:`ganlib.infogan.grid_codes`); 80 epochs
#: are 6,240 steps, about the 6,000 of the issue's trial (score 9.55, pretrained/infogan/README.md).
PRESETS["infogan"] = dataclasses.replace(PRESETS["compact"], latent_dim=62, info_categories=10, info_continuous=2,
                                         sample_grid_size=100, epochs=80)
PRESETS["ising"] = dataclasses.replace(_DCGAN, conditional=True, num_classes=12, image_size=16, latent_dim=64,
                                       gen_filters=128, epochs=40, sample_grid_size=24)

#: Presets that ``python -m ganlib train`` runs in ``mixed_bfloat16`` on a CPU with native
#: bfloat16 (AVX-512 BF16 or AMX) and no GPU, unless ``--set precision=...`` says otherwise.
#: Only where it was measured to reach the same quality sooner: ``fast`` reached classifier
#: score 7 1.39x sooner with the same best score (benchmarks/RESULTS.md, 3 seeds). The presets
#: themselves stay float32, so a notebook computes the same on every machine.
CPU_BF16_PRESETS = ("fast",)


def get_preset(name: str) -> DCGANConfig:
    """Return the preset called ``name``; raise ValueError naming the known presets."""
    try:
        return PRESETS[name]
    except KeyError:
        raise ValueError(
            f"unknown preset {name!r}; choose one of: {', '.join(sorted(PRESETS))}"
        ) from None
