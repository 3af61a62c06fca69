"""Training a DCGAN: one train step, and a loop that can stop and resume.

Why an explicit loop rather than ``keras.Model.fit`` with a custom ``train_step``:
a GAN has two models and two optimizers, and what a student needs to see (and what
we need to save) happens between steps and between epochs: per-step losses, a
fixed-seed sample grid each epoch, checkpoints that include the epoch counter and
the noise generator so a resumed run continues exactly where it stopped. In
``fit`` those live in callbacks spread over several classes; here they are one
readable function, :func:`train`. The step itself is a ``tf.function``.

Each step updates both networks on the same real batch (the lecture's text said
they alternate "for one epoch" each; its code, like this one, updates both every
step).

A conditional GAN (``cfg.conditional``) trains the same way on (image, label)
pairs: D sees each real image with its own label, and each fake with the random
digit G was asked to draw.
"""

from __future__ import annotations

import csv
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import tensorflow as tf

from . import checkpoints as ckpt
from .config import DCGANConfig
from .data import make_dataset
from .latent import sample_latent
from .losses import GENERATOR_LOSSES, minimax_discriminator_loss, r1_penalty
from .models import check_labels, cycling_labels, generate_images, make_discriminator, make_generator
from .plotting import save_gif, save_grid

HISTORY_FILE = "losses.csv"
HISTORY_COLUMNS = ("step", "epoch", "gen_loss", "disc_loss", "d_real", "d_fake")
QUALITY_FILE = "quality.csv"
SAMPLES_SUBDIR = "samples"
GIF_FILE = "training.gif"


def set_seed(seed: int) -> None:
    """Seed Python's, NumPy's and TensorFlow's global random generators."""
    import keras

    keras.utils.set_random_seed(seed)


@dataclass
class GANState:
    """Everything a training run changes, so that it can be checkpointed as a whole."""

    cfg: DCGANConfig
    generator: object
    discriminator: object
    gen_optimizer: object
    disc_optimizer: object
    epoch: tf.Variable  # completed epochs
    step: tf.Variable  # completed train steps
    noise: tf.random.Generator  # draws the training noise; saved so a resume continues it
    ema_generator: object | None = None  # weight average of the generator, when cfg.ema_decay > 0

    @property
    def sampler(self):
        """The generator that draws samples: the weight average when there is one."""
        return self.generator if self.ema_generator is None else self.ema_generator

    def checkpoint(self) -> tf.train.Checkpoint:
        extra = {} if self.ema_generator is None else {"ema_generator": self.ema_generator}
        return tf.train.Checkpoint(
            **extra,
            generator=self.generator,
            discriminator=self.discriminator,
            generator_optimizer=self.gen_optimizer,
            discriminator_optimizer=self.disc_optimizer,
            epoch=self.epoch,
            step=self.step,
            noise=self.noise,
            # Keras does not track the dropout layers' RNG states; without them a
            # resumed run would drop other units than an uninterrupted one
            dropout_rng=[layer.seed_generator.state for layer in self.discriminator.layers
                         if hasattr(layer, "seed_generator")],
        )


def build_gan(cfg: DCGANConfig) -> GANState:
    """Fresh networks and optimizers for ``cfg``, seeded with ``cfg.seed``.

    With ``cfg.conditional`` the networks (and the weight-averaged generator) are the
    conditional ones of :func:`ganlib.models.make_conditional_generator`.

    The optimizers are built at once (Keras 3 creates their slots lazily), so a
    checkpoint restore into this state can be verified completely.
    """
    import keras

    set_seed(cfg.seed)
    generator = make_generator(cfg)
    discriminator = make_discriminator(cfg)
    gen_opt = keras.optimizers.Adam(cfg.gen_learning_rate, beta_1=cfg.beta_1, beta_2=cfg.beta_2)
    disc_opt = keras.optimizers.Adam(cfg.disc_learning_rate, beta_1=cfg.beta_1, beta_2=cfg.beta_2)
    ckpt.build_optimizer(gen_opt, generator)
    ckpt.build_optimizer(disc_opt, discriminator)
    ema = None
    if cfg.ema_decay > 0:
        ema = make_generator(cfg)
        ema.set_weights(generator.get_weights())
    return GANState(
        cfg=cfg,
        generator=generator,
        discriminator=discriminator,
        gen_optimizer=gen_opt,
        disc_optimizer=disc_opt,
        epoch=tf.Variable(0, dtype=tf.int64, trainable=False, name="epoch"),
        step=tf.Variable(0, dtype=tf.int64, trainable=False, name="step"),
        noise=tf.random.Generator.from_seed(cfg.seed),
        ema_generator=ema,
    )


