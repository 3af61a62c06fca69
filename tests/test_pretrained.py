import shutil

import numpy as np
import pytest

from ganlib import pretrained
from ganlib.checkpoints import CheckpointError
from ganlib.runfolder import read_gif_epochs, read_history

from .conftest import replace


@pytest.fixture
def shipped_copy(tmp_path):
    target = tmp_path / "pretrained"
    shutil.copytree(pretrained.PRETRAINED_DIR, target)
    return target


def test_every_shipped_file_matches_its_recorded_hash():
    hashes = pretrained.recorded_hashes()
    shipped = {p.name for p in pretrained.PRETRAINED_DIR.iterdir() if p.is_file()} - {"README.md", pretrained.SUMS_FILE}
    assert set(hashes) == shipped
    pretrained.verify(sorted(hashes))


@pytest.mark.parametrize("directory", [pretrained.CONDITIONAL_DIR, pretrained.LECTURE_DIR])
def test_every_file_of_a_model_folder_matches_its_own_recorded_hash(directory):
    assert directory.parent == pretrained.PRETRAINED_DIR
    hashes = pretrained.recorded_hashes(directory)
    shipped = {p.name for p in directory.iterdir() if p.is_file()} - {"README.md", pretrained.SUMS_FILE}
    assert set(hashes) == shipped
    assert {"config.json", "generator.weights.h5"} <= shipped
    pretrained.verify(sorted(hashes), directory)


def test_load_pretrained_conditional_draws_the_digit_asked_for():
    from ganlib.latent import sample_latent
    from ganlib.models import generate_images, latent_dim_of, num_classes_of

    generator = pretrained.load_pretrained_conditional()
    assert num_classes_of(generator) == 10
    z = sample_latent(4, latent_dim_of(generator), seed=0)
    threes = generate_images(generator, z, np.full(4, 3))
    assert threes.shape == (4, 28, 28, 1) and np.all(np.abs(threes) <= 1)
    np.testing.assert_array_equal(threes, generate_images(generator, z, np.full(4, 3)))
    assert not np.array_equal(threes, generate_images(generator, z, np.full(4, 5)))  # same z, another digit


@pytest.fixture
def conditional_copy(tmp_path):
    target = tmp_path / "conditional"
    shutil.copytree(pretrained.CONDITIONAL_DIR, target)
    return target


def test_a_corrupt_or_missing_conditional_model_is_refused_with_the_fix(conditional_copy, tmp_path):
    path = conditional_copy / "generator.weights.h5"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(CheckpointError, match="corrupt.*git checkout"):
        pretrained.load_pretrained_conditional(conditional_copy)
    path.unlink()
    with pytest.raises(CheckpointError, match="missing.*git checkout"):
        pretrained.load_pretrained_conditional(conditional_copy)
    with pytest.raises(CheckpointError, match="no shipped conditional model.*git checkout"):
        pretrained.load_pretrained_conditional(tmp_path / "nowhere")


def test_the_unconditional_model_is_not_taken_for_a_conditional_one():
    with pytest.raises(CheckpointError, match="unconditional"):
        pretrained.load_pretrained_conditional(pretrained.PRETRAINED_DIR)


def test_shipped_classifier_loads_and_classifies(mnist):
    classifier = pretrained.load_classifier()
    info = pretrained.classifier_info()
    assert info["holdout_accuracy"] > 0.95 and info["holdout_size"] == 2500
    images, labels = mnist
    from ganlib.classifier import predict_proba, reference_digits

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


def test_load_pretrained_gives_an_inference_ready_generator():
    from ganlib.latent import sample_latent
    from ganlib.models import generate_images, latent_dim_of

    generator = pretrained.load_pretrained()
    z = sample_latent(8, latent_dim_of(generator), seed=0)
    images = generate_images(generator, z)
    assert images.shape == (8, 28, 28, 1) and np.all(np.abs(images) <= 1)
    np.testing.assert_array_equal(images, generate_images(generator, z))


def test_the_shipped_generator_is_the_compact_one_and_the_lecture_model_is_kept_beside_it():
    from ganlib.checkpoints import load_config

    assert load_config(pretrained.PRETRAINED_DIR).architecture == "compact"
    assert load_config(pretrained.LECTURE_DIR).architecture == "lecture"
    # the compact D (6.6 M parameters, 26 MB) is not shipped: sampling needs G alone
    assert not (pretrained.PRETRAINED_DIR / "discriminator.weights.h5").exists()
    lecture = pretrained.load_pretrained(pretrained.LECTURE_DIR)
    assert lecture.count_params() == 2_330_944
    assert pretrained.load_pretrained().count_params() == 973_569


