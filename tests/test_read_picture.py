"""tools/predict.py's picture reading: every bit depth keeps its grey levels, and a picture
larger than MAX_PIXELS is refused before it is decoded."""

import re

import numpy as np
import pytest
from PIL import Image

from digits.core.errors import PipelineError
from digits.drawing.preprocess import MAX_PIXELS, preprocess_grey
from tests.conftest import REPO, png_claiming
from tools.predict import read_grey


def pencil_seven(white: int, pencil: int, size: int = 40) -> np.ndarray:
    """A 7 in light pencil (`pencil`) on paper (`white`), as integers of any depth."""
    picture = np.full((size, size), white, np.int64)
    picture[8:11, 10:30] = pencil
    for row in range(11, 34):
        picture[row, 27 - (row - 11) // 2:30 - (row - 11) // 2] = pencil
    return picture


def test_a_16_bit_picture_keeps_its_grey_levels(tmp_path):
    picture = pencil_seven(white=65535, pencil=40000)  # light pencil: above 255 everywhere
    Image.fromarray(picture.astype(np.uint16)).save(tmp_path / "pencil.png")
    with Image.open(tmp_path / "pencil.png") as image:
        assert image.mode == "I;16"
    grey = read_grey(tmp_path / "pencil.png")
    np.testing.assert_allclose(grey, picture / 65535)
    eight_bit = np.round(picture / 257).astype(np.uint8)  # the same picture in 8 bits
    Image.fromarray(eight_bit).save(tmp_path / "pencil-8.png")
    np.testing.assert_allclose(preprocess_grey(grey),
                               preprocess_grey(read_grey(tmp_path / "pencil-8.png")), atol=0.01)


@pytest.mark.parametrize("mode", ["1", "L", "P", "RGB", "LA", "CMYK", "I", "F"])
def test_every_mode_reads_as_the_same_grey_picture(tmp_path, mode):
    picture = pencil_seven(white=255, pencil=0)
    image = Image.fromarray(picture.astype(np.uint8))
    if mode == "I":
        image = Image.fromarray(picture.astype(np.int32) * 257)
    elif mode == "F":
        image = Image.fromarray((picture / 255).astype(np.float32))
    else:
        image = image.convert(mode)
    path = tmp_path / ("digit.tiff" if mode in ("I", "F", "CMYK") else "digit.png")
    image.save(path)
    np.testing.assert_allclose(read_grey(path), picture / 255, atol=1 / 255)


@pytest.mark.parametrize("width, height", [(13000, 13000), (20000, 20000), (5001, 5000)])
def test_a_picture_that_claims_too_many_pixels_is_refused_before_decoding(
        tmp_path, width, height):
    path = tmp_path / "huge.png"
    path.write_bytes(png_claiming(width, height, rows=1))
    assert path.stat().st_size < 1000  # the claim alone, like the 93-byte PNG of issue 22
    with pytest.raises(PipelineError, match=f"^{path}: larger than the 25 megapixels a picture "
                                            "may have; fix: scale it down$"):
        read_grey(path)


def test_a_picture_with_less_data_than_it_claims_within_the_limit_reads_as_blank_rows(
        tmp_path):
    path = tmp_path / "lying.png"
    path.write_bytes(png_claiming(4000, 4000, rows=1))
    grey = read_grey(path)  # 16 million pixels at most: what the limit allows
    assert grey.shape == (4000, 4000)
    assert grey.max() == 0.0


def test_the_page_refuses_pictures_at_the_same_size():
    source = (REPO / "web" / "preprocess.js").read_text()
    declared = re.search(r"export const MAX_PIXELS = ([\d_]+);", source)
    assert declared and int(declared.group(1).replace("_", "")) == MAX_PIXELS
