"""The loop the apps invite, in the tiny pipeline: a writer whose digits the model misreads
keeps a hundred corrections, exports them, and after `dvc repro` the model reads that
writer's checking part, while MNIST's test digits read as before."""

import json
from pathlib import Path

import numpy as np
import pytest

from digits.core import params
from digits.deploy.runtimes import RUNTIMES
from digits.drawing.handwriting import StyleRanges, redraw, restyle
from tests.conftest import REPO, edit_params
from tests.tiny_repo import MODEL_STAGES, copy_of, run, run_in_process, stages_run

pytestmark = pytest.mark.slow  # runs DVC and trains

# Eastern Arabic numerals, which MNIST lacks: 2, 6, 7 (a V) and 8 (an inverted V).
EASTERN_ARABIC = {
    2: [[[0.4, 0.85], [0.4, 0.2], [0.55, 0.3], [0.7, 0.2]]],
    6: [[[0.3, 0.2], [0.6, 0.22], [0.6, 0.85]]],
    7: [[[0.3, 0.2], [0.5, 0.85], [0.7, 0.2]]],
    8: [[[0.3, 0.85], [0.5, 0.2], [0.7, 0.85]]],
}


def writer_export(path: Path, count: int, seed: int = 0) -> None:
    """`count` digits of the Eastern Arabic writer, drawn as the apps draw them (the drawn
    digits' style ranges), in the apps' export format."""
    drawn = params.load("drawn", params.DrawnParams, REPO / "params.yaml")
    ranges = StyleRanges(pen_width=tuple(drawn.pen_width), slant=tuple(drawn.slant),
                         size=tuple(drawn.size), speed=tuple(drawn.speed))
    rng = np.random.default_rng(seed)
    digits = []
    for n in range(count):
        label = list(EASTERN_ARABIC)[n % len(EASTERN_ARABIC)]
        style = ranges.sample(rng)
        strokes = restyle(EASTERN_ARABIC[label], style)
        digits.append({"label": label, "read": None, "model": "test",
                       "kept": "2026-12-03T12:00:00.000Z",
                       "strokes": [[[round(x, 4), round(y, 4)] for x, y in stroke]
                                   for stroke in strokes],
                       "input": redraw(EASTERN_ARABIC[label], style, drawn.pad).ravel().tolist()})
    path.write_text(json.dumps({"format": "drawn-digits", "version": 1, "digits": digits}))


def figures(repo: Path, runtime: str = "keras") -> tuple[float, dict]:
    mnist = json.loads((repo / f"reports/metrics/{runtime}.json").read_text())
    drawn = json.loads((repo / f"reports/metrics/drawn/{runtime}.json").read_text())
    return mnist["accuracy"], drawn


def test_a_writer_s_corrections_teach_the_next_model(tiny_pipeline, tmp_path):
    repo = copy_of(tiny_pipeline, tmp_path / "copy")
    edit_params(repo, "train", epochs=40)  # the tiny network learns the tiny MNIST whole
    writer_export(repo / "data/exported/drawn-digits-writer.json", 100)

    edit_params(repo, "kept", repeats=0)  # kept and measured, not trained on
    for stage in ("collect-kept", "train", "calibrate", "evaluate"):
        run_in_process(repo, stage)
    mnist_before, before = figures(repo)
    edit_params(repo, "kept", repeats=10)
    result = run(repo, "dvc", "repro")
    assert stages_run(result.stdout) == ["collect-kept", *MODEL_STAGES]
    mnist_after, after = figures(repo)

    print(f"MNIST {mnist_before:.4f} -> {mnist_after:.4f}, the writer's checking part "
          f"{before['kept_check_accuracy']:.2f} -> {after['kept_check_accuracy']:.2f} "
          f"({after['kept_check_digits']} digits; {after['kept_train_digits']} trained on)")
    assert after["kept_check_digits"] + after["kept_train_digits"] == 100
    assert (after["kept_check_accuracy"] - before["kept_check_accuracy"] >= 0.2
            or after["kept_check_accuracy"] >= 0.95)
    assert abs(mnist_after - mnist_before) <= 0.001
    kept_figures = ("kept_check_accuracy", "kept_check_digits", "kept_train_digits")
    for runtime in RUNTIMES:  # each runtime reads the kept digits as Keras does
        drawn = figures(repo, runtime)[1]
        assert [drawn[key] for key in kept_figures] == [after[key] for key in kept_figures]
    assert "kept_check_accuracy" in run(repo, "dvc", "metrics", "show").stdout
