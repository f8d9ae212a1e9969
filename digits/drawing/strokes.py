"""Traced digits on disk: each digit's pen strokes, with its label and its number in MNIST,
as IDX files (the format MNIST ships in) that trace-mnist writes and draw-mnist reads.

    {split}-index-idx1-ubyte    (n,) int32      each digit's number in the MNIST split
    {split}-labels-idx1-ubyte   (n,) uint8      its label
    {split}-digits-idx1-ubyte   (n,) int32      how many strokes it has
    {split}-strokes-idx1-ubyte  (s,) int32      how many points each stroke has
    {split}-points-idx2-ubyte   (p, 2) float32  the points, [x, y] in fractions of the field
"""

from pathlib import Path

import numpy as np

from digits.core.dataset import read_idx
from digits.core.idx import encode_idx

Strokes = list[list[list[float]]]  # strokes of [x, y] points


def write_traced(out: Path, split: str, index: np.ndarray, labels: np.ndarray,
                 strokes: list[Strokes]) -> None:
    """Write the traced digits of one split into the directory `out`."""
    lines = [line for digit in strokes for line in digit]
    points = np.array([point for line in lines for point in line], np.float32).reshape(-1, 2)
    arrays = {"index": np.asarray(index, np.int32), "labels": np.asarray(labels, np.uint8),
              "digits": np.array([len(digit) for digit in strokes], np.int32),
              "strokes": np.array([len(line) for line in lines], np.int32), "points": points}
    for name, array in arrays.items():
        (out / f"{split}-{name}-idx{array.ndim}-ubyte").write_bytes(encode_idx(array))


def read_traced(directory: str | Path, split: str
                ) -> tuple[np.ndarray, np.ndarray, list[Strokes]]:
    """(index, labels, strokes) of one split that trace-mnist wrote into `directory`."""
    index, labels, digits, strokes = (
        read_idx(Path(directory) / f"{split}-{name}-idx1-ubyte", "trace-mnist")
        for name in ("index", "labels", "digits", "strokes"))
    points = read_idx(Path(directory) / f"{split}-points-idx2-ubyte", "trace-mnist").tolist()
    point_ends = np.cumsum(strokes).tolist()
    lines = [points[end - count:end] for count, end in zip(strokes.tolist(), point_ends,
                                                           strict=True)]
    line_ends = np.cumsum(digits).tolist()
    return index, labels, [lines[end - count:end]
                           for count, end in zip(digits.tolist(), line_ends, strict=True)]
