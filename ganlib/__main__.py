"""Command line: ``python -m ganlib train ...``, ``sample``, ``evaluate``, ``student-edition``, ``book`` ...

Arguments are checked before TensorFlow starts; a bad one gets a one-line error
and exit code 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import runfolder
from .config import PRESETS, STRATEGIES
from .runtime import quiet_tensorflow


EPILOG = """\
examples:
  python -m ganlib train --preset fast --epochs 5 --out runs/fast
  python -m ganlib train --preset fast --epochs 10 --out runs/fast --resume
  python -m ganlib sample --n 16 --seed 0 --out digits.png --from runs/fast
  python -m ganlib sample --digit 7 --n 16 --out sevens.png     # the shipped conditional model
  python -m ganlib train --preset conditional --epochs 5 --out runs/conditional
  python -m ganlib sample --digit 3 --n 16 --out threes.png --from runs/conditional
  python -m ganlib sample --code 4 --continuous 0.5,-1 --n 16 --out code4.png   # the shipped InfoGAN
  python -m ganlib student-edition --out student     # the notebooks without their solutions
  python -m ganlib book                               # the web book and slides, in book/_build/html

TensorFlow's C++ log lines are hidden (TF_CPP_MIN_LOG_LEVEL=3) and oneDNN kernels are on
(TF_ENABLE_ONEDNN_OPTS=1; ~1.4x faster on AMD CPUs, where TensorFlow leaves them off)
unless you set these variables yourself.
"""


class UsageError(Exception):
    """A bad command-line argument; reported in one line with exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line instead of usage + message
        command = self.prog.removeprefix(PROG).strip()  # "" for the top-level parser
        raise UsageError(f"{message} (see `{PROG} {command + ' ' if command else ''}--help`)")


