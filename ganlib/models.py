"""The lecture's DCGAN for 28x28 MNIST digits, built from a :class:`DCGANConfig`.

The generator maps a latent vector z of length ``cfg.latent_dim`` to an image in
[-1, 1]; the discriminator maps an image to one logit (no sigmoid: the losses work
on logits, which is numerically safer). Notebook 02 walks through both.

With ``cfg.conditional`` both networks also take the digit's label, an integer
array of shape (batch,): see :func:`make_conditional_generator`.
"""

from __future__ import annotations

import contextlib

import numpy as np

from .config import DCGANConfig



def image_shape(cfg: DCGANConfig) -> tuple[int, int, int]:
    """The images a run's networks make and judge: (image_size, image_size, 1), (28, 28, 1) for digits."""
    return (cfg.image_size, cfg.image_size, 1)


def _sizes(cfg: DCGANConfig) -> tuple[str, str, str]:
    """Names of the three feature-map sizes, e.g. ("7x7", "14x14", "28x28"): a quarter, half, full."""
    s = cfg.image_size
    return tuple(f"{n}x{n}" for n in (s // 4, s // 2, s))


def make_generator(cfg: DCGANConfig):
    """Build the generator: z (batch, latent_dim) -> images (batch, 28, 28, 1) in [-1, 1].

    With ``cfg.conditional`` this is :func:`make_conditional_generator`. Otherwise:
    Dense to a 7 x 7 x ``cfg.gen_filters`` feature map, then three 5x5 transposed
    convolutions (128 channels at 7x7, 64 at 14x14, 1 at 28x28) with BatchNorm and
    LeakyReLU between them and tanh at the end. The channel count of the first
    feature map is ``gen_filters``, never the batch size (erratum 4). Another
    ``cfg.image_size`` s scales the maps to s/4, s/2 and s (notebook 10's 16x16 spins).
    """
    if cfg.conditional:
        return make_conditional_generator(cfg)
    if cfg.infogan:
        return make_infogan_generator(cfg)
    import keras

    with precision_policy(cfg.precision):
        return keras.Sequential([keras.Input(shape=(cfg.latent_dim,), name="z"), *generator_layers(cfg)],
                                name="generator")


def generator_layers(cfg: DCGANConfig) -> list:
    """The generator's layers after its input, shared by the unconditional and the conditional one."""
    from keras import layers

    if cfg.architecture == "infogan":
        return infogan_generator_layers(cfg)
    if cfg.architecture == "compact":
        return compact_generator_layers(cfg)

    slope = cfg.leaky_relu_slope
    f = cfg.gen_filters
    q = cfg.image_size // 4
    quarter, half, full = _sizes(cfg)
    return [
        layers.Dense(q * q * f, use_bias=False, name="project"),
        layers.BatchNormalization(name="project_bn"),
        layers.LeakyReLU(negative_slope=slope, name="project_act"),
        layers.Reshape((q, q, f), name=f"to_{quarter}"),
        layers.Conv2DTranspose(128, 5, strides=1, padding="same", use_bias=False, name=f"up_{quarter}"),
        layers.BatchNormalization(name=f"up_{quarter}_bn"),
        layers.LeakyReLU(negative_slope=slope, name=f"up_{quarter}_act"),
        layers.Conv2DTranspose(64, 5, strides=2, padding="same", use_bias=False, name=f"up_{half}"),
        layers.BatchNormalization(name=f"up_{half}_bn"),
        layers.LeakyReLU(negative_slope=slope, name=f"up_{half}_act"),
        layers.Conv2DTranspose(1, 5, strides=2, padding="same", use_bias=False,
                               activation="tanh", name=f"up_{full}"),
    ]


def synchronize_batch_norm(model) -> None:
    """Let every BatchNormalization layer of ``model`` take its batch statistics over the global
    batch of all replicas of a tf.distribute strategy (Keras' ``synchronized=True``).

    Without it each replica normalises its own slice of the batch, so N replicas would train
    another network than one device does on the same global batch. The flag is read each time
    the layer is called and adds no variables, so a checkpoint is the same with or without it.
    It is not the default because its variance, E[x^2] - E[x]^2, rounds differently from the
    plain layer's, which would change every single-device run in its last bits.
    """
    from keras import layers

    for layer in model.layers:
        if isinstance(layer, layers.BatchNormalization):
            layer.synchronized = True


def make_discriminator(cfg: DCGANConfig):
    """Build the discriminator: images (batch, 28, 28, 1) -> logits (batch, 1).

    With ``cfg.conditional`` this is :func:`make_conditional_discriminator`. Otherwise:
    two strided 5x5 convolutions (64 and 128 channels), each followed by LeakyReLU
    and Dropout, then one Dense unit. The output is a logit: D(x) = sigmoid(logit).
    """
    if cfg.conditional:
        return make_conditional_discriminator(cfg)
    if cfg.infogan:
        return make_infogan_discriminator(cfg)
    import keras

    with precision_policy(cfg.precision):
        return keras.Sequential([keras.Input(shape=image_shape(cfg), name="image"), *discriminator_layers(cfg)],
                                name="discriminator")


@contextlib.contextmanager
def precision_policy(precision: str):
    """Build layers under the Keras dtype policy ``precision`` ("float32", "mixed_bfloat16", ...).

    Keras layers take the global policy when they are created; this sets it for the
    networks being built and puts the previous one back, so nothing else changes.
    """
    import keras

    before = keras.config.dtype_policy()
    keras.config.set_dtype_policy(precision)
    try:
        yield
    finally:
        keras.config.set_dtype_policy(before)


def discriminator_layers(cfg: DCGANConfig) -> list:
    """The discriminator's layers after its input, shared by the unconditional and the conditional one."""
    from keras import layers

    if cfg.architecture in ("infogan", "compact"):
        return infogan_discriminator_layers(cfg)

    slope = cfg.leaky_relu_slope
    quarter, half, _ = _sizes(cfg)
    return [
        layers.Conv2D(64, 5, strides=2, padding="same", name=f"down_{half}"),
        layers.LeakyReLU(negative_slope=slope, name=f"down_{half}_act"),
        layers.Dropout(cfg.dropout, name=f"down_{half}_drop"),
        layers.Conv2D(128, 5, strides=2, padding="same", name=f"down_{quarter}"),
        layers.LeakyReLU(negative_slope=slope, name=f"down_{quarter}_act"),
        layers.Dropout(cfg.dropout, name=f"down_{quarter}_drop"),
        layers.Flatten(name="flatten"),
        layers.Dense(1, dtype="float32", name="logit"),  # float32 logits under mixed precision too
    ]


def paper_init():
    """Kernel initializer of the DCGAN and InfoGAN papers: normal with mean 0 and std 0.02.

    The BatchNorm networks of the ``infogan`` and ``compact`` architectures need it. Trained
    with Keras' default (Glorot uniform), D won at once and G drew one blank image for
    2,000 steps (``compact``) or for good (``infogan``: D's loss 0.005 at step 2,000); with
    this start both drew digits after 500 steps (issue 16's trials, embedded digits, seed 0).
    """
    import keras

    return keras.initializers.RandomNormal(mean=0.0, stddev=0.02)


def infogan_generator_layers(cfg: DCGANConfig, hidden: int = 1024) -> list:
    """G of the InfoGAN paper's MNIST experiment (Chen et al. 2016), after its input.

    Two Dense layers (``hidden`` units, 1024 in the paper, then a (s/4) x (s/4) x 128 map), each
    with BatchNorm and ReLU, then two 4x4 stride-2 transposed convolutions: to 64 channels with
    BatchNorm and ReLU, and to the one-channel image with tanh. Most of its weights sit in the
    second Dense layer; the lecture's G keeps them in wide 5x5 convolutions instead.
    """
    from keras import layers

    q = cfg.image_size // 4
    quarter, half, full = _sizes(cfg)
    return [
        layers.Dense(hidden, use_bias=False, kernel_initializer=paper_init(), name=f"fc_{hidden}"),
        layers.BatchNormalization(name=f"fc_{hidden}_bn"),
        layers.ReLU(name=f"fc_{hidden}_act"),
        layers.Dense(q * q * 128, use_bias=False, kernel_initializer=paper_init(), name="project"),
        layers.BatchNormalization(name="project_bn"),
        layers.ReLU(name="project_act"),
        layers.Reshape((q, q, 128), name=f"to_{quarter}"),
        layers.Conv2DTranspose(64, 4, strides=2, padding="same", use_bias=False,
                               kernel_initializer=paper_init(), name=f"up_{half}"),
        layers.BatchNormalization(name=f"up_{half}_bn"),
        layers.ReLU(name=f"up_{half}_act"),
        layers.Conv2DTranspose(1, 4, strides=2, padding="same", activation="tanh",
                               kernel_initializer=paper_init(), name=f"up_{full}"),
    ]


def compact_generator_layers(cfg: DCGANConfig) -> list:
    """G of the ``compact`` architecture, after its input: the InfoGAN paper's G with its first
    Dense layer 128 units wide instead of 1,024 (:func:`infogan_generator_layers`).

    It pairs with the paper's D. The narrow first layer cuts the paper G's 6.7 M weights to
    0.97 M at latent_dim 100 (3.9 MB in float32, small enough to ship), and in the trials it
    drew digits as good as the paper G's (score 8.6 against 8.4 after 1,500 steps, seed 0).
    Without that hidden layer (one Dense straight to the map) G lagged: 7.8.
    """
    return infogan_generator_layers(cfg, hidden=128)


def infogan_discriminator_layers(cfg: DCGANConfig) -> list:
    """D of the InfoGAN paper's MNIST experiment (Chen et al. 2016), after its input.

    A 4x4 stride-2 convolution to 64 channels with LeakyReLU, one to 128 channels with
    BatchNorm and LeakyReLU, a Dense layer of 1024 units with BatchNorm and LeakyReLU, and
    the logit. The Dense layer gives it about 30 times the lecture D's parameters: the trials
    behind issue 16 found that this capacity, not the learning rates, let G draw clear digits.
    """
    from keras import layers

    slope = cfg.leaky_relu_slope
    quarter, half, _ = _sizes(cfg)
    return [
        layers.Conv2D(64, 4, strides=2, padding="same", kernel_initializer=paper_init(), name=f"down_{half}"),
        layers.LeakyReLU(negative_slope=slope, name=f"down_{half}_act"),
        layers.Conv2D(128, 4, strides=2, padding="same", use_bias=False,
                      kernel_initializer=paper_init(), name=f"down_{quarter}"),
        layers.BatchNormalization(name=f"down_{quarter}_bn"),
        layers.LeakyReLU(negative_slope=slope, name=f"down_{quarter}_act"),
        layers.Flatten(name="flatten"),
        layers.Dense(1024, use_bias=False, kernel_initializer=paper_init(), name="fc_1024"),
        layers.BatchNormalization(name="fc_1024_bn"),
        layers.LeakyReLU(negative_slope=slope, name="fc_1024_act"),
        layers.Dense(1, dtype="float32",
                     kernel_initializer=paper_init(), name="logit"),  # float32 logits under mixed precision too
    ]


def _one_hot_label(cfg: DCGANConfig):
    """The label input (batch,) of int32 and its one-hot code (batch, num_classes)."""
    import keras
    from keras import layers

    label = keras.Input(shape=(), dtype="int32", name="label")
    return label, layers.CategoryEncoding(cfg.num_classes, output_mode="one_hot", name="label_onehot")(label)


def make_conditional_generator(cfg: DCGANConfig):
    """Build a conditional generator: [z (batch, latent_dim), label (batch,) int] ->
    images (batch, 28, 28, 1) in [-1, 1].

    The label, a digit in 0 .. num_classes - 1, is one-hot coded and appended to z;
    everything after that is the unconditional generator's layers (same names), so
    only the Dense layer grows, by num_classes x 7 x 7 x gen_filters weights. Why
    this way: it is the simplest form of Mirza and Osindero's conditional GAN (2014),
    a one-hot code has no parameters to learn (an Embedding would), and a student
    can compare the two architectures layer by layer. Out-of-range labels would
    silently give an all-zero code; :func:`generate_images` rejects them.
    """
    import keras
    from keras import layers

    with precision_policy(cfg.precision):
        z = keras.Input(shape=(cfg.latent_dim,), name="z")
        label, one_hot = _one_hot_label(cfg)
        x = layers.Concatenate(name="z_and_label")([z, one_hot])
        for layer in generator_layers(cfg):
            x = layer(x)
        return keras.Model([z, label], x, name="generator")


def make_conditional_discriminator(cfg: DCGANConfig):
    """Build a conditional discriminator: [images (batch, 28, 28, 1), label (batch,) int]
    -> logits (batch, 1).

    The one-hot label is broadcast to a 28 x 28 x num_classes map and stacked onto
    the image's channel, as in Keras' own conditional GAN example; the rest is the
    unconditional discriminator's layers (same names). Why this way: the first
    convolution sees the label at every pixel, so D can judge "is this a real 3?"
    from the start, at the cost of only 25 x 64 x num_classes weights more, and the
    architecture is otherwise unchanged.
    """
    import keras
    from keras import layers

    with precision_policy(cfg.precision):
        image = keras.Input(shape=image_shape(cfg), name="image")
        label, one_hot = _one_hot_label(cfg)
        label_map = layers.Reshape((1, 1, cfg.num_classes), name="label_1x1")(one_hot)
        label_map = layers.UpSampling2D(image_shape(cfg)[:2], name=f"label_{_sizes(cfg)[2]}")(label_map)
        x = layers.Concatenate(name="image_and_label")([image, label_map])
        for layer in discriminator_layers(cfg):
            x = layer(x)
        return keras.Model([image, label], x, name="discriminator")


def make_infogan_generator(cfg: DCGANConfig):
    """Build an InfoGAN generator: [z (batch, latent_dim), code (batch,) int, continuous (batch, k)]
    -> images (batch, 28, 28, 1) in [-1, 1].

    The category code, 0 .. info_categories - 1, is one-hot coded and appended to z with the
    continuous codes; after that come the plain generator's layers (same names). It is built
    like the conditional generator, whose label it replaces: the difference is in training,
    where nobody tells G what a code means (:mod:`ganlib.infogan`). With ``info_continuous`` 0
    the continuous input has width 0.
    """
    import keras
    from keras import layers

    with precision_policy(cfg.precision):
        z = keras.Input(shape=(cfg.latent_dim,), name="z")
        code = keras.Input(shape=(), dtype="int32", name="code")
        continuous = keras.Input(shape=(cfg.info_continuous,), name="continuous")
        one_hot = layers.CategoryEncoding(cfg.info_categories, output_mode="one_hot", name="code_onehot")(code)
        x = layers.Concatenate(name="z_and_codes")([z, one_hot, continuous])
        for layer in generator_layers(cfg):
            x = layer(x)
        return keras.Model([z, code, continuous], x, name="generator")


def make_infogan_discriminator(cfg: DCGANConfig):
    """Build an InfoGAN discriminator with its Q head: images (batch, 28, 28, 1) ->
    [logits (batch, 1), category logits (batch, K), means (batch, k), log-stds (batch, k)].

    D's body is the ``infogan``/``compact`` discriminator's (same layer names, up to its
    ``fc_1024`` features). From those features the logit is D's verdict, and the Q head, Dense
    128 with BatchNorm and LeakyReLU, reads back the code G drew the image with: logits over
    the K categories and a Gaussian (mean, log standard deviation) for each continuous code.
    Q shares D's body, as in the paper, so it costs one small head, and D and Q are one Keras
    model: one set of weights, one optimizer, one checkpoint.
    """
    import keras
    from keras import layers

    with precision_policy(cfg.precision):
        image = keras.Input(shape=image_shape(cfg), name="image")
        x = image
        body = discriminator_layers(cfg)
        for layer in body[:-1]:  # everything up to the logit
            x = layer(x)
        logit = body[-1](x)
        q = layers.Dense(128, use_bias=False, kernel_initializer=paper_init(), name="q_fc_128")(x)
        q = layers.BatchNormalization(name="q_fc_128_bn")(q)
        q = layers.LeakyReLU(negative_slope=cfg.leaky_relu_slope, name="q_fc_128_act")(q)
        # float32 outputs under mixed precision too, like the logit: the losses read them
        heads = [layers.Dense(n, dtype="float32", kernel_initializer=paper_init(), name=name)(q)
                 for n, name in ((cfg.info_categories, "q_category"), (cfg.info_continuous, "q_mean"),
                                 (cfg.info_continuous, "q_log_std"))]
        return keras.Model(image, [logit, *heads], name="discriminator")


def is_infogan(model) -> bool:
    """Whether ``model`` is an InfoGAN generator (inputs z, code, continuous) or discriminator (with Q)."""
    return any(layer.name in ("code_onehot", "q_category") for layer in model.layers)


def info_codes_of(generator) -> tuple[int, int] | None:
    """(categories K, continuous codes k) of an InfoGAN generator, or None for any other one."""
    if not is_infogan(generator):
        return None
    return int(generator.get_layer("code_onehot").num_tokens), int(generator.inputs[2].shape[-1])


def latent_dim_of(generator) -> int:
    """The latent vector length a generator expects."""
    return int(generator.inputs[0].shape[-1])


def num_classes_of(generator) -> int | None:
    """The number of labels a conditional generator takes, or None for an unconditional one."""
    if not any(layer.name == "label_onehot" for layer in generator.layers):
        return None  # unconditional, or an InfoGAN, whose codes are not labels (info_codes_of)
    return int(generator.get_layer("label_onehot").num_tokens)


def cycling_labels(n: int, num_classes: int = 10) -> np.ndarray:
    """Labels 0, 1, ..., num_classes - 1, 0, 1, ...: int32 array of shape (n,).

    In a grid of ``num_classes`` columns every column is then one digit.
    """
    return (np.arange(n) % num_classes).astype(np.int32)


def check_labels(labels, n: int, num_classes: int, of: str = "z") -> np.ndarray:
    """Return ``labels`` as int32 (n,), or raise ValueError saying what is wrong and how to fix it.

    ``of`` names what the labels must match in length (``"z"``, ``"images"``).
    """
    arr = np.asarray(labels)
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.ndim != 1 or (arr.size and not np.issubdtype(arr.dtype, np.integer)):
        raise ValueError(f"labels must be a 1-D array of integer digits, got shape {arr.shape} and dtype "
                         f"{arr.dtype}; e.g. np.full(n, 3) for n threes")
    if len(arr) != n:
        raise ValueError(f"{len(arr)} labels for {n} {of}: give one label per row of {of}, "
                         f"e.g. np.full({n}, digit)")
    bad = arr[(arr < 0) | (arr >= num_classes)]
    if bad.size:
        raise ValueError(f"label {int(bad[0])} is not a digit this model knows: labels must lie in "
                         f"0-{num_classes - 1}")
    return arr.astype(np.int32)


def generate_images(generator, z, labels=None, batch_size: int = 500) -> np.ndarray:
    """Run a generator in inference mode on latent vectors (and labels, if conditional).

    Parameters
    ----------
    generator : keras.Model from :func:`make_generator`
    z : array of shape (n, latent_dim), any float dtype (cast to float32)
    labels : int array of shape (n,) with digits in 0 .. num_classes - 1; required
        for a conditional generator (:func:`make_conditional_generator`), not
        accepted by an unconditional one
    batch_size : int
        Images generated per call; the result does not depend on it, because
        ``training=False`` makes BatchNorm use its moving statistics.

    Returns
    -------
    float32 array of shape (n, 28, 28, 1) in [-1, 1]
    """
    z = np.asarray(z, dtype=np.float32)
    expected = latent_dim_of(generator)
    if z.ndim != 2 or z.shape[1] != expected:
        raise ValueError(
            f"latent vectors must have shape (n, {expected}) for this generator, got {z.shape}; "
            f"draw them with ganlib.sample_latent(n, {expected})"
        )
    if is_infogan(generator):
        raise ValueError("this is an InfoGAN generator, which also takes codes: use "
                         "ganlib.infogan.generate(generator, z, codes, continuous)")
    num_classes = num_classes_of(generator)
    if num_classes is None and labels is not None:
        raise ValueError("labels were given to an unconditional generator, which cannot take them; "
                         "leave labels out, or train with DCGANConfig(conditional=True)")
    if num_classes is not None:
        if labels is None:
            raise ValueError(f"this generator is conditional: pass labels, one digit in 0-{num_classes - 1} "
                             f"per latent vector, e.g. generate_images(generator, z, np.full(len(z), 3))")
        labels = check_labels(labels, len(z), num_classes)
    if len(z) == 0:
        return np.zeros((0, *generator.outputs[0].shape[1:]), np.float32)

    def inputs(i):
        return z[i:i + batch_size] if labels is None else [z[i:i + batch_size], labels[i:i + batch_size]]

    parts = [np.asarray(generator(inputs(i), training=False)) for i in range(0, len(z), batch_size)]
    return np.concatenate(parts).astype(np.float32)


def layer_table(model) -> str:
    """A plain-text table of a model: its inputs, then each layer's name, kind, output
    shape (None is the batch dimension) and parameter count, then the total.

    Keras' ``model.summary()`` draws box characters whose layout changes between
    versions; this table stays the same, so notebooks can check it with nbval.
    """
    lines = [f"{'layer':<16}{'kind':<21}{'output shape':<21}{'parameters':>11}"]
    for tensor in model.inputs:
        lines.append(f"{tensor.name:<16}{'(input)':<21}{str(tensor.shape):<21}{0:>11,}")
    for layer in model.layers:
        if type(layer).__name__ == "InputLayer":  # a functional model lists its inputs as layers too
            continue
        lines.append(f"{layer.name:<16}{type(layer).__name__:<21}{str(layer.output.shape):<21}"
                     f"{layer.count_params():>11,}")
    lines.append(f"{'total':<58}{model.count_params():>11,}")
    return "\n".join(lines)
