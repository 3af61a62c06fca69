"""Drawing many digits at once, quickly and in the right order.

The lecture drew one matplotlib subplot per image and indexed them with ``i*j``
(errata 9 and 10). Here images are tiled into one array and drawn with a single
``imshow``: image k sits at row ``k // ncols``, column ``k % ncols``.
"""

from __future__ import annotations

import io
import math
import os
from pathlib import Path

import numpy as np

#: Black ink on white paper, as digits are written.
CMAP = "gray_r"


def image_grid(images, ncols: int | None = None, pad: int = 1, pad_value: float = -1.0) -> np.ndarray:
    """Tile images into one 2-D array.

    Parameters
    ----------
    images : array of shape (n, h, w, 1) or (n, h, w)
    ncols : int, default ceil(sqrt(n))
    pad : pixels of ``pad_value`` between tiles and around the border
    pad_value : value of the padding and of empty cells (-1 is blank paper)

    Returns
    -------
    float32 array of shape (rows * (h + pad) + pad, ncols * (w + pad) + pad) with
    rows = ceil(n / ncols); image k at tile row k // ncols, tile column k % ncols.
    """
    images = np.asarray(images, dtype=np.float32)
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    if images.ndim != 3:
        raise ValueError(f"images must have shape (n, h, w) or (n, h, w, 1), got {images.shape}")
    n, h, w = images.shape
    if n == 0:
        raise ValueError("image_grid needs at least one image")
    if ncols is None:
        ncols = math.ceil(math.sqrt(n))
    if ncols <= 0:
        raise ValueError(f"ncols must be positive, got {ncols}")
    nrows = math.ceil(n / ncols)
    grid = np.full((nrows * (h + pad) + pad, ncols * (w + pad) + pad), pad_value, np.float32)
    for k in range(n):
        r, c = divmod(k, ncols)
        top, left = pad + r * (h + pad), pad + c * (w + pad)
        grid[top:top + h, left:left + w] = images[k]
    return grid


def show_grid(images, ncols: int | None = None, ax=None, title: str | None = None, size: float = 6.0,
              pad: int = 1, pad_value: float = -1.0):
    """Draw images as one tiled grid with a single ``imshow``; returns the axes.

    ``pad`` and ``pad_value`` as in :func:`image_grid`: blank paper between digits by default;
    ``pad_value=0.0`` draws grey gaps, which keep all-white tiles (Ising spins of -1) visible.
    """
    import matplotlib.pyplot as plt

    grid = image_grid(images, ncols, pad=pad, pad_value=pad_value)
    if ax is None:
        aspect = grid.shape[0] / grid.shape[1]
        _, ax = plt.subplots(figsize=(size, size * aspect))
    ax.imshow(grid, cmap=CMAP, vmin=-1, vmax=1, interpolation="nearest")
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return ax


def label_grid(ax, rows=(), columns=(), tile: int = 28, pad: int = 1, fontsize: int = 9) -> None:
    """Write labels left of each row and above each column of a :func:`show_grid` picture.

    ``tile`` and ``pad`` must match the grid's image size and padding (28 and 1 for MNIST).
    """
    for r, text in enumerate(rows):
        ax.text(-2, pad + r * (tile + pad) + tile / 2, text, ha="right", va="center", fontsize=fontsize)
    for c, text in enumerate(columns):
        ax.text(pad + c * (tile + pad) + tile / 2, -2, text, ha="center", va="bottom", fontsize=fontsize)


def grid_to_uint8(images, ncols: int | None = None, scale: int = 1) -> np.ndarray:
    """The tiled grid as an 8-bit greyscale picture (ink dark), upscaled by ``scale``."""
    grid = image_grid(images, ncols)
    pixels = np.round((1.0 - np.clip(grid, -1, 1)) * 127.5).astype(np.uint8)
    if scale > 1:
        pixels = pixels.repeat(scale, axis=0).repeat(scale, axis=1)
    return pixels


def save_grid(images, target, ncols: int | None = None, scale: int = 3) -> None:
    """Write the tiled grid as a PNG to a path or a binary file object."""
    from PIL import Image

    if isinstance(target, (str, os.PathLike)):
        Path(target).parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(grid_to_uint8(images, ncols, scale)).save(target, format="PNG")


def grid_png_bytes(images, ncols: int | None = None, scale: int = 3) -> bytes:
    """The tiled grid as PNG bytes, e.g. for an ipywidgets.Image."""
    buffer = io.BytesIO()
    save_grid(images, buffer, ncols, scale)
    return buffer.getvalue()


def save_gif(frames, path, duration_ms: int = 200, final_pause_ms: int = 1500) -> Path:
    """Assemble PNG frames (paths, in order) into an animated GIF that loops.

    The last frame stays up for ``final_pause_ms`` so the end result can be seen.
    """
    from PIL import Image

    frames = [Path(f) for f in frames]
    if not frames:
        raise ValueError("save_gif needs at least one frame")
    images = []
    for f in frames:
        with Image.open(f) as img:
            images.append(img.convert("L"))
    durations = [duration_ms] * (len(images) - 1) + [final_pause_ms]
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    images[0].save(path, save_all=True, append_images=images[1:], duration=durations, loop=0)
    return path


def plot_losses(history, ax=None, smooth: int = 20):
    """Plot per-step generator and discriminator losses, raw and smoothed.

    Parameters
    ----------
    history : dict of equal-length arrays with keys ``step``, ``gen_loss`` and
        ``disc_loss`` (as returned by :func:`ganlib.training.read_history`)
    smooth : window of the moving average drawn over the raw curves (1 = none)
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4))
    steps = np.asarray(history["step"])
    for key, label, color in (("disc_loss", "discriminator", "tab:blue"),
                              ("gen_loss", "generator", "tab:orange")):
        values = np.asarray(history[key], dtype=np.float64)
        ax.plot(steps, values, color=color, alpha=0.25 if smooth > 1 else 1.0, lw=0.8)
        if smooth > 1 and len(values) >= smooth:
            kernel = np.ones(smooth) / smooth
            ax.plot(steps[smooth - 1:], np.convolve(values, kernel, mode="valid"), color=color,
                    label=f"{label} ({smooth}-step mean)")
        else:
            ax.lines[-1].set_label(label)
    ax.axhline(2 * np.log(2), color="grey", ls="--", lw=0.8, label="D loss at D = 1/2 (2 log 2)")
    ax.set_xlabel("training step")
    ax.set_ylabel("loss")
    ax.legend()
    return ax