def make_train_step(state: GANState):
    """Return ``train_step(images, labels=None) -> dict of scalar tensors``, compiled with tf.function.

    One step: draw as many latent vectors as there are real images, generate fakes,
    let D score both, and move each network down the gradient of its own loss.
    Returned values: ``gen_loss``, ``disc_loss``, and ``d_real`` / ``d_fake``, the
    mean probability D gives real and fake images (both 1/2 at the ideal equilibrium),
    and with ``cfg.r1_gamma > 0`` also ``r1_penalty``, the R1 term added to D's loss
    (``disc_loss`` itself stays the plain BCE loss).

    A conditional state (``cfg.conditional``) needs ``labels``, int (batch,), the
    real images' digits. After the latent vectors the step draws one random digit
    per fake from the same noise generator, uniform over 0 .. num_classes - 1, and
    gives those digits to G (what to draw) and to D with the fakes (what it should
    see). An unconditional step draws exactly what it drew before labels existed.
    """
    cfg = state.cfg
    generator, discriminator = state.generator, state.discriminator
    gen_loss_fn = GENERATOR_LOSSES[cfg.generator_loss]

    @tf.function
    def train_step(images, labels=None):
        # the fake batch matches the real batch, whatever its size (erratum 5)
        noise = state.noise.normal([tf.shape(images)[0], cfg.latent_dim])
        if cfg.conditional:
            if labels is None:
                raise ValueError("a conditional GAN's train step needs the real images' labels: "
                                 "train_step(images, labels)")
            # each fake gets a random digit to draw, and D judges it as that digit
            fake_labels = state.noise.uniform([tf.shape(images)[0]], 0, cfg.num_classes, dtype=tf.int32)
            gen_inputs, real_inputs = [noise, fake_labels], [images, labels]
        elif labels is not None:
            raise ValueError("labels were given to an unconditional GAN's train step; leave them out")
        else:
            fake_labels = None
            gen_inputs, real_inputs = noise, images
        with tf.GradientTape() as gen_tape, tf.GradientTape() as disc_tape:
            fakes = generator(gen_inputs, training=True)
            with tf.GradientTape(watch_accessed_variables=False) as input_tape:
                input_tape.watch(images)  # for the R1 penalty: D's slope at the real images
                real_logits = discriminator(real_inputs, training=True)
            fake_logits = discriminator([fakes, fake_labels] if cfg.conditional else fakes, training=True)
            gen_loss = gen_loss_fn(fake_logits)
            disc_loss = minimax_discriminator_loss(real_logits, fake_logits, cfg.label_smoothing)
            if cfg.r1_gamma > 0:
                # taken inside disc_tape, so D's update also follows this gradient's gradient;
                # the gradient of the logits (batch, 1) is that of their sum: row i is grad D(x_i)
                penalty = r1_penalty(input_tape.gradient(real_logits, images), cfg.r1_gamma)
                disc_objective = disc_loss + penalty
            else:
                disc_objective = disc_loss
        gen_grads = gen_tape.gradient(gen_loss, generator.trainable_variables)
        disc_grads = disc_tape.gradient(disc_objective, discriminator.trainable_variables)
        state.gen_optimizer.apply_gradients(zip(gen_grads, generator.trainable_variables))
        state.disc_optimizer.apply_gradients(zip(disc_grads, discriminator.trainable_variables))
        if state.ema_generator is not None:
            # warm-up: an average over the first k steps may not reach back before step 0,
            # where the weights are random (the num_updates rule of tf.train.ExponentialMovingAverage)
            step = tf.cast(state.step, tf.float32)
            decay = tf.minimum(cfg.ema_decay, (1.0 + step) / (10.0 + step))
            for average, weight in zip(state.ema_generator.weights, generator.weights):
                average.assign(decay * average + (1.0 - decay) * weight)
        state.step.assign_add(1)
        values = {
            "gen_loss": gen_loss,
            "disc_loss": disc_loss,
            "d_real": tf.reduce_mean(tf.sigmoid(real_logits)),
            "d_fake": tf.reduce_mean(tf.sigmoid(fake_logits)),
        }
        if cfg.r1_gamma > 0:
            values["r1_penalty"] = penalty
        return values

    return train_step


