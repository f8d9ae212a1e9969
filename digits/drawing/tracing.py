"""MNIST digits turned back into pen strokes, to draw them into the apps as a person would:
the digit's skeleton, traced into polylines and simplified to the points a pen would pass.

No one ink level suits every digit: a faint stroke needs a low one, and the loop of a bold 9
(grey inside, not white) or the middle of a bold 3 a high one. So the digit is traced at each of
INK_LEVELS, and the strokes whose redraw comes closest to the digit win."""

import numpy as np
import shapely
from PIL import Image
from skimage.measure import label
from skimage.morphology import skeletonize

from digits.core.dataset import MNIST_SIZE
from digits.drawing.rendering import draw_strokes

UPSCALE = 4  # the skeleton of a 4x bilinear upscale follows the pen more smoothly than 28x28's
PEN_TOLERANCE = 0.5  # MNIST pixels a simplified stroke may stray from the skeleton
# (ink, hole) grey levels to trace at: above `ink` is ink, except that a patch lighter than `hole`
# that ink closes in is a hole, the loop of a bold 0, 6, 8 or 9 that would otherwise fill up and
# trace as a line. Chosen on MNIST's test digits (docs/drawn-digits.md).
INK_LEVELS = ((127, 200), (170, 220), (210, 240))
PEN_WIDTHS = (1.5, 5.0)  # MNIST pixels: the range a redraw's pen width is fitted within
STEPS = [(dy, dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1) if dy or dx]  # in the order walked


def trace(skeleton: np.ndarray) -> list[list[tuple[int, int]]]:
    """A one-pixel-wide skeleton -> polylines of (row, col) that cover each of its steps once."""
    ys, xs = np.nonzero(skeleton)
    padded = np.pad(skeleton, 1)
    number = np.full(padded.shape, -1)
    number[ys + 1, xs + 1] = np.arange(len(ys))

    def joined(dy: int, dx: int) -> np.ndarray:
        """For each pixel, the number of the pixel that the step (dy, dx) leads to, or -1."""
        ends = padded[ys + 1 + dy, xs + 1 + dx]
        if dy and dx:  # a diagonal step is redundant where two straight ones join the same pixels
            ends = ends & ~padded[ys + 1, xs + 1 + dx] & ~padded[ys + 1 + dy, xs + 1]
        return np.where(ends, number[ys + 1 + dy, xs + 1 + dx], -1)

    neighbours = [[n for n in row if n >= 0]
                  for row in np.column_stack([joined(*step) for step in STEPS]).tolist()]
    pixels = list(zip(ys.tolist(), xs.tolist(), strict=True))
    degree = [len(n) for n in neighbours]
    lines = []
    # Ends first, so a stroke runs end to end; then junctions; then closed loops (a 0).
    for start in sorted(range(len(pixels)), key=lambda p: (degree[p] != 1, degree[p] == 2, p)):
        if degree[start] == 0:
            lines.append([pixels[start]])
        while neighbours[start]:  # each pixel's steps not yet walked, in STEPS order
            line = [start]
            while neighbours[line[-1]]:
                step = neighbours[line[-1]].pop(0)
                neighbours[step].remove(line[-1])
                line.append(step)
            lines.append([pixels[p] for p in line])
    return lines


def ink_with_holes(image: np.ndarray, ink: int, hole: int) -> np.ndarray:
    """A grey digit -> where it is darker than `ink`, with the patches lighter than `hole` that
    its loops enclose left open."""
    light = label(image < hole, connectivity=1)
    outside = np.unique(np.concatenate([light[0], light[-1], light[:, 0], light[:, -1]]))
    return (image > ink) & ~((light > 0) & ~np.isin(light, outside))


def redraw_error(strokes: list[list[list[float]]], image: np.ndarray) -> float:
    """How far strokes, drawn with the pen that lays down the digit's ink over their length,
    are from the digit (28x28 uint8): the summed absolute difference of ink."""
    target = image / 255.0
    length = sum(np.linalg.norm(np.diff(np.asarray(stroke), axis=0), axis=1).sum()
                 for stroke in strokes) * MNIST_SIZE
    width = np.clip(target.sum() / max(length, 1e-6), *PEN_WIDTHS)
    size = MNIST_SIZE * UPSCALE
    ink = draw_strokes(strokes, size, width / MNIST_SIZE)
    return float(np.abs(ink.reshape(MNIST_SIZE, UPSCALE, MNIST_SIZE, UPSCALE).mean(axis=(1, 3))
                        - target).sum())


def simplify(line: list[tuple[int, int]], tolerance: float) -> np.ndarray:
    """A polyline's points (n, 2) simplified by Douglas-Peucker (GEOS's) to within `tolerance`."""
    points = np.array(line, float)
    if len(points) < 2:
        return points
    return shapely.get_coordinates(shapely.simplify(shapely.linestrings(points), tolerance,
                                                    preserve_topology=False))


def pen_strokes(image: np.ndarray) -> list[list[list[float]]]:
    """An MNIST digit (28x28 uint8) -> pen strokes that redraw it: its skeleton at the ink
    level that redraws it best, traced into polylines (Douglas-Peucker simplified) of [x, y]
    points in fractions of the 28x28 field."""
    size = MNIST_SIZE * UPSCALE
    big = np.asarray(Image.fromarray(image).resize((size, size), Image.Resampling.BILINEAR))
    candidates = [[[[(x + 0.5) / size, (y + 0.5) / size]
                    for y, x in simplify(line, PEN_TOLERANCE * UPSCALE).tolist()]
                   for line in trace(skeletonize(ink_with_holes(big, ink, hole)))]
                  for ink, hole in INK_LEVELS]
    return min((strokes for strokes in candidates if strokes),
               key=lambda strokes: redraw_error(strokes, image), default=[])
