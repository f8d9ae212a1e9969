"""Load the MNIST splits that the download stage wrote."""

from pathlib import Path

import numpy as np

from .errors import PipelineError
from .idx import IdxError, parse_idx

MNIST_SIZE = 28  # the side of an MNIST image in pixels: the model's input is MNIST_SIZE^2
SPLITS = ("train", "t10k")


def _restore(data_dir: str | Path) -> str:
    return f"`dvc checkout {data_dir}` (or `dvc repro -s -f download` to fetch it again)"


def load_split(data_dir: str | Path, split: str) -> tuple[np.ndarray, np.ndarray]:
    """Return (images, labels) of a split: uint8 arrays of shape (n, 28, 28) and (n,)."""
    arrays = []
    for kind in ("images", "labels"):
        path = Path(data_dir) / f"{split}-{kind}-idx{3 if kind == 'images' else 1}-ubyte"
        try:
            arrays.append(parse_idx(path.read_bytes()))
        except FileNotFoundError:
            raise PipelineError(f"{path} is missing; fix: {_restore(data_dir)}") from None
        except IdxError as error:
            raise PipelineError(f"{path}: {error}; fix: {_restore(data_dir)}") from None
    images, labels = arrays
    if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
        raise PipelineError(f"{data_dir}: {split} images {images.shape} and labels "
                            f"{labels.shape} do not match; fix: {_restore(data_dir)}")
    return images, labels


def split_validation(images: np.ndarray, labels: np.ndarray, fraction: float
                     ) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Hold out the last `fraction` of the training set, as Keras's validation_split does."""
    n_val = max(1, round(len(images) * fraction))
    if n_val >= len(images):
        raise PipelineError(f"train.validation_split {fraction} leaves no training images; "
                            "fix: lower it")
    return (images[:-n_val], labels[:-n_val]), (images[-n_val:], labels[-n_val:])


def calibration_set(data_dir: str | Path, count: int, seed: int = 0) -> np.ndarray:
    """`count` training images as model input, drawn at random but the same every run."""
    images, _ = load_split(data_dir, "train")
    chosen = np.random.default_rng(seed).choice(len(images), size=min(count, len(images)),
                                                replace=False)
    return to_model_input(images[np.sort(chosen)])


def to_model_input(images: np.ndarray) -> np.ndarray:
    """uint8 images (n, 28, 28) -> float32 (n, 28, 28, 1) in [0, 1], what the model reads."""
    return (images.astype(np.float32) / 255.0)[..., np.newaxis]
