"""The loop the apps invite, in the tiny pipeline: a writer whose digits MNIST lacks kept a
hundred corrections and exported them (tiny_repo.py); `dvc repro` trained on them, and the
model now reads that writer's checking part, while MNIST's test digits read as before."""

import json
from pathlib import Path

import pytest

from digits.deploy.runtimes import RUNTIMES
from tests.conftest import edit_params
from tests.tiny_repo import WRITER_DIGITS, copy_of, run, run_in_process

pytestmark = pytest.mark.slow  # runs DVC and trains

KEPT_FIGURES = ("kept_check_accuracy", "kept_check_digits", "kept_train_digits")


def figures(repo: Path, runtime: str = "keras") -> tuple[float, dict]:
    mnist = json.loads((repo / f"reports/metrics/{runtime}.json").read_text())
    drawn = json.loads((repo / f"reports/metrics/drawn/{runtime}.json").read_text())
    return mnist["accuracy"], drawn


def test_a_writer_s_corrections_teach_the_next_model(tiny_pipeline, tmp_path):
    mnist_after, after = figures(tiny_pipeline)
    for runtime in RUNTIMES:  # each runtime reads the kept digits as Keras does
        drawn = figures(tiny_pipeline, runtime)[1]
        assert [drawn[key] for key in KEPT_FIGURES] == [after[key] for key in KEPT_FIGURES]
    repo = copy_of(tiny_pipeline, tmp_path / "copy")
    assert "kept_check_accuracy" in run(repo, "dvc", "metrics", "show").stdout

    edit_params(repo, "kept", repeats=0)  # the same pipeline with the kept digits measured only
    for stage in ("train", "calibrate", "evaluate"):
        run_in_process(repo, stage)
    mnist_before, before = figures(repo)

    print(f"MNIST {mnist_before:.4f} -> {mnist_after:.4f}, the writer's checking part "
          f"{before['kept_check_accuracy']:.2f} -> {after['kept_check_accuracy']:.2f} "
          f"({after['kept_check_digits']} digits; {after['kept_train_digits']} trained on)")
    assert after["kept_check_digits"] + after["kept_train_digits"] == WRITER_DIGITS
    assert (after["kept_check_accuracy"] - before["kept_check_accuracy"] >= 0.2
            or after["kept_check_accuracy"] >= 0.95)
    assert abs(mnist_after - mnist_before) <= 0.001