@dataclass
class TrainResult:
    """What a call to :func:`train` did and where it wrote it."""

    out_dir: Path
    epochs_run: list[int] = field(default_factory=list)  # 1-based epoch numbers completed now
    steps: int = 0  # total steps of the run after this call
    seconds: float = 0.0
    stopped_early: bool = False  # max_steps was reached inside an epoch
    gif: Path | None = None
    state: GANState | None = None

    @property
    def history(self) -> dict[str, np.ndarray]:
        return read_history(self.out_dir / HISTORY_FILE)


def fixed_latent(cfg: DCGANConfig) -> np.ndarray:
    """The latent points of the per-epoch sample grid: the same for every epoch."""
    return sample_latent(cfg.sample_grid_size, cfg.latent_dim, seed=cfg.seed)


def fixed_labels(cfg: DCGANConfig) -> np.ndarray | None:
    """The digits of a conditional run's per-epoch grid, 0, 1, ..., 9, 0, 1, ...: drawn
    ``cfg.num_classes`` to a row, each column is one digit. None for an unconditional run."""
    return cycling_labels(cfg.sample_grid_size, cfg.num_classes) if cfg.conditional else None


def train(
    cfg: DCGANConfig,
    images: np.ndarray,
    out_dir: str | Path,
    *,
    epochs: int | None = None,
    max_steps: int | None = None,
    resume: bool = False,
    verbose: int = 1,
    quality=None,
    quality_every: int = 1,
    labels: np.ndarray | None = None,
) -> TrainResult:
    """Train a DCGAN on ``images`` and write everything into ``out_dir``.

    Parameters
    ----------
    cfg : DCGANConfig
    images : float32 array of shape (n, 28, 28, 1) in [-1, 1] (from ``load_mnist``)
    out_dir : folder for the run, created if needed: ``config.json``,
        ``checkpoints/``, ``losses.csv`` (one row per step), ``samples/epoch_NNN.png``
        (the same latent points every epoch), ``training.gif`` and the final
        ``generator.weights.h5`` / ``discriminator.weights.h5``.
    epochs : train until this many epochs are complete in total (default ``cfg.epochs``)
    max_steps : stop once the run has made this many steps in total, even inside an
        epoch (a resume then continues that epoch with its next batch)
    resume : continue the run in ``out_dir`` from its newest checkpoint
    verbose : 0 silent, 1 a progress bar per epoch, 2 one line per epoch
    quality : optional callable ``generator -> dict of floats`` (e.g.
        :func:`ganlib.metrics.quality_probe`), evaluated every ``quality_every``
        epochs; its values go to ``quality.csv`` with the step and epoch
    labels : int array of shape (n,), the digit of each image (the second array
        ``load_mnist`` returns); required when ``cfg.conditional``, refused otherwise.
        A conditional run's sample grid has ``cfg.num_classes`` columns, one digit
        each (:func:`fixed_labels`).

    Interrupting (Ctrl-C, or SIGTERM when run from the command line) saves a
    checkpoint and the losses so far before the interruption propagates.
    """
    import keras

    out = Path(out_dir)
    total_epochs = cfg.epochs if epochs is None else epochs
    if total_epochs <= 0:
        raise ValueError(f"epochs must be positive, got {total_epochs}")
    if max_steps is not None and max_steps <= 0:
        raise ValueError(f"max_steps must be positive, got {max_steps}")
    if cfg.conditional and labels is None:
        raise ValueError("a conditional GAN (cfg.conditional) learns from labelled digits: pass the images' "
                         "labels, train(cfg, images, out, labels=labels), with labels from load_mnist")
    if not cfg.conditional and labels is not None:
        raise ValueError("labels are only used by a conditional GAN: leave them out, or train with "
                         "dataclasses.replace(cfg, conditional=True)")
    if labels is not None:
        labels = check_labels(labels, len(images), cfg.num_classes, of="images")
    _prepare_run_dir(out, cfg, resume)

    state = build_gan(cfg)
    checkpoint = state.checkpoint()
    manager = tf.train.CheckpointManager(checkpoint, str(out / ckpt.CHECKPOINT_SUBDIR), max_to_keep=2)
    if resume:
        restored = ckpt.restore_checkpoint(checkpoint, out)
        _truncate_history(out / HISTORY_FILE, int(state.step))
        _truncate_history(out / QUALITY_FILE, int(state.step))
        if verbose:
            print(f"resumed from {Path(restored).name}: {int(state.epoch)} epochs, {int(state.step)} steps done")
    train_step = make_train_step(state)
    z_fixed, labels_fixed = fixed_latent(cfg), fixed_labels(cfg)
    grid_columns = min(cfg.num_classes, cfg.sample_grid_size) if cfg.conditional else None
    steps_per_epoch = len(images) // cfg.batch_size
    result = TrainResult(out_dir=out, state=state)
    start = time.perf_counter()
    rows: list[tuple] = []
    saved_step = int(state.step) if resume else -1

    def reached_max_steps() -> bool:
        return max_steps is not None and int(state.step) >= max_steps

    def save_progress() -> None:
        nonlocal saved_step
        _append_history(out / HISTORY_FILE, rows)
        rows.clear()
        if int(state.step) != saved_step:
            manager.save(checkpoint_number=int(state.step))
            saved_step = int(state.step)

    try:
        for epoch in range(int(state.epoch), total_epochs):
            if reached_max_steps():
                break
            if verbose == 1:
                print(f"Epoch {epoch + 1}/{total_epochs}")
            bar = keras.utils.Progbar(steps_per_epoch, verbose=1 if verbose == 1 else 0,
                                      stateful_metrics=list(HISTORY_COLUMNS[2:]))
            epoch_start = time.perf_counter()
            # a run stopped inside this epoch skips the batches it already trained on: the
            # epoch's order is fixed by the seed, so the resumed run equals an uninterrupted one
            done = int(state.step) - epoch * steps_per_epoch
            if not 0 < done < steps_per_epoch:
                done = 0
            bar.update(done)
            for batch in make_dataset(images, cfg, epoch, labels).skip(done):
                # a conditional run's batches are (images, labels) pairs
                values = {k: float(v) for k, v in
                          (train_step(*batch) if labels is not None else train_step(batch)).items()}
                rows.append((int(state.step), epoch + 1, *(values[k] for k in HISTORY_COLUMNS[2:])))
                bar.add(1, values=list(values.items()))
                done += 1
                if reached_max_steps():
                    break
            complete = done == steps_per_epoch
            if complete:
                state.epoch.assign(epoch + 1)
                result.epochs_run.append(epoch + 1)
                save_grid(generate_images(state.sampler, z_fixed, labels_fixed),
                          out / SAMPLES_SUBDIR / f"epoch_{epoch + 1:03d}.png", ncols=grid_columns)
                if quality is not None and (epoch + 1) % quality_every == 0:
                    _append_table(out / QUALITY_FILE, int(state.step), epoch + 1, quality(state.sampler))
            else:
                result.stopped_early = True
            if not complete or (epoch + 1) % cfg.checkpoint_every == 0:
                save_progress()
            else:
                _append_history(out / HISTORY_FILE, rows)
                rows.clear()
            if verbose == 2:
                print(f"epoch {epoch + 1}/{total_epochs}: step {int(state.step)}, "
                      f"{time.perf_counter() - epoch_start:.1f} s, gen_loss {values['gen_loss']:.3f}, "
                      f"disc_loss {values['disc_loss']:.3f}", flush=True)
            if not complete:
                break
        save_progress()
    except KeyboardInterrupt:
        save_progress()
        print(f"\ninterrupted at step {int(state.step)}; checkpoint saved. "
              f"Continue with resume=True (command line: --resume).")
        raise

    state.sampler.save_weights(str(out / ckpt.GENERATOR_WEIGHTS))
    state.discriminator.save_weights(str(out / ckpt.DISCRIMINATOR_WEIGHTS))
    frames = sorted((out / SAMPLES_SUBDIR).glob("epoch_*.png"))
    if frames:
        result.gif = save_gif(frames, out / GIF_FILE)
    result.steps = int(state.step)
    result.seconds = time.perf_counter() - start
    return result