@pytest.mark.parametrize("folder", [pretrained.PRETRAINED_DIR, pretrained.LECTURE_DIR, pretrained.INFOGAN_DIR])
def test_recorded_quality_of_the_shipped_generator_is_reproduced(mnist, folder):
    """quality.json (quoted in pretrained/README.md) is what each model gives now."""
    import json

    from ganlib.classifier import reference_digits
    from ganlib.metrics import evaluate_generator

    recorded = json.loads((folder / "quality.json").read_text())
    info = pretrained.classifier_info()
    images, labels = mnist
    reference, _ = reference_digits(images, labels, info["holdout_per_class"], info["seed"])
    report = evaluate_generator(pretrained.load_pretrained(folder), pretrained.load_classifier(), reference,
                                n=recorded["n"], seed=0)
    for key in ("score", "coverage", "confident", "frechet", "frechet_floor"):
        assert getattr(report, key) == pytest.approx(recorded[key], abs=2e-3), key
    assert report.histogram == recorded["histogram"]
    assert report.extra.keys() == recorded["extra"].keys()  # the InfoGAN's code_match
    for key, value in recorded["extra"].items():
        assert report.extra[key] == pytest.approx(value, abs=2e-3), key


@pytest.mark.parametrize("conditional", [False, True])
def test_ship_copies_a_run_and_records_its_hashes(tiny_cfg, small_images, small_labels, tmp_path, conditional):
    from ganlib.models import num_classes_of
    from ganlib.training import train

    run = tmp_path / "run"
    cfg = replace(tiny_cfg, conditional=conditional)
    train(cfg, small_images, run, epochs=1, verbose=0, labels=small_labels if conditional else None)
    target = tmp_path / "shipped"
    names = pretrained.ship(run, target, grid_n=4)
    assert set(names) <= set(pretrained.recorded_hashes(target))
    assert {"config.json", "generator.weights.h5", "training.gif", "final_grid.png"} <= set(names)
    pretrained.verify(names, target)
    generator = pretrained.load_pretrained(target)
    assert generator.count_params() > 0
    assert num_classes_of(generator) == (10 if conditional else None)


def test_ship_can_leave_the_discriminator_and_the_gif_out(tiny_cfg, small_images, tmp_path):
    from ganlib.training import train

    train(tiny_cfg, small_images, tmp_path / "run", epochs=1, verbose=0)
    names = pretrained.ship(tmp_path / "run", tmp_path / "shipped", grid_n=4, with_discriminator=False,
                            max_frames=0)
    left_out = {"discriminator.weights.h5", "training.gif", "training_gif_epochs.json"}
    assert not left_out & set(names) and not any((tmp_path / "shipped" / name).exists() for name in left_out)
    assert "generator.weights.h5" in names
    pretrained.load_pretrained(tmp_path / "shipped")


def test_recorded_quality_of_the_shipped_conditional_generator_is_reproduced():
    """pretrained/conditional/quality.json (quoted in its README) is what the model gives now."""
    import json

    from ganlib.metrics import conditional_report

    recorded = json.loads((pretrained.CONDITIONAL_DIR / "quality.json").read_text())
    report = conditional_report(pretrained.load_pretrained_conditional(), pretrained.load_classifier(),
                                n_per_digit=recorded["n_per_digit"], seed=recorded["seed"])
    np.testing.assert_allclose(report.per_digit, recorded["per_digit"], atol=2e-3)
    assert report.score == pytest.approx(recorded["score"], abs=2e-3)
    assert np.asarray(report.confusion).sum() == 10 * recorded["n_per_digit"]
    assert report.meets_bar() == recorded["meets_bar"]


def test_ship_keeps_the_quality_history_and_caps_the_gif(tiny_cfg, small_images, tmp_path):
    from PIL import Image

    from ganlib.training import train

    run = tmp_path / "run"
    train(tiny_cfg, small_images, run, epochs=3, verbose=0, quality=lambda g: {"made_up": 1.0})
    target = tmp_path / "shipped"
    names = pretrained.ship(run, target, grid_n=4, max_frames=2)
    assert "quality_during_training.csv" in names
    rows = (target / "quality_during_training.csv").read_text().splitlines()
    assert rows[0] == "step,epoch,made_up" and [r.split(",")[1] for r in rows[1:]] == ["1", "2", "3"]
    with Image.open(target / "training.gif") as gif:
        assert gif.n_frames == 2  # epochs 1 and 3: every second one, ending with the last
        for k, epoch in enumerate(read_gif_epochs(target)):
            gif.seek(k)  # each frame is the grid of the epoch recorded for it
            with Image.open(run / "samples" / f"epoch_{epoch:03d}.png") as grid:
                np.testing.assert_array_equal(np.asarray(gif.convert("L")), np.asarray(grid.convert("L")))
    assert read_gif_epochs(target) == [1, 3]


