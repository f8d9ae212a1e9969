"""Load the MNIST splits that the download stage wrote."""

from pathlib import Path

import numpy as np

from .cli import PipelineError
from .idx import IdxError, parse_idx

SPLITS = ("train", "t10k")


def load_split(data_dir: str | Path, split: str) -> tuple[np.ndarray, np.ndarray]:
    """Return (images, labels) of a split: uint8 arrays of shape (n, 28, 28) and (n,)."""
    arrays = []
    for kind in ("images", "labels"):
        path = Path(data_dir) / f"{split}-{kind}-idx{3 if kind == 'images' else 1}-ubyte"
        try:
            arrays.append(parse_idx(path.read_bytes()))
        except FileNotFoundError:
            raise PipelineError(f"{path} is missing; fix: run `dvc repro download`") from None
        except IdxError as error:
            raise PipelineError(f"{path}: {error}; fix: run `dvc repro -f download`") from None
    images, labels = arrays
    if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
        raise PipelineError(f"{data_dir}: {split} images {images.shape} and labels "
                            f"{labels.shape} do not match; fix: run `dvc repro -f download`")
    return images, labels


def to_model_input(images: np.ndarray) -> np.ndarray:
    """uint8 images (n, 28, 28) -> float32 (n, 28, 28, 1) in [0, 1], what the model reads."""
    return (images.astype(np.float32) / 255.0)[..., np.newaxis]
