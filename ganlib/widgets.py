"""Sliders over the latent space, for notebooks and for live demonstrations.

Computation apart from display: :func:`explorer_png`, :func:`conditional_png`,
:func:`code_png` and :func:`interpolation_png` (and :func:`ganlib.explore.sweep_images`, which the first
two draw, with the directions and profiles of :func:`ganlib.mean_direction` and
:func:`ganlib.std_profile`) are pure functions,
arguments in and PNG bytes out, with their own tests. The widgets only wire
ipywidgets controls to them and show the PNG in an ``ipywidgets.Image``. A redraw
is one generator call and one PIL PNG encode, no matplotlib, so a slider answers
in a fraction of a second even for 100 digits on a laptop CPU
(``benchmarks/explorer_latency.py``).

Every slider has ``continuous_update=False``: the picture is redrawn when the
slider is released, not for every pixel it passes while dragged.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from .explore import sweep_images
from .latent import INTERPOLATION_METHODS, STD_PROFILES, interpolate, mean_direction, std_profile
from .classifier import predict_proba
from .metrics import digit_histogram
from .models import generate_images, latent_dim_of, num_classes_of
from .plotting import grid_png_bytes

#: Grid sizes offered by :func:`latent_explorer` (square numbers: full grids).
GRID_SIZES = (16, 25, 36, 49, 64, 81, 100)
#: Roughly how wide, in pixels, :func:`explorer_png` makes a grid when ``scale`` is None.
TARGET_WIDTH = 560
#: The directions :func:`latent_explorer` always offers (label, value); attribute
#: directions passed to it as ``directions`` follow these.
BUILT_IN_DIRECTIONS = (("the lecture's ramp", "ramp"), ("random", "random"))
#: Labels of the std profiles of :func:`ganlib.std_profile` in the explorer's dropdown.
PROFILE_LABELS = {"isotropic": "isotropic", "lecture": "the lecture's |ramp|", "block": "a block of dims"}


def _auto_scale(n: int, ncols: int | None = None) -> int:
    ncols = ncols if ncols is not None else int(np.ceil(np.sqrt(n)))
    grid_width = ncols * 29 + 1  # 28-pixel tiles and 1-pixel padding (plotting.image_grid)
    return max(1, round(TARGET_WIDTH / grid_width))


def _sweep_view(generator, mean_scale: float, std_scale: float, seed: int, n: int,
                digit: int | None = None, scale: int | None = None, direction=None,
                profile=None) -> tuple[np.ndarray, np.ndarray, bytes]:
    """Latent points, images and PNG grid of one latent sweep: what :func:`explorer_png`,
    :func:`conditional_png` and both sweep explorers draw (``digit`` only for a conditional generator)."""
    z, images = sweep_images(generator, mean_scale, std_scale, seed, n, digit=digit, direction=direction,
                             profile=profile)
    return z, images, grid_png_bytes(images, scale=scale if scale is not None else _auto_scale(n))


def _norm_text(z: np.ndarray) -> str:
    return (f"mean |z| = {np.linalg.norm(z, axis=1).mean():.1f} "
            f"(the prior's shell: about {np.sqrt(z.shape[1]):.0f})")


def explorer_png(generator, mean_scale: float = 0.0, std_scale: float = 1.0, seed: int = 0, n: int = 64,
                 scale: int | None = None, direction=None, profile=None) -> bytes:
    """The images of :func:`ganlib.explore.sweep_images` as one tiled grid, PNG-encoded.

    Parameters
    ----------
    scale : int or None
        Each pixel becomes a scale x scale block; None picks the scale that makes
        the grid about ``TARGET_WIDTH`` pixels wide.
    direction, profile : arrays of shape (latent_dim,) or None
        The direction the means move along and the shape of the stds
        (:func:`ganlib.mean_direction`, :func:`ganlib.std_profile`); None is the
        lecture's ramp and one std for all dimensions.

    Returns
    -------
    bytes of a greyscale PNG; the same arguments give the same bytes.
    """
    return _sweep_view(generator, mean_scale, std_scale, seed, n, scale=scale, direction=direction,
                       profile=profile)[2]


def conditional_png(generator, digit: int, mean_scale: float = 0.0, std_scale: float = 1.0, seed: int = 0,
                    n: int = 64, scale: int | None = None) -> bytes:
    """A conditional generator's grid of ``n`` images of ``digit``, PNG-encoded.

    The latent points are those of :func:`ganlib.explore.sweep_images` (and of
    :func:`explorer_png`) with the same ``mean_scale``, ``std_scale``, ``seed`` and
    ``n``; only the label is new. So another digit with the same other arguments
    shows each latent point's style on another digit.

    Parameters
    ----------
    generator : a conditional generator (:func:`ganlib.load_pretrained_conditional`)
    digit : int in 0 .. num_classes - 1
    scale : int or None, as in :func:`explorer_png`

    Returns
    -------
    bytes of a greyscale PNG; the same arguments give the same bytes.
    """
    return _sweep_view(generator, mean_scale, std_scale, seed, n, digit=digit, scale=scale)[2]


def interpolation_png(generator, z0, z1, steps: int, position: int, method: str = "slerp",
                      scale: int = 8) -> bytes:
    """The image at step ``position`` (0 = z0, steps - 1 = z1) of the path from z0 to z1.

    The path is :func:`ganlib.interpolate` (``method`` "linear" or "slerp"); one
    generator call on one latent point. Returns the PNG bytes of a single digit,
    enlarged ``scale`` times.
    """
    _, image = _path_point(generator, z0, z1, steps, position, method)
    return grid_png_bytes(image, scale=scale)


def _path_point(generator, z0, z1, steps, position, method):
    """Point ``position`` of the path, shape (latent_dim,), and its image, shape (1, 28, 28, 1)."""
    path = interpolate(z0, z1, steps, method)
    if isinstance(position, bool) or not isinstance(position, (int, np.integer)) or not 0 <= position < steps:
        raise ValueError(f"position must be an integer from 0 to {steps - 1}, got {position!r}")
    return path[position], generate_images(generator, path[position:position + 1])


def _label_text(probs: np.ndarray) -> str:
    if len(probs) == 1:
        return f"classifier: {int(probs[0].argmax())} (p = {probs[0].max():.2f})"
    counts = digit_histogram(probs)
    return "classifier's digits: " + "  ".join(f"{d}: {c}" for d, c in enumerate(counts) if c)


def _sweep_sliders(mean_scale, std_scale, seed, n, mean_range, max_std):
    """The four sliders of a latent sweep: mean_scale, std_scale, seed, number of images."""
    if n not in GRID_SIZES:
        raise ValueError(f"n must be one of {GRID_SIZES}, got {n!r}")
    common = dict(continuous_update=False, style={"description_width": "8em"},
                  layout=widgets.Layout(width="26em"))
    return (widgets.FloatSlider(value=mean_scale, min=-mean_range, max=mean_range, step=0.25,
                                description="mean_scale", **common),
            widgets.FloatSlider(value=std_scale, min=0.0, max=max_std, step=0.25,
                                description="std_scale", **common),
            widgets.IntSlider(value=seed, min=0, max=99, description="seed", **common),
            widgets.SelectionSlider(options=GRID_SIZES, value=n, description="images", **common))


def _control(widget_class, description: str, **kwargs):
    """One control of the sweep explorer, with a layout of its own (so it can be hidden alone)."""
    return widget_class(description=description, style={"description_width": "8em"},
                        layout=widgets.Layout(width="26em"), **kwargs)


class LatentExplorer(widgets.VBox):
    """The widget :func:`latent_explorer` returns.

    Attributes
    ----------
    direction_dropdown : ipywidgets.Dropdown, the direction the means move along:
        "ramp" (the lecture's), "random", or the name of a direction given to
        :func:`latent_explorer`
    direction_seed_slider : IntSlider, the seed of the random direction (shown only for it)
    profile_dropdown : ipywidgets.Dropdown, the shape of the stds: "isotropic",
        "lecture" or "block" (:func:`ganlib.std_profile`)
    block_slider : IntRangeSlider, the first and last dimension of the block (shown only for it)
    mean_slider, std_slider, seed_slider, size_slider : the scales, the noise seed, the number of images
    image : ipywidgets.Image showing the grid (its ``value`` is the PNG bytes)
    label : ipywidgets.HTML with the latent norms (and the classifier's digit counts)
    """

    def __init__(self, generator, classifier=None, mean_scale: float = 0.0, std_scale: float = 1.0,
                 seed: int = 0, n: int = 64, mean_range: float = 10.0, max_std: float = 10.0,
                 directions: dict | None = None, direction: str = "ramp", profile: str = "isotropic",
                 direction_seed: int = 0, block: tuple[int, int] | None = None):
        sliders = _sweep_sliders(mean_scale, std_scale, seed, n, mean_range, max_std)
        self.mean_slider, self.std_slider, self.seed_slider, self.size_slider = sliders
        self.generator, self.classifier = generator, classifier
        self._choice_controls, self._value_controls = [], []  # direction and profile: choices, values
        shape_columns = self._make_shape_controls(latent_dim_of(generator), directions, direction, profile,
                                                  direction_seed, block)
        self.image = widgets.Image(format="png")
        self.label = widgets.HTML()
        controls = widgets.HBox([*(widgets.VBox([c]) for c in self._extra_controls()), widgets.VBox([self.mean_slider, self.std_slider]),
                                 widgets.VBox([self.seed_slider, self.size_slider])])
        if shape_columns:
            controls = widgets.VBox([widgets.HBox([widgets.VBox(column) for column in shape_columns]), controls])
        super().__init__([controls, self.label, self.image])
        self.redraw()
        for control in (*self._extra_controls(), *sliders, *self._value_controls):
            control.observe(self.redraw, names="value")
        for dropdown in self._choice_controls:  # they also show or hide the seed and the block
            dropdown.observe(self._on_shape_choice, names="value")

    def __repr__(self) -> str:  # the text a notebook viewer without widgets shows
        # ipywidgets cuts this text at 110 characters
        return (f"LatentExplorer({self.direction_dropdown.value}, {self.profile_dropdown.value}, "
                f"mean={self.mean_slider.value}, std={self.std_slider.value}, seed={self.seed_slider.value}, "
                f"n={self.size_slider.value}): run it in Jupyter to use it")

    def _make_shape_controls(self, latent_dim, directions, direction, profile, direction_seed, block) -> list:
        """Build the direction and std-profile controls; returns their columns (lists of controls)."""
        self._vectors = {}
        for name, vector in (directions or {}).items():
            if name in dict(BUILT_IN_DIRECTIONS).values():
                raise ValueError(f"direction name {name!r} is taken by a built-in direction")
            self._vectors[name] = mean_direction(latent_dim, "vector", vector=vector)  # fails here on bad input
        options = [*BUILT_IN_DIRECTIONS, *((name, name) for name in self._vectors)]
        if direction not in dict(options).values():
            raise ValueError(f"direction must be one of {[value for _, value in options]}, got {direction!r}")
        if profile not in STD_PROFILES:
            raise ValueError(f"profile must be one of {STD_PROFILES}, got {profile!r}")
        block = (0, min(10, latent_dim)) if block is None else tuple(block)
        std_profile(latent_dim, "block", block)  # fails here, not in a callback, on a bad block
        if block[0] == block[1]:
            raise ValueError(f"the explorer's block needs at least one dimension, got {block!r}")
        self.latent_dim = latent_dim
        self.direction_dropdown = _control(widgets.Dropdown, "direction", options=options, value=direction)
        self.direction_seed_slider = _control(widgets.IntSlider, "direction seed", value=direction_seed,
                                              min=0, max=99, continuous_update=False)
        self.profile_dropdown = _control(widgets.Dropdown, "std profile", value=profile,
                                         options=[(PROFILE_LABELS[kind], kind) for kind in STD_PROFILES])
        # both ends are included in the slider's readout, so it shows (start, stop - 1)
        self.block_slider = _control(widgets.IntRangeSlider, "block dims", value=(block[0], block[1] - 1),
                                     min=0, max=latent_dim - 1, continuous_update=False)
        self._show_chosen_options()
        self._choice_controls = [self.direction_dropdown, self.profile_dropdown]
        self._value_controls = [self.direction_seed_slider, self.block_slider]
        return [[self.direction_dropdown, self.direction_seed_slider], [self.profile_dropdown, self.block_slider]]

    def _show_chosen_options(self) -> None:
        """Show the direction seed only for a random direction, the block only for the block profile."""
        for control, shown in ((self.direction_seed_slider, self.direction_dropdown.value == "random"),
                               (self.block_slider, self.profile_dropdown.value == "block")):
            control.layout.display = None if shown else "none"

    def _on_shape_choice(self, change=None) -> None:
        self._show_chosen_options()
        self.redraw()

    def direction(self) -> np.ndarray:
        """The direction the means move along now (:func:`ganlib.mean_direction`), float64 (latent_dim,)."""
        kind = self.direction_dropdown.value
        if kind in self._vectors:
            return self._vectors[kind]
        return mean_direction(self.latent_dim, kind, seed=self.direction_seed_slider.value)

    def profile(self) -> np.ndarray:
        """The shape of the stds now (:func:`ganlib.std_profile`), float64 (latent_dim,)."""
        start, last = self.block_slider.value
        return std_profile(self.latent_dim, self.profile_dropdown.value, block=(start, last + 1))

    def _extra_controls(self) -> list:
        """Controls shown before the sliders (none here; the digit dropdown of a conditional explorer)."""
        return []

    def _digit(self) -> int | None:
        """The digit asked of a conditional generator; None for an unconditional one."""
        return None

    def _classifier_text(self, images: np.ndarray) -> str:
        """What the label says of the shown images when there is a classifier."""
        return _label_text(predict_proba(self.classifier, images))

    def redraw(self, change=None) -> None:
        """Draw the grid for the controls' current values: one generator call."""
        z, images, png = _sweep_view(self.generator, self.mean_slider.value, self.std_slider.value,
                                     self.seed_slider.value, self.size_slider.value, digit=self._digit(),
                                     direction=self.direction(), profile=self.profile())
        text = _norm_text(z)
        if self.classifier is not None:
            text += "<br>" + self._classifier_text(images)
        self.image.value = png
        self.label.value = text


class ConditionalExplorer(LatentExplorer):
    """The widget :func:`conditional_explorer` returns: a :class:`LatentExplorer` with a digit dropdown.

    Attributes
    ----------
    digit_dropdown : ipywidgets.Dropdown, the digit asked for (0-9)
    mean_slider, std_slider, seed_slider, size_slider : the latent sweep's controls
    image : ipywidgets.Image showing the grid (its ``value`` is the PNG bytes)
    label : ipywidgets.HTML with the latent norms (and how many images the classifier
        reads as the digit asked for)
    """

    def __init__(self, generator, classifier=None, digit: int = 0, mean_scale: float = 0.0,
                 std_scale: float = 1.0, seed: int = 0, n: int = 36, mean_range: float = 10.0,
                 max_std: float = 10.0):
        num_classes = num_classes_of(generator)
        if num_classes is None:
            raise ValueError("conditional_explorer needs a conditional generator, one trained with "
                             "DCGANConfig(conditional=True); use latent_explorer for this one")
        if isinstance(digit, bool) or not isinstance(digit, (int, np.integer)) or not 0 <= digit < num_classes:
            raise ValueError(f"digit must be an integer from 0 to {num_classes - 1}, got {digit!r}")
        self.digit_dropdown = widgets.Dropdown(options=list(range(num_classes)), value=int(digit),
                                               description="digit", style={"description_width": "8em"},
                                               layout=widgets.Layout(width="16em"))
        super().__init__(generator, classifier, mean_scale, std_scale, seed, n, mean_range, max_std)

    def __repr__(self) -> str:  # the text a notebook viewer without widgets shows
        # ipywidgets cuts this text at 110 characters
        return (f"ConditionalExplorer(digit={self.digit_dropdown.value}, mean={self.mean_slider.value}, "
                f"std={self.std_slider.value}, seed={self.seed_slider.value}, n={self.size_slider.value}): "
                "run it in Jupyter to use it")

    def _extra_controls(self) -> list:
        return [self.digit_dropdown]

    # no direction or profile controls: the lecture's ramp and one std for all, as notebook 08 has it
    def _make_shape_controls(self, *args) -> list:
        return []

    def direction(self) -> None:
        return None  # the ramp

    def profile(self) -> None:
        return None  # one std for all dimensions

    def _digit(self) -> int:
        return self.digit_dropdown.value

    def _classifier_text(self, images: np.ndarray) -> str:
        digit = self._digit()
        hits = int(np.sum(predict_proba(self.classifier, images).argmax(axis=1) == digit))
        return f"classifier: {hits} of {len(images)} images are a {digit}"


def _code_view(generator, code: int, continuous, seed: int, n: int, scale: int | None = None):
    """Images and PNG grid of an InfoGAN's ``n`` noise vectors (seeded) drawn with one category
    and one setting of the continuous codes: what :func:`code_png` and :class:`CodeExplorer` show."""
    from . import infogan
    from .latent import sample_latent

    categories, k = infogan._codes_of(generator)
    if isinstance(code, bool) or not isinstance(code, (int, np.integer)) or not 0 <= code < categories:
        raise ValueError(f"code must be a category from 0 to {categories - 1}, got {code!r}")
    images = infogan.generate(generator, sample_latent(n, latent_dim_of(generator), seed=seed), int(code),
                              infogan.check_continuous(continuous, n, k))
    return images, grid_png_bytes(images, scale=scale if scale is not None else _auto_scale(n))


def code_png(generator, code: int, continuous=None, seed: int = 0, n: int = 36, scale: int | None = None) -> bytes:
    """An InfoGAN's grid of ``n`` images drawn with category ``code`` and the continuous codes
    ``continuous`` (k values; None: all 0), PNG-encoded.

    The noise vectors depend on ``seed`` and ``n`` only, so another code or another continuous
    value with the same seed redraws the same noise: what changes is what the code controls.
    The same arguments give the same bytes.
    """
    return _code_view(generator, code, continuous, seed, n, scale)[1]


class CodeExplorer(widgets.VBox):
    """The widget :func:`code_explorer` returns: an InfoGAN's category dropdown and one slider per
    continuous code, over a grid of images that share their noise.

    Attributes
    ----------
    code_dropdown : ipywidgets.Dropdown, the category (0 .. K - 1)
    continuous_sliders : list of FloatSlider, one per continuous code, described c1, c2, ...;
        trained on [-1, 1], they reach to +-2 so that a student can see what lies beyond
    seed_slider, size_slider : the noise seed and the number of images
    image : ipywidgets.Image showing the grid (its ``value`` is the PNG bytes)
    label : ipywidgets.HTML with the classifier's digit counts (when there is a classifier)
    """

    def __init__(self, generator, classifier=None, code: int = 0, continuous=None, seed: int = 0, n: int = 36,
                 max_continuous: float = 2.0):
        from . import infogan

        categories, k = infogan._codes_of(generator)
        if n not in GRID_SIZES:
            raise ValueError(f"n must be one of {GRID_SIZES}, got {n!r}")
        values = infogan.check_continuous(continuous, 1, k)[0]
        self.generator, self.classifier = generator, classifier
        self.code_dropdown = _control(widgets.Dropdown, "category", options=list(range(categories)),
                                      value=int(code))
        self.continuous_sliders = [
            _control(widgets.FloatSlider, f"c{j + 1}", value=float(values[j]), min=-max_continuous,
                     max=max_continuous, step=0.25, continuous_update=False) for j in range(k)]
        self.seed_slider = _control(widgets.IntSlider, "seed", value=seed, min=0, max=99, continuous_update=False)
        self.size_slider = _control(widgets.SelectionSlider, "images", options=GRID_SIZES, value=n,
                                    continuous_update=False)
        self.image, self.label = widgets.Image(format="png"), widgets.HTML()
        controls = widgets.HBox([widgets.VBox([self.code_dropdown, self.seed_slider, self.size_slider]),
                                 widgets.VBox(self.continuous_sliders)])
        super().__init__([controls, self.label, self.image])
        self.redraw()
        for control in (self.code_dropdown, *self.continuous_sliders, self.seed_slider, self.size_slider):
            control.observe(self.redraw, names="value")

    def __repr__(self) -> str:  # the text a notebook viewer without widgets shows
        values = ", ".join(f"{s.value:g}" for s in self.continuous_sliders)
        return (f"CodeExplorer(category={self.code_dropdown.value}, continuous=[{values}], "
                f"seed={self.seed_slider.value}, n={self.size_slider.value}): run it in Jupyter to use it")

    @property
    def continuous(self) -> list[float]:
        """The continuous codes the sliders are set to."""
        return [s.value for s in self.continuous_sliders]

    def redraw(self, change=None) -> None:
        """Draw the grid for the controls' current values: one generator call."""
        images, png = _code_view(self.generator, self.code_dropdown.value, self.continuous,
                                 self.seed_slider.value, self.size_slider.value)
        self.image.value = png
        self.label.value = "" if self.classifier is None else _label_text(predict_proba(self.classifier, images))


def code_explorer(generator, classifier=None, code: int = 0, continuous=None, seed: int = 0,
                  n: int = 36) -> CodeExplorer:
    """A category dropdown and a slider per continuous code of an InfoGAN, redrawing a grid of
    ``n`` images that share their noise (:func:`code_png`).

    Parameters
    ----------
    generator : an InfoGAN generator (:func:`ganlib.load_pretrained_infogan`)
    classifier : optional, e.g. :func:`ganlib.load_classifier`; if given, the widget also
        counts the digits it reads in the grid, which shows what the category came to mean
    code, continuous, seed, n : the controls' starting values; n is one of ``GRID_SIZES``

    Returns
    -------
    CodeExplorer, an ``ipywidgets.VBox``: display it as a cell's last value. Notebook 09
    introduces it.
    """
    return CodeExplorer(generator, classifier, code, continuous, seed, n)


class InterpolationExplorer(widgets.VBox):
    """The widget :func:`interpolation_explorer` returns.

    Attributes
    ----------
    position_slider : IntSlider, the step along the path (0 = z0)
    method_toggle : ToggleButtons, "linear" or "slerp"
    path_image : ipywidgets.Image of the whole path, one row
    image : ipywidgets.Image of the digit at the slider's position
    label : ipywidgets.HTML with t, |z| (and the classifier's verdict)
    """

    def __init__(self, generator, z0, z1, steps: int = 11, method: str = "slerp", classifier=None,
                 position: int = 0):
        self.generator, self.classifier = generator, classifier
        self.z0, self.z1, self.steps = np.asarray(z0), np.asarray(z1), steps
        interpolate(self.z0, self.z1, steps, method)  # fail here, not in a callback, on bad input
        self.position_slider = widgets.IntSlider(value=position, min=0, max=steps - 1, description="step",
                                                 continuous_update=False, layout=widgets.Layout(width="30em"))
        self.method_toggle = widgets.ToggleButtons(options=INTERPOLATION_METHODS, value=method,
                                                   description="path")
        self.path_image = widgets.Image(format="png")
        self.image = widgets.Image(format="png")
        self.label = widgets.HTML()
        super().__init__([widgets.HBox([self.method_toggle, self.position_slider]), self.path_image,
                          widgets.HBox([self.image, self.label])])
        self._draw_path()
        self.redraw()
        self.position_slider.observe(self.redraw, names="value")
        self.method_toggle.observe(self._on_method, names="value")

    def __repr__(self) -> str:  # the text a notebook viewer without widgets shows
        return (f"InterpolationExplorer(steps={self.steps}, method={self.method_toggle.value!r}, "
                f"position={self.position_slider.value}): run the notebook in Jupyter to move the slider")

    def _draw_path(self) -> None:
        path = interpolate(self.z0, self.z1, self.steps, self.method_toggle.value)
        self.path_image.value = grid_png_bytes(generate_images(self.generator, path), ncols=self.steps,
                                               scale=2)

    def _on_method(self, change=None) -> None:
        self._draw_path()
        self.redraw()

    def redraw(self, change=None) -> None:
        """Draw the digit at the slider's position on the chosen path."""
        k = self.position_slider.value
        point, image = _path_point(self.generator, self.z0, self.z1, self.steps, k, self.method_toggle.value)
        text = f"t = {k / (self.steps - 1):.2f}<br>|z| = {np.linalg.norm(point):.2f}"
        if self.classifier is not None:
            text += "<br>" + _label_text(predict_proba(self.classifier, image))
        self.image.value = grid_png_bytes(image, scale=8)
        self.label.value = text


def latent_explorer(generator, classifier=None, mean_scale: float = 0.0, std_scale: float = 1.0,
                    seed: int = 0, n: int = 64, directions: dict | None = None, direction: str = "ramp",
                    profile: str = "isotropic", direction_seed: int = 0,
                    block: tuple[int, int] | None = None) -> LatentExplorer:
    """Controls for the means and standard deviations of the latent sweep, redrawing a grid of digits.

    Point k has dimension i drawn from N(mean_scale * direction[i], (std_scale * profile[i])**2):
    a dropdown chooses the direction (:func:`ganlib.mean_direction`: the lecture's
    ramp, a random direction with its own seed, or one of ``directions``), another
    the profile of the stds (:func:`ganlib.std_profile`: isotropic, the lecture's
    ``|ramp|``, or a block of dimensions), and sliders set the two scales.

    Parameters
    ----------
    generator : keras.Model from :func:`ganlib.make_generator` / :func:`ganlib.load_pretrained`
    classifier : optional, e.g. :func:`ganlib.load_classifier`; if given, the widget
        also shows how many of the shown images it calls each digit
    mean_scale, std_scale, seed, n : the sliders' starting values (see
        :func:`ganlib.explore.sweep_images`); n is one of ``GRID_SIZES``
    directions : optional dict of name -> array of shape (latent_dim,), more
        directions for the dropdown, e.g. ``{"ink": explore.attribute_direction(...)}``;
        each is scaled to the ramp's length
    direction : the starting direction, "ramp", "random" or a name in ``directions``
    profile : the starting profile, one of ``ganlib.latent.STD_PROFILES``
    direction_seed : the random direction's starting seed (0-99)
    block : (start, stop), the block of dimensions of the "block" profile; default
        the first ten

    Returns
    -------
    LatentExplorer, an ``ipywidgets.VBox``: display it as a cell's last value. Its
    controls are ``.direction_dropdown``, ``.direction_seed_slider``,
    ``.profile_dropdown``, ``.block_slider``, ``.mean_slider``, ``.std_slider``,
    ``.seed_slider`` and ``.size_slider``; each change redraws the grid with one
    generator call. Notebook 05 introduces it.
    """
    return LatentExplorer(generator, classifier, mean_scale, std_scale, seed, n, directions=directions,
                          direction=direction, profile=profile, direction_seed=direction_seed, block=block)


def conditional_explorer(generator, classifier=None, digit: int = 0, mean_scale: float = 0.0,
                         std_scale: float = 1.0, seed: int = 0, n: int = 36) -> ConditionalExplorer:
    """A digit dropdown beside the latent sweep's sliders, redrawing a grid of that digit.

    Parameters
    ----------
    generator : a conditional generator (:func:`ganlib.load_pretrained_conditional`)
    classifier : optional, e.g. :func:`ganlib.load_classifier`; if given, the widget
        also says how many of the shown images it reads as the digit asked for
    digit, mean_scale, std_scale, seed, n : the controls' starting values (see
        :func:`conditional_png`); n is one of ``GRID_SIZES``

    Returns
    -------
    ConditionalExplorer, an ``ipywidgets.VBox``: display it as a cell's last value.
    Its controls are ``.digit_dropdown``, ``.mean_slider``, ``.std_slider``,
    ``.seed_slider`` and ``.size_slider``. Notebook 08 introduces it.
    """
    return ConditionalExplorer(generator, classifier, digit, mean_scale, std_scale, seed, n)


def interpolation_explorer(generator, z0, z1, steps: int = 11, method: str = "slerp",
                           classifier=None) -> InterpolationExplorer:
    """A slider for the position along the path from z0 to z1, and a linear/slerp toggle.

    Parameters
    ----------
    z0, z1 : arrays of shape (latent_dim,)
    steps : points on the path, both ends included (>= 2)
    method : the starting path, "linear" or "slerp"
    classifier : optional; if given, the widget shows its verdict on the current digit

    Returns
    -------
    InterpolationExplorer, an ``ipywidgets.VBox`` with ``.position_slider`` and
    ``.method_toggle``. Notebook 06 introduces it.
    """
    return InterpolationExplorer(generator, z0, z1, steps, method, classifier)