@pytest.mark.parametrize("folder", [pretrained.PRETRAINED_DIR])
def test_the_shipped_gif_says_which_epoch_each_frame_shows(folder):
    """Notebook 07 labels the frames of training.gif; a frame's index is not its epoch."""
    from PIL import Image

    epochs = read_gif_epochs(folder)
    with Image.open(folder / "training.gif") as gif:
        assert len(epochs) == gif.n_frames
    assert epochs == sorted(set(epochs)) and epochs[0] >= 1
    assert epochs[-1] == int(np.max(read_history(folder / "losses.csv")["epoch"]))  # the run's last epoch
    pretrained.verify(["training_gif_epochs.json"], folder)


def test_pretrained_stays_under_30_mb():
    # the budget of every shipped model together (issue 16: "keep pretrained/ under 30 MB"); the
    # Ising model ships without its discriminator to stay inside it
    total = sum(p.stat().st_size for p in pretrained.PRETRAINED_DIR.rglob("*") if p.is_file())
    assert total < 30 * 1000 * 1000, f"pretrained/ holds {total / 1e6:.1f} MB"


def test_the_ising_model_and_its_monte_carlo_data_are_hash_checked(tmp_path):
    import shutil

    from ganlib import ising_gan

    generator = pretrained.load_pretrained_ising()
    assert tuple(generator.output.shape) == (None, 16, 16, 1)
    info = ising_gan.read_model_info(pretrained.ISING_DIR)
    assert info["L"] == 16 and info["temperatures"] == list(ising_gan.TEMPERATURES)
    data = pretrained.load_ising_monte_carlo("test.npz")
    assert data["spins"].shape == (12 * 1000, 16, 16) and list(data["temperatures"]) == info["temperatures"]
    copy = tmp_path / "monte_carlo"
    shutil.copytree(pretrained.ISING_MONTE_CARLO_DIR, copy)
    with open(copy / "test.npz", "r+b") as f:  # one flipped byte in the spins
        f.seek(200)
        byte = f.read(1)
        f.seek(200)
        f.write(bytes([byte[0] ^ 0xFF]))
    with pytest.raises(pretrained.CheckpointError, match="corrupt or was changed"):
        pretrained.load_ising_monte_carlo("test.npz", copy)
    with pytest.raises(pretrained.CheckpointError, match="no shipped Ising model"):
        pretrained.load_pretrained_ising(tmp_path / "nowhere")


def test_shipping_an_infogan_keeps_a_row_per_category_and_thins_its_losses(tiny_cfg, small_images, tmp_path):
    from PIL import Image

    from ganlib.training import train

    cfg = replace(tiny_cfg, architecture="compact", leaky_relu_slope=0.1, dropout=0.0, info_categories=4,
                  info_continuous=2, sample_grid_size=8)
    run = tmp_path / "run"
    train(cfg, small_images, run, epochs=2, verbose=0)  # 6 steps
    target = tmp_path / "shipped"
    names = pretrained.ship(run, target, with_discriminator=False, max_frames=0, losses_every=4)
    assert "discriminator.weights.h5" not in names and "training.gif" not in names
    assert read_history(target / "losses.csv")["step"].tolist() == [4, 6]  # every 4th step and the last
    with Image.open(target / "final_grid.png") as grid, Image.open(run / "samples" / "epoch_002.png") as last:
        assert grid.size == last.size and grid.size[1] > grid.size[0]  # 4 rows of 2: the run's grid
    generator = pretrained.load_pretrained_infogan(target)
    from ganlib.models import make_generator

    assert generator.count_params() == make_generator(cfg).count_params()


def test_the_shipped_infogan_loads_and_a_plain_model_is_not_one(tmp_path):
    from ganlib.models import info_codes_of

    assert info_codes_of(pretrained.load_pretrained_infogan()) == (10, 2)
    with pytest.raises(CheckpointError, match="without InfoGAN codes"):
        pretrained.load_pretrained_infogan(pretrained.PRETRAINED_DIR)
    with pytest.raises(CheckpointError, match="no shipped InfoGAN"):
        pretrained.load_pretrained_infogan(tmp_path / "nowhere")
