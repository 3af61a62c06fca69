"""The bridge from a conditional GAN to Ising spins (ganlib/ising_gan.py) and the image_size option."""

import dataclasses
import json

import numpy as np
import pytest

from ganlib import ising, ising_gan
from ganlib.config import DCGANConfig, get_preset


@pytest.fixture(scope="module")
def tiny_generator():
    import ganlib

    ganlib.quiet_tensorflow(onednn=True)
    cfg = dataclasses.replace(get_preset("ising"), gen_filters=8, latent_dim=4, num_classes=3)
    ganlib.set_seed(0)
    return ganlib.make_generator(cfg)


def test_the_ising_preset_builds_16x16_networks_with_a_temperature_label():
    import ganlib

    ganlib.quiet_tensorflow(onednn=True)
    cfg = get_preset("ising")
    assert cfg.conditional and cfg.image_size == 16 and cfg.num_classes == len(ising_gan.TEMPERATURES)
    generator, discriminator = ganlib.make_generator(cfg), ganlib.make_discriminator(cfg)
    assert tuple(generator.output.shape) == (None, 16, 16, 1)
    assert tuple(discriminator.inputs[0].shape) == (None, 16, 16, 1)
    # the project layer maps z and the one-hot label to a 4 x 4 map: (64 + 12) * 4 * 4 * 128 weights
    assert generator.get_layer("project").count_params() == (64 + 12) * 4 * 4 * 128
    assert generator.get_layer("up_16x16").output.shape[1:] == (16, 16, 1)
    assert discriminator.get_layer("label_16x16").output.shape[1:] == (16, 16, 12)


def test_image_size_28_keeps_the_digit_networks_layer_for_layer():
    import ganlib

    ganlib.quiet_tensorflow(onednn=True)
    names = [layer.name for layer in ganlib.make_generator(get_preset("fast")).layers]
    assert names[3:] == ["to_7x7", "up_7x7", "up_7x7_bn", "up_7x7_act", "up_14x14", "up_14x14_bn",
                         "up_14x14_act", "up_28x28"]


@pytest.mark.parametrize("size", [0, 6, 10, 28.0, True])
def test_image_size_must_be_a_multiple_of_4_from_8(size):
    with pytest.raises(ValueError, match="image_size must be a multiple of 4 from 8 up"):
        DCGANConfig(image_size=size)


def test_training_refuses_images_of_another_size():
    from ganlib.data import make_dataset

    cfg = get_preset("ising")
    with pytest.raises(ValueError, match=r"set dataclasses.replace\(cfg, image_size=28\)"):
        make_dataset(np.zeros((64, 28, 28, 1), np.float32), cfg, 0, np.zeros(64, int))


def test_temperature_label_finds_trained_temperatures_and_refuses_others():
    temps = ising_gan.TEMPERATURES
    assert ising_gan.temperature_label(temps, 2.269) == temps.index(2.269)
    assert ising_gan.temperature_label(temps, 2.2692) == temps.index(2.269)  # within the tolerance
    with pytest.raises(ValueError, match=r"not trained at T = 2.4; choose one of its temperatures: 1.5, 1.75"):
        ising_gan.temperature_label(temps, 2.4)
    with pytest.raises(ValueError, match="positive finite"):
        ising_gan.temperature_label(temps, -1.0)


def test_generate_spins_gives_seeded_int8_spins(tiny_generator):
    temps = (1.5, 2.269, 3.5)
    a = ising_gan.generate_spins(tiny_generator, temps, 3.5, 5, seed=1)
    b = ising_gan.generate_spins(tiny_generator, temps, 3.5, 5, seed=1)
    assert a.dtype == np.int8 and a.shape == (5, 16, 16) and set(np.unique(a)) <= {-1, 1}
    assert np.array_equal(a, b)
    assert not np.array_equal(a, ising_gan.generate_spins(tiny_generator, temps, 3.5, 5, seed=2))
    with pytest.raises(ValueError, match="n must be a positive"):
        ising_gan.generate_spins(tiny_generator, temps, 3.5, 0)


def test_flip_half_balances_the_signs_and_keeps_the_energy():
    spins = -np.ones((2000, 8, 8), np.int8)  # a generator that kept only the -m phase
    spins[:, 0, 0] = 1
    flipped = ising_gan.flip_half(spins, seed=0)
    assert 0.45 < np.mean(ising.magnetization(flipped) > 0) < 0.55
    assert np.array_equal(ising.energy(flipped), ising.energy(spins))
    assert np.array_equal(np.abs(flipped), np.abs(spins))
    assert np.array_equal(flipped, ising_gan.flip_half(spins, seed=0))


def test_observables_on_hand_made_samples():
    up = np.ones((10, 4, 4), np.int8)
    both = np.concatenate([up, -up])
    row = ising_gan.observables(both, 2.0)
    assert row["energy"] == -2.0 and row["energy_err"] == 0.0
    assert row["abs_m"] == 1.0 and row["chi"] == 0.0 and row["heat"] == 0.0
    assert row["plus"] == 0.5 and row["n"] == 20
    assert ising_gan.observables(up, 2.0)["plus"] == 1.0


def test_distances_are_zero_for_the_same_sample_and_one_for_disjoint_ones():
    up = np.ones((10, 4, 4), np.int8)
    checker = np.indices((4, 4)).sum(axis=0) % 2 * 2 - 1
    checker = np.repeat(checker[None].astype(np.int8), 10, axis=0)
    assert ising_gan.distances(up, up) == {"energy": 0.0, "m": 0.0}
    d = ising_gan.distances(up, -up)
    assert d["m"] == 1.0 and d["energy"] == 0.0  # same energy, opposite magnetisation
    # a checkerboard's energy (+2) lies outside the energy bins [-2, 0]: refused, not silently 0
    with pytest.raises(ValueError, match="widen the bins"):
        ising_gan.distances(checker, checker)


def test_physics_report_compares_a_generator_with_monte_carlo(tiny_generator):
    temps = (1.5, 2.269, 3.5)
    reference = {t: ising.sample(16, t, 40, seed=3) for t in temps}
    rows = ising_gan.physics_report(tiny_generator, temps, reference, n=30, floor=reference)
    assert [r["T"] for r in rows] == list(temps)
    assert all(r["gan"]["n"] == 30 and r["mc"]["n"] == 40 for r in rows)
    assert all(r["floor_distance"] == {"energy": 0.0, "m": 0.0} for r in rows)  # the reference against itself
    text = ising_gan.report_table(rows)
    assert len(text.splitlines()) == 4 and "floor d(e)" in text


def test_model_info_round_trip_and_a_folder_without_it(tmp_path):
    path = ising_gan.write_model_info(tmp_path / "run", [1.5, 2.0], 16, source={"seed": 0})
    assert json.loads(path.read_text()) == {"temperatures": [1.5, 2.0], "L": 16, "monte_carlo": {"seed": 0}}
    assert ising_gan.read_model_info(tmp_path / "run")["L"] == 16
    with pytest.raises(ValueError, match="is not an Ising model"):
        ising_gan.read_model_info(tmp_path)


def test_by_temperature_splits_a_data_set():
    data = ising.dataset(4, [2.0, 3.0], 5, seed=0)
    parts = ising_gan.by_temperature(data)
    assert sorted(parts) == [2.0, 3.0] and all(p.shape == (5, 4, 4) for p in parts.values())
    assert np.array_equal(parts[3.0], data["spins"][5:])
