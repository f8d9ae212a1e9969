"""train.strategy on this CPU: mirrored over two logical devices must learn as well as the
default strategy on the same small data."""

import os
import subprocess
import sys
from pathlib import Path

import keras
import numpy as np
import pytest
import yaml

from stages.digits.data import load_split, to_model_input
from tests.conftest import REPO, tiny_mnist

TOLERANCE = 0.05  # test-accuracy points between strategies on 96 test digits


def write_params(workdir: Path, **train) -> None:
    params = yaml.safe_load((REPO / "params.yaml").read_text())
    params["model"].update(conv_filters=[8], kernel_sizes=[3], dense_units=32, dropout=0.0)
    params["train"].update(epochs=6, batch_size=32, **train)
    (workdir / "params.yaml").write_text(yaml.safe_dump(params))


def start_training(workdir: Path, model: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, "-m", "stages.train", "--data", "data", "--model", model,
         "--live", f"live-{Path(model).stem}"],
        cwd=workdir, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def finish(process: subprocess.Popen) -> str:
    output, _ = process.communicate(timeout=600)
    assert process.returncode == 0, output[-3000:]
    return output


def accuracy_of(workdir: Path, model: str) -> float:
    images, labels = load_split(workdir / "data", "t10k")
    probabilities = keras.models.load_model(workdir / model).predict(
        to_model_input(images), verbose=0)
    return float(np.mean(probabilities.argmax(axis=1) == labels))


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    workdir = tmp_path_factory.mktemp("strategies")
    tiny_mnist(workdir / "data", n_train=400, n_test=96, compress=False)
    write_params(workdir, strategy="default")
    finish(start_training(workdir, "default.keras"))
    return workdir


def test_mirrored_over_two_logical_cpus_matches_default(workdir):
    write_params(workdir, strategy="mirrored", cpu_devices=2)
    output = finish(start_training(workdir, "mirrored.keras"))
    assert "training on 2 replica(s) with mirrored" in output
    baseline = accuracy_of(workdir, "default.keras")
    assert baseline > 0.8
    assert abs(accuracy_of(workdir, "mirrored.keras") - baseline) <= TOLERANCE
