import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PIL import Image  # noqa: E402

from ganlib.plotting import (  # noqa: E402
    grid_png_bytes, grid_to_uint8, image_grid, plot_losses, save_gif, save_grid, show_grid,
)

from . import lecture_defects as lecture  # noqa: E402


def _numbered(n, h=4, w=3):
    """Image k is filled with the value k (so a tile tells where it came from)."""
    return np.arange(n, dtype=np.float32)[:, None, None, None] * np.ones((1, h, w, 1), np.float32)


def _tile(grid, row, col, h=4, w=3, pad=1):
    top, left = pad + row * (h + pad), pad + col * (w + pad)
    return grid[top:top + h, left:left + w]


def test_image_k_sits_at_row_k_div_ncols_column_k_mod_ncols():
    grid = image_grid(_numbered(10), ncols=4, pad_value=-5)
    assert grid.shape == (3 * 5 + 1, 4 * 4 + 1)
    for k in range(10):
        assert np.all(_tile(grid, k // 4, k % 4) == k)
    assert np.all(_tile(grid, 2, 2) == -5) and np.all(_tile(grid, 2, 3) == -5)  # empty cells


@pytest.mark.parametrize("impl", [
    "ganlib",
    pytest.param("lecture", marks=pytest.mark.xfail(strict=True, reason="erratum 9: images[i*j]")),
])
def test_a_10x10_grid_shows_100_distinct_images(impl):
    if impl == "ganlib":
        grid = image_grid(_numbered(100), ncols=10)
        shown = np.array([[_tile(grid, r, c)[0, 0] for c in range(10)] for r in range(10)])
    else:
        shown = lecture.grid_indices(100)
    assert len(np.unique(shown)) == 100


@pytest.mark.parametrize("impl", [
    "ganlib",
    pytest.param("lecture", marks=pytest.mark.xfail(strict=True, reason="erratum 10: one subplot per image")),
])
def test_a_grid_of_100_digits_is_drawn_with_one_imshow(impl):
    images = np.zeros((100, 28, 28, 1), np.float32)
    if impl == "ganlib":
        fig = show_grid(images, ncols=10).figure
    else:
        fig = lecture.subplot_grid(images)
    try:
        assert sum(len(ax.images) for ax in fig.axes) == 1
    finally:
        plt.close(fig)


def test_grid_to_uint8_draws_dark_ink_on_white_and_upscales():
    images = np.array([-1.0, 1.0, 0.0], np.float32).reshape(3, 1, 1, 1)
    pixels = grid_to_uint8(images, ncols=3, scale=2)
    assert pixels.dtype == np.uint8 and pixels.shape == (3 * 2, 7 * 2)
    # tile centres at grid (1, 1), (1, 3), (1, 5); each grid pixel is a 2x2 block
    assert pixels[2, 2] == 255 and pixels[3, 3] == 255  # -1: blank paper
    assert pixels[2, 6] == 0  # +1: full ink
    assert pixels[2, 10] == 128  # 0: grey
    assert pixels[0, 0] == 255  # padding


def test_save_grid_writes_a_png_of_the_expected_size(tmp_path):
    path = tmp_path / "deep" / "folder" / "grid.png"
    save_grid(np.zeros((6, 28, 28, 1), np.float32), path, ncols=3, scale=2)
    with Image.open(path) as img:
        assert img.format == "PNG"
        assert img.size == ((3 * 29 + 1) * 2, (2 * 29 + 1) * 2)
    assert grid_png_bytes(np.zeros((1, 28, 28, 1)), scale=1)[:8] == b"\x89PNG\r\n\x1a\n"


def test_save_gif_makes_a_looping_animation(tmp_path):
    frames = []
    for k in range(3):
        frames.append(tmp_path / f"f{k}.png")
        save_grid(np.full((4, 28, 28, 1), k - 1.0, np.float32), frames[-1])
    gif = save_gif(frames, tmp_path / "out" / "train.gif")
    with Image.open(gif) as img:
        assert img.format == "GIF" and img.n_frames == 3
        assert img.info.get("loop") == 0


def test_plot_losses_draws_both_curves():
    steps = np.arange(1, 101)
    history = {"step": steps, "gen_loss": np.linspace(2, 1, 100), "disc_loss": np.linspace(1, 1.3, 100)}
    ax = plot_losses(history, smooth=10)
    labels = [line.get_label() for line in ax.get_lines()]
    assert any("generator" in label for label in labels) and any("discriminator" in label for label in labels)
    buffer = io.BytesIO()
    ax.figure.savefig(buffer, format="png")
    plt.close(ax.figure)
    assert buffer.getvalue()[:4] == b"\x89PNG"


def test_label_grid_puts_a_label_beside_each_row_and_above_each_column():
    from ganlib.plotting import label_grid

    ax = show_grid(np.zeros((6, 28, 28, 1), np.float32), ncols=3)
    label_grid(ax, rows=["a", "b"], columns=["x", "y", "z"])
    texts = {t.get_text(): t.get_position() for t in ax.texts}
    assert set(texts) == {"a", "b", "x", "y", "z"}
    assert texts["b"][1] - texts["a"][1] == 29  # one tile plus padding lower
    assert texts["x"][1] < 0 and texts["a"][0] < 0  # above the grid, left of it
    plt.close(ax.figure)
