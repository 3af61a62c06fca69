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

An InfoGAN (``cfg.info_categories``, notebook 09) draws a code with the noise for each
fake; D's Q head reads it back from the fake, and the information loss joins both
objectives (:func:`information_terms`).

Several devices (``train(..., strategy=tf.distribute.MirroredStrategy())``): every
variable is created in the strategy's scope, one copy per replica; each step draws the
noise of the global batch once, every replica updates from its slice of the images and
the noise, the optimizers sum the replicas' gradients, and G's BatchNorm takes its
statistics over the global batch. N replicas then compute what one device computes on
the global batch, up to rounding (tests/test_distribute.py), except that Keras' dropout
layers draw the same mask on every replica.
"""

from __future__ import annotations

import contextlib
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import tensorflow as tf

from . import checkpoints as ckpt
from .config import STRATEGIES, DCGANConfig
from .data import make_dataset
from .latent import sample_latent
from .losses import GENERATOR_LOSSES, information_loss, minimax_discriminator_loss, r1_penalty
from .models import (check_labels, cycling_labels, generate_images, make_discriminator, make_generator,
                     synchronize_batch_norm)
from .plotting import save_gif, save_grid
from .runfolder import (CHECKPOINT_SUBDIR, CONFIG_FILE, DISCRIMINATOR_WEIGHTS, GENERATOR_WEIGHTS, GIF_FILE,
                        HISTORY_FILE, history_columns, QUALITY_FILE, SAMPLES_SUBDIR, append_rows, read_history,
                        sample_grid_name, sample_grids, truncate_rows, write_gif_epochs)
from .runtime import set_seed


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
    strategy: object | None = None  # the tf.distribute strategy holding the variables; None: one device

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
            # the Adam state alone, so that a checkpoint restores under any precision
            generator_optimizer=unscaled(self.gen_optimizer),
            discriminator_optimizer=unscaled(self.disc_optimizer),
            epoch=self.epoch,
            step=self.step,
            noise=self.noise,
            # Keras does not track the dropout layers' RNG states; without them a
            # resumed run would drop other units than an uninterrupted one
            dropout_rng=[layer.seed_generator.state for layer in self.discriminator.layers
                         if hasattr(layer, "seed_generator")],
        )


def build_gan(cfg: DCGANConfig, strategy=None) -> GANState:
    """Fresh networks and optimizers for ``cfg``, seeded with ``cfg.seed``.

    With ``cfg.conditional`` the networks (and the weight-averaged generator) are the
    conditional ones of :func:`ganlib.models.make_conditional_generator`.

    The optimizers are built at once (Keras 3 creates their slots lazily), so a
    checkpoint restore into this state can be verified completely.

    ``strategy``: None (one device), or a ``tf.distribute.Strategy`` in whose scope every
    variable is created, with the same initial values; G's BatchNorm layers then take their
    statistics over all replicas (:func:`ganlib.models.synchronize_batch_norm`).
    """
    set_seed(cfg.seed)
    with strategy_scope(strategy):
        generator = make_generator(cfg)
        if strategy is not None:
            synchronize_batch_norm(generator)
        discriminator = make_discriminator(cfg)
        gen_opt = make_optimizer(cfg, cfg.gen_learning_rate)
        disc_opt = make_optimizer(cfg, cfg.disc_learning_rate)
        ckpt.build_optimizer(gen_opt, generator)
        ckpt.build_optimizer(disc_opt, discriminator)
        ema = None
        if cfg.ema_decay > 0:
            ema = make_generator(cfg)
            ema.set_weights(generator.get_weights())
        noise = tf.random.Generator.from_seed(cfg.seed)
    return GANState(
        cfg=cfg,
        generator=generator,
        discriminator=discriminator,
        gen_optimizer=gen_opt,
        disc_optimizer=disc_opt,
        # counted between the replicas' updates, once per step: plain variables, which int() reads
        epoch=tf.Variable(0, dtype=tf.int64, trainable=False, name="epoch"),
        step=tf.Variable(0, dtype=tf.int64, trainable=False, name="step"),
        noise=noise,
        ema_generator=ema,
        strategy=strategy,
    )


def strategy_scope(strategy):
    """``strategy.scope()``, in which variables are created once per replica; nothing for None."""
    return contextlib.nullcontext() if strategy is None else strategy.scope()


def make_strategy(name: str):
    """The strategy ``train --strategy NAME`` trains under: None for ``"default"`` (one device),
    ``tf.distribute.MirroredStrategy()`` for ``"mirrored"`` (one replica per GPU of this
    machine, or the CPU alone when it has none)."""
    if name not in STRATEGIES:
        raise ValueError(f"unknown strategy {name!r}; choose one of: {', '.join(STRATEGIES)}")
    return None if name == "default" else tf.distribute.MirroredStrategy()


def make_optimizer(cfg: DCGANConfig, learning_rate: float):
    """Adam with the run's betas; under ``mixed_float16`` inside Keras' ``LossScaleOptimizer``.

    float16 gradients of small losses underflow to zero; the loss-scale optimizer
    multiplies the loss before the gradient (``optimizer.scale_loss``) and divides the
    gradients again before the update, skipping a step whose gradients overflowed.
    bfloat16 has float32's range and needs no scaling.
    """
    import keras

    adam = keras.optimizers.Adam(learning_rate, beta_1=cfg.beta_1, beta_2=cfg.beta_2)
    return keras.optimizers.LossScaleOptimizer(adam) if cfg.precision == "mixed_float16" else adam


def unscaled(optimizer):
    """The Adam inside a loss-scale optimizer (what a checkpoint saves), or the optimizer itself."""
    return getattr(optimizer, "inner_optimizer", optimizer)


def make_train_step(state: GANState):
    """Return ``train_step(images, labels=None) -> dict of scalar tensors``, compiled with tf.function.

    Draw noise, generate, let D score real and fake, two losses, two updates. Returns
    ``gen_loss``, ``disc_loss``, ``d_real`` and ``d_fake`` (D's mean probability for each
    batch; both 1/2 at the ideal equilibrium), with R1 ``r1_penalty``, which is added
    to D's objective (``disc_loss`` stays the plain BCE), and for an InfoGAN ``info_loss``,
    ``info_category`` and ``info_continuous``, added to both objectives. The variations are
    the helpers below: conditional inputs, InfoGAN codes, the R1 penalty, the weight-averaged
    generator, and several devices (``state.strategy``), where ``update_networks`` runs on each
    replica's slice.
    """
    cfg = state.cfg
    generator, discriminator = state.generator, state.discriminator
    gen_loss_fn = GENERATOR_LOSSES[cfg.generator_loss]

    @tf.function
    def train_step(images, labels=None):
        # the fake batch matches the real batch, whatever its size (erratum 5)
        noise = state.noise.normal([tf.shape(images)[0], cfg.latent_dim])
        fake_labels = draw_fake_labels(state, images, labels)  # None unless conditional
        fake_codes = draw_fake_codes(state, images)  # None unless InfoGAN
        # one device: the whole batch; several: each replica its slice (on_each_replica)
        values = on_each_replica(state.strategy, update_networks, images, labels, noise, fake_labels, fake_codes)
        if state.ema_generator is not None:
            update_weight_average(state.ema_generator, generator, cfg.ema_decay, state.step)
        state.step.assign_add(1)
        return values

    # generate, score, two losses, two updates: of the whole batch, or of one replica's slice
    def update_networks(images, labels, noise, fake_labels, fake_codes):
        with tf.GradientTape() as gen_tape, tf.GradientTape() as disc_tape:
            fakes = generator(generator_input(noise, fake_labels, fake_codes), training=True)
            real_logits, penalty = score_real(discriminator, images, labels, cfg.r1_gamma)
            fake_logits, q_fake = split_q(discriminator(with_labels(fakes, fake_labels), training=True))
            gen_loss = gen_loss_fn(fake_logits)
            disc_loss = minimax_discriminator_loss(real_logits, fake_logits, cfg.label_smoothing)
            info = information_terms(cfg, fake_codes, q_fake)  # None unless InfoGAN
            gen_objective = gen_loss if info is None else gen_loss + info["info_loss"]
            disc_objective = sum_of(disc_loss, penalty, None if info is None else info["info_loss"])
            # only mixed_float16 scales the losses (make_optimizer), and only several replicas
            # take their share (replica_share); otherwise these are the losses
            gen_scaled = state.gen_optimizer.scale_loss(replica_share(gen_objective))
            disc_scaled = state.disc_optimizer.scale_loss(replica_share(disc_objective))
        gen_grads = gen_tape.gradient(gen_scaled, generator.trainable_variables)
        disc_grads = disc_tape.gradient(disc_scaled, discriminator.trainable_variables)
        state.gen_optimizer.apply_gradients(zip(gen_grads, generator.trainable_variables))
        state.disc_optimizer.apply_gradients(zip(disc_grads, discriminator.trainable_variables))
        values = {"gen_loss": gen_loss, "disc_loss": disc_loss,
                  "d_real": tf.reduce_mean(tf.sigmoid(real_logits)),
                  "d_fake": tf.reduce_mean(tf.sigmoid(fake_logits))}
        if penalty is not None:
            values["r1_penalty"] = penalty
        if info is not None:
            values.update(info)
        return values

    return train_step


def on_each_replica(strategy, update, *batch) -> dict:
    """Call ``update(*batch) -> dict of scalars`` on the whole batch (``strategy`` None: one
    device), or on every replica of a tf.distribute ``strategy``, each with its own slice of
    every tensor in ``batch`` (images, labels, noise, fake labels, fake codes; :func:`replica_slice`);
    then the mean of the replicas' values.

    The noise was drawn once for the global batch, from the run's generator, and splits with
    the images: N replicas get the draws one device would get, and a checkpoint's generator
    state means the same under any strategy. Every replica receives the global batch and keeps
    its rows, which for 28x28 digits costs little. The slices have equal sizes, so the mean of
    the replicas' batch means is the global batch's mean.
    """
    if strategy is None:
        return update(*batch)

    def update_slice(*parts):
        return update(*(None if x is None else tf.nest.map_structure(replica_slice, x) for x in parts))

    values = strategy.run(update_slice, args=batch)
    return {name: strategy.reduce(tf.distribute.ReduceOp.MEAN, value, axis=None)
            for name, value in values.items()}


def replica_slice(batch):
    """This replica's rows of a global batch: part r of N equal parts, on replica r of N."""
    context = tf.distribute.get_replica_context()
    size = tf.shape(batch)[0] // context.num_replicas_in_sync
    start = context.replica_id_in_sync_group * size
    return batch[start:start + size]


