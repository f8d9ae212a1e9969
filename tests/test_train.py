import shutil
from pathlib import Path

import keras
import numpy as np
import pytest

from tests.conftest import REPO, edit_params, run_stage, tiny_mnist, tiny_model_section

pytestmark = pytest.mark.slow  # trains, converts or runs DVC, Node or a browser


def train(workdir: Path, checksums: dict, seed: int, out: str) -> Path:
    shutil.copy(REPO / "params.yaml", workdir / "params.yaml")
    edit_params(workdir, "download", files=checksums)
    edit_params(workdir, "model", **tiny_model_section())
    edit_params(workdir, "train", epochs=2, batch_size=32, seed=seed)
    if not (workdir / "drawn").exists():
        run_stage(workdir, "draw_mnist", "--data", "data", "--out", "drawn")
    run_stage(workdir, "train", "--data", "data", "--drawn", "drawn", "--model", out,
              "--live", f"live-{out}", "--metrics", f"metrics-{out}.json")
    return workdir / out


def test_training_is_deterministic_for_a_seed_and_logs_each_epoch(tmp_path):
    checksums = tiny_mnist(tmp_path / "data", compress=False)

    first = keras.models.load_model(train(tmp_path, checksums, 7, "a.keras")).get_weights()
    again = keras.models.load_model(train(tmp_path, checksums, 7, "b.keras")).get_weights()
    other = keras.models.load_model(train(tmp_path, checksums, 8, "c.keras")).get_weights()
    for x, y in zip(first, again, strict=True):
        np.testing.assert_array_equal(x, y)
    # and the same bytes: no save time in the archive, so a rerun leaves dvc.lock as it was
    assert (tmp_path / "a.keras").read_bytes() == (tmp_path / "b.keras").read_bytes()
    assert any(not np.array_equal(x, y) for x, y in zip(first, other, strict=True))

    curve = (tmp_path / "live-a.keras" / "metrics" / "eval" / "accuracy.tsv")
    assert curve.read_text().splitlines()[0].split("\t") == ["step", "accuracy"]
    assert len(curve.read_text().splitlines()) == 1 + 2  # header + one row per epoch
