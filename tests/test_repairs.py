"""Each kind of damage a user meets: the stage that trips on it fails with one `error:` line
whose fix is the cheapest command that repairs it, and after it nothing reruns."""

import os
import re
import shlex
from pathlib import Path

import pytest
import yaml

from tests.tiny_repo import copy_of, digest, run, run_in_process, stages_run

pytestmark = pytest.mark.slow  # trains, converts or runs DVC, Node or a browser

TFLITE = "android/app/src/main/assets/digits.tflite"


@pytest.fixture(scope="module")
def repo(tiny_pipeline, tmp_path_factory) -> Path:
    return copy_of(tiny_pipeline, tmp_path_factory.mktemp("repairs") / "copy")


def damage_in_place(path: Path) -> None:
    """Change bytes in the middle of a file, keeping its size and modification time: what a
    bad disk or a careless tool does, and what `dvc status` does not notice."""
    stat = path.stat()
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle:middle + 8] = bytes(255 - b for b in data[middle:middle + 8])
    path.write_bytes(bytes(data))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 3])


def corrupt_model_json(path: Path) -> None:
    path.write_text(path.read_text()[:100])


# (what is damaged, how, the stage a user then runs, what its error line says)
DAMAGE = [
    ("data/mnist/t10k-labels-idx1-ubyte", damage_in_place, "evaluate",
     "is damaged: its SHA-256 is not the one in params.yaml"),
    ("data/drawn/mnist/t10k-images-idx3-ubyte", truncate, "evaluate",
     "(or `dvc repro -s -f draw-mnist` if the cache lacks it)"),
    ("data/drawn/kept/check-labels-idx1-ubyte", truncate, "verify@tflite",
     "(or `dvc repro -s -f collect-kept` if the cache lacks it)"),
    ("data/drawn/nondigits/test-images-idx3-ubyte", truncate, "evaluate",
     "(or `dvc repro -s -f draw-nondigits` if the cache lacks it)"),
    ("models/model.keras", truncate, "evaluate", "is damaged (not a complete .keras archive)"),
    (TFLITE, truncate, "verify@tflite", "LiteRT cannot load"),
    ("web/model/model.json", corrupt_model_json, "verify@tfjs", "TF.js could not run"),
    ("reports/evaluate/probabilities.npy", truncate, "verify@tflite",
     "the Keras reference reports/evaluate/probabilities.npy is damaged"),
]


@pytest.mark.parametrize("path, damage, stage, problem", DAMAGE,
                         ids=[f"{path}-{stage}" for path, _, stage, _ in DAMAGE])
def test_the_fix_an_error_names_repairs_it_and_nothing_reruns(repo, path, damage, stage, problem):
    target = repo / path
    original = digest(target)
    damage(target)

    failed = run_in_process(repo, stage, check=False)
    assert failed.returncode != 0
    assert "Traceback" not in failed.stderr
    errors = [line for line in failed.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, failed.stderr
    assert problem in errors[0]
    fix = re.search(r"fix: `([^`]+)`", errors[0]).group(1)
    assert fix.startswith("dvc checkout"), errors[0]

    run(repo, *shlex.split(fix))
    assert digest(target) == original
    # The stage left its outputs as they were, so with its input back nothing runs again.
    repaired = run(repo, "dvc", "repro")
    assert stages_run(repaired.stdout) == [], repaired.stdout
    assert "Data and pipelines are up to date." in run(repo, "dvc", "status").stdout


# Every stage that reads MNIST under the committed params (tflite-convert reads it only to
# calibrate int8).
MNIST_READERS = ["trace-mnist", "train", "calibrate", "evaluate", "verify@tfjs", "verify@tflite"]


@pytest.mark.parametrize("stage", MNIST_READERS)
def test_damaged_mnist_is_named_before_a_stage_does_any_work(repo, stage):
    """Whichever stage reads MNIST first checks all of it, the split it reads or not, before
    it traces, trains or measures anything."""
    target = repo / "data/mnist/t10k-labels-idx1-ubyte"
    original = target.read_bytes()
    damage_in_place(target)
    try:
        failed = run_in_process(repo, stage, check=False)
    finally:
        target.write_bytes(original)
    assert failed.returncode != 0
    errors = [line for line in failed.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "t10k-labels-idx1-ubyte is damaged" in errors[0], failed.stderr
    assert not re.search(r"digits \(|steps \(|epoch|accuracy", failed.stdout), failed.stdout


def test_after_a_failed_stage_what_its_line_says_restores_every_output(repo):
    """DVC removes a stage's outputs before it runs, metrics too; `dvc checkout` brings back
    the cached ones and `git checkout reports` the metrics git keeps, so nothing needs to run."""
    params = repo / "params.yaml"
    values = yaml.safe_load(params.read_text())
    values["tflite"]["min_agreement"][values["tflite"]["quantization"]] = 2  # not a share
    params.write_text(yaml.safe_dump(values, sort_keys=False))
    failed = run(repo, "dvc", "repro", "--single-item", "--force", "verify@tflite", check=False)
    assert failed.returncode != 0
    assert not (repo / "reports/metrics/tflite.json").exists()
    run(repo, "git", "checkout", "params.yaml")
    error = next(line for line in failed.stderr.splitlines() if line.startswith("error:"))
    assert error.endswith("; `dvc checkout` restores the last good outputs, `git checkout "
                          "reports` their metrics and plots")
    run(repo, "dvc", "checkout")
    run(repo, "git", "checkout", "reports")
    assert "Data and pipelines are up to date." in run(repo, "dvc", "status").stdout
    assert run(repo, "git", "status", "--porcelain").stdout == ""