def replica_share(loss):
    """A replica's batch-mean loss as its share of the global batch's mean: loss / N on N replicas.

    The optimizers add up the replicas' gradients (an all-reduce), so the shares give the
    gradient of the global mean. Every term of a loss here is a mean over the batch (BCE with
    or without label smoothing, the R1 penalty), so dividing the total suffices. On one
    device the loss itself, untouched.
    """
    replicas = tf.distribute.get_replica_context().num_replicas_in_sync
    return loss if replicas == 1 else loss / replicas


def draw_fake_labels(state: GANState, images, labels):
    """The digits G is asked to draw in this step: int32 (batch,), or None for an unconditional GAN.

    Drawn after the latent vectors, from the same noise generator, uniform over
    0 .. num_classes - 1, so an unconditional step draws exactly what it drew before
    labels existed. D then judges each fake as the digit G was asked for.
    """
    cfg = state.cfg
    if not cfg.conditional:
        if labels is not None:
            raise ValueError("labels were given to an unconditional GAN's train step; leave them out")
        return None
    if labels is None:
        raise ValueError("a conditional GAN's train step needs the real images' labels: "
                         "train_step(images, labels)")
    return state.noise.uniform([tf.shape(images)[0]], 0, cfg.num_classes, dtype=tf.int32)


