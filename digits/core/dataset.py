"""Load the MNIST splits that the download stage wrote, checked against their SHA-256."""

import hashlib
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from digits.core.errors import PipelineError
from digits.core.idx import IdxError, parse_idx

MNIST_SIZE = 28  # the side of an MNIST image in pixels: the model's input is MNIST_SIZE^2
NUM_CLASSES = 10
# The deployed model's outputs: the ten digits' probabilities, then at NOT_A_DIGIT the
# probability that the drawing is no digit at all; at NOT_A_DIGIT_AT or above (more likely no
# digit than a digit) the apps say "not sure" instead of naming a digit.
NOT_A_DIGIT = NUM_CLASSES
OUTPUTS = NUM_CLASSES + 1
NOT_A_DIGIT_AT = 0.5
SPLITS = ("train", "t10k")
BATCH = 1000  # images per inference call, in every runtime


def _restore(data_dir: str | Path, made_by: str) -> str:
    # --relink rewrites every file from the cache (a plain checkout trusts a damaged file whose
    # size and modification time are unchanged); --force, once DVC has seen the damage.
    return (f"`dvc checkout --relink --force {data_dir}` (or `dvc repro -s -f {made_by}` if the "
            "cache lacks it)")


def _read(path: Path, checksums: Mapping[str, str] | None, fix: str) -> np.ndarray:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise PipelineError(f"{path} is missing; fix: {fix}") from None
    expected = checksums.get(path.name) if checksums is not None else None
    if checksums is not None and expected is None:
        raise PipelineError(f"params.yaml: download.files has no SHA-256 for {path.name}; "
                            "fix: add it")
    if expected is not None and hashlib.sha256(data).hexdigest() != expected:
        raise PipelineError(f"{path} is damaged: its SHA-256 is not the one in params.yaml "
                            f"(download.files.{path.name}); fix: {fix}")
    try:
        return parse_idx(data)
    except IdxError as error:
        raise PipelineError(f"{path}: {error}; fix: {fix}") from None


def verify_mnist(data_dir: str | Path, checksums: Mapping[str, str]) -> None:
    """Check every file of MNIST (params.yaml's download.files) against its SHA-256 before a
    stage spends time on any of them: damage is named within seconds, whichever stage reads
    the data first."""
    fix = _restore(data_dir, "download")
    for name in checksums:
        _read(Path(data_dir) / name, checksums, fix)


def read_idx(path: Path, made_by: str) -> np.ndarray:
    """An IDX file that the stage `made_by` wrote; a PipelineError names the repair if it is
    missing or damaged."""
    return _read(path, None, _restore(path.parent, made_by))


def load_split(data_dir: str | Path, split: str, checksums: Mapping[str, str] | None = None,
               made_by: str = "download") -> tuple[np.ndarray, np.ndarray]:
    """Return (images, labels) of a split: uint8 arrays of shape (n, 28, 28) and (n,).

    With `checksums` (file name -> SHA-256, as in params.yaml's download.files) each file is
    verified before it is parsed; the stages pass them for MNIST. `made_by`: the stage that
    writes data_dir, named in the fix for a missing or damaged file."""
    fix = _restore(data_dir, made_by)
    images, labels = (_read(Path(data_dir) / f"{split}-{kind}-idx{ndim}-ubyte", checksums, fix)
                      for kind, ndim in (("images", 3), ("labels", 1)))
    if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
        raise PipelineError(f"{data_dir}: {split} images {images.shape} and labels "
                            f"{labels.shape} do not match; fix: {fix}")
    if len(labels) and not 0 <= labels.min() <= labels.max() < NUM_CLASSES:
        raise PipelineError(f"{data_dir}: {split} labels must be digits 0-{NUM_CLASSES - 1}, "
                            f"found {labels.max()}; fix: {fix}")
    return images, labels


def split_validation(images: np.ndarray, labels: np.ndarray, fraction: float
                     ) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Hold out the last `fraction` of the training set, as Keras's validation_split does."""
    n_val = max(1, round(len(images) * fraction))
    if n_val >= len(images):
        raise PipelineError(f"train.validation_split {fraction} leaves no training images; "
                            "fix: lower it")
    return (images[:-n_val], labels[:-n_val]), (images[-n_val:], labels[-n_val:])


def calibration_set(data_dir: str | Path, count: int, checksums: Mapping[str, str] | None = None,
                    seed: int = 0) -> np.ndarray:
    """`count` training images as model input, drawn at random but the same every run."""
    images, _ = load_split(data_dir, "train", checksums)
    chosen = np.random.default_rng(seed).choice(len(images), size=min(count, len(images)),
                                                replace=False)
    return to_model_input(images[np.sort(chosen)])


def to_model_input(images: np.ndarray) -> np.ndarray:
    """uint8 images (n, 28, 28) -> float32 (n, 28, 28, 1) in [0, 1], what the model reads."""
    return (images.astype(np.float32) / 255.0)[..., np.newaxis]


def load_nondigits(directory: str | Path, part: str) -> np.ndarray:
    """uint8 images (n, 28, 28) of the drawings that are no digit in one part (train,
    validation or test) of what draw-nondigits wrote into `directory`."""
    images = read_idx(Path(directory) / f"{part}-images-idx3-ubyte", "draw-nondigits")
    if images.ndim != 3:
        raise PipelineError(f"{directory}: {part} images have shape {images.shape}, not (n, 28, "
                            f"28); fix: {_restore(directory, 'draw-nondigits')}")
    return images