PROG = "python -m ganlib"


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description="Train a DCGAN on MNIST and draw digits from it.",
                     epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    train = sub.add_parser("train", help="train a DCGAN and write a run folder",
                           description="Train a DCGAN; writes config.json, checkpoints/, losses.csv, "
                                       "samples/epoch_NNN.png, training.gif and the final weights to --out.")
    train.add_argument("--preset", default="lecture", help=f"configuration: {', '.join(sorted(PRESETS))} (default lecture)")
    train.add_argument("--conditional", action="store_true",
                       help="train a conditional GAN, which learns from the digits' labels and can then be "
                            "asked for a digit (sample --digit); sets conditional=True on any preset")
    train.add_argument("--data", default="auto",
                       help="embedded | keras | auto | PATH to mnist.npz or an IDX folder, or an Ising data set "
                            "written by ganlib.ising.save_dataset, for --preset ising (default auto)")
    train.add_argument("--epochs", type=int, help="train until this many epochs are done (default: the preset's)")
    train.add_argument("--max-steps", type=int, help="stop after this many steps in total")
    train.add_argument("--seed", type=int, help="override the preset's seed")
    train.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE",
                       help="override one DCGANConfig field, e.g. --set ema_decay=0.999 (repeatable)")
    train.add_argument("--out", required=True, help="run folder (created)")
    train.add_argument("--resume", action="store_true", help="continue the run in --out from its newest checkpoint")
    train.add_argument("--quality-every", type=int, default=0, metavar="K",
                       help="every K epochs, measure 1,000 samples with the shipped classifier "
                            "(ganlib.metrics) into quality.csv (default 0: never)")
    train.add_argument("--strategy", default="default", metavar="|".join(STRATEGIES),
                       help="default: one device; mirrored: data-parallel over every GPU of this machine "
                            "(tf.distribute.MirroredStrategy), the batch split over them (default: default)")

    sample = sub.add_parser("sample", help="draw digits from a trained generator",
                            description="Draw n digits. FILE.npy gets float32 (n, 28, 28, 1) in [-1, 1]; "
                                        "FILE.png a grid. Same seed, same digits. A conditional model "
                                        "draws --digit, or without it the digits 0-9 in turn.")
    sample.add_argument("--n", type=int, required=True, help="number of digits")
    sample.add_argument("--seed", type=int, default=0, help="latent seed (default 0)")
    sample.add_argument("--digit", type=int, default=None, metavar="D",
                        help="draw only the digit D (0-9) from a conditional model: without --from, the "
                             "shipped one in pretrained/conditional/; a --from run must be trained with "
                             "--conditional")
    sample.add_argument("--temperature", type=float, default=None, metavar="T",
                        help="draw Ising spin configurations at temperature T from a model trained on spins "
                             "(default model: pretrained/ising); FILE.npy then gets int8 (n, L, L) in {-1, +1}")
    sample.add_argument("--code", type=int, default=None, metavar="K",
                        help="fix an InfoGAN's category code to K (0-9 for the shipped one in "
                             "pretrained/infogan/, the default model with --code or --continuous); without "
                             "it an InfoGAN's codes are drawn at random, an unconditional sample")
    sample.add_argument("--continuous", default=None, metavar="A,B",
                        help="fix an InfoGAN's continuous codes, one number each, comma-separated "
                             "(trained on [-1, 1]), e.g. 0.5,-1")
    sample.add_argument("--raw", action="store_true",
                        help="with --temperature: keep the configurations as the generator drew them, without "
                             "flipping a random half of them to restore the +m/-m symmetry")
    sample.add_argument("--out", required=True, help="FILE.npy or FILE.png")
    sample.add_argument("--from", dest="model", default=None,
                        help="run folder written by `train --out` (default: the shipped model in pretrained/, "
                             "or with --digit the shipped conditional model in pretrained/conditional/)")

    classifier = sub.add_parser("classifier", help="train the MNIST classifier behind ganlib.metrics",
                                description="Train the metrics classifier on half of the embedded digits "
                                            "and write classifier.weights.h5 and classifier.json to --out.")
    classifier.add_argument("--out", required=True, help="folder (created)")
    classifier.add_argument("--epochs", type=int, default=10, help="training epochs (default 10)")
    classifier.add_argument("--seed", type=int, default=0, help="seed of weights and hold-out split (default 0)")

    evaluate = sub.add_parser("evaluate", help="measure a generator's samples against real digits",
                              description="Classifier score, coverage, confident fraction and Frechet "
                                          "distance of --n samples, beside real held-out digits.")
    evaluate.add_argument("--from", dest="model", default=None,
                          help="run folder written by `train --out` (default: the shipped model)")
    evaluate.add_argument("--classifier", default=None,
                          help="folder with classifier.weights.h5 (default: the shipped one)")
    evaluate.add_argument("--n", type=int, default=5000, help="number of samples (default 5000)")
    evaluate.add_argument("--seed", type=int, default=0, help="latent seed (default 0)")
    evaluate.add_argument("--json", default=None, help="also write the numbers to this JSON file")

    sub.add_parser("devices", help="say which devices and 16-bit arithmetic this machine has",
                   description="List the GPUs TensorFlow sees and the CPU's native bfloat16 instructions, "
                               "which decide what --set precision=mixed_bfloat16 or mixed_float16 gains.")

    ising = sub.add_parser("ising", help="draw 2-D Ising configurations by Monte Carlo",
                           description="Sample n configurations of the L x L Ising model (periodic, J = 1) at "
                                       "temperature T by Monte Carlo, with burn-in and thinning from the measured "
                                       "autocorrelation time. FILE.npy gets int8 (n, L, L) in {-1, +1}; "
                                       "FILE.png a grid.")
    ising.add_argument("--temperature", type=float, required=True, metavar="T", help="temperature (> 0)")
    ising.add_argument("--n", type=int, required=True, help="number of configurations")
    ising.add_argument("--L", type=int, default=16, help="side of the lattice (default 16)")
    ising.add_argument("--algorithm", default="auto", help="auto | metropolis | wolff (default auto)")
    ising.add_argument("--seed", type=int, default=0, help="seed of the chains (default 0)")
    ising.add_argument("--out", required=True, help="FILE.npy or FILE.png")

    student = sub.add_parser("student-edition", help="write the student edition of the notebooks",
                             description="Write the notebooks with every worked solution replaced by the stub "
                                         "a student fills in and every check un-run (README: For lecturers). "
                                         "Refuses to overwrite notebooks a student has edited.")
    student.add_argument("--out", default="student", help="folder to write (default student/)")
    student.add_argument("--source", default=None,
                         help="the instructor edition (default: the repository's notebooks/)")
    student.add_argument("--force", action="store_true", help="overwrite edited notebooks in --out")

    book = sub.add_parser("book", help="build the web book and the lecture slides",
                          description="Build the notebooks, with their committed outputs, into a static web "
                                      "book (Jupyter Book 1.x) and one reveal.js deck each, offline; any build "
                                      "warning fails the build. Needs: pip install -e \".[book]\".")
    book.add_argument("--out", default=None,
                      help="output folder (default: the repository's book/_build): the book is OUT/html/index.html, "
                           "the decks OUT/html/slides/")
    book.add_argument("--source", default=None, help="the notebooks (default: the repository's notebooks/)")
    return parser


