import gzip
import socket

import numpy as np
import pytest

from ganlib import data
from ganlib.data import DataSourceError, load_mnist, make_dataset

from . import lecture_defects as lecture
from .conftest import replace


def _write_npz(path, n=30, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
    y = rng.integers(0, 10, size=n, dtype=np.uint8)
    np.savez(path, x_train=x, y_train=y, x_test=x[:5], y_test=y[:5])
    return x, y


def _write_idx(path, array, gz=True):
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(int(d).to_bytes(4, "big") for d in array.shape)
    raw = header + array.astype(np.uint8).tobytes()
    if gz:
        path.write_bytes(gzip.compress(raw))
    else:
        path.write_bytes(raw)


@pytest.fixture
def no_local_mnist(tmp_path, monkeypatch):
    """Neither data/mnist.npz nor Keras' cache exists."""
    monkeypatch.setattr(data, "DATA_DIR", tmp_path / "repo-data")
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras-home"))
    return tmp_path


@pytest.fixture
def offline(monkeypatch):
    """Every attempt to open a network connection fails, as on a machine with no network."""
    def refuse(*args, **kwargs):
        raise OSError("network disabled by the test")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


def test_embedded_digits_are_real_mnist_scaled_to_tanh_range(mnist):
    images, labels = mnist
    assert images.shape == (5000, 28, 28, 1) and images.dtype == np.float32
    assert images.min() == -1.0 and images.max() == 1.0
    assert np.bincount(labels, minlength=10).tolist() == [500] * 10
    # background pixels are exactly -1 (0 in the file) and most of each image
    assert 0.6 < np.mean(images == -1.0) < 0.95


def test_auto_falls_back_to_embedded_and_says_so(no_local_mnist, capsys):
    images, _ = load_mnist("auto")
    assert len(images) == 5000
    assert "embedded" in capsys.readouterr().out


def test_auto_prefers_a_local_full_mnist(no_local_mnist, capsys):
    data.DATA_DIR.mkdir()
    x, y = _write_npz(data.DATA_DIR / "mnist.npz")
    images, labels = load_mnist("auto")
    assert len(images) == len(x) and np.array_equal(labels, y)
    printed = capsys.readouterr().out
    assert "mnist.npz" in printed and str(no_local_mnist) not in printed  # no machine paths in notebooks


def test_npz_path_and_idx_folder_give_the_same_digits(tmp_path):
    x, y = _write_npz(tmp_path / "mnist.npz")
    _write_idx(tmp_path / "train-images-idx3-ubyte.gz", x)
    _write_idx(tmp_path / "train-labels-idx1-ubyte.gz", y)
    from_npz = load_mnist(tmp_path / "mnist.npz", verbose=False)
    from_idx = load_mnist(str(tmp_path), verbose=False)
    np.testing.assert_array_equal(from_npz[0], from_idx[0])
    np.testing.assert_array_equal(from_npz[1], from_idx[1])
    np.testing.assert_allclose(from_npz[0][..., 0], x / 127.5 - 1.0, atol=1e-6)


def test_uncompressed_idx_files_are_read_too(tmp_path):
    x, y = _write_npz(tmp_path / "unused.npz", n=4)
    _write_idx(tmp_path / "train-images-idx3-ubyte", x, gz=False)
    _write_idx(tmp_path / "train-labels-idx1-ubyte", y, gz=False)
    assert load_mnist(tmp_path, verbose=False)[0].shape == (4, 28, 28, 1)


def test_bad_files_give_clear_errors(tmp_path):
    (tmp_path / "junk.npz").write_bytes(b"this is not a zip file")
    with pytest.raises(DataSourceError, match="cannot be read"):
        load_mnist(tmp_path / "junk.npz")
    np.savez(tmp_path / "other.npz", a=np.zeros(3))
    with pytest.raises(DataSourceError, match="x_train"):
        load_mnist(tmp_path / "other.npz")
    x, y = _write_npz(tmp_path / "ok.npz", n=3)
    folder = tmp_path / "idx"
    folder.mkdir()
    _write_idx(folder / "train-images-idx3-ubyte", x, gz=False)
    raw = (folder / "train-images-idx3-ubyte").read_bytes()
    (folder / "train-images-idx3-ubyte").write_bytes(raw[:-100])  # truncated download
    _write_idx(folder / "train-labels-idx1-ubyte", y, gz=False)
    with pytest.raises(DataSourceError, match="truncated"):
        load_mnist(folder)
    with pytest.raises(DataSourceError, match="no MNIST IDX pair"):
        load_mnist(tmp_path)  # a folder without IDX files


def test_unknown_source_names_the_alternatives():
    with pytest.raises(DataSourceError, match="embedded"):
        load_mnist("fashion")


def test_keras_source_offline_names_the_fix(no_local_mnist, offline):
    with pytest.raises(DataSourceError) as info:
        load_mnist("keras")
    message = str(info.value)
    assert "embedded" in message and "mnist.npz" in message and "data" in message
    assert not data.keras_cached_file().exists()  # no half-downloaded file left behind


def test_keras_source_uses_a_cached_copy_without_the_network(no_local_mnist, offline):
    data.keras_cached_file().parent.mkdir(parents=True)
    x, _ = _write_npz(data.keras_cached_file(), n=20)
    images, _ = load_mnist("keras", verbose=False)
    assert images.shape == (20, 28, 28, 1)


@pytest.mark.parametrize("impl", [
    "ganlib",
    pytest.param("lecture", marks=pytest.mark.xfail(strict=True, reason="erratum 5: smaller last batch")),
])
def test_every_batch_is_full_size(impl, tiny_cfg):
    images = np.zeros((100, 28, 28, 1), np.float32)
    cfg = replace(tiny_cfg, batch_size=32)
    ds = make_dataset(images, cfg) if impl == "ganlib" else lecture.make_dataset(images, 32)
    sizes = [int(batch.shape[0]) for batch in ds]
    assert sizes == [32, 32, 32]


def test_shuffle_is_seeded_per_epoch(tiny_cfg):
    images = np.arange(48, dtype=np.float32)[:, None, None, None] * np.ones((1, 28, 28, 1), np.float32)

    def order(cfg, epoch):
        return np.concatenate([b[:, 0, 0, 0].numpy() for b in make_dataset(images, cfg, epoch)])

    first = order(tiny_cfg, 0)
    assert sorted(first) == list(range(48))
    np.testing.assert_array_equal(first, order(tiny_cfg, 0))  # same seed and epoch, same order
    assert not np.array_equal(first, order(tiny_cfg, 1))  # a new epoch reshuffles
    assert not np.array_equal(first, order(replace(tiny_cfg, seed=99), 0))


def test_too_few_images_for_one_batch(tiny_cfg):
    with pytest.raises(ValueError, match="batch_size"):
        make_dataset(np.zeros((5, 28, 28, 1), np.float32), tiny_cfg)


def test_labels_are_shuffled_with_their_images(tiny_cfg):
    # image k carries k in its pixels and has the label k % 10, so every pair can be checked
    images = np.arange(48, dtype=np.float32)[:, None, None, None] * np.ones((1, 28, 28, 1), np.float32)
    labels = np.arange(48) % 10
    batches = list(make_dataset(images, tiny_cfg, 1, labels))
    assert len(batches) == 3
    index = np.concatenate([b[0][:, 0, 0, 0].numpy() for b in batches]).astype(int)
    seen = np.concatenate([b[1].numpy() for b in batches])
    assert batches[0][1].dtype.name == "int32" and batches[0][1].shape == (16,)
    np.testing.assert_array_equal(seen, index % 10)
    # the images come in the same seeded order as without labels
    alone = np.concatenate([b[:, 0, 0, 0].numpy() for b in make_dataset(images, tiny_cfg, 1)]).astype(int)
    np.testing.assert_array_equal(index, alone)


@pytest.mark.parametrize("labels, message", [
    (np.arange(47) % 10, "47 labels for 48 images"),
    (np.full(48, 10), "label 10"),
    (np.full(48, 0.5), "integer"),
])
def test_bad_labels_for_a_dataset_say_what_is_wrong(tiny_cfg, labels, message):
    with pytest.raises(ValueError, match=message):
        make_dataset(np.zeros((48, 28, 28, 1), np.float32), tiny_cfg, 0, labels)
