"""End to end: `dvc repro` of the whole DAG in a scratch repository, on tiny data it makes."""

import json
from pathlib import Path

import pytest
import yaml

from digits.deploy.artifacts import model_version
from tests.conftest import REPO, edit_params, run_stage, stage_env
from tests.tiny_repo import ALL_STAGES, copy_of, digest, run, stages_run

pytestmark = pytest.mark.slow  # trains, converts or runs DVC, Node or a browser

@pytest.fixture(scope="module")
def repo(tiny_pipeline, tmp_path_factory) -> Path:
    return copy_of(tiny_pipeline, tmp_path_factory.mktemp("pipeline") / "copy")


RUNTIMES = ("keras", "tfjs", "tflite")


def reset(repo: Path) -> None:
    """Back to the last commit's params, lock file and outputs."""
    run(repo, "git", "checkout", "--", ".")
    run(repo, "dvc", "checkout")


def presets(repo: Path) -> dict:
    return yaml.safe_load((repo / "params.yaml").read_text())["model"]["presets"]


def test_repro_runs_every_stage_and_reports_metrics_and_plots(repo, tiny_pipeline):
    assert stages_run((tiny_pipeline.parent / "repro.log").read_text()) == ALL_STAGES
    assert sorted(p.name for p in (repo / "data" / "mnist").iterdir()) == [
        "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte",
        "train-images-idx3-ubyte", "train-labels-idx1-ubyte"]

    metrics = json.loads(run(repo, "dvc", "metrics", "show", "--json").stdout)
    by_file = {path: entry["data"] for path, entry in next(iter(metrics.values()))["data"].items()}
    assert set(by_file) == {f"reports/metrics/{part}{name}.json"
                            for part in ("", "drawn/", "nodigit/") for name in RUNTIMES} | {
        "reports/metrics/train.json", "reports/metrics/web.json"}
    keras_figures = by_file["reports/metrics/keras.json"]
    assert set(keras_figures) == {"accuracy", "ece", "flagged", "size_bytes"}
    assert 0 <= keras_figures["ece"] <= 1 and 0 <= keras_figures["flagged"] <= 1
    assert keras_figures["size_bytes"] == (repo / "models" / "model.keras").stat().st_size
    assert by_file["reports/metrics/train.json"]["seconds"] > 0
    for runtime, artifact in (("tfjs", repo / "web/model"),
                              ("tflite", repo / "android/app/src/main/assets/digits.tflite")):
        parity = by_file[f"reports/metrics/{runtime}.json"]
        assert set(parity) == {"accuracy", "agreement", "ece", "flagged", "size_bytes",
                               "model_version"}
        assert parity["model_version"] == model_version(artifact)
        assert parity["agreement"] == 1.0
        assert parity["accuracy"] == keras_figures["accuracy"]
        assert parity["flagged"] == keras_figures["flagged"]
        assert parity["ece"] == pytest.approx(keras_figures["ece"], abs=1e-4)
        nondigits = by_file[f"reports/metrics/nodigit/{runtime}.json"]
        assert nondigits == {"accuracy": by_file["reports/metrics/nodigit/keras.json"]["accuracy"],
                             "agreement": 1.0}
        files = list(artifact.iterdir()) if artifact.is_dir() else [artifact]
        assert parity["size_bytes"] == sum(file.stat().st_size for file in files)

    drawn = [by_file[f"reports/metrics/drawn/{runtime}.json"] for runtime in RUNTIMES]
    assert all(set(figures) == {"accuracy", "ece", "flagged", "kept_check_accuracy",
                                "kept_check_digits", "kept_train_digits"} for figures in drawn)
    assert drawn[0]["accuracy"] == drawn[1]["accuracy"] == drawn[2]["accuracy"]
    assert drawn[0]["flagged"] == drawn[1]["flagged"] == drawn[2]["flagged"]

    site = by_file["reports/metrics/web.json"]
    assert site["model_version"] == by_file["reports/metrics/tfjs.json"]["model_version"]
    assert site["model_version"] in (repo / "web" / "dist" / "app.js").read_text()
    assert "node_modules" not in (repo / "web" / "dist" / "index.html").read_text()

    per_digit = json.loads((repo / "reports" / "evaluate" / "per_digit.json").read_text())
    assert [row["digit"] for row in per_digit] == [str(d) for d in range(10)]
    confusion = json.loads((repo / "reports" / "evaluate" / "confusion.json").read_text())
    assert len(confusion) == 32 and set(confusion[0]) == {"actual", "predicted"}
    assert (repo / "reports" / "evaluate" / "mistakes.png").read_bytes()[:4] == b"\x89PNG"

    plots = json.loads(run(repo, "dvc", "plots", "show", "--json").stdout)["data"]
    assert set(plots) == {*(f"reports/train/metrics/{split}/{name}.tsv" for split in
                            ("train", "eval") for name in ("loss", "accuracy")),
                          "reports/evaluate/per_digit.json", "reports/evaluate/confusion.json",
                          "reports/evaluate/mistakes.png", "reports/evaluate/contradicted.png"}


