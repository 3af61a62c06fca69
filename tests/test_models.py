import numpy as np
import pytest

from ganlib.config import get_preset
from ganlib.models import (generate_images, layer_table, make_conditional_discriminator,
                           make_conditional_generator, make_discriminator, make_generator, num_classes_of)

from . import lecture_defects as lecture
from .conftest import replace


def test_shapes_and_output_ranges(tiny_cfg):
    generator, discriminator = make_generator(tiny_cfg), make_discriminator(tiny_cfg)
    z = np.random.default_rng(0).normal(size=(5, tiny_cfg.latent_dim)).astype(np.float32)
    images = generator(z, training=False).numpy()
    assert images.shape == (5, 28, 28, 1)
    assert np.all(np.abs(images) <= 1.0)  # tanh
    assert discriminator(images, training=False).shape == (5, 1)


def test_lecture_architecture_parameter_counts():
    cfg = get_preset("lecture")
    f, d = cfg.gen_filters, cfg.latent_dim
    # dense (no bias), its BatchNorm (4 per unit), three 5x5 transposed convs (no bias)
    # and the BatchNorms after the first two
    expected_generator = (d * 7 * 7 * f + 4 * 7 * 7 * f + 25 * f * 128 + 4 * 128
                          + 25 * 128 * 64 + 4 * 64 + 25 * 64 * 1)
    expected_discriminator = (25 * 1 * 64 + 64) + (25 * 64 * 128 + 128) + (7 * 7 * 128 + 1)
    assert make_generator(cfg).count_params() == expected_generator == 2_330_944
    assert make_discriminator(cfg).count_params() == expected_discriminator == 212_865


@pytest.mark.parametrize("impl", [
    "ganlib",
    pytest.param("lecture", marks=pytest.mark.xfail(strict=True, reason="erratum 4: batch size sets channels")),
])
def test_architecture_does_not_depend_on_batch_size(impl):
    def build(batch_size):
        if impl == "ganlib":
            return make_generator(replace(get_preset("lecture"), batch_size=batch_size, gen_filters=16))
        return lecture.generator_model(latent_dim=100, batch_size=batch_size)

    small, large = build(16), build(32)
    assert [w.shape for w in small.weights] == [w.shape for w in large.weights]


def test_generate_images_checks_the_latent_size(tiny_cfg):
    generator = make_generator(tiny_cfg)
    with pytest.raises(ValueError, match=r"\(n, 8\)"):
        generate_images(generator, np.zeros((3, 100), np.float32))
    with pytest.raises(ValueError, match="sample_latent"):
        generate_images(generator, np.zeros(8, np.float32))


def test_inference_does_not_depend_on_the_rest_of_the_batch(tiny_cfg):
    generator = make_generator(tiny_cfg)
    z = np.random.default_rng(1).normal(size=(12, tiny_cfg.latent_dim))  # float64 is cast
    together = generate_images(generator, z, batch_size=12)
    one_by_one = generate_images(generator, z, batch_size=1)
    assert together.dtype == np.float32 and together.shape == (12, 28, 28, 1)
    np.testing.assert_allclose(together, one_by_one, atol=1e-5)


def test_layer_table_lists_every_layer_with_its_parameters():
    generator = make_generator(get_preset("lecture"))
    table = layer_table(generator).splitlines()
    assert len(table) == 2 + len(generator.layers) + 1
    assert table[2].split() == ["project", "Dense", "(None,", "12544)", "1,254,400"]
    assert table[-1].split() == ["total", "2,330,944"]


def test_conditional_models_take_a_label_and_keep_the_shapes(tiny_cond_cfg):
    generator, discriminator = make_generator(tiny_cond_cfg), make_discriminator(tiny_cond_cfg)
    assert [t.name for t in generator.inputs] == ["z", "label"]
    assert [t.name for t in discriminator.inputs] == ["image", "label"]
    z = np.random.default_rng(0).normal(size=(5, tiny_cond_cfg.latent_dim)).astype(np.float32)
    labels = np.array([0, 3, 9, 3, 1])
    images = generator([z, labels], training=False).numpy()
    assert images.shape == (5, 28, 28, 1)
    assert np.all(np.abs(images) <= 1.0)
    assert discriminator([images, labels], training=False).shape == (5, 1)
    assert num_classes_of(generator) == 10 and num_classes_of(make_generator(replace(tiny_cond_cfg,
                                                                                      conditional=False))) is None


