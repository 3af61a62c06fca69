"""The latent-space widgets: their pure functions, and real widgets built headless."""

import dataclasses
import io
import re

import numpy as np
import pytest
from PIL import Image

import ganlib
from ganlib import widgets
from ganlib.latent import interpolate, mean_direction, std_profile
from ganlib.plotting import grid_png_bytes

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def generator():
    """A tiny untrained generator: fast, and its images still depend on z."""
    ganlib.set_seed(0)
    return ganlib.make_generator(dataclasses.replace(ganlib.DCGANConfig(), latent_dim=8, gen_filters=8))


@pytest.fixture(scope="module")
def conditional_generator():
    """A tiny untrained conditional generator: its images depend on z and on the label."""
    ganlib.set_seed(0)
    return ganlib.make_generator(dataclasses.replace(ganlib.DCGANConfig(), latent_dim=8, gen_filters=8,
                                                     conditional=True))


def pixels(png) -> np.ndarray:
    png = bytes(png)  # an ipywidgets.Image keeps its value as a memoryview
    assert png.startswith(PNG_SIGNATURE)
    return np.asarray(Image.open(io.BytesIO(png)))


def test_explorer_png_is_a_png_of_one_tiled_grid(generator):
    png = widgets.explorer_png(generator, mean_scale=1.0, std_scale=1.0, seed=0, n=16, scale=2)
    assert pixels(png).shape == (2 * (4 * 29 + 1), 2 * (4 * 29 + 1))  # 4 x 4 tiles of 28 + 1 padding
    assert pixels(png).dtype == np.uint8


def test_explorer_png_auto_scale_keeps_grids_of_any_size_about_as_wide():
    widths = [widgets._auto_scale(n) * (int(np.ceil(np.sqrt(n))) * 29 + 1) for n in widgets.GRID_SIZES]
    assert all(0.75 * widgets.TARGET_WIDTH <= w <= 1.35 * widgets.TARGET_WIDTH for w in widths), widths


def test_explorer_png_is_deterministic_and_follows_its_arguments(generator):
    png = widgets.explorer_png(generator, 1.0, 1.0, seed=0, n=16)
    assert widgets.explorer_png(generator, 1.0, 1.0, seed=0, n=16) == png
    for changed in (dict(mean_scale=5.0), dict(std_scale=3.0), dict(seed=1)):
        args = dict(mean_scale=1.0, std_scale=1.0, seed=0, n=16) | changed
        other = widgets.explorer_png(generator, **args)
        assert not np.array_equal(pixels(other), pixels(png)), changed


def test_latent_explorer_redraws_when_a_slider_moves(generator):
    explorer = widgets.latent_explorer(generator, n=16)
    sliders = (explorer.mean_slider, explorer.std_slider, explorer.seed_slider, explorer.size_slider)
    assert all(s.continuous_update is False for s in sliders)
    assert explorer.std_slider.min == 0  # no negative standard deviations (erratum 8)
    first = explorer.image.value
    assert first == widgets.explorer_png(generator, 0.0, 1.0, 0, 16)

    explorer.mean_slider.value = 5.0
    moved = explorer.image.value
    assert moved == widgets.explorer_png(generator, 5.0, 1.0, 0, 16)
    assert not np.array_equal(pixels(moved), pixels(first))

    explorer.std_slider.value = 3.0
    assert explorer.image.value != moved
    explorer.size_slider.value = 36
    assert pixels(explorer.image.value).shape[0] > 0 and explorer.image.value == \
        widgets.explorer_png(generator, 5.0, 3.0, 0, 36)
    explorer.mean_slider.value, explorer.std_slider.value, explorer.size_slider.value = 0.0, 1.0, 16
    assert explorer.image.value == first  # back where it started: the same picture


def test_explorer_png_follows_the_direction_and_the_profile(generator):
    base = dict(mean_scale=3.0, std_scale=1.0, seed=0, n=16)
    png = widgets.explorer_png(generator, **base)
    assert widgets.explorer_png(generator, **base, direction=mean_direction(8), profile=std_profile(8)) == png
    random = mean_direction(8, "random", seed=2)
    for changed in (dict(direction=random), dict(profile=std_profile(8, "lecture")),
                    dict(profile=std_profile(8, "block", block=(0, 3)))):
        other = widgets.explorer_png(generator, **base, **changed)
        assert not np.array_equal(pixels(other), pixels(png)), changed
        assert widgets.explorer_png(generator, **base, **changed) == other
    # at mean_scale 0 the direction has nothing to move
    assert widgets.explorer_png(generator, 0.0, 1.0, 0, 16, direction=random) == widgets.explorer_png(
        generator, 0.0, 1.0, 0, 16)