def draw_fake_codes(state: GANState, images):
    """An InfoGAN's codes for this step's fakes: (categories int32 (batch,), continuous float32
    (batch, k)), drawn after the noise (and from the same generator): uniform over the K
    categories and uniform in [-1, 1]. None when the run is not an InfoGAN."""
    cfg = state.cfg
    if not cfg.infogan:
        return None
    batch = tf.shape(images)[0]
    codes = state.noise.uniform([batch], 0, cfg.info_categories, dtype=tf.int32)
    return codes, state.noise.uniform([batch, cfg.info_continuous], -1.0, 1.0)


def with_labels(x, labels):
    """A network's input: ``x`` alone, or ``[x, labels]`` for a conditional network."""
    return x if labels is None else [x, labels]


def generator_input(noise, fake_labels, fake_codes):
    """G's input: the noise, with the labels of a conditional G or the codes of an InfoGAN's."""
    if fake_codes is not None:
        return [noise, *fake_codes]
    return with_labels(noise, fake_labels)


def split_q(outputs):
    """D's logits (batch, 1) and, from an InfoGAN's discriminator, Q's outputs (category logits,
    means, log-stds); Q's part is None for any other discriminator."""
    if isinstance(outputs, (list, tuple)):
        return outputs[0], tuple(outputs[1:])
    return outputs, None


