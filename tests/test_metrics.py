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
