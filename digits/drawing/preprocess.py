"""Turn any picture of a digit into the 28x28 input the model reads, as MNIST was made.

This is the one definition the web page (JavaScript) and the Android app (Kotlin) port
step for step; tests/vectors/preprocess.json holds rasters and the outputs all three
must reproduce. The steps:

1. ink_from_grey: grey values in [0, 1] become ink in [0, 1]. The background level is
   the median border pixel (the lower middle one of the sorted border); if it is light
   (> 0.5) the picture is inverted (dark ink on paper). The background level is then
   subtracted and the rest stretched back to [0, 1].
2. crop: the bounding box of pixels with ink > INK_THRESHOLD.
3. scale: the box is resampled by area averaging (each output pixel is the mean of the
   input area it covers) so that its longer side is BOX_SIZE pixels, keeping aspect;
   the shorter side is round(side * BOX_SIZE / longer side), at least 1.
4. centre: the box is placed in a 28x28 field so that its centre of mass (pixel centres
   at i + 0.5) lands as near as whole pixels allow to the field's centre (14, 14):
   offset = floor(14 - c + 0.5), clamped to keep the box inside the field, where c is the
   mass centre rounded to 1e-6 first, as floor(centre * 1e6 + 0.5) / 1e6. A symmetric
   stroke's centre sits exactly on a half pixel; the rounding keeps summation order
   (numpy's pairwise sums, a plain loop in JS or Kotlin) from tipping it either way.
5. normalise: divide by the brightest pixel, so the strongest ink is exactly 1.

A colour picture (8-bit RGBA; RGB has alpha 255) becomes grey first, in integer arithmetic
every language reproduces exactly (grey_from_rgba): each channel is composited on white
paper, c' = (c * a + 255 * (255 - a) + 127) // 255, then weighted by ITU-R BT.601 luma as
PIL's convert("L") does, grey = (19595 R' + 38470 G' + 7471 B' + 32768) >> 16.

Both apps draw with a pen PEN_WIDTH wide, as a fraction of the pad's shorter side: MNIST's
strokes are about 2.5 pixels wide in its 28x28 images.

A picture of more than MAX_PIXELS pixels is refused before it is decoded (by predict and by
the web page), which bounds the memory and time any one picture can take.
"""

import numpy as np

from digits.core.dataset import MNIST_SIZE

BOX_SIZE = 20
INK_THRESHOLD = 0.1
PEN_WIDTH = 2.5 / MNIST_SIZE
MAX_PIXELS = 25_000_000  # 25 megapixels: a 6000x4000 photo fits


class NoInkError(ValueError):
    """The picture holds no ink above INK_THRESHOLD: nothing to recognise."""


def grey_from_rgba(rgba: np.ndarray) -> np.ndarray:
    """8-bit RGBA pixels (H, W, 4) -> grey (H, W) in [0, 1], composited on white paper."""
    rgba = np.asarray(rgba, dtype=np.int32)  # every sum below fits in 32 bits
    alpha = rgba[..., 3:]
    rgb = (rgba[..., :3] * alpha + 255 * (255 - alpha) + 127) // 255
    luma = (19595 * rgb[..., 0] + 38470 * rgb[..., 1] + 7471 * rgb[..., 2] + 32768) >> 16
    return luma / 255.0


def ink_from_grey(grey: np.ndarray) -> np.ndarray:
    """Grey values in [0, 1] (H, W) -> ink in [0, 1], light ink on a dark background."""
    grey = np.asarray(grey, dtype=np.float64)
    border = np.concatenate([grey[0], grey[-1], grey[1:-1, 0], grey[1:-1, -1]])
    background = np.sort(border)[(len(border) - 1) // 2]
    if background > 0.5:
        grey, background = 1.0 - grey, 1.0 - background
    if background >= 1.0:
        return np.zeros_like(grey)
    return np.clip((grey - background) / (1.0 - background), 0.0, 1.0)


def area_weights(n_in: int, n_out: int) -> np.ndarray:
    """(n_out, n_in) matrix: row j averages the input span [j, j + 1) * n_in / n_out."""
    step = n_in / n_out
    starts = np.arange(n_out)[:, np.newaxis] * step
    ends = np.arange(1, n_out + 1)[:, np.newaxis] * step
    pixels = np.arange(n_in)[np.newaxis, :]
    overlap = np.minimum(ends, pixels + 1) - np.maximum(starts, pixels)
    return np.clip(overlap, 0.0, None) / step


def _offset(mass_centre: float, box: int) -> int:
    centre = np.floor(mass_centre * 1e6 + 0.5) / 1e6
    return int(min(max(np.floor(MNIST_SIZE / 2 - centre + 0.5), 0), MNIST_SIZE - box))


def preprocess_ink(ink: np.ndarray) -> np.ndarray:
    """Ink raster (H, W) in [0, 1] -> float32 (28, 28) model input in [0, 1]."""
    ink = np.asarray(ink, dtype=np.float64)
    rows = np.flatnonzero((ink > INK_THRESHOLD).any(axis=1))
    cols = np.flatnonzero((ink > INK_THRESHOLD).any(axis=0))
    if len(rows) == 0:
        raise NoInkError(f"no ink above {INK_THRESHOLD} in a {ink.shape[1]}x{ink.shape[0]} picture")
    crop = ink[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]

    height, width = crop.shape
    scale = BOX_SIZE / max(height, width)
    out_h = max(1, int(np.floor(height * scale + 0.5)))
    out_w = max(1, int(np.floor(width * scale + 0.5)))
    box = area_weights(height, out_h) @ crop @ area_weights(width, out_w).T

    total = box.sum()
    centre_row = (box.sum(axis=1) * (np.arange(out_h) + 0.5)).sum() / total
    centre_col = (box.sum(axis=0) * (np.arange(out_w) + 0.5)).sum() / total
    top, left = _offset(centre_row, out_h), _offset(centre_col, out_w)
    field = np.zeros((MNIST_SIZE, MNIST_SIZE))
    field[top:top + out_h, left:left + out_w] = box
    return (field / field.max()).astype(np.float32)


def preprocess_grey(grey: np.ndarray) -> np.ndarray:
    """Grey picture (H, W) in [0, 1], either polarity -> float32 (28, 28) model input."""
    return preprocess_ink(ink_from_grey(grey))
