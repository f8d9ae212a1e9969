"""Experiments from the command line: a queued sweep, compared in `dvc exp show` and
`dvc plots diff`."""

import json
import time

import pytest

from tests.tiny_repo import copy_of, run

pytestmark = pytest.mark.slow  # trains, converts or runs DVC, Node or a browser


def test_a_queued_sweep_runs_and_its_experiments_compare(tiny_pipeline, tmp_path):
    repo = copy_of(tiny_pipeline, tmp_path / "copy")

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
    experiments = {exp["name"]: exp for commit in shown for exp in commit.get("experiments") or []}
    assert len(experiments) == 2
    epochs = set()
    for experiment in experiments.values():
        data = experiment["revs"][0]["data"]
        epochs.add(data["params"]["params.yaml"]["data"]["train"]["epochs"])
        assert "accuracy" in data["metrics"]["reports/metrics/keras.json"]["data"]
    assert epochs == {1, 2}

    names = sorted(experiments)
    run(repo, "dvc", "plots", "diff", *names, "-o", "compare")
    page = (repo / "compare" / "index.html").read_text()
    assert all(name in page for name in names)
    assert "per_digit.json" in page and "confusion.json" in page and "loss.tsv" in page
