import subprocess
import sys
from pathlib import Path

import keras
import numpy as np
import pytest
from PIL import Image

from digits.core.params import ModelParams
from digits.deploy.export import convert_to_tflite
from digits.drawing.preprocess import preprocess_grey
from digits.training.model import build_model
from tests.conftest import REPO, deployed, run_stage

pytestmark = pytest.mark.slow  # trains, converts or runs DVC, Node or a browser


def predict(*args: str) -> subprocess.CompletedProcess:
    return run_stage(REPO, "tools.predict", *args, check=False)


def tiny_reader(path: Path, not_a_digit: float) -> keras.Model:
    """A deployed model (an untrained tiny CNN) whose not-a-digit output is always
    `not_a_digit`; saved to `path`."""
    keras.utils.set_random_seed(0)
    model = deployed(build_model(ModelParams(conv_filters=[4], kernel_sizes=[3], dense_units=8,
                                             dropout=0.0)), not_a_digit)
    model.save(path)
    return model


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory) -> tuple[Path, object]:
    path = tmp_path_factory.mktemp("model") / "tiny.keras"
    return path, tiny_reader(path, not_a_digit=0.01)


def draw_seven(path: Path, size: tuple[int, int], mode: str) -> np.ndarray:
    """A dark 7 on white paper, as a phone photo or a scan would hold it."""
    grey = np.full(size[::-1], 255, np.uint8)
    h, w = grey.shape
    grey[h // 5:h // 5 + h // 12, w // 4:3 * w // 4] = 10
    for row in range(h // 5, 4 * h // 5):
        col = 3 * w // 4 - (row - h // 5) * (w // 3) // (3 * h // 5)
        grey[row, col - w // 20:col + w // 20] = 10
    Image.fromarray(grey).convert(mode).save(path)
    return grey / 255.0


@pytest.fixture(scope="module")
def tiny_tflite(tiny_model, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("model") / "tiny.tflite"
    path.write_bytes(convert_to_tflite(tiny_model[1], "dynamic", np.zeros((0, 28, 28, 1))))
    return path


def test_reads_with_the_android_model_in_litert_without_tensorflow(tmp_path, tiny_model,
                                                                   tiny_tflite):
    """LiteRT answers as Keras does, in a process that never imports TensorFlow (6 s and
    500 MB more) and prints none of its start-up lines."""
    path = tmp_path / "seven.png"
    grey = draw_seven(path, (60, 80), "L")
    expected = tiny_model[1].predict(preprocess_grey(grey)[None, ..., None], verbose=0)[0]
    check = ("import runpy, sys; sys.argv = ['predict', *sys.argv[1:]]; "
             "runpy.run_module('tools.predict', run_name='__main__'); "
             "print('tensorflow' in sys.modules, 'keras' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", check, str(path), "--model", str(tiny_tflite)],
                            cwd=REPO, capture_output=True, text=True, check=True)
    line, imported = result.stdout.strip().splitlines()
    assert imported == "False False" and result.stderr == ""
    printed = [float(item.split(":")[-1]) for item in line.split("  (")[1].strip(")").split("  ")]
    assert int(line.split(": ")[1].split()[0]) == expected[:10].argmax()
    np.testing.assert_allclose(printed, expected, atol=0.02)  # int8 weights


def test_keras_loads_without_tensorflow_s_start_up_lines():
    result = subprocess.run([sys.executable, "-c", "import digits, keras; keras.ops.ones(1)"],
                            cwd=REPO, capture_output=True, text=True, check=True)
    assert result.stderr == ""


def test_prints_the_digit_and_confidences_of_preprocessed_images(tmp_path, tiny_model):
    model_path, model = tiny_model
    files = {tmp_path / "big.png": ((400, 300), "L"), tmp_path / "photo.jpg": ((64, 90), "RGB"),
             tmp_path / "alpha.png": ((50, 50), "LA")}
    expected = []
    for path, (size, mode) in files.items():
        draw_seven(path, size, mode)
        with Image.open(path) as image:
            grey = np.asarray(image.convert("L"), dtype=np.float64) / 255.0
        expected.append(model.predict(preprocess_grey(grey)[None, ..., None], verbose=0)[0])

    result = predict(*map(str, files), "--model", str(model_path))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 3
    for line, path, probabilities in zip(lines, files, expected, strict=True):
        name, rest = line.split(": ", 1)
        digit, confidences = rest.split("  ", 1)
        assert name == str(path)
        assert int(digit) == probabilities[:10].argmax()
        printed = [float(item.split(":")[-1]) for item in confidences.strip("()").split("  ")]
        np.testing.assert_allclose(printed, probabilities, atol=6e-4)


def test_a_picture_the_model_calls_no_digit_prints_not_a_digit(tmp_path):
    model = tmp_path / "unsure.keras"
    tiny_reader(model, not_a_digit=0.9)
    picture = tmp_path / "scribble.png"
    draw_seven(picture, (40, 40), "L")
    result = predict(str(picture), "--model", str(model))
    assert result.returncode == 0, result.stderr
    line = result.stdout.strip()
    assert line.startswith(f"{picture}: not a digit  (0:")
    assert line.endswith("  not a digit:0.900)")


@pytest.mark.parametrize(("content", "message"), [
    (b"this is not a picture", "not a readable image"),
    (None, "no such file"),
    ("blank", "no ink above"),
])
def test_bad_images_fail_in_one_line(tmp_path, tiny_model, content, message):
    path = tmp_path / "digit.png"
    if content == "blank":
        Image.new("L", (40, 40), 255).save(path)
    elif content is not None:
        path.write_bytes(content)
    result = predict(str(path), "--model", str(tiny_model[0]))
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0
    assert result.stderr.startswith(f"error: {path}: ")
    assert message in result.stderr and "fix:" in result.stderr


def test_a_missing_model_says_how_to_restore_it(tmp_path):
    path = tmp_path / "digit.png"
    draw_seven(path, (40, 40), "L")
    absent = tmp_path / "absent.keras"
    result = predict(str(path), "--model", str(absent))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        f"error: model {absent} is missing; fix: `dvc checkout --force {absent}` restores it "
        "(`dvc repro calibrate` builds it)")


def test_a_model_for_other_pictures_fails_in_one_line(tmp_path):
    path = tmp_path / "digit.png"
    draw_seven(path, (40, 40), "L")
    other = tmp_path / "cifar.keras"
    inputs = keras.Input((32, 32, 3))
    keras.Model(inputs, keras.layers.Dense(10)(keras.layers.Flatten()(inputs))).save(other)
    result = predict(str(path), "--model", str(other))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"error: model {other} maps input (None, 32, 32, 3) to output (None, 10), not a 28x28x1 "
        f"digit to 11 values; fix: `dvc checkout --force {other}` restores it "
        "(`dvc repro calibrate` builds it)"]
