import os
import subprocess
import sys
from pathlib import Path

import keras
import numpy as np
import pytest
import yaml

from tests.conftest import REPO, tiny_mnist, tiny_model_section

pytestmark = pytest.mark.slow  # trains, converts or runs DVC, Node or a browser


def train(workdir: Path, seed: int, out: str) -> Path:
    params = yaml.safe_load((REPO / "params.yaml").read_text())
    params["model"] = tiny_model_section()
    params["train"].update(epochs=2, batch_size=32, seed=seed)
    (workdir / "params.yaml").write_text(yaml.safe_dump(params))
    result = subprocess.run(
        [sys.executable, "-m", "stages.train", "--data", "data", "--model", out,
         "--live", f"live-{out}", "--metrics", f"metrics-{out}.json"],
        cwd=workdir, env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return workdir / out


def test_training_is_deterministic_for_a_seed_and_logs_each_epoch(tmp_path):
    tiny_mnist(tmp_path / "data", compress=False)

    first = keras.models.load_model(train(tmp_path, 7, "a.keras")).get_weights()
    again = keras.models.load_model(train(tmp_path, 7, "b.keras")).get_weights()
    other = keras.models.load_model(train(tmp_path, 8, "c.keras")).get_weights()
    for x, y in zip(first, again, strict=True):
        np.testing.assert_array_equal(x, y)
    assert any(not np.array_equal(x, y) for x, y in zip(first, other, strict=True))

    curve = (tmp_path / "live-a.keras" / "metrics" / "eval" / "accuracy.tsv")
    assert curve.read_text().splitlines()[0].split("\t") == ["step", "accuracy"]
    assert len(curve.read_text().splitlines()) == 1 + 2  # header + one row per epoch
