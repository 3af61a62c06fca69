import dataclasses

import numpy as np
import pytest

import ganlib
from ganlib import explore
from ganlib.latent import lecture_moments, mean_direction, std_profile
from ganlib.classifier import make_classifier, predict_proba


@pytest.fixture(scope="module")
def models():
    """A tiny untrained generator and an untrained classifier: the search does not care how good they are."""
    ganlib.set_seed(0)
    cfg = dataclasses.replace(ganlib.DCGANConfig(), latent_dim=8, gen_filters=8)
    return ganlib.make_generator(cfg), make_classifier(0)


def test_sweep_images_sample_the_lecture_sweep_with_valid_stds(models):
    generator, _ = models
    means, _ = lecture_moments(8, mean_scale=3.0)
    z, images = explore.sweep_images(generator, mean_scale=3.0, std_scale=0.0, seed=0, n=5)
    assert z.shape == (5, 8) and z.dtype == np.float32
    assert images.shape == (5, 28, 28, 1) and images.dtype == np.float32
    np.testing.assert_allclose(z, np.broadcast_to(means, z.shape), rtol=1e-6)  # std 0: every point is the mean
    z, _ = explore.sweep_images(generator, mean_scale=0.0, std_scale=2.0, seed=0, n=2000)
    assert z.std() == pytest.approx(2.0, rel=0.05)
    with pytest.raises(ValueError, match="std_scale"):
        explore.sweep_images(generator, std_scale=-1.0)


def test_sweep_images_move_the_means_along_the_direction_and_shape_the_stds_by_the_profile(models):
    generator, _ = models
    direction, profile = mean_direction(8, "random", seed=3), std_profile(8, "block", block=(2, 5))
    z, images = explore.sweep_images(generator, mean_scale=4.0, std_scale=3.0, seed=1, n=3000,
                                     direction=direction, profile=profile)
    np.testing.assert_allclose(z.mean(axis=0), 4.0 * direction, atol=0.15)
    np.testing.assert_allclose(z.std(axis=0), [0, 0, 3, 3, 3, 0, 0, 0], atol=0.1)
    outside = [0, 1, 5, 6, 7]  # outside the block every point is the mean
    np.testing.assert_array_equal(z[:, outside], np.broadcast_to(np.float32(4.0 * direction[outside]), (3000, 5)))
    np.testing.assert_allclose(images, ganlib.generate_images(generator, z), atol=1e-6)
    # the same seed is the same noise: only what changed moves the points
    z_ramp, _ = explore.sweep_images(generator, 4.0, 3.0, seed=1, n=5, profile=profile)
    np.testing.assert_allclose(z_ramp - z[:5], np.broadcast_to(4.0 * (mean_direction(8) - direction), (5, 8)),
                               atol=1e-5)
    z_default, _ = explore.sweep_images(generator, 4.0, 3.0, seed=1, n=5)
    z_explicit, _ = explore.sweep_images(generator, 4.0, 3.0, seed=1, n=5, direction=mean_direction(8, "ramp"),
                                         profile=std_profile(8, "isotropic"))
    np.testing.assert_array_equal(z_default, z_explicit)
    with pytest.raises(ValueError, match="profile must be >= 0"):
        explore.sweep_images(generator, profile=-np.ones(8))


def test_ink_is_the_mean_brightness_on_a_zero_to_one_scale():
    images = np.full((3, 28, 28, 1), -1.0, np.float32)  # blank paper
    images[1] = 1.0  # all ink
    images[2, :14] = 1.0  # the top half inked
    np.testing.assert_allclose(explore.ink(images), [0.0, 1.0, 0.5])