def information_terms(cfg: DCGANConfig, fake_codes, q_outputs) -> dict | None:
    """InfoGAN's information loss on the fakes (:func:`ganlib.losses.information_loss`): how badly
    Q reads back the codes the fakes were drawn with. ``info_loss`` = lambda (cat_nll +
    w * cont_nll) with lambda = ``cfg.info_weight`` and w = ``cfg.info_continuous_weight``, and its
    two parts unweighted, for losses.csv. None when the run is not an InfoGAN."""
    if fake_codes is None:
        return None
    codes, continuous = fake_codes
    category_logits, mean, log_std = q_outputs
    total, category_nll, continuous_nll = information_loss(
        codes, category_logits, continuous if cfg.info_continuous else None, mean, log_std,
        category_weight=cfg.info_weight, continuous_weight=cfg.info_weight * cfg.info_continuous_weight)
    return {"info_loss": total, "info_category": category_nll, "info_continuous": continuous_nll}


def sum_of(*terms):
    """The sum of the terms that are not None (an objective and its optional penalties)."""
    present = [t for t in terms if t is not None]
    return present[0] if len(present) == 1 else tf.add_n(present)


def score_real(discriminator, images, labels, r1_gamma: float):
    """D's logits (batch, 1) on the real batch, and the R1 penalty on its slope there.

    The penalty (:func:`ganlib.losses.r1_penalty`) is None when ``r1_gamma`` is 0. It
    needs grad_x D(x) at the real images, so this function watches them with a tape
    of its own. One D pass gives both the logits and that gradient: a second pass
    would draw new dropout masks. Called inside D's tape, D's update then also follows
    the gradient of this gradient (second order).
    """
    with tf.GradientTape(watch_accessed_variables=False) as input_tape:
        input_tape.watch(images)
        # an InfoGAN's D also returns Q's reading of the real image, which no loss uses
        logits, _ = split_q(discriminator(with_labels(images, labels), training=True))
    if r1_gamma == 0:
        return logits, None
    # the gradient of the logits (batch, 1) is that of their sum: row i is grad D(x_i)
    return logits, r1_penalty(input_tape.gradient(logits, images), r1_gamma)


def update_weight_average(average, model, decay: float, step) -> None:
    """Move each weight of ``average`` towards ``model``'s: a <- d a + (1 - d) w (the EMA generator).

    Warm-up: the decay is min(decay, (1 + step) / (10 + step)), so an average over the
    first steps does not reach back before step 0, where the weights are random (the
    num_updates rule of tf.train.ExponentialMovingAverage).
    """
    step = tf.cast(step, tf.float32)
    decay = tf.minimum(decay, (1.0 + step) / (10.0 + step))
    for a, w in zip(average.weights, model.weights):
        a.assign(decay * a + (1.0 - decay) * w)


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


