"""Kept digits: the file the apps export of digits people drew and labelled themselves.

The web page (web/src/kept-digits.js) and the Android app write one JSON file:

    {"format": "drawn-digits", "version": 1, "digits": [
        {"label": 4,                  # the digit it is, as the person said
         "read": 9,                   # what the model read (null if it read nothing)
         "model": "2339378b1a42",     # the version of that model
         "kept": "2026-11-28T08:00:00.000Z",
         "strokes": [[[0.31, 0.25], [0.33, 0.27], ...], ...],
                                      # each stroke's points, [x, y] as fractions of the
                                      # pad's width and height; [] for an opened picture
         "input": [0, 0, 17, ...]},   # the 28x28 input the model saw, row by row, 0-255
        ...]}

An export is read whole (pydantic's JSON parser, in Rust), at about 20 times its size in
memory, so a file over MAX_EXPORT_BYTES is refused rather than read.
"""

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from digits.core.dataset import MNIST_SIZE, NUM_CLASSES
from digits.core.errors import PipelineError

Point = tuple[Annotated[float, Field(ge=0, le=1)], Annotated[float, Field(ge=0, le=1)]]
Digit = Annotated[int, Field(ge=0, lt=NUM_CLASSES)]
Pixel = Annotated[int, Field(ge=0, le=255)]
MAX_EXPORT_BYTES = 16 * 2 ** 20  # about 4,000 drawings, read in about 350 MB


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class DrawnDigit(_Strict):
    label: Digit
    read: Digit | None
    model: str
    kept: str
    strokes: list[list[Point]]
    input: Annotated[list[Pixel], Field(min_length=MNIST_SIZE ** 2, max_length=MNIST_SIZE ** 2)]


class DrawnDigitsFile(_Strict):
    format: Literal["drawn-digits"]
    version: Literal[1]
    digits: list[DrawnDigit]


@dataclass(frozen=True)
class DrawnDigits:
    """Images (n, 28, 28) uint8 as the model saw them, their labels (n,), and their strokes."""

    images: np.ndarray
    labels: np.ndarray
    strokes: list[list[list[tuple[float, float]]]]


def read_drawn(path: str | Path) -> DrawnDigits:
    """Read an exported file of drawn digits, or raise a PipelineError naming what is wrong."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_EXPORT_BYTES:
            raise PipelineError(f"{path} is {size / 2 ** 20:.0f} MiB, over the "
                                f"{MAX_EXPORT_BYTES // 2 ** 20} MiB an export may be; fix: export "
                                "from the app after deleting drawings kept before, and keep both "
                                "files")
        data = path.read_bytes()
    except FileNotFoundError:
        raise PipelineError(f"{path}: no such file; fix: check the path") from None
    except IsADirectoryError:
        raise PipelineError(f"{path} is a folder, not an export; fix: move it out of "
                            f"{path.parent}") from None
    try:
        exported = DrawnDigitsFile.model_validate_json(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in first["loc"])
        raise PipelineError(f"{path}: not a drawn-digits export ({where.lstrip('.') or 'file'}: "
                            f"{first['msg']}); fix: export it again from the app") from None
    digits = exported.digits
    images = np.array([d.input for d in digits], np.uint8).reshape(-1, MNIST_SIZE, MNIST_SIZE)
    return DrawnDigits(images=images, labels=np.array([d.label for d in digits], np.uint8),
                       strokes=[[list(map(tuple, s)) for s in d.strokes] for d in digits])


def drawing_id(image: np.ndarray) -> str:
    """A kept drawing's name: the first 12 hex digits of the SHA-256 of its 28x28 input."""
    return hashlib.sha256(np.ascontiguousarray(image, np.uint8).tobytes()).hexdigest()[:12]


def only_checks(image: np.ndarray, check_fraction: float) -> bool:
    """Whether a kept drawing (its 28x28 input) only checks models and never trains them:
    decided by a hash of the drawing alone, so adding exports never moves a drawing from one
    part to the other, and a larger fraction only moves drawings into the checking part."""
    digest = hashlib.sha256(np.ascontiguousarray(image, np.uint8).tobytes()).digest()
    return int.from_bytes(digest[:8], "big") < check_fraction * 2 ** 64
