"""ganlib.infogan: the codes, generating from them, the code-to-digit match, and Q reading them back."""

import dataclasses

import numpy as np
import pytest

from ganlib import infogan
from ganlib.config import DCGANConfig, get_preset
from ganlib.models import generate_images, make_discriminator, make_generator


@pytest.fixture(scope="module")
def info_cfg() -> DCGANConfig:
    """A small InfoGAN: 8 noise values, 4 categories, 2 continuous codes, on the compact networks."""
    return DCGANConfig(latent_dim=8, batch_size=16, epochs=1, seed=3, architecture="compact",
                       info_categories=4, info_continuous=2, sample_grid_size=12, checkpoint_every=1,
                       leaky_relu_slope=0.1, dropout=0.0)


@pytest.fixture(scope="module")
def info_generator(info_cfg):
    return make_generator(info_cfg)


def test_codes_follow_their_prior_and_repeat_with_the_seed():
    codes, values = infogan.draw_codes(4000, 10, 2, seed=0)
    assert codes.dtype == np.int32 and codes.shape == (4000,) and values.shape == (4000, 2)
    assert set(np.unique(codes)) == set(range(10))
    np.testing.assert_allclose(np.bincount(codes) / 4000, 0.1, atol=0.02)
    assert values.min() >= -1 and values.max() <= 1 and abs(values.mean()) < 0.05
    again = infogan.draw_codes(4000, 10, 2, seed=0)
    np.testing.assert_array_equal(codes, again[0])
    np.testing.assert_array_equal(values, again[1])


def test_generate_takes_noise_and_codes_and_checks_them(info_generator):
    z = np.zeros((3, 8), np.float32)
    images = infogan.generate(info_generator, z, [0, 1, 3], [[0, 0], [1, -1], [0.5, 0.5]])
    assert images.shape == (3, 28, 28, 1) and images.dtype == np.float32
    assert np.abs(images).max() <= 1
    # the code changes the image, the same code and noise do not
    assert not np.allclose(images[0], infogan.generate(info_generator, z[:1], 2)[0])
    np.testing.assert_allclose(infogan.generate(info_generator, z[:1], [0], [0, 0]), images[:1], atol=1e-6)
    with pytest.raises(ValueError, match="code 4 is not a category of this InfoGAN"):
        infogan.generate(info_generator, z, [0, 1, 4])
    with pytest.raises(ValueError, match=r"continuous codes must have shape \(3, 2\)"):
        infogan.generate(info_generator, z, 0, np.zeros((3, 3)))
    with pytest.raises(ValueError, match="finite"):
        infogan.generate(info_generator, z, 0, [np.nan, 0])
    with pytest.raises(ValueError, match=r"noise must have shape \(n, 8\)"):
        infogan.generate(info_generator, np.zeros((3, 9)), 0)
    with pytest.raises(ValueError, match="ganlib.infogan.generate"):
        generate_images(info_generator, z)


def test_sample_draws_codes_unless_fixed(info_generator):
    drawn = infogan.sample(info_generator, 40, seed=5)
    assert drawn.images.shape == (40, 28, 28, 1) and len(set(drawn.codes)) > 1
    assert np.all(np.abs(drawn.continuous) <= 1)
    fixed = infogan.sample(info_generator, 40, seed=5, code=2, continuous=[0.25, -0.5])
    assert np.all(fixed.codes == 2)
    np.testing.assert_allclose(fixed.continuous, np.tile([0.25, -0.5], (40, 1)))
    np.testing.assert_array_equal(fixed.z, drawn.z)  # the same noise: only the codes changed
    with pytest.raises(ValueError, match="code must be a category from 0 to 3"):
        infogan.sample(info_generator, 4, code=7)


def test_a_plain_generator_takes_no_codes(tiny_cfg):
    with pytest.raises(ValueError, match="not an InfoGAN"):
        infogan.sample(make_generator(tiny_cfg), 4)