def test_paired_bootstrap_gives_the_standard_error_and_keeps_rows_together():
    rng = np.random.default_rng(0)
    x = rng.normal(size=400)
    values = explore.paired_bootstrap(np.mean, x, n_boot=2000, seed=1)
    assert values.shape == (2000,)
    assert values.std() == pytest.approx(x.std() / np.sqrt(400), rel=0.1)  # the standard error of a mean
    np.testing.assert_array_equal(values, explore.paired_bootstrap(np.mean, x, n_boot=2000, seed=1))
    # two samples that share their noise: their difference varies far less than either
    y = x + 0.1 + 0.01 * rng.normal(size=400)
    paired = explore.paired_bootstrap(lambda a, b: b.mean() - a.mean(), x, y, n_boot=2000)
    assert paired.mean() == pytest.approx(0.1, abs=0.005) and paired.std() < 0.1 * values.std()
    rows = explore.paired_bootstrap(lambda a, b: float(np.all(b == 2 * a)), x, 2 * x, n_boot=50)
    assert np.all(rows == 1.0)  # row k of one sample goes with row k of the other
    with pytest.raises(ValueError, match="one length"):
        explore.paired_bootstrap(np.mean, x, y[:-1])
    with pytest.raises(ValueError, match="n_boot"):
        explore.paired_bootstrap(np.mean, x, n_boot=1)


def test_sweep_images_of_a_conditional_generator_draw_the_digit_asked_for(models):
    ganlib.set_seed(0)
    cfg = dataclasses.replace(ganlib.DCGANConfig(), latent_dim=8, gen_filters=8, conditional=True)
    generator = ganlib.make_generator(cfg)
    z, fives = explore.sweep_images(generator, mean_scale=1.0, std_scale=1.0, seed=2, n=6, digit=5)
    z_plain, _ = explore.sweep_images(models[0], mean_scale=1.0, std_scale=1.0, seed=2, n=6)
    np.testing.assert_array_equal(z, z_plain)  # the digit does not move the latent points
    np.testing.assert_allclose(fives, ganlib.generate_images(generator, z, np.full(6, 5)), atol=1e-6)
    _, sixes = explore.sweep_images(generator, mean_scale=1.0, std_scale=1.0, seed=2, n=6, digit=6)
    assert not np.array_equal(fives, sixes)
    with pytest.raises(ValueError, match="conditional: pass labels"):
        explore.sweep_images(generator, n=6)
    with pytest.raises(ValueError, match="unconditional generator"):
        explore.sweep_images(models[0], n=6, digit=5)


def test_most_confident_ranks_by_the_probability_of_that_digit():
    probs = np.full((5, 10), 0.05)
    probs[:, 3] = [0.2, 0.9, 0.5, 0.9, 0.1]  # rows 1 and 3 tie
    probs[:, 4] = 1 - probs.sum(axis=1) + probs[:, 4]
    assert explore.most_confident(probs, 3, 3).tolist() == [1, 3, 2]
    assert explore.most_confident(probs, 4, 1).tolist() == [4]  # its most likely digit need not be 4
    for bad in (dict(digit=10), dict(digit=True), dict(k=0), dict(k=6)):
        with pytest.raises(ValueError):
            explore.most_confident(probs, **(dict(digit=3, k=1) | bad))
    with pytest.raises(ValueError, match="shape"):
        explore.most_confident(probs[:, :9], 3)


def test_latent_pool_holds_points_images_and_probabilities(models):
    generator, classifier = models
    pool = explore.latent_pool(generator, classifier, n=40, seed=1)
    assert pool.z.shape == (40, 8) and pool.z.dtype == np.float32
    assert pool.images.shape == (40, 28, 28, 1)
    np.testing.assert_allclose(pool.probs.sum(axis=1), 1.0)
    np.testing.assert_array_equal(pool.z, ganlib.sample_latent(40, 8, seed=1))
    np.testing.assert_allclose(pool.images, ganlib.generate_images(generator, pool.z), atol=1e-6)
    np.testing.assert_array_equal(pool.labels, pool.probs.argmax(axis=1))


def test_find_digit_latents_returns_the_most_confident_candidates(models):
    generator, classifier = models
    pool = explore.latent_pool(generator, classifier, n=40, seed=2)
    for digit in (0, 7):
        z = explore.find_digit_latents(generator, classifier, digit, n_candidates=40, seed=2, k=3)
        assert z.shape == (3, 8) and z.dtype == np.float32
        # regenerate and reclassify the chosen points: they are the top 3 of all 40 for this digit
        p = predict_proba(classifier, ganlib.generate_images(generator, z))[:, digit]
        best = np.sort(pool.probs[:, digit])[::-1][:3]
        np.testing.assert_allclose(p, best, rtol=1e-5)
        np.testing.assert_array_equal(z, pool.latents_of(digit, 3))