def draw_sample_grid(cfg: DCGANConfig, generator) -> tuple[np.ndarray, int | None]:
    """The per-epoch grid's images and its number of columns (None: square): the same points
    every epoch. A conditional run has a column per digit, an InfoGAN a row per category
    (:func:`ganlib.infogan.grid_codes`)."""
    if cfg.infogan:
        from . import infogan

        return infogan.generate(generator, *infogan.grid_codes(cfg)), infogan.grid_columns(cfg)
    columns = min(cfg.num_classes, cfg.sample_grid_size) if cfg.conditional else None
    return generate_images(generator, fixed_latent(cfg), fixed_labels(cfg)), columns


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
    strategy=None,
) -> TrainResult:
    """Train a DCGAN on ``images`` and write everything into ``out_dir``.

    Parameters
    ----------
    cfg : DCGANConfig
    images : float32 array of shape (n, 28, 28, 1) in [-1, 1] (from ``load_mnist``)
    out_dir : folder for the run, created if needed (:mod:`ganlib.runfolder` lists its
        files): ``config.json``, ``checkpoints/``, ``losses.csv`` (one row per step),
        ``samples/epoch_NNN.png`` (the same latent points every epoch), ``training.gif``
        and the final ``generator.weights.h5`` / ``discriminator.weights.h5``.
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
    strategy : None (default) trains on one device. A ``tf.distribute.Strategy``, e.g.
        ``tf.distribute.MirroredStrategy()`` for every GPU of one machine, trains
        data-parallel: each step splits the global batch of ``cfg.batch_size`` images, which
        must divide by the number of replicas, evenly over them. A checkpoint restores under
        any strategy, so a run may resume with another one (or none).

    Interrupting (Ctrl-C, or SIGTERM when run from the command line) saves a
    checkpoint and the losses so far before the interruption propagates.
    """
    out = Path(out_dir)
    total_epochs = cfg.epochs if epochs is None else epochs
    labels = _checked_arguments(cfg, images, labels, total_epochs, max_steps, strategy)
    _prepare_run_dir(out, cfg, resume)
    state = build_gan(cfg, strategy)
    log = _RunLog(out, state)
    if resume:
        log.restore(verbose)
    train_step = make_train_step(state)
    steps_per_epoch = len(images) // cfg.batch_size
    result = TrainResult(out_dir=out, state=state)
    start = time.perf_counter()
    try:
        for epoch in range(int(state.epoch), total_epochs):
            if log.reached(max_steps):
                break
            epoch_start = time.perf_counter()
            complete = _train_epoch(train_step, state, images, labels, epoch, steps_per_epoch, log,
                                    max_steps, verbose, total_epochs)
            if complete:
                end_of_epoch(state, log, epoch + 1, quality, quality_every)
                result.epochs_run.append(epoch + 1)
            else:  # max_steps reached inside the epoch
                result.stopped_early = True
                log.save()
            if verbose == 2:
                print(f"epoch {epoch + 1}/{total_epochs}: step {int(state.step)}, "
                      f"{time.perf_counter() - epoch_start:.1f} s, {log.last_losses()}", flush=True)
            if not complete:
                break
        log.save()
    except KeyboardInterrupt:
        log.save()
        print(f"\ninterrupted at step {int(state.step)}; checkpoint saved. "
              f"Continue with resume=True (command line: --resume).")
        raise
    result.gif = _save_final_model(state, out)
    result.steps = int(state.step)
    result.seconds = time.perf_counter() - start
    return result


def _train_epoch(train_step, state: GANState, images, labels, epoch: int, steps_per_epoch: int,
                 log: "_RunLog", max_steps: int | None, verbose: int, total_epochs: int) -> bool:
    """Run the batches of one epoch (0-based ``epoch``) that are not done yet; True if it completed.

    A run stopped inside this epoch skips the batches it already trained on: the
    epoch's order is fixed by the seed, so the resumed run equals an uninterrupted one.
    """
    import keras

    if verbose == 1:
        print(f"Epoch {epoch + 1}/{total_epochs}")
    bar = keras.utils.Progbar(steps_per_epoch, verbose=1 if verbose == 1 else 0,
                              stateful_metrics=list(history_columns(state.cfg)[2:]))
    done = int(state.step) - epoch * steps_per_epoch
    if not 0 < done < steps_per_epoch:
        done = 0
    bar.update(done)
    for batch in make_dataset(images, state.cfg, epoch, labels).skip(done):
        # a conditional run's batches are (images, labels) pairs
        values = {k: float(v) for k, v in
                  (train_step(*batch) if labels is not None else train_step(batch)).items()}
        log.record(epoch + 1, values)
        bar.add(1, values=list(values.items()))
        done += 1
        if log.reached(max_steps):
            break
    return done == steps_per_epoch


def end_of_epoch(state: GANState, log: "_RunLog", epoch: int, quality=None, quality_every: int = 1) -> None:
    """What happens after a complete epoch (1-based ``epoch``): count it, draw the sample grid
    (a frame of training.gif), measure quality every ``quality_every`` epochs, write the
    losses, and save a checkpoint every ``cfg.checkpoint_every`` epochs."""
    cfg = state.cfg
    state.epoch.assign(epoch)
    images, columns = draw_sample_grid(cfg, state.sampler)
    save_grid(images, log.out / SAMPLES_SUBDIR / sample_grid_name(epoch), ncols=columns)
    if quality is not None and epoch % quality_every == 0:
        measured = quality(state.sampler)
        append_rows(log.out / QUALITY_FILE, ["step", "epoch", *measured],
                    [(int(state.step), epoch, *measured.values())])
    if epoch % cfg.checkpoint_every == 0:
        log.save()
    else:
        log.write_losses()


