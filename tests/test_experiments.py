"""Experiments from the command line: a queued sweep that reruns what its param touches and
takes the rest from the run-cache, compared in `dvc exp show` and `dvc plots diff`."""

import hashlib
import json
import time

import pytest
import yaml

from tests.tiny_repo import ALL_STAGES, copy_of, run, stages_run

pytestmark = pytest.mark.slow  # trains, converts or runs DVC, Node or a browser


def test_a_queued_sweep_reruns_what_its_param_touches_and_the_run_cache_restores_the_rest(
        tiny_pipeline, tmp_path):
    """The committed run trained 1 epoch. Of a sweep over 1 and 2 epochs, 1 reruns nothing
    (its lock file, which holds each output's hash, is the committed one) and 2 reruns every
    stage after download. Asked for 2 epochs again, every stage comes back from the run-cache,
    byte for byte the queued experiment's outputs."""
    repo = copy_of(tiny_pipeline, tmp_path / "copy")
    committed_lock = yaml.safe_load((repo / "dvc.lock").read_text())

    queued = run(repo, "dvc", "exp", "run", "--queue", "-S", "train.epochs=1,2")
    assert queued.stdout.count("Queued experiment") == 2
    run(repo, "dvc", "queue", "start")
    deadline = time.monotonic() + 600
    while "Queued" in (status := run(repo, "dvc", "queue", "status").stdout) \
            or "Running" in status:
        assert time.monotonic() < deadline, status
        time.sleep(2)
    assert status.count("Success") == 2, status

    shown = json.loads(run(repo, "dvc", "exp", "show", "--json").stdout)
    by_epochs = {}
    for experiment in (exp for commit in shown for exp in commit.get("experiments") or []):
        data = experiment["revs"][0]["data"]
        assert "accuracy" in data["metrics"]["reports/metrics/keras.json"]["data"]
        epochs = data["params"]["params.yaml"]["data"]["train"]["epochs"]
        by_epochs[epochs] = (experiment["name"], experiment["revs"][0]["rev"])
    assert sorted(by_epochs) == [1, 2]

    def log_and_lock(epochs: int) -> tuple[str, dict]:
        name, rev = by_epochs[epochs]
        log = run(repo, "dvc", "queue", "logs", name).stdout
        return log, yaml.safe_load(run(repo, "git", "show", f"{rev}:dvc.lock").stdout)

    log, lock = log_and_lock(1)
    assert stages_run(log) == []
    assert lock == committed_lock

    log, swept = log_and_lock(2)
    assert stages_run(log) == ALL_STAGES[1:]
    assert swept["stages"]["download"] == committed_lock["stages"]["download"]
    assert swept["stages"]["train"]["outs"] != committed_lock["stages"]["train"]["outs"]

    again = run(repo, "dvc", "exp", "run", "-S", "train.epochs=2").stdout
    assert stages_run(again) == []
    for stage in ALL_STAGES[1:]:
        assert f"Stage '{stage}' is cached - skipping run, checking out outputs" in again
    assert yaml.safe_load((repo / "dvc.lock").read_text()) == swept
    model = next(out for out in swept["stages"]["train"]["outs"]
                 if out["path"] == "models/model.keras")
    assert hashlib.md5((repo / model["path"]).read_bytes()).hexdigest() == model["md5"]

    names = sorted(name for name, _ in by_epochs.values())
    run(repo, "dvc", "plots", "diff", *names, "-o", "compare")
    page = (repo / "compare" / "index.html").read_text()
    assert all(name in page for name in names)
    assert "per_digit.json" in page and "confusion.json" in page and "loss.tsv" in page
