"""The Android app, as far as it can be checked without the Android SDK: its Android-free Kotlin
on the JVM against the shared preprocessing vectors, the model file it loads, and that model run
in LiteRT the way the app feeds it. No APK is built here (android/README.md)."""

import json
import re
import subprocess

import numpy as np
import pytest
import yaml
from ai_edge_litert.interpreter import Interpreter

from digits.core.dataset import NUM_CLASSES, OUTPUTS
from digits.core.params import ModelParams
from digits.data.kept import read_drawn
from digits.deploy.artifacts import model_version
from digits.deploy.export import convert_to_tflite
from digits.training.model import build_model
from tests.conftest import REPO, deployed

pytestmark = pytest.mark.slow  # trains, converts or runs DVC, Node or a browser

KOTLIN = REPO / "android/app/src/main/java/com/mnisteverywhere/digits"
ASSETS = "android/app/src/main/assets/"
VECTORS = json.loads((REPO / "tests/vectors/preprocess.json").read_text())["vectors"]
SEVEN = next(vector for vector in VECTORS if vector["name"].startswith("MNIST"))


def kotlin_constant(file: str, name: str) -> str:
    match = re.search(rf"const val {name} = (\"[^\"]*\"|\d+)", (KOTLIN / file).read_text())
    assert match, f"{file} no longer declares {name}"
    return match.group(1).strip('"')


def tflite_convert_stage() -> dict:
    return yaml.safe_load((REPO / "dvc.yaml").read_text())["stages"]["tflite-convert"]


def tflite_convert_out() -> str:
    outs = [next(iter(out)) if isinstance(out, dict) else out
            for out in tflite_convert_stage()["outs"]]
    assert len(outs) == 1, f"tflite-convert has {len(outs)} outs; which one does the app load?"
    return outs[0]


@pytest.fixture(scope="module")
def jvm_tests() -> subprocess.CompletedProcess:
    """android/jvm-test.sh: the Android-free Kotlin's JUnit tests, run once for this module."""
    run = subprocess.run(["bash", "android/jvm-test.sh"], cwd=REPO, capture_output=True,
                         text=True, timeout=900)
    assert run.returncode == 0, run.stdout + run.stderr
    return run


def test_the_kotlin_preprocessing_reproduces_every_shared_vector_on_the_jvm(jvm_tests):
    run = jvm_tests
    passed = re.findall(r"^PASS reproducesPython\[(.*)\]\(.*\.PreprocessorVectorsTest\)$",
                        run.stdout, re.MULTILINE)
    assert sorted(passed) == sorted(vector["name"] for vector in VECTORS)
    colour = re.findall(r"^PASS greyFromArgb\[(.*)\]\(.*\.ColourVectorsTest\)$", run.stdout,
                        re.MULTILINE)
    assert sorted(colour) == sorted(vector["name"] for vector in VECTORS if "rgba" in vector)
    assert re.search(r"^PASS bothAppsDrawWithTheSharedPenWidth\(", run.stdout, re.MULTILINE)
    assert re.search(r"^PASS hashesEachFilesNameAndBytesInNameOrder\(", run.stdout, re.MULTILINE)
    assert re.search(r"^\d+ passed, 0 failed$", run.stdout, re.MULTILINE), run.stdout


def test_the_jvm_compiles_every_source_but_those_the_readme_says_need_the_sdk(jvm_tests):
    """jvm-test.sh compiles all of the app's Kotlin but its `needs_sdk` list (and fails if one
    of those imports nothing from Android or LiteRT); android/README.md says why each needs it."""
    match = re.search(r"^compiling (\d+) of the app's sources, not (.*) \(Android SDK\)$",
                      jvm_tests.stdout, re.MULTILINE)
    assert match, jvm_tests.stdout
    skipped = match.group(2).split()
    assert int(match.group(1)) + len(skipped) == len(list(KOTLIN.glob("*.kt")))
    readme = (REPO / "android/README.md").read_text()
    assert sorted(re.findall(r"^- `(\w+\.kt)`: ", readme, re.MULTILINE)) == sorted(skipped)


def test_the_apps_export_of_kept_drawings_reads_in_the_pipeline(jvm_tests):
    """KeptDigitsTest.kt keeps two labelled drawings and exports them, as the app's share
    button does; digits/data/kept.py, which reads the web page's exports, reads the file."""
    assert re.search(r"^PASS keepsCountsExportsAndForgets\(", jvm_tests.stdout, re.MULTILINE)
    drawn = read_drawn(REPO / "android/build/jvm-test/drawn-digits.json")
    assert drawn.labels.tolist() == [4, 7]
    assert drawn.images.flatten().tolist() == [i % 256 for i in range(784)] * 2
    assert drawn.strokes == [[[(0.3, 0.2), (0.31, 0.6)], [(0.0, 1.0)]], []]