@pytest.fixture
def generator_calls(monkeypatch):
    """Counts the generator calls of the sweep explorers (ganlib.explore.sweep_images draws the images)."""
    calls = []
    real = ganlib.explore.generate_images

    def counting(*args, **kwargs):
        calls.append(len(args[1]))
        return real(*args, **kwargs)

    monkeypatch.setattr(ganlib.explore, "generate_images", counting)
    return calls


def test_latent_explorer_moves_the_means_along_the_chosen_direction(generator, generator_calls):
    ink = np.array([1.0, -1.0, 0, 0, 0, 0, 0, 2.0])
    explorer = widgets.latent_explorer(generator, n=16, mean_scale=4.0, directions={"ink": ink})
    assert [value for _, value in explorer.direction_dropdown.options] == ["ramp", "random", "ink"]
    assert explorer.direction_dropdown.value == "ramp" and explorer.profile_dropdown.value == "isotropic"
    assert explorer.direction_seed_slider.continuous_update is False
    assert explorer.direction_seed_slider.layout.display == "none"  # only a random direction has a seed
    assert generator_calls == [16]  # the first drawing
    ramp_png = explorer.image.value
    assert ramp_png == widgets.explorer_png(generator, 4.0, 1.0, 0, 16)

    expected = {("random", 0): mean_direction(8, "random", seed=0), ("random", 5): mean_direction(8, "random", seed=5),
                ("ink", 5): mean_direction(8, "vector", vector=ink)}
    seen = [pixels(ramp_png)]
    for (kind, seed), direction in expected.items():
        generator_calls.clear()
        explorer.direction_dropdown.value = kind
        explorer.direction_seed_slider.value = seed
        assert generator_calls == [16]  # each step changes one control: one generator call
        np.testing.assert_array_equal(explorer.direction(), direction)
        assert explorer.image.value == widgets.explorer_png(generator, 4.0, 1.0, 0, 16, direction=direction)
        assert not any(np.array_equal(pixels(explorer.image.value), other) for other in seen), kind
        seen.append(pixels(explorer.image.value))
        assert explorer.direction_seed_slider.layout.display == (None if kind == "random" else "none")
    explorer.direction_dropdown.value = "ramp"
    assert explorer.image.value == ramp_png


def test_latent_explorer_shapes_the_stds_by_the_chosen_profile(generator, generator_calls):
    explorer = widgets.latent_explorer(generator, n=16, std_scale=2.0)
    assert explorer.block_slider.layout.display == "none"
    assert explorer.block_slider.value == (0, 7) and explorer.block_slider.continuous_update is False
    first = explorer.image.value
    generator_calls.clear()
    explorer.profile_dropdown.value = "lecture"
    assert generator_calls == [16]
    np.testing.assert_allclose(explorer.profile(), np.abs(np.linspace(-1, 1, 8)))
    lecture = explorer.image.value
    assert lecture == widgets.explorer_png(generator, 0.0, 2.0, 0, 16, profile=std_profile(8, "lecture"))
    assert not np.array_equal(pixels(lecture), pixels(first))

    explorer.profile_dropdown.value = "block"
    assert explorer.block_slider.layout.display is None
    generator_calls.clear()
    explorer.block_slider.value = (2, 4)  # both ends included: dimensions 2, 3 and 4
    assert generator_calls == [16]
    np.testing.assert_array_equal(explorer.profile(), [0, 0, 1, 1, 1, 0, 0, 0])
    assert explorer.image.value == widgets.explorer_png(generator, 0.0, 2.0, 0, 16,
                                                        profile=std_profile(8, "block", block=(2, 5)))
    explorer.std_slider.value = 3.0  # the scale slider scales the profile
    assert explorer.image.value == widgets.explorer_png(generator, 0.0, 3.0, 0, 16,
                                                        profile=std_profile(8, "block", block=(2, 5)))
    explorer.profile_dropdown.value, explorer.std_slider.value = "isotropic", 2.0
    assert explorer.image.value == first and explorer.block_slider.layout.display == "none"


def test_latent_explorer_refuses_bad_directions_profiles_and_blocks(generator):
    for bad, match in ((dict(direction="diagonal"), "direction must be one of"), (dict(profile="V"), "profile"),
                       (dict(block=(0, 9)), "block"), (dict(block=(3, 3)), "at least one dimension"),
                       (dict(directions={"ink": np.ones(7)}), "length latent_dim=8"),
                       (dict(directions={"random": np.ones(8)}), "taken")):
        with pytest.raises(ValueError, match=match):
            widgets.latent_explorer(generator, n=16, **bad)
    explorer = widgets.latent_explorer(generator, n=16, direction="random", direction_seed=4, profile="block",
                                       block=(1, 3))
    assert explorer.image.value == widgets.explorer_png(generator, 0.0, 1.0, 0, 16,
                                                        direction=mean_direction(8, "random", seed=4),
                                                        profile=std_profile(8, "block", block=(1, 3)))
    assert explorer.direction_seed_slider.layout.display is None and explorer.block_slider.value == (1, 2)