def _book(args) -> int:
    from .book import DEFAULT_OUT, NOTEBOOKS, BookError, MissingTools, build

    try:
        index = build(Path(args.out) if args.out else DEFAULT_OUT, Path(args.source) if args.source else NOTEBOOKS)
    except BookError as err:
        print(f"ganlib: error: {err}", file=sys.stderr)
        return 2 if isinstance(err, MissingTools) else 1  # a missing extra is a usage error
    print(f"book: {index}\nslides: {index.parent / 'slides'}/")
    return 0


def _student_edition(args) -> int:
    from .editions import EditionError, build_student_edition

    try:
        written = build_student_edition(args.out, args.source, force=args.force)
    except EditionError as err:
        print(f"ganlib: error: {err}", file=sys.stderr)
        return 2
    print(f"wrote the student edition of {len(written)} notebooks to {args.out}")
    return 0


def _check(args) -> None:
    if args.command == "train":
        if args.preset not in PRESETS:
            raise UsageError(f"unknown preset {args.preset!r}; choose one of: {', '.join(sorted(PRESETS))}")
        if args.data not in ("auto", "embedded", "keras") and not Path(args.data).exists():
            raise UsageError(f"unknown data source {args.data!r}: use embedded, keras, auto, "
                             "or the path of an mnist.npz file or IDX folder")
        _overrides(args.set)
        if args.resume and args.set:
            raise UsageError("--set cannot change a run being resumed; it keeps its config.json")
        if args.quality_every < 0:
            raise UsageError(f"--quality-every must be >= 0, got {args.quality_every}")
        if args.strategy not in STRATEGIES:
            raise UsageError(f"unknown --strategy {args.strategy!r}: use default (one device) or mirrored "
                             "(every GPU of this machine)")
        for name in ("epochs", "max_steps"):
            value = getattr(args, name)
            if value is not None and value <= 0:
                raise UsageError(f"--{name.replace('_', '-')} must be positive, got {value}")
        _check_writable("--out", Path(args.out), folder_wanted=True)
        if args.resume and not Path(args.out).is_dir():
            raise UsageError(f"--resume needs an existing run folder; {args.out} does not exist")
        if not args.resume and runfolder.has_checkpoint(args.out):
            raise UsageError(f"{args.out} already holds a training run; add --resume or choose a new --out")
    elif args.command == "classifier":
        if args.epochs <= 0:
            raise UsageError(f"--epochs must be positive, got {args.epochs}")
        _check_writable("--out", Path(args.out), folder_wanted=True)
    elif args.command == "devices":
        pass
    elif args.command == "ising":
        from .ising import ALGORITHMS

        if args.n <= 0:
            raise UsageError(f"--n must be positive, got {args.n}")
        if args.L < 2:
            raise UsageError(f"--L must be at least 2, got {args.L}")
        if not args.temperature > 0 or args.temperature == float("inf"):
            raise UsageError(f"--temperature must be a positive number, got {args.temperature}")
        if args.algorithm not in ALGORITHMS:
            raise UsageError(f"unknown --algorithm {args.algorithm!r}: use {', '.join(ALGORITHMS)}")
        if Path(args.out).suffix not in (".npy", ".png"):
            raise UsageError(f"--out must end in .npy or .png, got {args.out!r}")
        _check_writable("--out", Path(args.out))
    elif args.command in ("student-edition", "book"):
        if args.out is not None:
            _check_writable("--out", Path(args.out), folder_wanted=True)
        if args.source is not None and not Path(args.source).is_dir():
            raise UsageError(f"--source {args.source} is not a folder: give the folder holding the notebooks")
    else:
        if args.n <= 0:
            raise UsageError(f"--n must be positive, got {args.n}")
        if args.command == "sample" and Path(args.out).suffix not in (".npy", ".png"):
            raise UsageError(f"--out must end in .npy or .png, got {args.out!r}")
        if args.command == "sample":
            _check_writable("--out", Path(args.out))
        if getattr(args, "json", None):
            _check_writable("--json", Path(args.json))
        for folder in (args.model, getattr(args, "classifier", None)):
            if folder is not None and not Path(folder).is_dir():
                raise UsageError(f"no such model folder: {folder}")
        if getattr(args, "temperature", None) is not None:
            if args.digit is not None:
                raise UsageError("--digit and --temperature exclude each other: a model draws digits or spins")
            if not args.temperature > 0 or args.temperature == float("inf"):
                raise UsageError(f"--temperature must be a positive number, got {args.temperature}")
            if args.model is not None and not (Path(args.model) / runfolder.ISING_FILE).is_file():
                raise UsageError(f"--temperature needs a model trained on Ising spins; {args.model} has no "
                                 f"{runfolder.ISING_FILE} (train --preset ising --data ISING.npz)")
        if getattr(args, "raw", False) and args.temperature is None:
            raise UsageError("--raw applies to Ising spins only: use it with --temperature")
        if getattr(args, "code", None) is not None or getattr(args, "continuous", None) is not None:
            _check_codes(args)
        if getattr(args, "digit", None) is not None:
            if not 0 <= args.digit <= 9:
                raise UsageError(f"--digit must be a digit from 0 to 9, got {args.digit}")
            if args.model is not None and _saved_conditional(args.model) is False:
                raise UsageError(_UNCONDITIONAL.format(model=args.model))


