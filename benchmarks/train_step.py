"""Training images per second: ganlib's train step beside the lecture's, same process setup.

    python benchmarks/train_step.py            # batch 256, the lecture's network (minutes)
    python benchmarks/train_step.py --quick    # batch 32, to check the script (< 1 minute)

Each variant runs in a fresh Python, because TensorFlow reads TF_ENABLE_ONEDNN_OPTS only
when it is imported. Variants, all on the lecture's network (7x7x256 first feature map):

- ``lecture``: benchmarks/lecture_reference.py, the lecture's step with TensorFlow's own
  default for oneDNN (on for Intel CPUs, off for AMD ones). The baseline.
- ``lecture, oneDNN off`` / ``lecture, oneDNN on``: the same step with the variable set.
- ``ganlib``: ``ganlib.make_train_step`` with the ``lecture`` preset, oneDNN on, as the
  command line and the notebooks start TensorFlow (``quiet_tensorflow(onednn=True)``).
- ``ganlib, one D call``: the same, but D scores the concatenated real and fake batch in
  one call. D has no BatchNorm, and Dropout draws an independent mask per image, so
  this computes the same function as two calls.
- ``ganlib, stride-1 ConvT as Conv2D``: the generator's 7x7 stride-1 transposed
  convolution replaced by the plain 'same' convolution that equals it (kernel flipped
  and its in/out channels swapped).
- ``ganlib, mixed_bfloat16`` / ``ganlib, mixed_float16``: ``DCGANConfig.precision`` set
  to the Keras mixed policy (layers compute in 16 bits; weights, logits and losses stay
  float32; float16 with loss scaling).
- ``fast preset, float32`` / ``fast preset, mixed_bfloat16``: the ``fast`` preset's
  half-width generator, in each precision, at the same batch (its FLOPs are counted for
  its own network).

The GFLOP/s of a 16-bit variant is set against the CPU's peak for that arithmetic: an
AVX-512 BF16 dot product (VDPBF16PS) does twice the FP32 FMA's work per lane, AMX far
more; float16 has no native CPU path, so it is set against the FP32 peak.

Reported: the median seconds per step over the repeats, images per second, the ratio
to the baseline, and the GFLOP/s achieved against the CPU's peak (FLOPs counted from
the layer shapes; a backward pass counted as twice its forward pass).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # _common and lecture_reference sit beside this script

VARIANTS = {
    "lecture": {},
    "lecture, oneDNN off": {"TF_ENABLE_ONEDNN_OPTS": "0"},
    "lecture, oneDNN on": {"TF_ENABLE_ONEDNN_OPTS": "1"},
    "ganlib": {"TF_ENABLE_ONEDNN_OPTS": "1"},
    "ganlib, one D call": {"TF_ENABLE_ONEDNN_OPTS": "1"},
    "ganlib, stride-1 ConvT as Conv2D": {"TF_ENABLE_ONEDNN_OPTS": "1"},
    "ganlib, mixed_bfloat16": {"TF_ENABLE_ONEDNN_OPTS": "1"},
    "ganlib, mixed_float16": {"TF_ENABLE_ONEDNN_OPTS": "1"},
    "fast preset, float32": {"TF_ENABLE_ONEDNN_OPTS": "1"},
    "fast preset, mixed_bfloat16": {"TF_ENABLE_ONEDNN_OPTS": "1"},
}
BASELINE = "lecture"


def one_call_step(state):
    """ganlib's step with a single discriminator call on real and fake images together."""
    import tensorflow as tf

    from ganlib.losses import GENERATOR_LOSSES, minimax_discriminator_loss

    cfg, generator, discriminator = state.cfg, state.generator, state.discriminator
    gen_loss_fn = GENERATOR_LOSSES[cfg.generator_loss]

    @tf.function
    def train_step(images):
        n = tf.shape(images)[0]
        noise = state.noise.normal([n, cfg.latent_dim])
        with tf.GradientTape() as gen_tape, tf.GradientTape() as disc_tape:
            fakes = generator(noise, training=True)
            logits = discriminator(tf.concat([images, fakes], axis=0), training=True)
            real_logits, fake_logits = logits[:n], logits[n:]
            gen_loss = gen_loss_fn(fake_logits)
            disc_loss = minimax_discriminator_loss(real_logits, fake_logits, cfg.label_smoothing)
        gen_grads = gen_tape.gradient(gen_loss, generator.trainable_variables)
        disc_grads = disc_tape.gradient(disc_loss, discriminator.trainable_variables)
        state.gen_optimizer.apply_gradients(zip(gen_grads, generator.trainable_variables))
        state.disc_optimizer.apply_gradients(zip(disc_grads, discriminator.trainable_variables))
        return {"gen_loss": gen_loss, "disc_loss": disc_loss}

    return train_step