def test_the_apps_reader_exports_the_input_the_pipelines_preprocessing_makes(jvm_tests):
    """DigitReaderTest.kt draws the first colour vector's picture, lets DigitReader (the app's
    work behind its screen) read it, keeps it as a 3 and exports: digits/data/kept.py reads the
    file, and its input is the vector's expected input, Python's preprocessing, in 0-255."""
    assert re.search(r"^PASS keepsTheDrawingOnShowAndExportsWhatThePipelineReads\(",
                     jvm_tests.stdout, re.MULTILINE)
    drawn = read_drawn(REPO / "android/build/jvm-test/reader-drawn-digits.json")
    red = next(vector for vector in VECTORS if "rgba" in vector)
    assert drawn.labels.tolist() == [3]
    expected = np.floor(np.array(red["expected"]) * 255 + 0.5)  # round half up, as Kotlin does
    assert drawn.images.flatten().tolist() == expected.astype(int).tolist()
    assert drawn.strokes == [[[(0.25, 0.5), (0.75, 0.5)]]]


def test_the_apps_model_version_is_the_pipelines(tmp_path):
    """ModelVersionTest.kt's expected strings (which the JVM test above holds the Kotlin to)
    are what digits/deploy/artifacts.py's model_version gives for the same files."""
    test = (REPO / "android/app/src/test/java/com/mnisteverywhere/digits/ModelVersionTest.kt")
    constants = dict(re.findall(r'const val (\w+) = "(\w+)"', test.read_text()))
    (tmp_path / "digits.tflite").write_bytes(b"TFL3 model bytes")
    assert constants["ASSET_VERSION"] == model_version(tmp_path / "digits.tflite")
    web = tmp_path / "web"
    web.mkdir()
    (web / "model.json").write_bytes(b"{}")
    (web / "group1-shard1of1.bin").write_bytes(bytes([1, 2]))
    assert constants["WEB_VERSION"] == model_version(web)


def test_the_app_loads_the_file_that_tflite_convert_writes():
    out = tflite_convert_out()
    assert out == ASSETS + kotlin_constant("Classifier.kt", "MODEL_ASSET")
    assert f"--out {out}" in " ".join(tflite_convert_stage()["cmd"].split())


def run_like_the_app(path) -> np.ndarray:
    """The model's probabilities for the MNIST vector's preprocessed digit, fed as the app
    feeds it: shape [1, MNIST_SIZE, MNIST_SIZE, 1], float32 or int8 with the model's scale."""
    interpreter = Interpreter(model_path=str(path))
    interpreter.allocate_tensors()
    source, target = interpreter.get_input_details()[0], interpreter.get_output_details()[0]
    size = int(kotlin_constant("Preprocessor.kt", "MNIST_SIZE"))
    assert source["shape"].tolist() == [1, size, size, 1]
    assert target["shape"].tolist() == [1, OUTPUTS]
    assert source["dtype"] in (np.float32, np.int8) and target["dtype"] in (np.float32, np.int8)

    image = np.array(SEVEN["expected"], dtype=np.float32).reshape(source["shape"])
    if source["dtype"] == np.int8:  # as Quantization.toInt8 does
        scale, zero_point = source["quantization"]
        image = np.clip(np.round(image / scale + zero_point), -128, 127)
    interpreter.set_tensor(source["index"], image.astype(source["dtype"]))
    interpreter.invoke()
    probabilities = interpreter.get_tensor(target["index"]).astype(np.float32)[0]
    if target["dtype"] == np.int8:  # as Quantization.fromInt8 does
        scale, zero_point = target["quantization"]
        probabilities = (probabilities - zero_point) * scale

    assert probabilities.shape == (OUTPUTS,)
    assert np.all(probabilities >= 0)
    assert probabilities[:NUM_CLASSES].sum() == pytest.approx(1.0, abs=0.02)  # int8: 1/256 steps
    return probabilities


def test_the_pipelines_model_reads_the_digit_the_way_the_app_feeds_it():
    path = REPO / tflite_convert_out()
    if not path.exists():
        pytest.skip(f"{path.relative_to(REPO)} is a DVC output, not in git: "
                    "`dvc repro tflite-convert` or `dvc pull` makes it")
    label = int(re.search(r"\(an? (\d)\)", SEVEN["name"]).group(1))
    assert run_like_the_app(path).argmax() == label


@pytest.mark.parametrize("quantization", ["none", "dynamic", "int8"])
def test_what_tflite_convert_writes_takes_the_apps_input(tmp_path, quantization):
    """Also on a clean clone, where the pipeline's model is not there: the converter's
    output, float, with int8 weights (the default) or full-integer, accepts the app's input
    and returns probabilities."""
    model = deployed(build_model(ModelParams(conv_filters=[4], kernel_sizes=[3], dense_units=8,
                                             dropout=0.0)))
    calibration = np.random.default_rng(0).random((16, 28, 28, 1)).astype(np.float32)
    path = tmp_path / "digits.tflite"
    path.write_bytes(convert_to_tflite(model, quantization, calibration))
    run_like_the_app(path)
