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

from tests.conftest import REPO

KOTLIN = REPO / "android/app/src/main/java/com/mnisteverywhere/digits"
ASSETS = "android/app/src/main/assets/"
VECTORS = json.loads((REPO / "tests/vectors/preprocess.json").read_text())["vectors"]


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


def test_the_kotlin_preprocessing_reproduces_every_shared_vector_on_the_jvm():
    run = subprocess.run(["bash", "android/jvm-test.sh"], cwd=REPO, capture_output=True,
                         text=True, timeout=900)
    assert run.returncode == 0, run.stdout + run.stderr
    passed = re.findall(r"^PASS reproducesPython\[(.*)\]\(.*\.PreprocessorVectorsTest\)$",
                        run.stdout, re.MULTILINE)
    assert sorted(passed) == sorted(vector["name"] for vector in VECTORS)
    assert re.search(r"^\d+ passed, 0 failed$", run.stdout, re.MULTILINE), run.stdout


def test_the_app_loads_the_file_that_tflite_convert_writes():
    out = tflite_convert_out()
    assert out == ASSETS + kotlin_constant("Classifier.kt", "MODEL_ASSET")
    assert f"--out {out}" in " ".join(tflite_convert_stage()["cmd"].split())


def test_the_model_runs_in_litert_with_the_apps_input():
    path = REPO / tflite_convert_out()
    if not path.exists():
        pytest.skip(f"{path.relative_to(REPO)} is a DVC output, not in git: "
                    "`dvc repro tflite-convert` or `dvc pull` makes it")
    interpreter = Interpreter(model_path=str(path))
    interpreter.allocate_tensors()
    source, target = interpreter.get_input_details()[0], interpreter.get_output_details()[0]
    size = int(kotlin_constant("Preprocessor.kt", "MNIST_SIZE"))
    assert source["shape"].tolist() == [1, size, size, 1]
    assert target["shape"].tolist() == [1, 10]
    assert source["dtype"] in (np.float32, np.int8) and target["dtype"] in (np.float32, np.int8)

    # The app's input for a real MNIST digit: the preprocessing output the vectors hold.
    seven = next(vector for vector in VECTORS if vector["name"].startswith("MNIST"))
    label = int(re.search(r"\(an? (\d)\)", seven["name"]).group(1))
    image = np.array(seven["expected"], dtype=np.float32).reshape(source["shape"])
    if source["dtype"] == np.int8:  # as Quantization.toInt8 does
        scale, zero_point = source["quantization"]
        image = np.clip(np.round(image / scale + zero_point), -128, 127)
    interpreter.set_tensor(source["index"], image.astype(source["dtype"]))
    interpreter.invoke()
    probabilities = interpreter.get_tensor(target["index"]).astype(np.float32)[0]
    if target["dtype"] == np.int8:  # as Quantization.fromInt8 does
        scale, zero_point = target["quantization"]
        probabilities = (probabilities - zero_point) * scale

    assert probabilities.shape == (10,)
    assert np.all(probabilities >= 0)
    assert probabilities.sum() == pytest.approx(1.0, abs=0.02)  # int8 steps are 1/256
    assert probabilities.argmax() == label
