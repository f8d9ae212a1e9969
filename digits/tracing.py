"""MNIST digits turned back into pen strokes, to draw them into the apps as a person would:
the digit's skeleton, traced into polylines and simplified to the points a pen would pass."""

import numpy as np
from PIL import Image
from skimage.measure import approximate_polygon, label
from skimage.morphology import skeletonize

from .data import MNIST_SIZE

UPSCALE = 4  # the skeleton of a 4x bilinear upscale follows the pen more smoothly than 28x28's
PEN_TOLERANCE = 0.5  # MNIST pixels a simplified stroke may stray from the skeleton
INK = 127  # grey levels above this are ink
# A patch lighter than this that ink closes in is a hole: the loop of a bold 0, 6, 8 or 9, whose
# inside is grey, not white, and would otherwise fill up and trace as a line.
HOLE = 200


def trace(skeleton: np.ndarray) -> list[list[tuple[int, int]]]:
    """A one-pixel-wide skeleton -> polylines of (row, col) that cover each of its steps once."""
    pixels = set(zip(*np.nonzero(skeleton), strict=True))

    def neighbours(pixel: tuple[int, int]) -> list[tuple[int, int]]:
        y, x = pixel
        around = [(y + dy, x + dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1)
                  if (dy or dx) and (y + dy, x + dx) in pixels]
        # A diagonal step is redundant where two straight ones already join the same pixels.
        return [(v, u) for v, u in around
                if v == y or u == x or ((y, u) not in pixels and (v, x) not in pixels)]

    degree = {pixel: len(neighbours(pixel)) for pixel in pixels}
    walked = set()
    lines = []
    # Ends first, so a stroke runs end to end; then junctions; then closed loops (a 0).
    for start in sorted(pixels, key=lambda p: (degree[p] != 1, degree[p] == 2, p)):
        if degree[start] == 0:
            lines.append([start])
        while True:
            line = [start]
            while step := next((n for n in neighbours(line[-1])
                                if frozenset((line[-1], n)) not in walked), None):
                walked.add(frozenset((line[-1], step)))
                line.append(step)
            if len(line) == 1:
                break
            lines.append(line)
    return lines


def ink_with_holes(image: np.ndarray) -> np.ndarray:
    """A grey digit -> where its ink is, with the holes its loops enclose left open."""
    light = label(image < HOLE, connectivity=1)
    outside = np.unique(np.concatenate([light[0], light[-1], light[:, 0], light[:, -1]]))
    return (image > INK) & ~((light > 0) & ~np.isin(light, outside))


def pen_strokes(image: np.ndarray) -> list[list[list[float]]]:
    """An MNIST digit (28x28 uint8) -> pen strokes that redraw it: its skeleton, traced into
    polylines (Douglas-Peucker simplified) of [x, y] points in fractions of the 28x28 field."""
    size = MNIST_SIZE * UPSCALE
    big = np.asarray(Image.fromarray(image).resize((size, size), Image.Resampling.BILINEAR))
    return [[[(x + 0.5) / size, (y + 0.5) / size]
             for y, x in approximate_polygon(np.array(line, float), PEN_TOLERANCE * UPSCALE)]
            for line in trace(skeletonize(ink_with_holes(big)))]