def test_latent_explorer_shows_the_classifiers_counts(generator):
    from ganlib.classifier import make_classifier

    explorer = widgets.latent_explorer(generator, classifier=make_classifier(0), n=25)
    counts = explorer.label.value.split("classifier's digits: ")[1]
    assert sum(int(count) for _, count in re.findall(r"(\d): (\d+)", counts)) == 25  # every image counted
    with pytest.raises(ValueError, match="one of"):
        widgets.latent_explorer(generator, n=17)


def test_conditional_png_is_deterministic_and_follows_the_digit(conditional_generator):
    png = widgets.conditional_png(conditional_generator, 3, mean_scale=0.0, std_scale=1.0, seed=0, n=16, scale=2)
    assert pixels(png).shape == (2 * (4 * 29 + 1), 2 * (4 * 29 + 1))
    assert widgets.conditional_png(conditional_generator, 3, 0.0, 1.0, 0, 16, scale=2) == png
    # the grid is that of the sweep's latent points, every one asked to be a 3
    z, _ = ganlib.explore.sweep_images(conditional_generator, 0.0, 1.0, 0, 16, digit=3)
    expected = ganlib.generate_images(conditional_generator, z, np.full(16, 3))
    assert png == grid_png_bytes(expected, scale=2)
    for changed in (dict(digit=4), dict(mean_scale=5.0), dict(std_scale=3.0), dict(seed=1)):
        args = dict(digit=3, mean_scale=0.0, std_scale=1.0, seed=0, n=16, scale=2) | changed
        other = widgets.conditional_png(conditional_generator, **args)
        assert not np.array_equal(pixels(other), pixels(png)), changed
    with pytest.raises(ValueError, match="0-9"):
        widgets.conditional_png(conditional_generator, 10)


def test_conditional_explorer_redraws_when_the_digit_changes(conditional_generator):
    from ganlib.classifier import make_classifier

    explorer = widgets.conditional_explorer(conditional_generator, classifier=make_classifier(0), digit=2, n=16)
    assert explorer.digit_dropdown.options == tuple(range(10)) and explorer.digit_dropdown.value == 2
    sliders = (explorer.mean_slider, explorer.std_slider, explorer.seed_slider, explorer.size_slider)
    assert all(s.continuous_update is False for s in sliders)
    assert explorer.std_slider.min == 0
    first = explorer.image.value
    assert first == widgets.conditional_png(conditional_generator, 2, 0.0, 1.0, 0, 16)
    assert re.search(r"classifier: \d+ of 16 images are a 2", explorer.label.value)

    explorer.digit_dropdown.value = 7
    changed = explorer.image.value
    assert changed == widgets.conditional_png(conditional_generator, 7, 0.0, 1.0, 0, 16)
    assert not np.array_equal(pixels(changed), pixels(first))
    assert "images are a 7" in explorer.label.value

    explorer.std_slider.value = 3.0
    assert explorer.image.value == widgets.conditional_png(conditional_generator, 7, 0.0, 3.0, 0, 16)
    explorer.std_slider.value, explorer.digit_dropdown.value = 1.0, 2
    assert explorer.image.value == first  # back where it started: the same picture
    # notebook 08's explorer keeps the lecture's ramp and one std for all: no direction or profile controls
    assert not hasattr(explorer, "direction_dropdown") and not hasattr(explorer, "profile_dropdown")
    shown = [w.description for box in explorer.children[0].children for w in box.children]
    assert shown == ["digit", "mean_scale", "std_scale", "seed", "images"]
    text = explorer._repr_mimebundle_()["text/plain"]
    assert "Jupyter" in text and "…" not in text  # short enough not to be cut


def test_conditional_explorer_refuses_an_unconditional_generator_and_bad_digits(generator, conditional_generator):
    with pytest.raises(ValueError, match="conditional generator"):
        widgets.conditional_explorer(generator)
    with pytest.raises(ValueError, match="digit"):
        widgets.conditional_explorer(conditional_generator, digit=10)
    with pytest.raises(ValueError, match="one of"):
        widgets.conditional_explorer(conditional_generator, n=17)


@pytest.fixture(scope="module")
def ends():
    rng = np.random.default_rng(0)
    return rng.normal(size=8).astype(np.float32), rng.normal(size=8).astype(np.float32)


