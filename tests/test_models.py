import numpy as np
import pytest

from ganlib.config import get_preset
from ganlib.models import generate_images, layer_table, make_discriminator, make_generator

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
