"""MNIST digits drawn again as people draw them on the apps' pads: each digit's pen strokes
(digits/drawing/tracing.py) given a pen, a slant, a size and place on the pad and a speed,
rasterised as the apps rasterise, and read through the apps' preprocessing into the 28x28 input
the model sees.

The speed sets how far the pen travels between two pointer samples; the apps draw quadratic
curves through the midpoints between samples, so a fast stroke's corners come out rounder."""

from dataclasses import dataclass

import numpy as np

from digits.drawing.preprocess import preprocess_ink
from digits.drawing.rendering import draw_strokes
from digits.drawing.strokes import Strokes


@dataclass(frozen=True)
class Style:
    """How one digit is drawn. Lengths are fractions of the pad's side."""

    pen_width: float
    slant: float  # how far the top leans right, as a fraction of the digit's height
    size: float  # the longer side of the digit's strokes
    place: tuple[float, float]  # where in the room left on the pad: 0 left/top, 1 right/bottom
    speed: float  # pen travel between two pointer samples


@dataclass(frozen=True)
class StyleRanges:
    """The ranges a random Style is drawn from, each (low, high)."""

    pen_width: tuple[float, float]
    slant: tuple[float, float]
    size: tuple[float, float]
    speed: tuple[float, float]

    def sample(self, rng: np.random.Generator) -> Style:
        def pick(bounds: tuple[float, float]) -> float:
            return float(rng.uniform(*bounds))

        return Style(pen_width=pick(self.pen_width), slant=pick(self.slant), size=pick(self.size),
                     place=(float(rng.uniform()), float(rng.uniform())), speed=pick(self.speed))


def resample(stroke: list[list[float]], spacing: float) -> list[list[float]]:
    """The points a pointer reports along a stroke moving `spacing` between samples: one every
    `spacing` of its length from the start, then the end."""
    points = np.asarray(stroke, float)
    if len(points) < 2:
        return points.tolist()
    lengths = np.linalg.norm(np.diff(points, axis=0), axis=1)
    along = np.concatenate([[0.0], np.cumsum(lengths)])
    targets = np.append(np.arange(0.0, along[-1], spacing), along[-1])
    return np.column_stack([np.interp(targets, along, points[:, i]) for i in (0, 1)]).tolist()


def restyle(strokes: Strokes, style: Style) -> Strokes:
    """Strokes (fractions of any field) slanted, scaled and placed on the pad in `style`, with
    the pointer samples its speed gives."""
    arrays = [np.asarray(stroke, float).reshape(-1, 2) for stroke in strokes]
    ys = np.concatenate([a[:, 1] for a in arrays])
    centre_y = (ys.min() + ys.max()) / 2
    slanted = [np.column_stack([a[:, 0] + style.slant * (centre_y - a[:, 1]), a[:, 1]])
               for a in arrays]
    low = np.min([s.min(axis=0) for s in slanted], axis=0)
    extent = np.max([s.max(axis=0) for s in slanted], axis=0) - low
    scale = style.size / max(extent.max(), 1e-9)
    margin = style.pen_width / 2
    room = np.maximum(1 - 2 * margin - extent * scale, 0)
    origin = margin + room * np.asarray(style.place)
    return [resample(((s - low) * scale + origin).tolist(), style.speed) for s in slanted]


def redraw(strokes: Strokes, style: Style, pad: int) -> np.ndarray:
    """A traced digit's strokes drawn on a pad `pad` pixels square in `style`, then
    preprocessed as the apps do: the model's input as uint8 (28, 28)."""
    ink = draw_strokes(restyle(strokes, style), pad, style.pen_width)
    return np.round(preprocess_ink(ink) * 255).astype(np.uint8)