def test_interpolation_png_ends_are_the_images_of_z0_and_z1(generator, ends):
    z0, z1 = ends
    for position, z in ((0, z0), (6, z1)):
        expected = grid_png_bytes(ganlib.generate_images(generator, z[None]), scale=8)
        for method in ("linear", "slerp"):
            assert widgets.interpolation_png(generator, z0, z1, 7, position, method) == expected
    middle = {m: pixels(widgets.interpolation_png(generator, z0, z1, 7, 3, m)) for m in ("linear", "slerp")}
    assert not np.array_equal(middle["linear"], middle["slerp"])
    with pytest.raises(ValueError, match="position"):
        widgets.interpolation_png(generator, z0, z1, 7, 7)


def test_interpolation_explorer_redraws_when_the_slider_moves(generator, ends):
    z0, z1 = ends
    explorer = widgets.interpolation_explorer(generator, z0, z1, steps=7, method="linear")
    assert explorer.position_slider.continuous_update is False
    assert (explorer.position_slider.min, explorer.position_slider.max) == (0, 6)
    first = explorer.image.value
    assert first == widgets.interpolation_png(generator, z0, z1, 7, 0, "linear")

    explorer.position_slider.value = 3
    assert explorer.image.value == widgets.interpolation_png(generator, z0, z1, 7, 3, "linear")
    assert not np.array_equal(pixels(explorer.image.value), pixels(first))
    assert "t = 0.50" in explorer.label.value
    norm = np.linalg.norm(interpolate(z0, z1, 7, "linear")[3])
    assert f"|z| = {norm:.2f}" in explorer.label.value

    path_before = explorer.path_image.value
    explorer.method_toggle.value = "slerp"
    assert explorer.image.value == widgets.interpolation_png(generator, z0, z1, 7, 3, "slerp")
    assert explorer.path_image.value != path_before
    assert pixels(explorer.path_image.value).shape == (2 * 30, 2 * (7 * 29 + 1))  # one row of 7


def test_interpolation_explorer_rejects_bad_input_at_once(generator, ends):
    z0, _ = ends
    with pytest.raises(ValueError, match="one length"):
        widgets.interpolation_explorer(generator, z0, np.zeros(5))
    with pytest.raises(ValueError, match="method"):
        widgets.interpolation_explorer(generator, z0, z0, method="cubic")


def test_widgets_describe_themselves_briefly_where_they_cannot_be_shown(generator, ends):
    # a notebook viewer without a kernel shows the text form: no pixel bytes, a hint instead
    for explorer in (widgets.latent_explorer(generator, n=16), widgets.interpolation_explorer(generator, *ends)):
        text = explorer._repr_mimebundle_()["text/plain"]
        assert len(text) < 200 and "Jupyter" in text and "PNG" not in text
    text = widgets.latent_explorer(generator, n=16)._repr_mimebundle_()["text/plain"]
    assert "ramp, isotropic" in text and "…" not in text  # short enough not to be cut


@pytest.fixture(scope="module")
def info_generator():
    """A tiny untrained InfoGAN generator: its images depend on z, the category and the continuous codes."""
    return ganlib.make_generator(ganlib.DCGANConfig(latent_dim=8, architecture="compact", info_categories=4,
                                                    info_continuous=2))


def test_code_png_is_deterministic_and_follows_the_codes(info_generator):
    png = widgets.code_png(info_generator, 1, [0.5, -0.5], seed=0, n=16, scale=2)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert widgets.code_png(info_generator, 1, [0.5, -0.5], seed=0, n=16, scale=2) == png
    for other in (dict(code=2, continuous=[0.5, -0.5]), dict(code=1, continuous=[1.5, -0.5]),
                  dict(code=1, continuous=[0.5, -0.5], seed=1)):
        assert widgets.code_png(info_generator, n=16, scale=2, **other) != png, other
    with pytest.raises(ValueError, match="code must be a category from 0 to 3"):
        widgets.code_png(info_generator, 4)
    with pytest.raises(ValueError, match="not an InfoGAN"):
        widgets.code_png(ganlib.make_generator(ganlib.DCGANConfig(latent_dim=8, gen_filters=8)), 0)


def test_code_explorer_redraws_when_a_control_moves(info_generator):
    from ganlib.classifier import make_classifier

    explorer = widgets.code_explorer(info_generator, make_classifier(0), code=0, n=16)
    assert [s.description for s in explorer.continuous_sliders] == ["c1", "c2"]
    assert explorer.code_dropdown.options == (0, 1, 2, 3)
    first = explorer.image.value
    assert first == widgets.code_png(info_generator, 0, [0, 0], 0, 16)
    explorer.continuous_sliders[0].value = 1.0
    moved = explorer.image.value
    assert moved != first and moved == widgets.code_png(info_generator, 0, [1.0, 0.0], 0, 16)
    explorer.code_dropdown.value = 3
    assert explorer.image.value == widgets.code_png(info_generator, 3, [1.0, 0.0], 0, 16)
    assert "classifier's digits" in explorer.label.value
    assert "CodeExplorer(category=3, continuous=[1, 0]" in repr(explorer)