def test_the_project_s_metrics_table_fits_120_columns():
    """What `dvc metrics show` prints in a fresh clone: the committed metrics, no kept digits."""
    table = run(REPO, "dvc", "metrics", "show").stdout
    rows = table.strip().splitlines()
    # a header, then train, the site, and Keras, TF.js and LiteRT on MNIST, drawn digits and
    # drawings that are no digit
    assert len(rows) == 12, table
    assert max(len(row) for row in rows) <= 120, table


def test_a_second_repro_has_nothing_to_do(repo):
    result = run(repo, "dvc", "repro")
    assert stages_run(result.stdout) == []
    assert "Data and pipelines are up to date." in result.stdout


@pytest.mark.parametrize(("param", "value", "expected"), [
    # test_experiments.py runs this one for real: evaluate writes the same probabilities again,
    # so nothing downstream reruns
    ("evaluate.misclassified_max", 5, ["evaluate"]),
    ("tfjs.quantization", "float16", ["tfjs-convert", "verify@tfjs"]),
    ("tfjs.quantization", "uint8", ["tfjs-convert", "verify@tfjs"]),
    ("tflite.quantization", "int8", ["tflite-convert", "verify@tflite"]),
    ("tflite.quantization", "dynamic", ["tflite-convert", "verify@tflite"]),
    # verify reruns only if the converted file changes, which a dry run cannot know
    ("tflite.representative_images", 50, ["tflite-convert"]),
    # restyling the drawn digits draws them again without tracing them again; then whatever
    # reads the drawn digits, as above
    ("drawn.seed", 1, ["draw-mnist"]),
    ("drawn.pen_width", [0.08, 0.1], ["draw-mnist", "draw-nondigits"]),
    ("train.drawn_fraction", 0.5, ["trace-mnist", "train"]),
    # the non-digits and the not-a-digit output: no retraining of the CNN
    ("nondigits.test", 40, ["draw-nondigits"]),
    ("calibrate.hidden_units", 16, ["calibrate"]),
])
def test_a_param_reruns_only_the_stages_that_read_it(repo, param, value, expected):
    section, key = param.split(".")
    edit_params(repo, section, **{key: value})
    try:
        assert stages_run(run(repo, "dvc", "repro", "--dry").stdout) == expected
    finally:
        run(repo, "git", "checkout", "--", "params.yaml")  # a dry run changes nothing else


def test_editing_a_preset_that_is_not_chosen_reruns_nothing(repo):
    wider = {**presets(repo)["wider"], "dense_units": 64}
    edit_params(repo, "model", presets={**presets(repo), "wider": wider})
    assert "Data and pipelines are up to date." in run(repo, "dvc", "status").stdout
    tiny = {**presets(repo)["tiny"], "dropout": 0.25}
    edit_params(repo, "model", presets={**presets(repo), "tiny": tiny})
    assert "train:" in run(repo, "dvc", "status").stdout
    reset(repo)


def test_a_failed_stage_says_how_to_restore_and_dvc_checkout_does(repo):
    """DVC removes a stage's outputs before running it (that is what lets the run-cache
    restore them); after a failure `dvc checkout` brings back the last good ones."""
    data = {p.name: digest(p) for p in (repo / "data" / "mnist").iterdir()}
    edit_params(repo, "download", timeout=-3)
    result = run(repo, "dvc", "repro", check=False)
    assert result.returncode != 0
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors == ["error: params.yaml: download.timeout must be greater than 0, got -3; "
                      "fix: edit download.timeout in params.yaml; `dvc checkout` restores the "
                      "last good outputs, `git checkout reports` their metrics and plots"]
    assert not (repo / "data" / "mnist").exists()
    run(repo, "dvc", "checkout")
    assert {p.name: digest(p) for p in (repo / "data" / "mnist").iterdir()} == data
    reset(repo)
    assert "Data and pipelines are up to date." in run(repo, "dvc", "status").stdout


def test_a_download_with_no_good_mirror_fails_and_keeps_the_data(repo):
    data_dir = repo / "data" / "mnist"
    before = {p.name: digest(p) for p in data_dir.iterdir()}
    env = {k: v for k, v in stage_env().items() if k != "MNIST_MIRROR"}
    result = run_stage(repo, "download", "--out", "data/mnist", check=False, env=env)
    assert result.returncode == 1
    assert "no mirror gave a valid train-images-idx3-ubyte" in result.stderr
    assert "no-such-mirror for train-images-idx3-ubyte: no such file" in result.stderr
    assert {p.name: digest(p) for p in data_dir.iterdir()} == before
