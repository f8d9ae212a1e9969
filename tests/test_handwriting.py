import numpy as np
import pytest

from digits.core.params import DrawnParams
from digits.drawing.handwriting import Style, StyleRanges, redraw, resample, restyle
from digits.drawing.preprocess import PEN_WIDTH
from digits.drawing.tracing import pen_strokes
from stages.draw_mnist import draw_chunk
from stages.trace_mnist import traced_training_digits

PLAIN = Style(pen_width=PEN_WIDTH, slant=0.0, size=0.8, place=(0.5, 0.5), speed=0.01)


def extent(strokes) -> tuple[np.ndarray, np.ndarray]:
    points = np.concatenate([np.asarray(stroke) for stroke in strokes])
    return points.min(axis=0), points.max(axis=0)


def one(shift: int = 0) -> list[list[list[float]]]:
    """The strokes of a 28x28 '1', a vertical bar, `shift` pixels right of the middle."""
    image = np.zeros((28, 28), np.uint8)
    image[4:24, 13 + shift:15 + shift] = 255
    return pen_strokes(image)


def test_a_pointer_reports_a_sample_each_spacing_along_the_stroke_and_its_end():
    points = resample([[0.0, 0.0], [0.5, 0.0], [0.5, 0.25]], 0.1)
    np.testing.assert_allclose(points[:6], [[x, 0.0] for x in (0, 0.1, 0.2, 0.3, 0.4, 0.5)],
                               atol=1e-12)
    np.testing.assert_allclose(points[6:], [[0.5, 0.1], [0.5, 0.2], [0.5, 0.25]], atol=1e-12)
    assert resample([[0.3, 0.3]], 0.1) == [[0.3, 0.3]]


def test_a_faster_pen_reports_fewer_samples():
    stroke = [[0.1, 0.1], [0.9, 0.1], [0.9, 0.9]]
    assert len(resample(stroke, 0.04)) < len(resample(stroke, 0.01)) / 3


@pytest.mark.parametrize("place", [(0.0, 0.0), (1.0, 1.0), (0.3, 0.7)])
def test_a_digit_gets_its_size_and_place_on_the_pad_inside_the_pen_margin(place):
    strokes = [[[0.4, 0.2], [0.45, 0.8]], [[0.3, 0.5], [0.6, 0.5]]]
    style = Style(pen_width=0.1, slant=0.0, size=0.5, place=place, speed=0.01)
    low, high = extent(restyle(strokes, style))
    assert max(high - low) == pytest.approx(0.5)
    room = 1 - 0.1 - (high - low)  # the pad less a half pen each side, less the digit
    np.testing.assert_allclose(low, 0.05 + room * np.asarray(place))


def test_slant_leans_the_top_right_by_its_fraction_of_the_height():
    upright = restyle([[[0.5, 0.1], [0.5, 0.9]]], PLAIN)[0]
    leaning = restyle([[[0.5, 0.1], [0.5, 0.9]]], Style(**{**vars(PLAIN), "slant": 0.25}))[0]
    assert upright[0][0] == pytest.approx(upright[-1][0])
    top, bottom = np.asarray(leaning[0]), np.asarray(leaning[-1])
    assert top[0] - bottom[0] == pytest.approx(0.25 * (bottom[1] - top[1]))


def test_a_small_digit_reads_bolder_because_the_pen_stays_the_same():
    big = redraw(one(), Style(**{**vars(PLAIN), "size": 0.9}), 280)
    small = redraw(one(), Style(**{**vars(PLAIN), "size": 0.4}), 280)
    assert big.dtype == np.uint8 and big.shape == (28, 28) and big.max() == 255
    assert small.astype(int).sum() > 1.5 * big.astype(int).sum()
    for image in (big, small):  # a vertical stroke, centred as MNIST centres its digits
        rows, cols = np.nonzero(image > 127)
        assert np.ptp(rows) > 3 * np.ptp(cols)
        assert abs(cols.mean() - 13.5) < 1.5


def test_styles_are_picked_within_their_ranges():
    ranges = StyleRanges(pen_width=(0.07, 0.11), slant=(-0.3, 0.3), size=(0.4, 0.95),
                         speed=(0.003, 0.04))
    rng = np.random.default_rng(0)
    styles = [ranges.sample(rng) for _ in range(200)]
    for name, (low, high) in vars(ranges).items():
        values = [getattr(style, name) for style in styles]
        assert low <= min(values) < low + (high - low) / 5
        assert high - (high - low) / 5 < max(values) <= high
    assert all(0 <= x <= 1 and 0 <= y <= 1 for x, y in (style.place for style in styles))


def test_each_digit_s_style_comes_from_its_number_however_the_work_is_split(tmp_path):
    drawn = DrawnParams(seed=3, pad=140, pen_width=[0.07, 0.11], slant=[-0.3, 0.3],
                        size=[0.4, 0.95], speed=[0.003, 0.04])
    strokes, numbers = [one(shift) for shift in range(-4, 4)], np.arange(10, 18)
    whole = draw_chunk(strokes, numbers, 0, drawn)
    np.testing.assert_array_equal(draw_chunk(strokes[5:], numbers[5:], 0, drawn), whole[5:])
    assert not np.array_equal(draw_chunk(strokes, numbers, 1, drawn), whole)  # the split counts
    assert not np.array_equal(draw_chunk(strokes, numbers + 1, 0, drawn), whole)  # the number


def test_the_traced_training_digits_are_evenly_spaced_and_as_many_as_the_fraction_says():
    assert traced_training_digits(20, 0.25).tolist() == [0, 4, 8, 12, 16]
    assert traced_training_digits(20, 1.0).tolist() == list(range(20))
    assert traced_training_digits(20, 0.0).tolist() == []
    assert len(traced_training_digits(60000, 0.35)) == 21000