class _RunLog:
    """The losses of a run not yet written to losses.csv, and its checkpoints."""

    def __init__(self, out: Path, state: GANState):
        self.out, self.state = out, state
        with strategy_scope(state.strategy):
            self.checkpoint = state.checkpoint()
        self.manager = tf.train.CheckpointManager(self.checkpoint, str(out / CHECKPOINT_SUBDIR), max_to_keep=2)
        self.columns = history_columns(state.cfg)
        self.rows: list[tuple] = []
        self.last: dict[str, float] = {}
        self.saved_step = -1

    def restore(self, verbose: int) -> None:
        """Continue from the newest checkpoint; drop table rows written after it."""
        restored = ckpt.restore_checkpoint(self.checkpoint, self.out)
        step = int(self.state.step)
        truncate_rows(self.out / HISTORY_FILE, step)
        truncate_rows(self.out / QUALITY_FILE, step)
        self.saved_step = step
        if verbose:
            print(f"resumed from {Path(restored).name}: {int(self.state.epoch)} epochs, {step} steps done")

    def reached(self, max_steps: int | None) -> bool:
        return max_steps is not None and int(self.state.step) >= max_steps

    def record(self, epoch: int, values: dict[str, float]) -> None:
        self.rows.append((int(self.state.step), epoch, *(values[k] for k in self.columns[2:])))
        self.last = values

    def last_losses(self) -> str:
        """The newest step's losses, for the one-line-per-epoch report."""
        return f"gen_loss {self.last['gen_loss']:.3f}, disc_loss {self.last['disc_loss']:.3f}"

    def write_losses(self) -> None:
        append_rows(self.out / HISTORY_FILE, self.columns, self.rows)
        self.rows = []

    def save(self) -> None:
        """Write the losses and, unless this step is saved already, a checkpoint."""
        self.write_losses()
        step = int(self.state.step)
        if step != self.saved_step:
            self.manager.save(checkpoint_number=step)
            self.saved_step = step


def _checked_arguments(cfg: DCGANConfig, images, labels, total_epochs: int, max_steps: int | None,
                       strategy=None):
    """Refuse arguments :func:`train` cannot use; return the labels checked (or None)."""
    if total_epochs <= 0:
        raise ValueError(f"epochs must be positive, got {total_epochs}")
    if max_steps is not None and max_steps <= 0:
        raise ValueError(f"max_steps must be positive, got {max_steps}")
    replicas = 1 if strategy is None else strategy.num_replicas_in_sync
    if cfg.batch_size % replicas:
        fits = -(-cfg.batch_size // replicas) * replicas  # the next multiple up
        raise ValueError(f"batch_size {cfg.batch_size} does not split evenly over {replicas} replicas: choose "
                         f"a multiple of {replicas}, e.g. dataclasses.replace(cfg, batch_size={fits}) "
                         f"(command line: --set batch_size={fits})")
    if cfg.conditional and labels is None:
        raise ValueError("a conditional GAN (cfg.conditional) learns from labelled digits: pass the images' "
                         "labels, train(cfg, images, out, labels=labels), with labels from load_mnist")
    if not cfg.conditional and labels is not None:
        raise ValueError("labels are only used by a conditional GAN: leave them out, or train with "
                         "dataclasses.replace(cfg, conditional=True)")
    return None if labels is None else check_labels(labels, len(images), cfg.num_classes, of="images")


def _save_final_model(state: GANState, out: Path) -> Path | None:
    """Write the final weights, training.gif and its frames' epochs; return the GIF's path
    (None without sample grids)."""
    state.sampler.save_weights(str(out / GENERATOR_WEIGHTS))
    state.discriminator.save_weights(str(out / DISCRIMINATOR_WEIGHTS))
    frames = sample_grids(out)
    if not frames:
        return None
    write_gif_epochs(out, frames)
    return save_gif(frames, out / GIF_FILE)


def _prepare_run_dir(out: Path, cfg: DCGANConfig, resume: bool) -> None:
    if resume:
        saved = ckpt.load_config(out)
        # the epochs to train to and the arithmetic may change; the model and the recipe may not
        differing = [k for k, v in cfg.to_dict().items()
                     if k not in ("epochs", "precision") and saved.to_dict()[k] != v]
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
    cfg.save(out / CONFIG_FILE)


def raise_keyboard_interrupt_on_sigterm() -> None:
    """Let ``kill`` (SIGTERM) stop training like Ctrl-C does, so a checkpoint is saved."""
    def handler(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, handler)