def _check_codes(args) -> None:
    """Check sample's --code and --continuous against the model's config.json, before TensorFlow starts."""
    if args.digit is not None or args.temperature is not None:
        raise UsageError("--code and --continuous are an InfoGAN's; --digit and --temperature belong to "
                         "conditional models: use one kind")
    folder = Path(args.model) if args.model is not None else None
    cfg = _saved_config(folder)
    where = args.model if args.model is not None else "the shipped InfoGAN"
    if cfg is not None and not cfg.get("info_categories", 0):
        raise UsageError(f"--code and --continuous need an InfoGAN (train --preset infogan); {where} has no "
                         "codes: leave them out")
    categories = cfg.get("info_categories", 10) if cfg else 10
    k = cfg.get("info_continuous", 0) if cfg else 2
    if args.code is not None and not 0 <= args.code < categories:
        raise UsageError(f"--code must be a category from 0 to {categories - 1}, got {args.code}")
    if args.continuous is not None:
        args.continuous_values = _continuous_values(args.continuous, k)


def _continuous_values(text: str, k: int) -> list[float]:
    import math

    try:
        values = [float(part) for part in text.split(",")]
    except ValueError:
        raise UsageError(f"--continuous needs {k} comma-separated numbers, e.g. "
                         f"{','.join(['0.5'] * max(k, 1))}; got {text!r}") from None
    if len(values) != k:
        raise UsageError(f"--continuous needs {k} numbers, one per continuous code of this model, got "
                         f"{len(values)} in {text!r}")
    if not all(math.isfinite(v) for v in values):
        raise UsageError(f"--continuous values must be finite numbers (trained on [-1, 1]), got {text!r}")
    return values


