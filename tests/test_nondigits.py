"""The drawings that are no digit: every kind drawn as the apps draw, the same however the work
is divided."""

import numpy as np

from digits.core import params
from digits.drawing.nondigits import KINDS, draw_nondigit
from stages.draw_nondigits import draw_chunk
from tests.conftest import REPO

DRAWN = params.load("drawn", params.DrawnParams, REPO / "params.yaml")


def test_every_kind_is_pen_strokes_within_the_field():
    for number, kind in enumerate(KINDS):
        strokes = draw_nondigit(kind, np.random.default_rng(number))
        points = np.concatenate([np.asarray(stroke).reshape(-1, 2) for stroke in strokes])
        assert len(points) >= 1, kind
        assert np.all(points > -0.5) and np.all(points < 1.5), kind


def test_a_drawing_is_the_same_whichever_chunk_draws_it_and_each_kind_has_ink():
    whole = draw_chunk(list(range(len(KINDS))), part=0, seed=0, drawn=DRAWN)
    halves = np.concatenate([draw_chunk(list(range(0, 7)), part=0, seed=0, drawn=DRAWN),
                             draw_chunk(list(range(7, len(KINDS))), part=0, seed=0, drawn=DRAWN)])
    np.testing.assert_array_equal(whole, halves)
    assert whole.shape == (len(KINDS), 28, 28)
    assert all(image.max() == 255 for image in whole)  # preprocessed: the strongest ink is 1
    other_part = draw_chunk(list(range(len(KINDS))), part=1, seed=0, drawn=DRAWN)
    assert not np.array_equal(whole, other_part)
