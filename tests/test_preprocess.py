import json
from pathlib import Path

import numpy as np
import pytest

from digits.drawing.preprocess import (
    BOX_SIZE,
    PEN_WIDTH,
    NoInkError,
    area_weights,
    grey_from_rgba,
    ink_from_grey,
    preprocess_grey,
    preprocess_ink,
)

VECTORS = json.loads((Path(__file__).parent / "vectors" / "preprocess.json").read_text())


@pytest.mark.parametrize("vector", VECTORS["vectors"], ids=lambda v: v["name"])
def test_python_reproduces_the_shared_vectors(vector):
    grey = np.array(vector["grey"], dtype=np.float64).reshape(vector["height"], vector["width"])
    expected = np.array(vector["expected"]).reshape(28, 28)
    np.testing.assert_allclose(preprocess_grey(grey / 255.0), expected,
                               atol=VECTORS["tolerance"], rtol=0)


@pytest.mark.parametrize("vector", [v for v in VECTORS["vectors"] if "rgba" in v],
                         ids=lambda v: v["name"])
def test_python_turns_the_colour_vectors_into_their_grey_exactly(vector):
    rgba = np.array(vector["rgba"], dtype=np.uint8).reshape(vector["height"], vector["width"], 4)
    assert (np.round(grey_from_rgba(rgba) * 255).astype(int).flatten().tolist()
            == vector["grey"])


def test_the_vectors_cover_each_step():
    names = " ".join(v["name"] for v in VECTORS["vectors"])
    for step in ("inverted", "aspect", "centred by mass", "background", "scaled up", "MNIST",
                 "opaque RGB", "soft alpha"):
        assert step in names
    assert VECTORS["pen_width"] == PEN_WIDTH
    # The colour vectors hold compositing's rounding ties, where a near-miss formula differs.
    rgba = np.concatenate([np.array(v["rgba"]).reshape(-1, 4) for v in VECTORS["vectors"]
                           if "rgba" in v])
    composited = rgba[:, :3] * rgba[:, 3:] + 255 * (255 - rgba[:, 3:])
    assert np.count_nonzero(composited % 255 == 127) >= 10


def test_colour_becomes_grey_as_pil_composites_and_converts_it():
    """The integer formula is PIL's: on random pixels it matches alpha_composite on white,
    then convert("L"), exactly."""
    from PIL import Image

    rgba = np.random.default_rng(0).integers(0, 256, (40, 50, 4), dtype=np.uint8)
    picture = Image.fromarray(rgba, "RGBA")
    white = Image.new("RGBA", picture.size, (255, 255, 255, 255))
    expected = np.asarray(Image.alpha_composite(white, picture).convert("L"))
    assert np.array_equal(np.round(grey_from_rgba(rgba) * 255).astype(np.uint8), expected)


def test_area_weights_average_exactly_what_each_output_pixel_covers():
    weights = area_weights(3, 2)  # each output pixel covers 1.5 input pixels
    np.testing.assert_allclose(weights, [[2 / 3, 1 / 3, 0], [0, 1 / 3, 2 / 3]])
    for n_in, n_out in ((7, 20), (100, 20), (20, 20), (1, 20)):
        np.testing.assert_allclose(area_weights(n_in, n_out).sum(axis=1), 1.0)


def bounding_box(image: np.ndarray) -> tuple[int, int, int, int]:
    rows, cols = np.flatnonzero(image.any(axis=1)), np.flatnonzero(image.any(axis=0))
    return rows[0], cols[0], rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1


def test_a_tall_stroke_fills_20_rows_keeps_its_aspect_and_is_centred():
    ink = np.zeros((200, 300))
    ink[20:180, 40:80] = 1.0  # 160 x 40: becomes 20 x 5
    out = preprocess_ink(ink)
    top, left, height, width = bounding_box(out > 0)
    assert (height, width) == (BOX_SIZE, 5)
    assert (top, left) == (4, 12)  # mass centre at (14, 14) to the nearest pixel
    assert out.max() == 1.0
    assert out.dtype == np.float32


def test_the_mass_centre_not_the_box_centre_goes_to_the_middle():
    ink = np.zeros((20, 20))
    ink[:, 0:2] = 1.0  # an L: heavy on the left and bottom
    ink[18:20, :] = 1.0
    out = preprocess_ink(ink)
    rows, cols = np.indices(out.shape) + 0.5
    centre = np.array([(out * rows).sum(), (out * cols).sum()]) / out.sum()
    np.testing.assert_allclose(centre, [14, 14], atol=0.5)
    top, left, _, _ = bounding_box(out > 0)
    assert top < 4 and left > 4  # the box itself is off-centre


def test_dark_on_light_and_light_on_dark_give_the_same_input():
    ink = np.zeros((64, 48))
    ink[10:50, 20:26] = 1.0
    ink[10:14, 12:34] = 0.6
    np.testing.assert_allclose(preprocess_grey(1.0 - ink), preprocess_grey(ink), atol=1e-6)


def test_a_grey_background_is_removed_before_cropping():
    grey = np.full((40, 40), 0.8)
    grey[10:30, 18:22] = 0.1
    ink = ink_from_grey(grey)
    assert ink[0, 0] == 0.0
    assert ink[20, 20] == pytest.approx((0.9 - 0.2) / (1 - 0.2))  # stretched above the paper


def test_a_blank_picture_is_an_error_not_a_guess():
    with pytest.raises(NoInkError, match="no ink"):
        preprocess_grey(np.ones((30, 30)))
    with pytest.raises(NoInkError):
        preprocess_ink(np.full((30, 30), 0.05))
