import numpy as np

from ganlib import classifier as clf


def test_train_classifier_holds_out_digits_and_learns(mnist):
    images, labels = mnist
    report = clf.train_classifier(images, labels, holdout_per_class=100, epochs=2, seed=1)
    assert report.holdout_size == 1000 and report.train_size == 4000
    assert report.holdout_accuracy > 0.9


def test_holdout_split_is_stratified_and_disjoint(mnist):
    _, labels = mnist
    train, hold = clf.split_holdout(labels, 250)
    assert len(np.intersect1d(train, hold)) == 0 and len(train) + len(hold) == len(labels)
    assert np.bincount(labels[hold], minlength=10).tolist() == [250] * 10


def test_a_saved_classifier_loads_back_with_its_record(mnist, tmp_path):
    images, labels = mnist
    report = clf.train_classifier(images[::5], labels[::5], holdout_per_class=20, epochs=1, seed=3)  # 100 a digit
    out = clf.save_classifier(report, tmp_path / "c", seconds=1.25)
    assert sorted(p.name for p in out.iterdir()) == [clf.CLASSIFIER_INFO, clf.CLASSIFIER_WEIGHTS]
    info = clf.read_info(out)
    assert info["seed"] == 3 and info["holdout_per_class"] == 20 and info["epochs"] == 1
    assert info["holdout_size"] == 200 and info["train_size"] == 800 and info["seconds"] == 1.2
    loaded = clf.load_classifier_from(out)
    np.testing.assert_allclose(clf.predict_proba(loaded, images[:50]), clf.predict_proba(report.model, images[:50]),
                               rtol=1e-6, atol=1e-7)


def test_reference_for_is_the_hold_out_the_record_names(mnist):
    images, labels = mnist
    info = {"holdout_per_class": 30, "seed": 5}
    reference = clf.reference_for(info)
    expected, _ = clf.reference_digits(images, labels, 30, 5)
    assert reference.shape == (300, 28, 28, 1)
    np.testing.assert_array_equal(reference, expected)
