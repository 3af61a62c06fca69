import numpy as np
import pytest

from ganlib import metrics


@pytest.fixture(scope="module")
def classifier_and_reference(mnist):
    """The shipped classifier and the real digits it never saw."""
    from ganlib.pretrained import classifier_info, load_classifier

    images, labels = mnist
    info = classifier_info()
    reference, _ = metrics.reference_digits(images, labels, info["holdout_per_class"], info["seed"])
    return load_classifier(), reference


def test_train_classifier_holds_out_digits_and_learns(mnist):
    images, labels = mnist
    report = metrics.train_classifier(images, labels, holdout_per_class=100, epochs=2, seed=1)
    assert report.holdout_size == 1000 and report.train_size == 4000
    assert report.holdout_accuracy > 0.9


def test_classifier_score_bounds():
    confident_uniform = np.eye(10)[np.arange(1000) % 10]
    assert metrics.classifier_score(confident_uniform) == pytest.approx(10.0, rel=1e-6)
    one_digit = np.eye(10)[np.full(1000, 3)]
    assert metrics.classifier_score(one_digit) == pytest.approx(1.0, abs=1e-6)
    undecided = np.full((1000, 10), 0.1)
    assert metrics.classifier_score(undecided) == pytest.approx(1.0, abs=1e-6)


def test_coverage_histogram_and_confidence():
    probs = np.eye(10)[np.arange(1000) % 10]
    assert metrics.coverage(probs) == pytest.approx(1.0)
    assert metrics.digit_histogram(probs).tolist() == [100] * 10
    assert metrics.coverage(np.eye(10)[np.full(50, 7)]) == 0.0
    two = np.eye(10)[np.arange(100) % 2]
    assert metrics.coverage(two) == pytest.approx(np.log(2) / np.log(10))
    soft = np.full((4, 10), 0.1)
    soft[0] = np.eye(10)[0]
    assert metrics.confident_fraction(soft) == 0.25


def test_frechet_distance_of_gaussians_matches_the_closed_form():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(20000, 3)) * [1.0, 2.0, 0.5]
    b = rng.normal(size=(20000, 3)) * [2.0, 2.0, 0.5] + [1.0, 0.0, 0.0]
    # diagonal covariances: |mu|^2 + sum (s_a - s_b)^2 with s the standard deviations
    expected = 1.0 + (1.0 - 2.0) ** 2
    assert metrics.frechet_distance(a, b) == pytest.approx(expected, abs=0.1)
    assert metrics.frechet_distance(a, a) == pytest.approx(0.0, abs=1e-6)
    with pytest.raises(ValueError, match="same d"):
        metrics.frechet_distance(a, b[:, :2])


def test_holdout_split_is_stratified_and_disjoint(mnist):
    _, labels = mnist
    train, hold = metrics.split_holdout(labels, 250)
    assert len(np.intersect1d(train, hold)) == 0 and len(train) + len(hold) == len(labels)
    assert np.bincount(labels[hold], minlength=10).tolist() == [250] * 10


def test_real_digits_score_high_and_sit_at_the_floor(classifier_and_reference):
    classifier, reference = classifier_and_reference
    shuffled = reference[np.random.default_rng(1).permutation(len(reference))]  # it is sorted by digit
    quality = metrics.evaluate_images(classifier, shuffled[1250:], shuffled[:1250])
    assert quality.score > 9.0 and quality.real_score > 9.0
    assert quality.coverage > 0.98
    # other real digits than the reference: no further from it than about the floor
    assert quality.frechet < 2.0 * quality.frechet_floor


def test_one_digit_generator_gets_low_coverage(classifier_and_reference, mnist):
    classifier, reference = classifier_and_reference
    images, labels = mnist
    ones = images[labels == 1]
    quality = metrics.evaluate_images(classifier, ones, reference)
    assert quality.coverage < 0.2 and quality.score < 2.0
    assert not quality.meets_bar()


def test_noise_is_far_from_real_digits(classifier_and_reference):
    classifier, reference = classifier_and_reference
    noise = np.random.default_rng(0).uniform(-1, 1, size=(1000, 28, 28, 1)).astype(np.float32)
    quality = metrics.evaluate_images(classifier, noise, reference)
    assert quality.frechet > 20 * quality.frechet_floor
    assert "Frechet" in quality.table() and not quality.meets_bar()


