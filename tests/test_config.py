import dataclasses
import json
import re

import pytest

from ganlib.config import PRESETS, DCGANConfig, get_preset


def test_lecture_preset_has_the_lecture_values():
    cfg = get_preset("lecture")
    assert (cfg.latent_dim, cfg.gen_filters, cfg.batch_size) == (100, 256, 256)
    assert cfg.gen_learning_rate == cfg.disc_learning_rate == 1e-4
    assert cfg.beta_1 == 0.9 and cfg.epochs == 30 and cfg.dropout == 0.3


def test_config_is_frozen_and_varied_with_replace():
    cfg = get_preset("lecture")
    with pytest.raises(dataclasses.FrozenInstanceError):
        cfg.batch_size = 64
    assert dataclasses.replace(cfg, batch_size=64).batch_size == 64
    assert cfg.batch_size == 256


def test_unknown_preset_names_the_known_ones():
    with pytest.raises(ValueError, match="compact, conditional, dcgan, dcgan_r1, fast, infogan, ising, lecture"):
        get_preset("slow")


@pytest.mark.parametrize("changes, field", [
    ({"batch_size": 0}, "batch_size"),
    ({"latent_dim": -3}, "latent_dim"),
    ({"gen_filters": 2.5}, "gen_filters"),
    ({"beta_1": 1.0}, "beta_1"),
    ({"gen_learning_rate": 0.0}, "gen_learning_rate"),
    ({"generator_loss": "wasserstein"}, "generator_loss"),
    ({"conditional": "false"}, "conditional"),
    ({"conditional": 1}, "conditional"),
    ({"num_classes": 1}, "num_classes"),
    ({"num_classes": 10.0}, "num_classes"),
])
def test_invalid_values_are_rejected_with_the_field_named(changes, field):
    with pytest.raises(ValueError, match=field):
        DCGANConfig(**changes)


def test_save_and_load_round_trip(tmp_path):
    cfg = dataclasses.replace(PRESETS["fast"], seed=7)
    cfg.save(tmp_path / "config.json")
    assert DCGANConfig.load(tmp_path / "config.json") == cfg


def test_loading_a_corrupt_or_foreign_file_says_so(tmp_path):
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(ValueError, match="not valid JSON"):
        DCGANConfig.load(tmp_path / "bad.json")
    (tmp_path / "other.json").write_text('{"latent_dim": 10, "colour": "red"}')
    with pytest.raises(ValueError, match="colour"):
        DCGANConfig.load(tmp_path / "other.json")


def test_a_config_saved_before_conditional_gans_and_r1_still_loads(tmp_path):
    # the fields a config.json had before `conditional`, `num_classes` and `r1_gamma` existed
    old = {k: v for k, v in get_preset("dcgan").to_dict().items()
           if k not in ("conditional", "num_classes", "r1_gamma")}
    (tmp_path / "config.json").write_text(json.dumps(old))
    cfg = DCGANConfig.load(tmp_path / "config.json")
    assert cfg == get_preset("dcgan")
    assert cfg.conditional is False and cfg.num_classes == 10 and cfg.r1_gamma == 0.0


def test_conditional_preset_is_fast_told_the_digit(tmp_path):
    cfg = get_preset("conditional")
    assert cfg.conditional is True and cfg.num_classes == 10
    assert cfg == dataclasses.replace(PRESETS["fast"], conditional=True, sample_grid_size=20)
    cfg.save(tmp_path / "config.json")
    assert DCGANConfig.load(tmp_path / "config.json") == cfg


@pytest.mark.parametrize("bad", [-0.5, "1", True])
def test_r1_gamma_must_be_a_non_negative_number(bad):
    with pytest.raises(ValueError, match="r1_gamma"):
        DCGANConfig(r1_gamma=bad)


def test_dcgan_r1_preset_is_dcgan_without_dropout_with_r1_and_ema():
    cfg = get_preset("dcgan_r1")
    assert cfg == dataclasses.replace(PRESETS["dcgan"], dropout=0.0, r1_gamma=1.0, ema_decay=0.999, epochs=200)


def test_compact_preset_is_the_infogan_papers_optimiser_on_the_compact_networks():
    cfg = get_preset("compact")
    assert cfg == dataclasses.replace(PRESETS["dcgan"], architecture="compact", gen_learning_rate=1e-3,
                                      disc_learning_rate=2e-4, leaky_relu_slope=0.1, dropout=0.0,
                                      ema_decay=0.999, epochs=100)
    assert cfg.r1_gamma == 0 and not cfg.conditional and cfg.batch_size == 64


def test_generator_loss_variants_are_the_losses_ganlib_has():
    from ganlib import losses, toy
    from ganlib.config import GENERATOR_LOSS_VARIANTS

    assert set(GENERATOR_LOSS_VARIANTS) == set(losses.GENERATOR_LOSSES)
    for variant in GENERATOR_LOSS_VARIANTS:  # the toy GAN of notebook 01 takes the same ones
        assert toy.ToyGANConfig(generator_loss=variant).generator_loss == variant


def test_ising_preset_is_the_dcgan_recipe_on_16x16_spins_with_12_temperatures():
    cfg = get_preset("ising")
    assert cfg == dataclasses.replace(PRESETS["dcgan"], conditional=True, num_classes=12, image_size=16,
                                      latent_dim=64, gen_filters=128, epochs=40, sample_grid_size=24)
    assert cfg.ema_decay == 0  # averaged weights drew too ordered configurations (config.py)


def test_infogan_preset_is_compact_with_the_papers_codes():
    cfg, compact = get_preset("infogan"), get_preset("compact")
    assert cfg.infogan and not compact.infogan
    assert (cfg.latent_dim, cfg.info_categories, cfg.info_continuous) == (62, 10, 2)
    assert (cfg.info_weight, cfg.info_continuous_weight) == (1.0, 0.1)
    assert cfg.input_dim == 74 and compact.input_dim == compact.latent_dim
    assert dataclasses.replace(cfg, latent_dim=100, info_categories=0, info_continuous=0,
                               sample_grid_size=16, epochs=100) == compact


@pytest.mark.parametrize("changes, message", [
    ({"info_categories": 1}, "info_categories must be 0 (a plain GAN) or at least 2"),
    ({"info_categories": -2}, "info_categories must be an integer >= 0"),
    ({"info_categories": 10, "info_continuous": 2.5}, "info_continuous must be an integer >= 0"),
    ({"info_continuous": 2}, "info_continuous needs a categorical code too"),
    ({"info_weight": -1.0}, "info_weight must be a number >= 0"),
    ({"info_categories": 10, "architecture": "lecture"}, "set architecture='compact'"),
    ({"info_categories": 10, "conditional": True}, "cannot also be conditional"),
])
def test_bad_infogan_settings_name_the_field_and_the_fix(changes, message):
    base = {"architecture": "compact"} if "architecture" not in changes else {}
    with pytest.raises(ValueError, match=re.escape(message)):
        DCGANConfig(**{**base, **changes})
