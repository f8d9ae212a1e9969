"""train.strategy on this CPU: two logical devices for mirrored, two local worker processes
for multi_worker; each must learn as well as the default strategy on the same small data."""

import json
import shutil
import socket
import subprocess
from pathlib import Path

import keras
import numpy as np
import pytest
import tensorflow as tf
from dvclive import Live

from digits.core.dataset import load_split, to_model_input
from digits.training.distributed import fit_multi_worker
from digits.training.model import make_optimizer
from tests.conftest import (
    REPO,
    edit_params,
    run_stage,
    stage_command,
    stage_env,
    stand_in_drawn_digits,
    tiny_mnist,
    tiny_model_section,
)

pytestmark = pytest.mark.slow  # trains, converts or runs DVC, Node or a browser

TOLERANCE = 0.05  # test-accuracy points between strategies on 96 test digits


def write_params(workdir: Path, **train) -> None:
    """The repository's params.yaml with a small network and `train` keys on top, and the
    tiny data set it checks in data/."""
    shutil.copy(REPO / "params.yaml", workdir / "params.yaml")
    edit_params(workdir, "download",
                files=tiny_mnist(workdir / "data", n_train=400, n_test=96, compress=False))
    edit_params(workdir, "model", **tiny_model_section(conv_filters=[8], kernel_sizes=[3],
                                                       dense_units=32, dropout=0.0))
    edit_params(workdir, "train", epochs=6, batch_size=32, **train)
    stand_in_drawn_digits(workdir)


def start_training(workdir: Path, model: str, tf_config: dict | None = None) -> subprocess.Popen:
    """Start the train stage in a process of its own (TensorFlow takes its devices and
    cluster at start-up) without waiting for it, so that two workers can run together."""
    stem = Path(model).stem
    env = stage_env(TF_CONFIG=json.dumps(tf_config)) if tf_config else stage_env()
    return subprocess.Popen(
        stage_command("train", "--data", "data", "--drawn", "drawn", "--kept", "kept",
                      "--model", model, "--live", f"live-{stem}", "--metrics", f"{stem}.json"),
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
    write_params(workdir, strategy="default")
    run_stage(workdir, "train", "--data", "data", "--drawn", "drawn", "--kept", "kept",
              "--model", "default.keras", "--live", "live-default", "--metrics", "default.json")
    return workdir


def test_mirrored_over_two_logical_cpus_matches_default(workdir):
    write_params(workdir, strategy="mirrored", cpu_devices=2)
    output = finish(start_training(workdir, "mirrored.keras"))
    assert "training on 2 replica(s) with mirrored" in output
    baseline = accuracy_of(workdir, "default.keras")
    assert baseline > 0.8
    assert abs(accuracy_of(workdir, "mirrored.keras") - baseline) <= TOLERANCE


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_multi_worker_over_two_local_processes_matches_default(workdir):
    write_params(workdir, strategy="multi_worker", cpu_devices=1)
    cluster = {"worker": [f"127.0.0.1:{free_port()}", f"127.0.0.1:{free_port()}"]}
    workers = [start_training(workdir, "multi.keras",
                              {"cluster": cluster, "task": {"type": "worker", "index": i}})
               for i in range(2)]
    outputs = [finish(worker) for worker in workers]
    assert all("training on 2 replica(s) with multi_worker" in out for out in outputs)
    baseline = accuracy_of(workdir, "default.keras")
    assert abs(accuracy_of(workdir, "multi.keras") - baseline) <= TOLERANCE
    curve = (workdir / "live-multi" / "metrics" / "eval" / "accuracy.tsv")
    assert len(curve.read_text().splitlines()) == 1 + 6  # the chief's log, one row per epoch


def test_multi_worker_without_tf_config_says_what_to_set(workdir):
    write_params(workdir, strategy="multi_worker")
    env = {k: v for k, v in stage_env().items() if k != "TF_CONFIG"}
    result = run_stage(workdir, "train", "--data", "data", "--drawn", "drawn", "--kept", "kept",
                       "--model", "x.keras", "--live", "live-x", "--metrics", "x.json",
                       check=False, env=env)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "error: train.strategy multi_worker needs the TF_CONFIG environment variable; "
        "fix: set it on every worker (see README)")


def test_the_multi_worker_loop_saves_averaged_weights(tmp_path):
    """With a momentum near 1 the average barely leaves the first step's weights."""
    rng = np.random.default_rng(0)
    data = (rng.random((64, 3)).astype(np.float32), rng.integers(0, 2, 64))

    def train(weight_averaging: float) -> list[np.ndarray]:
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, activation="softmax")])
        model.compile(optimizer=make_optimizer("sgd", 0.5, weight_averaging=weight_averaging))
        start = model.get_weights()
        with Live(str(tmp_path / f"live-{weight_averaging}"), dvcyaml=False,
                  save_dvc_exp=False) as live:
            fit_multi_worker(model, tf.distribute.get_strategy(), data, data, epochs=3,
                             batch_size=8, seed=0, live=live)
        return [w - s for w, s in zip(model.get_weights(), start, strict=True)]

    moved_plain = sum(np.abs(w).sum() for w in train(0.0))
    moved_averaged = sum(np.abs(w).sum() for w in train(0.9999))
    assert moved_averaged < moved_plain / 5