def test_parzen_of_one_sample_is_a_gaussian_log_density():
    # one kernel: log p(x) = -|x - s|^2 / (2 sigma^2) - d/2 log(2 pi sigma^2), even where exp() underflows
    rng = np.random.default_rng(0)
    s, x = rng.uniform(size=(1, 784)), rng.uniform(size=(5, 784))
    sigma = 0.05
    expected = -np.sum((x - s) ** 2, axis=1) / (2 * sigma ** 2) - 392 * np.log(2 * np.pi * sigma ** 2)
    got = metrics.parzen_log_densities(s, x, sigma)
    assert np.all(np.isfinite(got)) and np.all(expected < -1e4)  # a naive exp() would give log(0)
    np.testing.assert_allclose(got, expected, rtol=1e-9)


def test_parzen_matches_a_direct_sum_and_ignores_batching():
    rng = np.random.default_rng(1)
    samples, test = rng.normal(size=(7, 3)), rng.normal(size=(11, 3))
    sigma = 0.8
    kernels = np.exp(-np.sum((test[:, None] - samples[None]) ** 2, axis=2) / (2 * sigma ** 2))
    direct = np.log(kernels.mean(axis=1) / (2 * np.pi * sigma ** 2) ** 1.5)
    for batch_size in (1, 4, 100):
        np.testing.assert_allclose(metrics.parzen_log_densities(samples, test, sigma, batch_size), direct,
                                   rtol=1e-10)
    assert metrics.parzen_log_likelihood(samples, test, sigma) == pytest.approx(direct.mean())


def test_parzen_of_gaussian_data_approaches_the_smoothed_gaussian():
    # samples from N(0, s^2 I): with many samples the KDE is N(0, (s^2 + sigma^2) I), and the
    # mean log-likelihood of test points from N(0, s^2 I) is -d/2 [log 2 pi (s^2 + sigma^2) + s^2 / (s^2 + sigma^2)]
    rng = np.random.default_rng(2)
    d, s, sigma = 2, 1.0, 0.5
    samples, test = rng.normal(scale=s, size=(20000, d)), rng.normal(scale=s, size=(4000, d))
    v = s ** 2 + sigma ** 2
    expected = -d / 2 * (np.log(2 * np.pi * v) + s ** 2 / v)
    assert metrics.parzen_log_likelihood(samples, test, sigma) == pytest.approx(expected, abs=0.05)


def test_parzen_rises_as_samples_approach_the_test_points():
    rng = np.random.default_rng(3)
    test = rng.uniform(size=(50, 784))
    values = [metrics.parzen_log_likelihood(test + rng.normal(scale=noise, size=test.shape), test, 0.2)
              for noise in (0.5, 0.2, 0.05, 0.0)]
    assert values == sorted(values) and values[-1] - values[0] > 100


def test_select_parzen_sigma_takes_the_best_of_the_grid():
    rng = np.random.default_rng(4)
    samples, valid = rng.normal(size=(2000, 2)), rng.normal(size=(500, 2))
    sigmas = [0.01, 0.3, 5.0]
    best, means = metrics.select_parzen_sigma(samples, valid, sigmas)
    assert best == 0.3 and means.shape == (3,)
    assert means[1] == pytest.approx(metrics.parzen_log_likelihood(samples, valid, 0.3))
    with pytest.raises(ValueError, match="sigma"):
        metrics.parzen_log_densities(samples, valid, 0.0)


def test_unit_pixels_maps_model_range_to_flat_unit_range():
    images = np.array([-1.0, 0.0, 1.0], np.float32).reshape(1, 3, 1, 1) * np.ones((2, 3, 1, 1), np.float32)
    out = metrics.unit_pixels(images)
    assert out.shape == (2, 3) and out.dtype == np.float64
    np.testing.assert_array_equal(out[0], [0.0, 0.5, 1.0])