def test_attribute_direction_points_to_higher_scores():
    rng = np.random.default_rng(0)
    z = rng.normal(size=(4000, 6))
    scores = 2 * z[:, 0] - z[:, 3]
    direction = explore.attribute_direction(z, scores, fraction=0.25)
    assert direction.shape == (6,) and direction.dtype == np.float32
    unit = direction / np.linalg.norm(direction)
    expected = np.array([2, 0, 0, -1, 0, 0]) / np.sqrt(5)
    assert unit @ expected > 0.98
    tiny = explore.attribute_direction(np.array([[0.0], [1.0], [5.0]]), np.array([3.0, 1.0, 2.0]), 0.1)
    np.testing.assert_allclose(tiny, [0.0 - 1.0])  # one point per group: highest score minus lowest
    with pytest.raises(ValueError, match="fraction"):
        explore.attribute_direction(z, scores, fraction=0.6)
    with pytest.raises(ValueError, match="scores"):
        explore.attribute_direction(z, scores[:-1])
    with pytest.raises(ValueError, match="two points"):
        explore.attribute_direction(z[:1], scores[:1])


def test_attribute_direction_within_groups_is_not_fooled_by_a_difference_between_groups():
    # two classes far apart along dimension 1; class 1 scores higher overall, but inside
    # each class the score grows along dimension 0 only
    rng = np.random.default_rng(1)
    groups = np.repeat([0, 1], 2000)
    z = rng.normal(size=(4000, 4))
    z[:, 1] += 3 * groups
    scores = z[:, 0] + 10 * groups
    naive = explore.attribute_direction(z, scores)
    within = explore.attribute_direction(z, scores, groups=groups)
    assert abs(naive[1]) > abs(naive[0])  # the naive direction mostly points from class 0 to class 1
    unit = within / np.linalg.norm(within)
    assert unit[0] > 0.98
    alone = explore.attribute_direction(np.vstack([z, np.ones((1, 4))]), np.append(scores, 0.0),
                                        groups=np.append(groups, 7))  # a group of one is skipped
    np.testing.assert_allclose(alone, within, rtol=1e-6)
    with pytest.raises(ValueError, match="groups"):
        explore.attribute_direction(z, scores, groups=groups[:-1])


def test_digit_row_inputs_share_one_latent_point_per_column():
    labels, z = explore.digit_row_inputs(n_per_digit=3, latent_dim=5, seed=4)
    assert labels.shape == (30,) and z.shape == (30, 5) and z.dtype == np.float32
    np.testing.assert_array_equal(labels, np.repeat(np.arange(10), 3))
    columns = ganlib.sample_latent(3, 5, seed=4)
    for k in range(30):
        row, col = divmod(k, 3)
        assert labels[k] == row
        np.testing.assert_array_equal(z[k], columns[col])  # the same z all down column col
    assert not np.array_equal(z[0], z[1])  # and another z in the next column


def test_digit_rows_puts_digit_d_in_row_d(models):
    ganlib.set_seed(0)
    cfg = dataclasses.replace(ganlib.DCGANConfig(), latent_dim=8, gen_filters=8, conditional=True)
    generator = ganlib.make_generator(cfg)
    labels, images = explore.digit_rows(generator, n_per_digit=4, seed=1)
    assert images.shape == (40, 28, 28, 1) and images.dtype == np.float32
    np.testing.assert_array_equal(labels.reshape(10, 4), np.arange(10)[:, None].repeat(4, axis=1))
    expected_labels, z = explore.digit_row_inputs(4, 8, seed=1)
    np.testing.assert_array_equal(labels, expected_labels)
    np.testing.assert_allclose(images, ganlib.generate_images(generator, z, labels), atol=1e-6)
    grid = images.reshape(10, 4, 28, 28, 1)
    for col in range(4):  # one z per column, so only the label differs down a column
        assert all(np.abs(grid[0, col] - grid[d, col]).max() > 1e-4 for d in range(1, 10))
    with pytest.raises(ValueError, match="conditional generator"):
        explore.digit_rows(models[0], n_per_digit=2)
