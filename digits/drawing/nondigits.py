"""Drawings that are not digits, the ones people test a digit reader with: scribbles, dots,
check marks and dashes, filled blobs, and letters and signs that look like no digit. Each is
made as pen strokes in fractions of a unit field, each point moved a little at random as a hand
would; digits/drawing/handwriting.py draws them as the apps do."""

import numpy as np

from digits.drawing.strokes import Strokes

# Letters and signs as pen strokes ([x, y], y down), none of them drawn like a digit.
SHAPES: dict[str, Strokes] = {
    "A": [[[0.2, 1], [0.5, 0], [0.8, 1]], [[0.32, 0.62], [0.68, 0.62]]],
    "E": [[[0.75, 0], [0.25, 0], [0.25, 1], [0.75, 1]], [[0.25, 0.5], [0.65, 0.5]]],
    "F": [[[0.75, 0], [0.25, 0], [0.25, 1]], [[0.25, 0.48], [0.65, 0.48]]],
    "H": [[[0.25, 0], [0.25, 1]], [[0.75, 0], [0.75, 1]], [[0.25, 0.5], [0.75, 0.5]]],
    "K": [[[0.28, 0], [0.28, 1]], [[0.75, 0], [0.3, 0.55], [0.78, 1]]],
    "M": [[[0.12, 1], [0.18, 0], [0.5, 0.65], [0.82, 0], [0.88, 1]]],
    "N": [[[0.25, 1], [0.25, 0], [0.75, 1], [0.75, 0]]],
    "R": [[[0.25, 1], [0.25, 0], [0.6, 0], [0.74, 0.12], [0.74, 0.36], [0.6, 0.5], [0.25, 0.5]],
          [[0.45, 0.5], [0.78, 1]]],
    "W": [[[0.05, 0], [0.28, 1], [0.5, 0.35], [0.72, 1], [0.95, 0]]],
    "X": [[[0.2, 0], [0.8, 1]], [[0.8, 0], [0.2, 1]]],
    "#": [[[0.42, 0], [0.3, 1]], [[0.72, 0], [0.6, 1]], [[0.08, 0.33], [0.92, 0.33]],
          [[0.05, 0.67], [0.88, 0.67]]],
}
KINDS = ["scribble", "dot", "tick", "blob", "@", *SHAPES]


def _at_sign() -> Strokes:
    """@: a small ring, then a stem down its right side that winds out round it."""
    ring = [[0.5 + 0.17 * np.cos(t), 0.5 + 0.2 * np.sin(t)] for t in np.linspace(0, 2 * np.pi, 16)]
    stem = [[0.67, 0.3], [0.67, 0.66], [0.8, 0.7]]
    turns = np.linspace(0.05 * np.pi, 1.75 * np.pi, 24)
    outer = [[0.5 + 0.45 * np.cos(t), 0.5 - 0.45 * np.sin(t)] for t in turns]
    return [ring, stem + outer]


def _scribble(rng: np.random.Generator) -> Strokes:
    """A tangle: a smooth pen path through 10 to 24 random points."""
    points = rng.uniform(0, 1, (int(rng.integers(10, 25)), 2))
    # Catmull-Rom through the points, 6 samples a span, so the path turns smoothly.
    padded = np.vstack([points[:1], points, points[-1:]])
    t = np.linspace(0, 1, 6, endpoint=False)[:, None]
    path = []
    for p0, p1, p2, p3 in zip(padded, padded[1:], padded[2:], padded[3:], strict=False):
        path.extend(0.5 * (2 * p1 + (p2 - p0) * t + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t ** 2
                           + (3 * p1 - p0 - 3 * p2 + p3) * t ** 3))
    return [np.vstack([path, points[-1:]]).tolist()]


def _dot(rng: np.random.Generator) -> Strokes:
    """One to three taps of the pen, apart."""
    count, taps = rng.integers(1, 4), [[[0.5, 0.5]]]
    while len(taps) < count:
        tap = rng.uniform(0, 1, 2)
        if all(np.hypot(*(tap - other[0])) > 0.4 for other in taps):
            taps.append([tap.tolist()])
    return taps


def _tick(rng: np.random.Generator) -> Strokes:
    """A check mark, or a dash no steeper than 25 degrees (a steeper one would be a 1)."""
    if rng.uniform() < 0.5:
        return [[[0.0, 0.55], [rng.uniform(0.25, 0.45), 1.0], [1.0, rng.uniform(0.0, 0.2)]]]
    angle = np.deg2rad(rng.uniform(-25, 25))
    return [[[0.5 - 0.5 * np.cos(angle), 0.5 - 0.5 * np.sin(angle)],
             [0.5 + 0.5 * np.cos(angle), 0.5 + 0.5 * np.sin(angle)]]]


def _blob(rng: np.random.Generator) -> Strokes:
    """An ellipse filled in by a zigzag of the pen, its lines closer than the pen is wide."""
    aspect = rng.uniform(0.5, 1.0)
    ys = np.linspace(-1, 1, 13)
    half_widths = np.sqrt(np.clip(1 - ys ** 2, 0.05, None))
    sides = np.where(np.arange(len(ys)) % 2 == 0, -1, 1)
    zigzag = [[0.5 + 0.5 * side * w, 0.5 + 0.5 * aspect * y]
              for y, w, side in zip(ys, half_widths, sides, strict=True)]
    return [zigzag]


def draw_nondigit(kind: str, rng: np.random.Generator, jitter: float = 0.04) -> Strokes:
    """One drawing of `kind` (a name in KINDS): strokes in a unit field, each point of the
    letters and signs moved by up to about `jitter` and the whole stretched a little."""
    makers = {"scribble": _scribble, "dot": _dot, "tick": _tick, "blob": _blob}
    if kind in makers:
        return makers[kind](rng)
    strokes = _at_sign() if kind == "@" else SHAPES[kind]
    stretch = rng.uniform(0.8, 1.25, 2)
    return [(np.asarray(stroke) * stretch + rng.normal(0, jitter, (len(stroke), 2))).tolist()
            for stroke in strokes]