def conv_instead_of_stride1_transpose(generator):
    """The same generator with its stride-1 Conv2DTranspose computed as a Conv2D.

    A stride-1 'same' transposed convolution with kernel K (h, w, out, in) equals a
    'same' convolution with K flipped in h and w and its last two axes swapped."""
    import keras
    import numpy as np

    layers = []
    for layer in generator.layers:
        if isinstance(layer, keras.layers.Conv2DTranspose) and tuple(layer.strides) == (1, 1):
            kernel = layer.get_weights()[0]
            conv = keras.layers.Conv2D(layer.filters, layer.kernel_size, padding="same", use_bias=False,
                                       name=layer.name + "_as_conv")
            conv.build((None, 7, 7, kernel.shape[-1]))
            conv.set_weights([np.transpose(kernel[::-1, ::-1], (0, 1, 3, 2))])
            layers.append(conv)
        else:
            layers.append(layer)
    return keras.Sequential([keras.Input(shape=generator.inputs[0].shape[1:]), *layers])


def worker(variant: str, batch: int, steps: int, repeats: int) -> dict:
    from ganlib.runtime import quiet_tensorflow

    tf = quiet_tensorflow()
    import numpy as np

    images = tf.constant(np.random.default_rng(0).uniform(-1, 1, (batch, 28, 28, 1)).astype("float32"))
    if variant.startswith("lecture"):
        import lecture_reference as ref

        tf.random.set_seed(0)
        step = ref.make_lecture_step(ref.generator_model(), ref.discriminator_model())
    else:
        from ganlib.config import get_preset
        from ganlib.training import build_gan, make_train_step

        import dataclasses

        preset = "fast" if variant.startswith("fast") else "lecture"
        precision = variant.split(", ")[-1] if variant.split(", ")[-1].startswith("mixed_") else "float32"
        state = build_gan(dataclasses.replace(get_preset(preset), precision=precision))
        if variant == "ganlib, stride-1 ConvT as Conv2D":
            import keras

            from ganlib.checkpoints import build_optimizer

            cfg = state.cfg
            state.generator = conv_instead_of_stride1_transpose(state.generator)
            state.gen_optimizer = keras.optimizers.Adam(cfg.gen_learning_rate, beta_1=cfg.beta_1,
                                                        beta_2=cfg.beta_2)
            build_optimizer(state.gen_optimizer, state.generator)
        step = one_call_step(state) if variant == "ganlib, one D call" else make_train_step(state)
    for _ in range(2):  # trace and warm up
        _ = [float(v) for v in tf.nest.flatten(step(images))]
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(steps):
            out = step(images)
        _ = [float(v) for v in tf.nest.flatten(out)]  # wait for the last step
        times.append((time.perf_counter() - start) / steps)
    return {"variant": variant, "seconds_per_step": times}


def step_flops(batch: int, filters: int = 256) -> float:
    """FLOPs of one train step of the lecture's network (``filters`` = 128 for ``fast``):
    3 x forward for G on ``batch`` latents and for D on 2 x ``batch`` images (a backward
    pass ~ 2 forward passes)."""
    latent = 100
    g_macs = (latent * 7 * 7 * filters            # Dense to 7x7xf
              + 7 * 7 * 25 * filters * 128        # ConvT 5x5 stride 1: 7x7 inputs
              + 7 * 7 * 25 * 128 * 64             # ConvT 5x5 stride 2: 7x7 inputs -> 14x14
              + 14 * 14 * 25 * 64 * 1)            # ConvT 5x5 stride 2: 14x14 inputs -> 28x28
    d_macs = (14 * 14 * 25 * 1 * 64               # Conv 5x5 stride 2 -> 14x14x64
              + 7 * 7 * 25 * 64 * 128             # Conv 5x5 stride 2 -> 7x7x128
              + 7 * 7 * 128)                      # Dense(1)
    return 2.0 * 3 * (g_macs * batch + d_macs * 2 * batch)