def _prepare_run_dir(out: Path, cfg: DCGANConfig, resume: bool) -> None:
    config_path = out / ckpt.CONFIG_FILE
    if resume:
        saved = ckpt.load_config(out)
        differing = [k for k, v in cfg.to_dict().items() if k != "epochs" and saved.to_dict()[k] != v]
        if differing:
            raise ValueError(
                f"cannot resume {out} with another configuration: {', '.join(differing)} differ; "
                f"load it with ganlib.checkpoints.load_config({str(out)!r})"
            )
    elif ckpt.latest_checkpoint(out) is not None:
        raise FileExistsError(
            f"{out} already holds a training run; resume it (resume=True, --resume) "
            "or choose a new folder"
        )
    out.mkdir(parents=True, exist_ok=True)
    (out / SAMPLES_SUBDIR).mkdir(exist_ok=True)
    if not resume:
        (out / HISTORY_FILE).unlink(missing_ok=True)
        (out / QUALITY_FILE).unlink(missing_ok=True)
    cfg.save(config_path)


def _append_history(path: Path, rows: list[tuple]) -> None:
    new = not path.exists()
    with path.open("a", newline="") as f:
        writer = csv.writer(f)
        if new:
            writer.writerow(HISTORY_COLUMNS)
        for row in rows:
            writer.writerow([row[0], row[1], *(f"{v:.6g}" for v in row[2:])])


