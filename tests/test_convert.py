"""tfjs-convert/verify and tflite-convert/verify on a tiny model trained on tiny data."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import keras
import numpy as np
import pytest

from digits.core.dataset import load_nondigits, load_split, to_model_input
from digits.core.params import ModelParams
from digits.deploy.artifacts import model_version
from digits.deploy.export import convert_to_tflite
from digits.deploy.litert import predict_litert
from digits.training.model import build_model, predict_keras
from tests.conftest import (
    REPO,
    deployed,
    edit_params,
    run_stage,
    stand_in_drawn_digits,
    stand_in_nondigits,
    tiny_mnist,
)

pytestmark = pytest.mark.slow  # trains, converts or runs DVC, Node or a browser

TFLITE = "digits.tflite"


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    """params.yaml (float32 conversions unless a test says otherwise), tiny data in data/, a
    tiny trained model in model.keras and its test-set probabilities in reference.npy, as
    evaluate writes them."""
    workdir = tmp_path_factory.mktemp("convert")
    shutil.copy(REPO / "params.yaml", workdir / "params.yaml")
    edit_params(workdir, "tfjs", quantization="none")
    edit_params(workdir, "tflite", quantization="none")
    edit_params(workdir, "download",
                files=tiny_mnist(workdir / "data", n_train=200, n_test=64, compress=False))
    images, labels = load_split(workdir / "data", "train")
    keras.utils.set_random_seed(0)
    model = build_model(ModelParams(conv_filters=[8], kernel_sizes=[3], dense_units=32,
                                    dropout=0.0))
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(to_model_input(images), labels, epochs=8, batch_size=32, verbose=0)
    model = deployed(model)
    model.save(workdir / "model.keras")
    stand_in_drawn_digits(workdir)
    stand_in_nondigits(workdir)
    test_images, _ = load_split(workdir / "data", "t10k")
    nondigits = load_nondigits(workdir / "nondigits", "test")
    np.save(workdir / "reference.npy",
            predict_keras(model, to_model_input(np.concatenate([test_images, nondigits]))))
    return workdir


DRAWN = ("--drawn", "drawn", "--kept", "kept", "--nondigits", "nondigits")


def keras_probabilities(workdir: Path) -> tuple[np.ndarray, np.ndarray]:
    images, _ = load_split(workdir / "data", "t10k")
    inputs = to_model_input(images)
    return inputs, keras.models.load_model(workdir / "model.keras").predict(inputs, verbose=0)


def convert_tfjs(workdir: Path, out: str = "tfjs") -> subprocess.CompletedProcess:
    return run_stage(workdir, "convert", "tfjs", "--model", "model.keras", "--out", out,
                     check=False)


def verify_tfjs(workdir: Path, model_dir: str = "tfjs") -> subprocess.CompletedProcess:
    return run_stage(workdir, "verify", "tfjs", "--model", model_dir, "--reference",
                     "reference.npy", "--data", "data", *DRAWN, "--metrics", "tfjs.json",
                     "--drawn-metrics", "drawn-tfjs.json", "--nodigit-metrics",
                     "nodigit-tfjs.json", check=False)


def convert_tflite(workdir: Path, out: str = TFLITE) -> subprocess.CompletedProcess:
    return run_stage(workdir, "convert", "tflite", "--model", "model.keras", "--data", "data",
                     "--out", out, check=False)


def verify_tflite(workdir: Path, model: str = TFLITE) -> subprocess.CompletedProcess:
    return run_stage(workdir, "verify", "tflite", "--model", model, "--reference", "reference.npy",
                     "--data", "data", *DRAWN, "--metrics", "tflite.json",
                     "--drawn-metrics", "drawn-tflite.json", "--nodigit-metrics",
                     "nodigit-tflite.json", check=False)


def largest_probability_gap(verify_output: str) -> float:
    return float(re.search(r"largest probability gap ([-+.e0-9]+)", verify_output).group(1))


def test_tfjs_graph_model_runs_in_node_wasm_and_matches_keras(workdir):
    converted = convert_tfjs(workdir)
    assert converted.returncode == 0, converted.stderr
    model_json = json.loads((workdir / "tfjs" / "model.json").read_text())
    assert model_json["format"] == "graph-model"
    verified = verify_tfjs(workdir)
    assert verified.returncode == 0, verified.stderr
    assert "on wasm" in verified.stdout
    metrics = json.loads((workdir / "tfjs.json").read_text())
    assert metrics["agreement"] == 1.0
    assert largest_probability_gap(verified.stdout) < 1e-5
    assert metrics["accuracy"] > 0.5  # the tiny model learned something, so ties are rare
    assert metrics["size_bytes"] == sum(f.stat().st_size for f in (workdir / "tfjs").iterdir())


def test_tfjs_graph_model_loads_in_headless_chromium_with_the_pinned_tfjs(workdir, http_root):
    root, url = http_root
    if not (workdir / "tfjs").exists():
        assert convert_tfjs(workdir).returncode == 0
    shutil.copytree(workdir / "tfjs", root / "model")
    (root / "node_modules").symlink_to(REPO / "web" / "node_modules")
    inputs, expected = keras_probabilities(workdir)
    (workdir / "images.json").write_text(json.dumps(inputs[:8].reshape(8, -1).tolist()))
    result = subprocess.run(
        ["node", str(REPO / "web" / "tools" / "browser-predict.mjs"), url, "model/model.json",
         str(workdir / "images.json"), str(workdir / "browser.json")],
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    browser = json.loads((workdir / "browser.json").read_text())
    assert browser["backend"] == "wasm"
    np.testing.assert_allclose(browser["probabilities"], expected[:8], atol=1e-5)


def test_converting_the_same_model_again_writes_the_same_bytes(workdir):
    for out in ("tfjs-once", "tfjs-again"):
        assert convert_tfjs(workdir, out).returncode == 0
    for out in ("once.tflite", "again.tflite"):
        assert convert_tflite(workdir, out).returncode == 0
    assert model_version(workdir / "tfjs-once") == model_version(workdir / "tfjs-again")
    assert (workdir / "once.tflite").read_bytes() == (workdir / "again.tflite").read_bytes()


@pytest.mark.parametrize("quantization", ["float16", "uint8"])
def test_tfjs_weight_quantization_shrinks_the_shards(workdir, quantization):
    edit_params(workdir, "tfjs", quantization=quantization)
    try:
        assert convert_tfjs(workdir, f"tfjs-{quantization}").returncode == 0
    finally:
        edit_params(workdir, "tfjs", quantization="none")
    manifest = json.loads((workdir / f"tfjs-{quantization}" / "model.json").read_text())
    float_weights = [w for g in manifest["weightsManifest"] for w in g["weights"]
                     if w["dtype"] == "float32"]
    assert float_weights
    assert {w.get("quantization", {}).get("dtype") for w in float_weights} == {quantization}


def zero_float_weights(model_dir: Path) -> None:
    """Damage a TF.js model so that it still loads and runs, but computes garbage."""
    group = json.loads((model_dir / "model.json").read_text())["weightsManifest"][0]
    shard = bytearray((model_dir / group["paths"][0]).read_bytes())
    offset = 0
    for weight in group["weights"]:
        size = int(np.prod(weight["shape"])) * 4  # float32 and int32 alike
        if weight["dtype"] == "float32":
            shard[offset:offset + size] = bytes(size)
        offset += size
    (model_dir / group["paths"][0]).write_bytes(bytes(shard))


def test_a_corrupted_tfjs_artifact_is_caught_by_verify(workdir):
    if not (workdir / "tfjs").exists():
        assert convert_tfjs(workdir).returncode == 0
    shutil.copytree(workdir / "tfjs", workdir / "tfjs-corrupt")
    zero_float_weights(workdir / "tfjs-corrupt")
    result = verify_tfjs(workdir, "tfjs-corrupt")
    assert result.returncode == 1
    assert "error: TF.js agrees with Keras on" in result.stderr
    (workdir / "tfjs-corrupt" / "model.json").write_text("{ not json")
    result = verify_tfjs(workdir, "tfjs-corrupt")
    assert result.returncode == 1
    assert "error: TF.js could not run tfjs-corrupt" in result.stderr


def test_float_tflite_runs_in_litert_and_matches_keras(workdir):
    assert convert_tflite(workdir).returncode == 0
    result = verify_tflite(workdir)
    assert result.returncode == 0, result.stderr
    metrics = json.loads((workdir / "tflite.json").read_text())
    assert metrics["agreement"] == 1.0
    assert largest_probability_gap(result.stdout) < 1e-5
    assert metrics["size_bytes"] == (workdir / TFLITE).stat().st_size


def test_int8_tflite_is_integer_end_to_end_and_dequantizes_close_to_keras(workdir):
    edit_params(workdir, "tflite", quantization="int8", representative_images=64)
    try:
        result = convert_tflite(workdir, "int8.tflite")
    finally:
        edit_params(workdir, "tflite", quantization="none")
    assert result.returncode == 0, result.stderr
    from ai_edge_litert.interpreter import Interpreter

    interpreter = Interpreter(model_path=str(workdir / "int8.tflite"))
    source, target = interpreter.get_input_details()[0], interpreter.get_output_details()[0]
    assert source["dtype"] == np.int8 and target["dtype"] == np.int8
    assert source["quantization"][0] == pytest.approx(1 / 255, rel=0.01)  # inputs span [0, 1]
    inputs, expected = keras_probabilities(workdir)
    got = predict_litert(workdir / "int8.tflite", inputs)
    assert np.abs(got - expected).max() < 0.1
    assert np.mean(got[:, :10].argmax(1) == expected[:, :10].argmax(1)) >= 0.95
    assert (workdir / "int8.tflite").stat().st_size < (workdir / TFLITE).stat().st_size / 2


def test_a_corrupted_tflite_artifact_is_caught_by_verify(workdir):
    if not (workdir / TFLITE).exists():
        assert convert_tflite(workdir).returncode == 0
    data = (workdir / TFLITE).read_bytes()
    (workdir / "truncated.tflite").write_bytes(data[: len(data) // 3])
    result = verify_tflite(workdir, "truncated.tflite")
    assert result.returncode == 1
    assert "error: LiteRT cannot load truncated.tflite" in result.stderr


def test_a_tflite_model_for_other_pictures_is_reported_as_such(workdir):
    inputs = keras.Input((32, 32, 3))
    other = keras.Model(inputs, keras.layers.Dense(10)(keras.layers.Flatten()(inputs)))
    (workdir / "cifar.tflite").write_bytes(convert_to_tflite(other, "none", np.empty(0)))
    result = verify_tflite(workdir, "cifar.tflite")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "error: cifar.tflite maps input (32, 32, 3) to output (10,), not a 28x28x1 digit to 11 "
        "values; fix: `dvc checkout --force cifar.tflite`")


@pytest.mark.parametrize(("convert", "out", "section", "bad"), [
    (convert_tfjs, "tfjs", "tfjs", "int4"),
    (convert_tflite, TFLITE, "tflite", "int4"),
])
def test_bad_input_fails_in_one_line_and_keeps_the_previous_artifact(workdir, convert, out,
                                                                     section, bad):
    if not (workdir / out).exists():
        assert convert(workdir).returncode == 0
    snapshot = sorted((p.name, p.stat().st_mtime_ns) for p in (workdir).glob(f"{out}*"))
    edit_params(workdir, section, quantization=bad)
    try:
        result = convert(workdir)
    finally:
        edit_params(workdir, section, quantization="none")
    assert result.returncode == 1
    last_line = result.stderr.strip().splitlines()[-1]  # after TensorFlow's start-up chatter
    assert last_line.startswith(f"error: params.yaml: {section}.quantization must be 'none', ")
    assert last_line.endswith(f"got '{bad}'; fix: edit {section}.quantization in params.yaml")
    model = workdir / "model.keras"
    model.rename(workdir / "hidden.keras")
    try:
        result = convert(workdir)
    finally:
        (workdir / "hidden.keras").rename(model)
    assert result.returncode == 1
    assert ("error: model model.keras is missing; fix: `dvc checkout --force model.keras`"
            in result.stderr)
    assert sorted((p.name, p.stat().st_mtime_ns) for p in (workdir).glob(f"{out}*")) == snapshot
