import shutil

import numpy as np
import pytest

from ganlib import pretrained
from ganlib.checkpoints import CheckpointError


@pytest.fixture
def shipped_copy(tmp_path):
    target = tmp_path / "pretrained"
    shutil.copytree(pretrained.PRETRAINED_DIR, target)
    return target


def test_every_shipped_file_matches_its_recorded_hash():
    hashes = pretrained.recorded_hashes()
    shipped = {p.name for p in pretrained.PRETRAINED_DIR.iterdir()} - {"README.md", pretrained.SUMS_FILE}
    assert set(hashes) == shipped
    pretrained.verify(sorted(hashes))


def test_shipped_classifier_loads_and_classifies(mnist):
    classifier = pretrained.load_classifier()
    info = pretrained.classifier_info()
    assert info["holdout_accuracy"] > 0.95 and info["holdout_size"] == 2500
    images, labels = mnist
    from ganlib.metrics import predict_proba, reference_digits

    reference, ref_labels = reference_digits(images, labels, info["holdout_per_class"], info["seed"])
    accuracy = np.mean(predict_proba(classifier, reference).argmax(axis=1) == ref_labels)
    assert accuracy == pytest.approx(info["holdout_accuracy"], abs=1e-3)


def test_a_corrupt_file_is_refused_with_the_fix(shipped_copy):
    path = shipped_copy / pretrained.CLASSIFIER_WEIGHTS
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one flipped byte
    path.write_bytes(bytes(data))
    with pytest.raises(CheckpointError, match="corrupt.*git checkout"):
        pretrained.load_classifier(shipped_copy)


def test_a_missing_file_is_refused_with_the_fix(shipped_copy):
    (shipped_copy / pretrained.CLASSIFIER_INFO).unlink()
    with pytest.raises(CheckpointError, match="missing.*git checkout"):
        pretrained.load_classifier(shipped_copy)
    (shipped_copy / pretrained.SUMS_FILE).unlink()
    with pytest.raises(CheckpointError, match="SHA256SUMS is missing"):
        pretrained.load_classifier(shipped_copy)