def _append_table(path: Path, step: int, epoch: int, values: dict[str, float]) -> None:
    new = not path.exists()
    with path.open("a", newline="") as f:
        writer = csv.writer(f)
        if new:
            writer.writerow(["step", "epoch", *values])
        writer.writerow([step, epoch, *(f"{float(v):.6g}" for v in values.values())])


def _truncate_history(path: Path, last_step: int) -> None:
    """Drop loss rows newer than the restored checkpoint, so the history matches it."""
    if not path.exists():
        return
    with path.open(newline="") as f:
        reader = csv.reader(f)
        header = next(reader, None)
        kept = [row for row in reader if row and int(row[0]) <= last_step]
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header or HISTORY_COLUMNS)
        writer.writerows(kept)


def read_history(path: str | Path) -> dict[str, np.ndarray]:
    """Read ``losses.csv`` of a run (or the run folder), or ``quality.csv``, into a dict of column arrays."""
    path = Path(path)
    if path.is_dir():
        path = path / HISTORY_FILE
    with path.open(newline="") as f:
        reader = csv.DictReader(f)
        rows = list(reader)
        columns = reader.fieldnames or list(HISTORY_COLUMNS)
    out = {}
    for name in columns:
        values = [row[name] for row in rows]
        dtype = np.int64 if name in ("step", "epoch") else np.float64
        out[name] = np.array(values, dtype=dtype)
    return out


def raise_keyboard_interrupt_on_sigterm() -> None:
    """Let ``kill`` (SIGTERM) stop training like Ctrl-C does, so a checkpoint is saved."""
    def handler(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, handler)