def _saved_config(folder: Path | None) -> dict | None:
    """A model folder's config.json as a dict (the shipped InfoGAN's for None), read without
    TensorFlow; None when it cannot be read (loading the model then reports why)."""
    import json

    if folder is None:
        from .pretrained import INFOGAN_DIR

        folder = INFOGAN_DIR
    try:
        values = json.loads((folder / runfolder.CONFIG_FILE).read_text())
    except (OSError, ValueError):
        return None
    return values if isinstance(values, dict) else None


def _check_writable(option: str, target: Path, folder_wanted: bool = False) -> None:
    """Refuse an output path that cannot be written: a file where a folder must be made, a folder
    given for a file, or a place without write permission. Folders that do not exist yet are fine."""
    import os

    if folder_wanted and target.exists() and not target.is_dir():
        raise UsageError(f"{option} {target} is a file, not a folder; choose a folder name")
    if not folder_wanted and target.is_dir():
        raise UsageError(f"{option} {target} is a folder; give a file name in it, e.g. {target / 'digits.png'}")
    folder = target.parent
    while not folder.exists():  # the nearest folder that exists: the rest will be created
        folder = folder.parent
    if not folder.is_dir():
        raise UsageError(f"{option} {target}: {folder} is a file, so no folder can be made there; choose another path")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UsageError(f"{option} {target}: cannot write in {folder}; choose a folder you can write to")


_UNCONDITIONAL = ("--digit needs a conditional model (train --conditional); {model} is unconditional "
                  "and cannot be told a digit: leave --digit out")


def _saved_conditional(folder: str) -> bool | None:
    """Whether a run folder's config.json says conditional, read without starting TensorFlow;
    None when it cannot be read (loading the model then reports why)."""
    import json

    try:
        return bool(json.loads((Path(folder) / runfolder.CONFIG_FILE).read_text()).get("conditional", False))
    except (OSError, ValueError, AttributeError):
        return None


def _overrides(items: list[str]) -> dict:
    """Parse --set FIELD=VALUE items into typed DCGANConfig fields."""
    import dataclasses

    from .config import DCGANConfig

    types = {f.name: f.type for f in dataclasses.fields(DCGANConfig)}
    values = {}
    for item in items:
        name, sep, text = item.partition("=")
        if not sep or name not in types:
            raise UsageError(f"--set needs FIELD=VALUE with a DCGANConfig field ({', '.join(types)}), got {item!r}")
        kind = {"int": int, "float": float, "str": str, "bool": _boolean}[str(types[name])]
        try:
            values[name] = kind(text)
        except ValueError:
            shown = "bool (true or false)" if kind is _boolean else kind.__name__
            raise UsageError(f"--set {name} needs a {shown}, got {text!r}") from None
    return values


def _boolean(text: str) -> bool:
    """true/false (also 1/0, yes/no) as typed after --set FIELD=; anything else is a ValueError.
    (bool("false") would be True.)"""
    words = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}
    try:
        return words[text.strip().lower()]
    except KeyError:
        raise ValueError(text) from None


def precision_note(precision: str) -> str:
    """One line on how ``precision`` will run on this machine's CPU or GPU."""
    import tensorflow as tf

    from .runtime import BF16_CPU_FLAGS, cpu_bf16_flags

    gpus = tf.config.list_physical_devices("GPU")
    if gpus:
        return f"precision {precision} on {len(gpus)} GPU(s)"
    flags = cpu_bf16_flags()
    if precision == "mixed_bfloat16" and flags:
        return f"precision mixed_bfloat16 on a CPU with native bfloat16 ({', '.join(flags)})"
    if precision == "mixed_bfloat16":
        return (f"precision mixed_bfloat16: this CPU shows no native bfloat16 ({' or '.join(BF16_CPU_FLAGS)}), "
                "so TensorFlow emulates it and a step may be slower than in float32")
    return ("precision mixed_float16 is meant for GPUs; on this CPU TensorFlow emulates float16 and a step "
            "may be slower than in float32 (mixed_bfloat16 is the CPU's 16-bit option)")


