import math

import numpy as np
import pytest

from digits.drawing.preprocess import PEN_WIDTH
from digits.drawing.rendering import draw_strokes

SIZE = 280
PEN = PEN_WIDTH * SIZE  # 25 pixels


def test_a_dot_is_a_round_pen_mark():
    ink = draw_strokes([[[0.5, 0.5]]], SIZE, PEN_WIDTH)
    assert ink.shape == (SIZE, SIZE) and ink.min() >= 0 and ink.max() == 1
    assert ink.sum() == pytest.approx(math.pi * (PEN / 2) ** 2, rel=0.02)


def test_a_straight_stroke_is_pen_wide_with_round_ends_and_soft_edges():
    ink = draw_strokes([[[0.25, 0.5], [0.5, 0.5], [0.75, 0.5]]], SIZE, PEN_WIDTH)
    length = 0.5 * SIZE
    assert ink.sum() == pytest.approx(length * PEN + math.pi * (PEN / 2) ** 2, rel=0.02)
    column = ink[:, SIZE // 2]
    assert (column > 0.99).sum() == pytest.approx(PEN, abs=1.5)
    assert ((column > 0) & (column < 1)).any()  # anti-aliased, not cut at pixel edges


def test_a_corner_is_smoothed_through_the_midpoints():
    corner = [[0.2, 0.2], [0.8, 0.2], [0.8, 0.8]]
    ink = draw_strokes([corner], SIZE, PEN_WIDTH)
    # The curve runs from the first point to the last by way of the midpoint-guided bend,
    # leaving the sharp corner itself (0.8, 0.2) unpainted.
    low, high = int(0.2 * SIZE), int(0.8 * SIZE)
    assert ink[low, low] > 0.9 and ink[high, high] > 0.9
    assert ink[low, high - 1] < 0.1


def test_nothing_drawn_is_no_ink():
    assert not np.any(draw_strokes([], SIZE, PEN_WIDTH))
