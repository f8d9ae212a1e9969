"""Experiments from the command line: a queued sweep that reruns what its params touch and
takes the rest from the run-cache, compared in `dvc exp show` and `dvc plots diff`."""

import json

import pytest
import yaml

from tests.tiny_repo import copy_of, run, stages_run

pytestmark = pytest.mark.slow  # trains, converts or runs DVC, Node or a browser

EXPERIMENT_STAGES = ["train", "calibrate", "evaluate"]


def test_a_queued_sweep_reruns_what_its_params_touch_and_the_run_cache_restores_the_rest(
        tiny_pipeline, tmp_path):
    """A sweep of two experiments up to evaluate (the metrics an experiment is judged by)
    that both train 2 epochs (the committed run trained 40) and differ in an evaluate param.
    The first to run reruns train, calibrate and evaluate; the second reruns evaluate alone:
    the other two come back from the run-cache, so its lock file records the very outputs
    (hashes) of the first."""
    repo = copy_of(tiny_pipeline, tmp_path / "copy")
    committed = yaml.safe_load((repo / "dvc.lock").read_text())["stages"]

    queued = run(repo, "dvc", "exp", "run", "--queue", "-S", "train.epochs=2",
                 "-S", "evaluate.misclassified_max=5,10", "evaluate")
    assert queued.stdout.count("Queued experiment") == 2
    run(repo, "dvc", "exp", "run", "--run-all")  # `dvc queue start`, then following each log
    status = run(repo, "dvc", "queue", "status").stdout
    assert status.count("Success") == 2, status

    shown = json.loads(run(repo, "dvc", "exp", "show", "--json").stdout)
    experiments = []
    for experiment in (exp for commit in shown for exp in commit.get("experiments") or []):
        data = experiment["revs"][0]["data"]
        params = data["params"]["params.yaml"]["data"]
        assert params["train"]["epochs"] == 2
        assert "accuracy" in data["metrics"]["reports/metrics/keras.json"]["data"]
        lock = run(repo, "git", "show", f"{experiment['revs'][0]['rev']}:dvc.lock").stdout
        experiments.append({"name": experiment["name"],
                            "misclassified_max": params["evaluate"]["misclassified_max"],
                            "log": run(repo, "dvc", "queue", "logs", experiment["name"]).stdout,
                            "lock": yaml.safe_load(lock)["stages"]})
    first, second = sorted(experiments, key=lambda exp: -len(stages_run(exp["log"])))
    assert {first["misclassified_max"], second["misclassified_max"]} == {5, 10}

    assert stages_run(first["log"]) == EXPERIMENT_STAGES
    assert first["lock"]["download"] == committed["download"]
    assert first["lock"]["train"]["outs"] != committed["train"]["outs"]

    assert stages_run(second["log"]) == ["evaluate"]
    for stage in EXPERIMENT_STAGES:
        if stage != "evaluate":
            assert f"Stage '{stage}' is cached - skipping run" in second["log"], stage
            assert second["lock"][stage]["outs"] == first["lock"][stage]["outs"], stage

    names = sorted(exp["name"] for exp in experiments)
    run(repo, "dvc", "plots", "diff", *names, "-o", "compare")
    page = (repo / "compare" / "index.html").read_text()
    assert all(name in page for name in names)
    assert "per_digit.json" in page and "confusion.json" in page and "loss.tsv" in page