def native_bf16_default(preset: str) -> bool:
    """Whether ``train --preset PRESET`` defaults to mixed_bfloat16 here (config.CPU_BF16_PRESETS).

    True for those presets on a CPU with native bfloat16 and no GPU: bfloat16 on a GPU and
    emulated bfloat16 on other CPUs were not measured to help, so they keep float32.
    """
    import tensorflow as tf

    from .config import CPU_BF16_PRESETS
    from .runtime import cpu_bf16_flags

    return (preset in CPU_BF16_PRESETS and bool(cpu_bf16_flags())
            and not tf.config.list_physical_devices("GPU"))


def _devices(args) -> int:
    import tensorflow as tf

    from .runtime import cpu_bf16_flags

    flags = cpu_bf16_flags()
    print(f"CPU: native bfloat16: {', '.join(flags) if flags else 'none found'}")
    gpus = tf.config.list_physical_devices("GPU")
    print(f"GPUs: {len(gpus)}" + "".join(f"\n  {gpu.name}" for gpu in gpus))
    print("train --set precision=mixed_bfloat16 needs native bfloat16 (CPU) or a GPU to gain speed, "
          "mixed_float16 a GPU; benchmarks/RESULTS.md has what each gained where it was measured")
    return 0


def _train(args) -> int:
    import dataclasses

    from . import checkpoints, training
    from .config import get_preset
    from .data import load_mnist

    if args.resume:
        cfg = checkpoints.load_config(args.out)
        if args.conditional and not cfg.conditional:
            raise ValueError(f"--conditional cannot change the run in {args.out}, which is unconditional; "
                             "start a new run with another --out")
    else:
        cfg = get_preset(args.preset)
        if args.conditional:
            cfg = dataclasses.replace(cfg, conditional=True)
    if args.seed is not None:
        cfg = dataclasses.replace(cfg, seed=args.seed)
    overrides = _overrides(args.set)
    cfg = dataclasses.replace(cfg, **overrides)
    if (not args.resume and not cfg.conditional and "precision" not in overrides
            and native_bf16_default(args.preset)):
        cfg = dataclasses.replace(cfg, precision="mixed_bfloat16")
        print(f"--preset {args.preset} trains in mixed_bfloat16 on this CPU, which has native bfloat16 "
              "(measured: the same quality sooner; --set precision=float32 to opt out)")
    elif cfg.precision != "float32":
        print(precision_note(cfg.precision))
    ising_data = _ising_training_data(args, cfg)
    if ising_data is None:
        images, labels = load_mnist(args.data)
    else:
        images, labels = ising_data
    quality = None
    if args.quality_every:
        from . import pretrained
        from .classifier import reference_for
        from .metrics import quality_probe

        reference = reference_for(pretrained.classifier_info())
        quality = quality_probe(pretrained.load_classifier(), reference)
    strategy = training.make_strategy(args.strategy)
    if strategy is not None:
        devices = [name.rpartition("device:")[2] for name in strategy.extended.worker_devices]
        print(f"{args.strategy}: {strategy.num_replicas_in_sync} replica(s) on {', '.join(devices)}, "
              f"each step splits the batch of {cfg.batch_size} over them")
    training.raise_keyboard_interrupt_on_sigterm()
    verbose = 1 if sys.stdout.isatty() else 2
    try:
        result = training.train(cfg, images, args.out, epochs=args.epochs, max_steps=args.max_steps,
                                resume=args.resume, verbose=verbose, quality=quality,
                                quality_every=max(args.quality_every, 1),
                                labels=labels if cfg.conditional else None, strategy=strategy)
    except KeyboardInterrupt:
        return 130
    print(f"{len(result.epochs_run)} epochs in {result.seconds:.1f} s; the run is at epoch "
          f"{int(result.state.epoch)}, step {result.steps}; wrote {args.out}")
    return 0