def peak_gflops(precision: str = "float32") -> tuple[float, str]:
    """Assumed peak for ``precision``: cores x clock x FLOPs per cycle (FP32: two FMA units,
    64 with AVX-512, 32 with AVX2; bfloat16: twice that with AVX-512 BF16, 1024 per cycle
    with AMX; the nominal clock from /proc/cpuinfo, no turbo). CPUs that run AVX-512 on
    256-bit units (AMD Zen 4) reach half the FP32 figure at most."""
    from _common import cpu_count

    flags, mhz = "", 0.0
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("flags") and not flags:
                flags = line
            if line.startswith("cpu MHz") and not mhz:
                mhz = float(line.split(":")[1])
    except OSError:
        pass
    per_cycle = 64 if "avx512f" in flags else 32 if "fma" in flags else 8
    unit = f"FP32 FLOP/cycle ({'AVX-512' if per_cycle == 64 else 'AVX2' if per_cycle == 32 else 'SSE'}, two FMA units)"
    if precision == "mixed_bfloat16" and "amx_bf16" in flags:
        per_cycle, unit = 1024, "BF16 FLOP/cycle (AMX)"
    elif precision == "mixed_bfloat16" and "avx512_bf16" in flags:
        per_cycle, unit = 2 * per_cycle, "BF16 FLOP/cycle (AVX-512 BF16 dot products)"
    cores = cpu_count()
    peak = cores * mhz / 1000 * per_cycle
    return peak, f"{cores} cores x {mhz / 1000:.2f} GHz x {per_cycle} {unit}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="batch 32, 3 steps per repeat")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--batch", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--steps", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    batch = args.batch or (32 if args.quick else 256)
    steps = args.steps or (3 if args.quick else 5)
    if args.worker:
        print(json.dumps(worker(args.worker, batch, steps, args.repeats)))
        return

    from _common import append_results, median, run_worker, spread

    results = {}
    for name, env in VARIANTS.items():
        out = run_worker(Path(__file__), ["--worker", name, "--batch", str(batch), "--steps", str(steps),
                                          "--repeats", str(args.repeats)], env)
        results[name] = json.loads(out.strip().splitlines()[-1])["seconds_per_step"]
        print(f"{name:<22} {median(results[name]):.3f} s/step", flush=True)

    base = median(results[BASELINE])
    rows = ["| variant | s/step (median) | repeats min-max | images/s | vs lecture | GFLOP/s | % of peak |",
            "|---|---|---|---|---|---|---|"]
    peaks = {}
    for name, times in results.items():
        m = median(times)
        flops = step_flops(batch, 128 if name.startswith("fast") else 256)
        precision = "mixed_bfloat16" if name.endswith("mixed_bfloat16") else "float32"
        peak, peaks[precision] = peak_gflops(precision)
        rows.append(f"| {name} | {m:.3f} | {spread(times)} | {batch / m:,.0f} | {base / m:.2f}x | "
                    f"{flops / m / 1e9:.1f} | {100 * flops / m / 1e9 / peak:.0f}% |")
    lines = [f"Batch {batch}, {steps} steps per repeat, {args.repeats} repeats; one step = "
             f"{step_flops(batch) / 1e9:.1f} GFLOP on the lecture's network, {step_flops(batch, 128) / 1e9:.1f} "
             "on fast's (layer shapes, backward = 2 x forward); assumed peaks: "
             + "; ".join(f"{k}: {peak_gflops(k)[0]:.0f} GFLOP/s = {v}" for k, v in peaks.items()) + ".", "", *rows]
    command = "python benchmarks/train_step.py" + (" --quick" if args.quick else "")
    print(append_results("train_step: training images per second", args.quick, command, lines))


if __name__ == "__main__":
    main()