@pytest.mark.parametrize("conditional", [False, True])
def test_quality_probe_gives_what_evaluate_generator_gives(classifier_and_reference, conditional):
    from ganlib.config import DCGANConfig
    from ganlib.models import make_generator

    classifier, reference = classifier_and_reference
    # a conditional generator is asked for each digit equally often
    generator = make_generator(DCGANConfig(latent_dim=8, gen_filters=8, conditional=conditional))
    probe = metrics.quality_probe(classifier, reference, n=200, seed=3)
    values = probe(generator)
    report = metrics.evaluate_generator(generator, classifier, reference, n=200, seed=3)
    for key in ("score", "coverage", "confident", "frechet", "frechet_floor"):
        assert values[key] == pytest.approx(getattr(report, key), rel=1e-6), key


def test_conditional_report_of_a_perfect_model():
    asked = np.repeat(np.arange(10), 20)
    report = metrics.conditional_report_from(np.eye(10)[asked], asked)
    np.testing.assert_array_equal(report.per_digit, np.ones(10))
    np.testing.assert_array_equal(report.confusion, 20 * np.eye(10, dtype=int))
    assert report.score == pytest.approx(10.0, rel=1e-6)
    assert report.n == 200 and report.meets_bar()
    assert not report.meets_bar(min_score=10.5)


def test_conditional_report_of_a_model_that_always_draws_3():
    asked = np.repeat(np.arange(10), 20)
    report = metrics.conditional_report_from(np.eye(10)[np.full(200, 3)], asked)
    expected = np.zeros(10)
    expected[3] = 1.0
    np.testing.assert_array_equal(report.per_digit, expected)
    assert report.confusion[:, 3].tolist() == [20] * 10  # every row: all classified as 3
    assert report.confusion.sum() == 200 and report.confusion[:, [0, 1, 2, 4, 5, 6, 7, 8, 9]].sum() == 0
    assert report.score == pytest.approx(1.0, abs=1e-6)
    assert not report.meets_bar()
    table = report.table()
    assert len(table.splitlines()) == 12 and "3 (20 of 20)" in table


def test_conditional_report_counts_confusions_row_by_asked_digit():
    asked = np.array([4, 4, 4, 4, 9, 9, 0])
    drawn = np.array([4, 9, 9, 4, 9, 4, 0])
    probs = np.full((7, 10), 0.02)
    probs[np.arange(7), drawn] = 0.82  # rows sum to 1, argmax is the drawn digit
    report = metrics.conditional_report_from(probs, asked)
    assert report.confusion[4, 4] == 2 and report.confusion[4, 9] == 2
    assert report.confusion[9, 9] == 1 and report.confusion[9, 4] == 1 and report.confusion[0, 0] == 1
    assert report.per_digit[4] == 0.5 and report.per_digit[9] == 0.5 and report.per_digit[0] == 1.0
    assert np.isnan(report.per_digit[1])  # never asked for: no verdict, and no bar met
    assert not report.meets_bar(min_per_digit=0.0, min_score=0.0)
    with pytest.raises(ValueError, match="0-9"):
        metrics.conditional_report_from(probs, np.array([4, 4, 4, 4, 9, 9, 10]))
    with pytest.raises(ValueError, match=r"\(n,\)"):
        metrics.conditional_report_from(probs, asked[:-1])


def test_conditional_report_asks_each_digit_n_per_digit_times(classifier_and_reference):
    from ganlib.config import DCGANConfig
    from ganlib.latent import sample_latent
    from ganlib.models import generate_images, make_generator

    classifier, _ = classifier_and_reference
    generator = make_generator(DCGANConfig(latent_dim=8, gen_filters=8, conditional=True))
    report = metrics.conditional_report(generator, classifier, n_per_digit=7, seed=2)
    assert report.confusion.shape == (10, 10) and report.confusion.sum(axis=1).tolist() == [7] * 10
    # the same as classifying the images by hand: digit d asked for samples 7d .. 7d + 6
    asked = np.repeat(np.arange(10), 7)
    probs = metrics.predict_proba(classifier, generate_images(generator, sample_latent(70, 8, seed=2), asked))
    expected = metrics.conditional_report_from(probs, asked)
    np.testing.assert_array_equal(report.confusion, expected.confusion)
    assert report.score == pytest.approx(expected.score, rel=1e-6)
    with pytest.raises(ValueError, match="conditional generator"):
        metrics.conditional_report(make_generator(DCGANConfig(latent_dim=8, gen_filters=8)), classifier)