def test_the_grid_has_a_row_per_category_and_shares_each_columns_noise(info_cfg):
    z, codes, values = infogan.grid_codes(info_cfg)
    columns = infogan.grid_columns(info_cfg)
    assert columns == 3 and z.shape == (12, 8) and values.shape == (12, 2)
    np.testing.assert_array_equal(codes.reshape(4, 3), np.repeat(np.arange(4), 3).reshape(4, 3))
    for row in range(4):  # every row repeats the first row's noise and continuous codes
        np.testing.assert_array_equal(z[row * 3:(row + 1) * 3], z[:3])
        np.testing.assert_array_equal(values[row * 3:(row + 1) * 3], values[:3])
    assert not np.allclose(z[0], z[1])
    grid = get_preset("infogan")
    assert infogan.grid_columns(grid) == 10 and infogan.grid_codes(grid)[0].shape == (100, 62)


def test_code_digit_match_is_the_best_one_to_one_assignment():
    # code 0 draws five 0s and six 1s, code 1 four 1s, code 2 three 2s. Naming each code after
    # its commonest digit would call code 0 "1" and leave code 1 without a digit (6 + 0 + 3 = 9
    # agree); the best one-to-one naming calls code 0 "0" and code 1 "1": 5 + 4 + 3 = 12 of 18.
    codes = [0] * 11 + [1] * 4 + [2] * 3
    digits = [0] * 5 + [1] * 6 + [1] * 4 + [2] * 3
    match = infogan.code_digit_match(codes, digits, categories=3, num_digits=3)
    np.testing.assert_array_equal(match.matrix, [[5, 6, 0], [0, 4, 0], [0, 0, 3]])
    np.testing.assert_array_equal(match.digit_of_code, [0, 1, 2])
    assert match.accuracy == pytest.approx(12 / 18)
    # a permutation of the names does not matter: codes 0-9 drawing digits 9-0 match perfectly
    perfect = infogan.code_digit_match(np.arange(10).repeat(3), (9 - np.arange(10)).repeat(3), 10)
    assert perfect.accuracy == 1.0 and list(perfect.digit_of_code) == list(range(9, -1, -1))
    assert "match: 1.000" in perfect.table()
    with pytest.raises(ValueError, match="same length"):
        infogan.code_digit_match([0, 1], [0], 2)


def test_q_reads_codes_from_images_with_the_right_shapes(info_cfg, info_generator):
    discriminator = make_discriminator(info_cfg)
    outputs = discriminator(np.zeros((5, 28, 28, 1), np.float32), training=False)
    assert [tuple(o.shape) for o in outputs] == [(5, 1), (5, 4), (5, 2), (5, 2)]
    category, means = infogan.q_readback(discriminator, np.zeros((5, 28, 28, 1)))
    assert category.shape == (5,) and means.shape == (5, 2) and category.max() < 4


def test_q_recovers_the_codes_after_a_short_training_run(info_cfg, small_images, tmp_path):
    """Trained on the information loss, Q reads back from G's fresh samples the codes they
    were drawn with, far better than chance (1/4 for the category). After 50 steps D's BatchNorm
    averages are not yet settled (inference mode read 0.25 here), so Q reads in training mode."""
    from ganlib.data import load_mnist
    from ganlib.training import train

    images = load_mnist("embedded", verbose=False)[0][:1600]
    cfg = dataclasses.replace(info_cfg, batch_size=32, ema_decay=0.0)
    result = train(cfg, images, tmp_path / "q", verbose=0)  # one epoch: 50 steps
    assert result.steps == 50
    drawn = infogan.sample(result.state.generator, 400, seed=11)
    category, means = infogan.q_readback(result.state.discriminator, drawn.images, training=True)
    assert np.mean(category == drawn.codes) > 0.8
    for j in range(2):
        assert np.corrcoef(means[:, j], drawn.continuous[:, j])[0, 1] > 0.3
    # an untrained Q reads nothing: about chance
    fresh = make_discriminator(cfg)
    untrained, _ = infogan.q_readback(fresh, drawn.images, training=True)
    assert np.mean(untrained == drawn.codes) < 0.5
