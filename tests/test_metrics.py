import numpy as np
import pytest

from ganlib import classifier as clf
from ganlib import metrics


@pytest.fixture(scope="module")
def classifier_and_reference(mnist):
    """The shipped classifier and the real digits it never saw."""
    from ganlib.pretrained import classifier_info, load_classifier

    images, labels = mnist
    info = classifier_info()
    reference, _ = clf.reference_digits(images, labels, info["holdout_per_class"], info["seed"])
    return load_classifier(), reference


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
    probs = clf.predict_proba(classifier, generate_images(generator, sample_latent(70, 8, seed=2), asked))
    expected = metrics.conditional_report_from(probs, asked)
    np.testing.assert_array_equal(report.confusion, expected.confusion)
    assert report.score == pytest.approx(expected.score, rel=1e-6)
    with pytest.raises(ValueError, match="conditional generator"):
        metrics.conditional_report(make_generator(DCGANConfig(latent_dim=8, gen_filters=8)), classifier)


def test_an_infogans_probe_and_evaluation_add_the_same_code_match(classifier_and_reference):
    from ganlib.config import DCGANConfig
    from ganlib.models import make_generator

    classifier, reference = classifier_and_reference
    generator = make_generator(DCGANConfig(latent_dim=8, architecture="compact", info_categories=10,
                                           info_continuous=2))
    values = metrics.quality_probe(classifier, reference, n=200, seed=3)(generator)
    report = metrics.evaluate_generator(generator, classifier, reference, n=200, seed=3)
    assert values["code_match"] == pytest.approx(report.extra["code_match"])
    # an untrained G draws the same blur for every code: the best naming matches one code's share
    assert 0 < values["code_match"] <= 0.2
    assert "code matches digit (InfoGAN)" in report.table()