def test_the_label_adds_only_its_one_hot_inputs(tiny_cond_cfg):
    plain = replace(tiny_cond_cfg, conditional=False)
    f, k = tiny_cond_cfg.gen_filters, tiny_cond_cfg.num_classes
    # G: k more inputs to the Dense layer; D: k more input channels to the first 5x5 convolution
    assert (make_conditional_generator(tiny_cond_cfg).count_params()
            == make_generator(plain).count_params() + k * 7 * 7 * f)
    assert (make_conditional_discriminator(tiny_cond_cfg).count_params()
            == make_discriminator(plain).count_params() + 25 * k * 64)
    generator = make_conditional_generator(tiny_cond_cfg)
    table = layer_table(generator).splitlines()
    assert table[1].split()[:2] == ["z", "(input)"] and table[2].split()[:2] == ["label", "(input)"]
    assert table[-1].split() == ["total", f"{generator.count_params():,}"]


def test_changing_the_label_changes_the_image_for_the_same_z(tiny_cond_cfg):
    generator = make_generator(tiny_cond_cfg)
    z = np.random.default_rng(2).normal(size=(4, tiny_cond_cfg.latent_dim))
    threes = generate_images(generator, z, np.full(4, 3))
    fives = generate_images(generator, z, np.full(4, 5))
    assert threes.shape == (4, 28, 28, 1) and threes.dtype == np.float32
    np.testing.assert_array_equal(threes, generate_images(generator, z, [3, 3, 3, 3]))
    for a, b in zip(threes, fives):
        assert np.abs(a - b).max() > 1e-4
    # inference does not depend on batching, labels included
    mixed = np.array([0, 9, 4, 7])
    np.testing.assert_allclose(generate_images(generator, z, mixed, batch_size=1),
                               generate_images(generator, z, mixed), atol=1e-5)


@pytest.mark.parametrize("labels, message", [
    ([3, 3, 3, 10], "label 10 is not a digit.*0-9"),
    ([-1, 3, 3, 3], "label -1 is not a digit.*0-9"),
    ([3, 3, 3], "3 labels for 4 z.*one label per row"),
    ([[3, 3, 3, 3]], "1-D array of integer digits"),
    ([3.0, 3.5, 3.0, 3.0], "1-D array of integer digits"),
    (None, "conditional: pass labels"),
])
def test_bad_labels_say_what_is_wrong_and_how_to_fix_it(tiny_cond_cfg, labels, message):
    generator = make_generator(tiny_cond_cfg)
    with pytest.raises(ValueError, match=message):
        generate_images(generator, np.zeros((4, tiny_cond_cfg.latent_dim), np.float32), labels)


def test_labels_for_an_unconditional_generator_are_refused(tiny_cfg):
    with pytest.raises(ValueError, match="unconditional generator.*leave labels out"):
        generate_images(make_generator(tiny_cfg), np.zeros((2, tiny_cfg.latent_dim), np.float32), [1, 2])


def test_infogan_architecture_shapes_and_parameter_counts():
    from ganlib.config import DCGANConfig
    from ganlib.models import make_discriminator, make_generator

    cfg = DCGANConfig(architecture="infogan", latent_dim=74)
    generator, discriminator = make_generator(cfg), make_discriminator(cfg)
    assert tuple(generator.outputs[0].shape) == (None, 28, 28, 1)
    assert tuple(discriminator.outputs[0].shape) == (None, 1)
    bn = lambda channels: 4 * channels  # noqa: E731  (gamma, beta and the two moving statistics)
    expected_g = (74 * 1024 + bn(1024) + 1024 * 7 * 7 * 128 + bn(7 * 7 * 128)
                  + 4 * 4 * 128 * 64 + bn(64) + 4 * 4 * 64 * 1 + 1)
    expected_d = (4 * 4 * 1 * 64 + 64 + 4 * 4 * 64 * 128 + bn(128)
                  + 7 * 7 * 128 * 1024 + bn(1024) + 1024 + 1)
    assert generator.count_params() == expected_g
    assert discriminator.count_params() == expected_d
    # D's capacity is what the architecture changes most: about 30 times the lecture's D
    lecture_d = make_discriminator(DCGANConfig()).count_params()
    assert 25 < discriminator.count_params() / lecture_d < 35


