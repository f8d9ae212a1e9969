import itertools

import numpy as np
import pytest

from digits.drawing.tracing import pen_strokes, trace


def skeleton(*pixels: tuple[int, int], size: int = 12) -> np.ndarray:
    image = np.zeros((size, size), bool)
    for pixel in pixels:
        image[pixel] = True
    return image


def steps(lines: list[list[tuple[int, int]]]) -> list[frozenset]:
    return [frozenset(pair) for line in lines for pair in itertools.pairwise(line)]


def test_a_bar_is_one_stroke_from_end_to_end():
    lines = trace(skeleton(*[(5, x) for x in range(2, 9)]))
    assert lines == [[(5, x) for x in range(2, 9)]]


def test_a_corner_does_not_split_the_stroke():
    pixels = [(2, 3), (3, 3), (4, 3), (5, 3), (5, 4), (5, 5), (5, 6)]
    lines = trace(skeleton(*pixels))
    assert len(lines) == 1 and sorted(lines[0]) == sorted(pixels)
    assert {lines[0][0], lines[0][-1]} == {(2, 3), (5, 6)}


def test_a_junction_covers_each_step_once():
    pixels = [(5, x) for x in range(2, 9)] + [(y, 5) for y in range(6, 10)]
    lines = trace(skeleton(*pixels))
    walked = steps(lines)
    assert len(walked) == len(set(walked)) == len(pixels) - 1  # a tree: one step fewer


def test_a_ring_is_a_closed_stroke():
    ring = [(2, 4), (2, 5), (2, 6), (3, 7), (4, 7), (5, 7), (6, 6), (6, 5), (6, 4), (5, 3),
            (4, 3), (3, 3)]
    lines = trace(skeleton(*ring))
    assert len(lines) == 1 and lines[0][0] == lines[0][-1]
    assert set(lines[0]) == set(ring)


def test_a_dot_is_a_stroke_of_one_point():
    assert trace(skeleton((4, 4))) == [[(4, 4)]]


def test_an_mnist_like_one_becomes_a_single_straight_stroke():
    image = np.zeros((28, 28), np.uint8)
    image[4:24, 13:16] = 255
    [stroke] = pen_strokes(image)
    assert len(stroke) == 2  # the straight skeleton simplifies to its two ends
    (x0, y0), (x1, y1) = stroke
    assert x0 == pytest.approx(14.5 / 28, abs=0.02) and x1 == pytest.approx(14.5 / 28, abs=0.02)
    top, bottom = sorted([y0, y1])  # the skeleton stops about half a stroke short of each end
    assert 4 / 28 < top < 7 / 28 and 21 / 28 < bottom < 24 / 28


def test_a_bold_zero_whose_inside_is_grey_keeps_its_loop():
    rows, cols = np.mgrid[:28, :28]
    radius = np.hypot(rows - 14, cols - 14)
    image = np.where(radius < 9, 255, 0).astype(np.uint8)
    image[radius < 3] = 150  # a bold 0's inside is often grey ink bleed, not white
    [loop] = pen_strokes(image)
    assert loop[0] == loop[-1]  # a closed stroke, not a line through a filled disc
    centre_distances = [np.hypot(x - 0.5, y - 0.5) for x, y in loop]
    assert min(centre_distances) > 3 / 28 and max(centre_distances) < 9 / 28


def test_a_light_stroke_that_encloses_nothing_is_ink():
    image = np.zeros((28, 28), np.uint8)
    image[4:24, 13:16] = 255
    image[4:7, 5:23] = 160  # a 7's bar drawn lighter than its stem
    xs = [x for stroke in pen_strokes(image) for x, _ in stroke]
    assert min(xs) < 7 / 28 and max(xs) > 21 / 28


def test_a_bold_zero_whose_inside_is_light_grey_keeps_its_loop_at_a_higher_ink_level():
    rows, cols = np.mgrid[:28, :28]
    radius = np.hypot(rows - 14, cols - 14)
    image = np.where(radius < 9, 255, 0).astype(np.uint8)
    image[radius < 3] = 225  # darker than the lowest level's holes, lighter than the highest's
    [loop] = pen_strokes(image)
    assert loop[0] == loop[-1]
    assert min(np.hypot(x - 0.5, y - 0.5) for x, y in loop) > 3 / 28