def _ising_training_data(args, cfg):
    """(images, labels) of an Ising data set named by ``--data``, with ``ising.json`` written
    into the run folder; None when ``--data`` is MNIST. The preset must fit the data set."""
    from . import ising, ising_gan

    if not ising.is_dataset_file(args.data):
        if cfg.image_size != 28:
            raise ValueError(f"this configuration trains on {cfg.image_size} x {cfg.image_size} images (image_size), "
                             "but --data gives 28 x 28 MNIST digits: pass an Ising data set, --data ISING.npz")
        return None
    data = ising.load_dataset(args.data)
    L, temperatures = int(data["L"]), [float(t) for t in data["temperatures"]]
    problems = []
    if not cfg.conditional:
        problems.append("conditional=true (the label is the temperature)")
    if cfg.image_size != L:
        problems.append(f"image_size={L}")
    if cfg.num_classes != len(temperatures):
        problems.append(f"num_classes={len(temperatures)}")
    if problems:
        raise ValueError(f"{args.data} holds {L} x {L} spins at {len(temperatures)} temperatures: train with "
                         f"--preset ising, or --set {' --set '.join(problems)}")
    if args.quality_every:
        raise ValueError("--quality-every measures digits with the MNIST classifier; spins are judged by "
                         "their physics (notebook 10): leave it out")
    if args.resume and ising_gan.read_model_info(args.out)["temperatures"] != temperatures:
        raise ValueError(f"{args.data} has other temperatures than the run in {args.out} was trained on; "
                         "resume with the run's own data set")
    ising_gan.write_model_info(args.out, temperatures, L, source={
        "seed": int(data["seed"]), "algorithm": str(data["algorithm"]),
        "per_temperature": int(len(data["labels"]) // len(temperatures))})
    print(f"Ising data set {args.data}: {len(data['labels']):,} configurations of {L} x {L} spins at "
          f"{len(temperatures)} temperatures, {min(temperatures):g} to {max(temperatures):g}")
    return ising.as_images(data["spins"]), data["labels"]


def _ising(args) -> int:
    import numpy as np

    from . import ising

    spins, info = ising.sample(args.L, args.temperature, args.n, algorithm=args.algorithm, seed=args.seed,
                               return_info=True)
    _write_spins(spins, Path(args.out))
    print(f"wrote {args.n} configurations of {args.L} x {args.L} spins at T = {args.temperature:g} to {args.out} "
          f"({info['algorithm']}: autocorrelation time {info['tau']:.1f} steps, burn-in {info['burn_in']}, "
          f"thinning {info['thinning']}, {info['seconds']:.1f} s); <|m|> = {np.abs(spins.mean(axis=(1, 2))).mean():.3f}")
    return 0


def _write_spins(spins, out: Path) -> None:
    """int8 spins (n, L, L) to FILE.npy as they are, or to FILE.png as a grid (white = +1)."""
    import numpy as np

    from .ising import as_images
    from .plotting import save_grid

    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix == ".npy":
        np.save(out, spins)
    else:
        save_grid(as_images(spins), out)


def _sample_spins(args) -> int:
    from . import ising_gan, pretrained
    from .checkpoints import load_generator

    folder = Path(args.model) if args.model else pretrained.ISING_DIR
    generator = load_generator(folder) if args.model else pretrained.load_pretrained_ising(folder)
    info = ising_gan.read_model_info(folder)
    spins = ising_gan.generate_spins(generator, info["temperatures"], args.temperature, args.n, seed=args.seed,
                                     symmetrize=not args.raw)
    _write_spins(spins, Path(args.out))
    how = ("as the generator drew them" if args.raw else
           "each flipped with probability 1/2, so that +m and -m are equally likely (--raw: as drawn)")
    print(f"wrote {args.n} configurations of {info['L']} x {info['L']} spins at T = {args.temperature:g} "
          f"to {args.out}, {how}")
    return 0


def _sample(args) -> int:
    import numpy as np

    from .latent import sample_latent
    from .models import cycling_labels, generate_images, info_codes_of, latent_dim_of, num_classes_of

    if args.temperature is not None:
        return _sample_spins(args)
    infogan_asked = args.code is not None or args.continuous is not None
    generator = _generator(args.model, conditional=args.digit is not None, infogan=infogan_asked)
    if info_codes_of(generator) is not None:
        return _sample_infogan(args, generator)
    num_classes = num_classes_of(generator)
    if args.digit is not None and num_classes is None:
        raise ValueError(_UNCONDITIONAL.format(model=args.model or "the shipped model"))
    z = sample_latent(args.n, latent_dim_of(generator), seed=args.seed)
    if num_classes is None:
        labels, ncols = None, None
    elif args.digit is None:
        labels, ncols = cycling_labels(args.n, num_classes), min(args.n, num_classes)  # a column per digit
    else:
        labels, ncols = np.full(args.n, args.digit), None
    images = generate_images(generator, z, labels)
    what = "samples" if args.digit is None else f"samples of the digit {args.digit}"
    return _write_samples(images, Path(args.out), ncols, what)


def _write_samples(images, out: Path, ncols: int | None, what: str) -> int:
    import numpy as np

    from .plotting import save_grid

    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix == ".npy":
        np.save(out, images)
    else:
        save_grid(images, out, ncols=ncols)
    print(f"wrote {len(images)} {what} to {out}")
    return 0


def _sample_infogan(args, generator) -> int:
    """An InfoGAN's samples: codes drawn at random unless --code / --continuous fix them."""
    from . import infogan

    drawn = infogan.sample(generator, args.n, seed=args.seed, code=args.code,
                           continuous=getattr(args, "continuous_values", None))
    fixed = [f"code {args.code}" if args.code is not None else "",
             f"continuous {args.continuous}" if args.continuous is not None else ""]
    what = "samples" + (" with " + " and ".join(f for f in fixed if f) if any(fixed) else "")
    return _write_samples(drawn.images, Path(args.out), None, what)


def _generator(model: str | None, conditional: bool = False, infogan: bool = False):
    """The run folder's generator, or else the shipped one: the conditional one when a digit is
    asked for, the InfoGAN when a code is."""
    from . import pretrained
    from .checkpoints import load_generator

    if model:
        return load_generator(model)
    if infogan:
        return pretrained.load_pretrained_infogan(pretrained.INFOGAN_DIR)
    if conditional:
        return pretrained.load_pretrained_conditional(pretrained.CONDITIONAL_DIR)
    return pretrained.load_pretrained(pretrained.PRETRAINED_DIR)


def _classifier(args) -> int:
    import time

    from .classifier import save_classifier, train_classifier
    from .data import load_mnist

    images, labels = load_mnist("embedded")
    start = time.perf_counter()
    report = train_classifier(images, labels, epochs=args.epochs, seed=args.seed)
    out = save_classifier(report, args.out, seconds=time.perf_counter() - start)
    print(f"hold-out accuracy {report.holdout_accuracy:.4f} on {report.holdout_size} digits; wrote {out}")
    return 0


def _evaluate(args) -> int:
    import dataclasses
    import json

    from . import classifier as clf
    from . import pretrained
    from .metrics import evaluate_generator

    generator = _generator(args.model)
    if args.classifier:
        info, classifier = clf.read_info(args.classifier), clf.load_classifier_from(args.classifier)
    else:
        info, classifier = pretrained.classifier_info(), pretrained.load_classifier()
    report = evaluate_generator(generator, classifier, clf.reference_for(info), n=args.n, seed=args.seed)
    print(report.table())
    print(f"meets the quality bar (score >= 9, coverage >= 0.98, >= 90% confident, "
          f"Frechet <= 3x floor): {'yes' if report.meets_bar() else 'no'}")
    if args.json:
        Path(args.json).write_text(json.dumps(dataclasses.asdict(report), indent=2) + "\n")
    return 0


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        _check(args)
    except UsageError as err:
        print(f"ganlib: error: {err}", file=sys.stderr)
        return 2
    if args.command == "student-edition":  # no TensorFlow needed
        return _student_edition(args)
    if args.command == "book":
        return _book(args)
    quiet_tensorflow(onednn=True)  # a value the user set for either variable wins
    from .checkpoints import CheckpointError
    from .data import DataSourceError

    try:
        commands = {"train": _train, "sample": _sample, "classifier": _classifier, "evaluate": _evaluate,
                    "devices": _devices, "ising": _ising}
        return commands[args.command](args)
    except (CheckpointError, DataSourceError, FileExistsError, ValueError) as err:
        print(f"ganlib: error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