def test_infogan_architecture_takes_labels_and_other_image_sizes():
    from ganlib.config import DCGANConfig
    from ganlib.models import make_discriminator, make_generator

    cfg = DCGANConfig(architecture="infogan", conditional=True, image_size=16, latent_dim=8)
    generator, discriminator = make_generator(cfg), make_discriminator(cfg)
    images = generate_images(generator, np.zeros((3, 8)), np.array([0, 1, 2]))
    assert images.shape == (3, 16, 16, 1) and np.all(np.abs(images) <= 1)
    assert tuple(discriminator([images, np.array([0, 1, 2])], training=False).shape) == (3, 1)


def test_compact_architecture_is_the_infogan_d_with_a_lean_g():
    from ganlib.config import DCGANConfig
    from ganlib.models import make_discriminator, make_generator

    cfg = DCGANConfig(architecture="compact")
    generator, discriminator = make_generator(cfg), make_discriminator(cfg)
    assert tuple(generator.outputs[0].shape) == (None, 28, 28, 1)
    bn = lambda channels: 4 * channels  # noqa: E731
    assert generator.count_params() == (100 * 128 + bn(128) + 128 * 7 * 7 * 128 + bn(7 * 7 * 128)
                                        + 4 * 4 * 128 * 64 + bn(64) + 4 * 4 * 64 * 1 + 1) == 973_569
    paper = DCGANConfig(architecture="infogan")
    assert [w.shape for w in discriminator.weights] == [w.shape for w in make_discriminator(paper).weights]
    # G is a seventh of the paper's, and 0.42 of the lecture's at full width
    assert make_generator(paper).count_params() / generator.count_params() > 6.8
    assert make_generator(DCGANConfig()).count_params() / generator.count_params() > 2.3
    images = generate_images(generator, np.zeros((2, 100)))
    assert images.shape == (2, 28, 28, 1) and np.all(np.abs(images) <= 1)


def test_unknown_architecture_names_the_known_ones():
    from ganlib.config import DCGANConfig

    with pytest.raises(ValueError, match="architecture must be one of lecture, infogan, compact, got 'resnet'"):
        DCGANConfig(architecture="resnet")


def test_an_infogan_takes_codes_and_its_d_carries_the_q_head():
    from ganlib.models import (info_codes_of, is_infogan, latent_dim_of, make_discriminator, make_generator,
                               num_classes_of)

    cfg = get_preset("infogan")
    generator, discriminator = make_generator(cfg), make_discriminator(cfg)
    assert [t.name for t in generator.inputs] == ["z", "code", "continuous"]
    assert info_codes_of(generator) == (10, 2) and latent_dim_of(generator) == 62
    assert num_classes_of(generator) is None  # its codes are not labels
    assert is_infogan(discriminator) and not is_infogan(make_generator(get_preset("compact")))
    assert [tuple(o.shape) for o in discriminator.outputs] == [(None, 1), (None, 10), (None, 2), (None, 2)]
    bn = lambda channels: 4 * channels  # noqa: E731
    # the compact G, whose first Dense layer now reads 62 noise values + 10 one-hot + 2 continuous
    expected_g = (74 * 128 + bn(128) + 128 * 7 * 7 * 128 + bn(7 * 7 * 128)
                  + 4 * 4 * 128 * 64 + bn(64) + 4 * 4 * 64 * 1 + 1)
    q_head = 1024 * 128 + bn(128) + (128 * 10 + 10) + 2 * (128 * 2 + 2)
    plain_d = make_discriminator(get_preset("compact")).count_params()
    assert generator.count_params() == expected_g == 970_241
    assert discriminator.count_params() == plain_d + q_head == 6_693_711
    # D's body keeps the plain D's layer names, so its layers are the same weights
    assert {layer.name for layer in make_discriminator(get_preset("compact")).layers} <= \
        {layer.name for layer in discriminator.layers}
