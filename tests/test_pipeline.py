"""End to end: `dvc repro` of the whole DAG in a scratch repository, on tiny data it makes."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.tiny_repo import digest, make_tiny_repo, run, set_param, stages_run

ALL_STAGES = ["download", "train", "evaluate", "tfjs-convert", "tfjs-verify",
              "tflite-convert", "tflite-verify"]


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    return make_tiny_repo(tmp_path_factory.mktemp("pipeline"))


def test_repro_runs_every_stage_and_reports_metrics_and_plots(repo):
    result = run(repo, "dvc", "repro")
    assert stages_run(result.stdout) == ALL_STAGES
    assert sorted(p.name for p in (repo / "data" / "mnist").iterdir()) == [
        "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte",
        "train-images-idx3-ubyte", "train-labels-idx1-ubyte"]
    assert (repo / "models" / "model.keras").stat().st_size > 0

    metrics = json.loads(run(repo, "dvc", "metrics", "show", "--json").stdout)
    by_file = next(iter(metrics.values()))["data"]
    evaluated = by_file["reports/evaluate/metrics.json"]["data"]
    assert 0 <= evaluated["accuracy"] <= 1
    assert set(evaluated["per_class"]) == {str(d) for d in range(10)}
    trained = by_file["reports/train/metrics.json"]["data"]
    assert {"train", "eval"} <= set(trained)

    for runtime in ("tfjs", "tflite"):
        parity = by_file[f"reports/{runtime}/metrics.json"]["data"]
        assert parity["agreement"] == 1.0 and parity["accuracy"] == evaluated["accuracy"]
    assert (repo / "web" / "model" / "model.json").exists()
    assert (repo / "android" / "app" / "src" / "main" / "assets" / "digits.tflite").exists()

    confusion = json.loads((repo / "reports" / "evaluate" / "confusion.json").read_text())
    assert len(confusion) == 32 and set(confusion[0]) == {"actual", "predicted"}
    assert (repo / "reports" / "evaluate" / "mistakes.png").read_bytes()[:4] == b"\x89PNG"

    run(repo, "dvc", "plots", "show", "-o", "plots-html")
    page = (repo / "plots-html" / "index.html").read_text()
    for title in ("Loss", "Accuracy", "Confusion matrix", "mistakes.png"):
        assert title in page


def test_a_second_repro_has_nothing_to_do(repo):
    result = run(repo, "dvc", "repro")
    assert stages_run(result.stdout) == []
    assert "Data and pipelines are up to date." in result.stdout


def test_an_evaluate_param_reruns_only_evaluate(repo):
    set_param(repo, "evaluate", "misclassified_max", 5)
    assert stages_run(run(repo, "dvc", "repro", "--dry").stdout) == ["evaluate"]
    model = digest(repo / "models" / "model.keras")
    assert stages_run(run(repo, "dvc", "repro").stdout) == ["evaluate"]
    assert digest(repo / "models" / "model.keras") == model
    run(repo, "git", "commit", "-qam", "evaluate.misclassified_max: 5")


@pytest.mark.parametrize(("param", "value", "expected"), [
    ("tfjs.quantization", "float16", ["tfjs-convert", "tfjs-verify"]),
    ("tfjs.quantization", "uint8", ["tfjs-convert", "tfjs-verify"]),
    ("tflite.quantization", "int8", ["tflite-convert", "tflite-verify"]),
    ("tflite.quantization", "dynamic", ["tflite-convert", "tflite-verify"]),
    # verify reruns only if the converted file changes, which a dry run cannot know
    ("tflite.representative_images", 50, ["tflite-convert"]),
])
def test_a_quantization_param_reruns_only_its_own_conversion(repo, param, value, expected):
    section, key = param.split(".")
    original = (repo / "params.yaml").read_text()
    set_param(repo, section, key, value)
    try:
        assert stages_run(run(repo, "dvc", "repro", "--dry").stdout) == expected
    finally:
        (repo / "params.yaml").write_text(original)


def test_an_experiment_on_epochs_retrains_and_evaluates_but_does_not_download(repo):
    data = digest(repo / "data" / "mnist" / "train-images-idx3-ubyte")
    result = run(repo, "dvc", "exp", "run", "-S", "train.epochs=2")
    assert stages_run(result.stdout) == ALL_STAGES[1:]
    assert digest(repo / "data" / "mnist" / "train-images-idx3-ubyte") == data
    shown = run(repo, "dvc", "exp", "show", "--json").stdout
    assert '"epochs": 2' in shown or "'epochs': 2" in shown or '"train.epochs"' in shown


def test_a_bad_param_fails_in_one_line_and_keeps_the_previous_model(repo):
    model = digest(repo / "models" / "model.keras")
    set_param(repo, "train", "epochs", -3)
    result = run(repo, "dvc", "repro", check=False)
    assert result.returncode != 0
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors == ["error: params.yaml: train.epochs must be a positive integer, got -3; "
                      "fix: edit train.epochs in params.yaml"]
    assert digest(repo / "models" / "model.keras") == model
    run(repo, "git", "checkout", "params.yaml")


def test_a_download_with_no_good_mirror_fails_and_keeps_the_data(repo):
    data_dir = repo / "data" / "mnist"
    before = {p.name: digest(p) for p in data_dir.iterdir()}
    env_free = {**os.environ, "PATH": str(Path(sys.executable).parent) + os.pathsep
                + os.environ["PATH"]}
    env_free.pop("MNIST_MIRROR", None)
    result = subprocess.run([sys.executable, "-m", "stages.download", "--out", "data/mnist"],
                            cwd=repo, env=env_free, capture_output=True, text=True)
    assert result.returncode == 1
    assert "no mirror gave a valid train-images-idx3-ubyte" in result.stderr
    assert "no-such-mirror: no such file" in result.stderr
    assert {p.name: digest(p) for p in data_dir.iterdir()} == before
