"""A scratch copy of the project's pipeline on tiny data, for end-to-end DVC tests.

The session builds it and runs `dvc repro` once (`tiny_pipeline`); each test module that
changes it works on a copy of its own (`copy_of`), so no module pays for the first run. Its
data/exported/ holds a hundred corrections of a writer whose digits MNIST lacks, as the apps
export them, so the run trains on kept digits and every runtime reports them.
"""

import hashlib
import json
import os
import shlex
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
import yaml
from filelock import FileLock

from digits.core import params
from digits.drawing.handwriting import StyleRanges, redraw, restyle
from tests.conftest import REPO, run_stage, stage_env, tiny_mnist, tiny_model_section

# The tiny network learns the tiny MNIST whole in 40 epochs: kept digits then change none of
# its reads of MNIST's test digits.
TINY_TRAIN = {"epochs": 40, "batch_size": 32}
TINY_NONDIGITS = {"train": 64, "validation": 16, "test": 32}
DATA_STAGES = ["download", "trace-mnist", "draw-mnist", "draw-nondigits", "collect-kept"]
MODEL_STAGES = ["train", "calibrate", "evaluate", "tfjs-convert", "tflite-convert", "verify@tfjs",
                "verify@tflite", "web-build"]
ALL_STAGES = DATA_STAGES + MODEL_STAGES


# Eastern Arabic numerals, which MNIST lacks: 2, 6, 7 (a V) and 8 (an inverted V).
EASTERN_ARABIC = {
    2: [[[0.4, 0.85], [0.4, 0.2], [0.55, 0.3], [0.7, 0.2]]],
    6: [[[0.3, 0.2], [0.6, 0.22], [0.6, 0.85]]],
    7: [[[0.3, 0.2], [0.5, 0.85], [0.7, 0.2]]],
    8: [[[0.3, 0.85], [0.5, 0.2], [0.7, 0.85]]],
}
WRITER_EXPORT = "data/exported/drawn-digits-writer.json"
WRITER_DIGITS = 100


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


def run(repo: Path, *args: str, check: bool = True,
        env: dict | None = None) -> subprocess.CompletedProcess:
    """A command (dvc, git, ...) in `repo`, with `python` this venv's and the tiny data set as
    the only mirror that works."""
    env = stage_env(MNIST_MIRROR=str(repo.parent / "mirror"), **(env or {}))
    result = subprocess.run(args, cwd=repo, env=env, capture_output=True, text=True)
    if check and result.returncode != 0:
        raise AssertionError(f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def run_in_process(repo: Path, stage: str, check: bool = True) -> subprocess.CompletedProcess:
    """A stage of repo's dvc.yaml (`verify@tfjs` names a foreach one) run as its command says,
    but in this process (conftest.run_stage): what `dvc repro -s -f` would run, without its
    TensorFlow start-up. DVC then sees its outputs as changed."""
    name, _, key = stage.partition("@")
    definition = yaml.safe_load((repo / "dvc.yaml").read_text())["stages"][name]
    if key:
        definition = {"cmd": definition["do"]["cmd"].replace("${key}", key)
                      .replace("${item}", definition["foreach"][key])}
    _, _, module, *args = shlex.split(definition["cmd"])  # python -m stages.<name> args
    return run_stage(repo, module, *args, check=check)


def stages_run(output: str) -> list[str]:
    return [line.split("'")[1] for line in output.splitlines() if line.startswith("Running stage")]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def make_tiny_repo(root: Path) -> Path:
    """root/repo: a git + DVC repository holding this project's pipeline, DVC config and
    tiny-data params; root/mirror: the tiny data set, which only $MNIST_MIRROR points to."""
    digests = tiny_mnist(root / "mirror")
    repo = root / "repo"
    repo.mkdir()
    for name in ("dvc.yaml", ".gitignore"):
        shutil.copy(REPO / name, repo / name)
    for package in ("stages", "digits", "tools", "data/exported"):
        shutil.copytree(REPO / package, repo / package,
                        ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO / "web" / "tools", repo / "web" / "tools")
    # The page's sources: what web-build reads (test_deps keeps that list exact), and the
    # package.json that makes its .js files ES modules for Node.
    stages = yaml.safe_load((REPO / "dvc.yaml").read_text())["stages"]
    web_files = {dep for dep in stages["web-build"]["deps"]
                 if dep.startswith("web/") and not dep.startswith(("web/tools/", "web/model"))}
    for name in sorted(web_files | {"web/package.json"}):
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (shutil.copytree if (REPO / name).is_dir() else shutil.copy)(REPO / name, repo / name)
    (repo / "web" / "node_modules").symlink_to(REPO / "web" / "node_modules")
    settings = yaml.safe_load((REPO / "params.yaml").read_text())
    settings["download"]["files"] = digests
    settings["download"]["mirrors"] = [str(root / "no-such-mirror")]  # only $MNIST_MIRROR works
    settings["model"] = tiny_model_section()
    settings["train"].update(TINY_TRAIN)
    settings["nondigits"].update(TINY_NONDIGITS)
    settings["calibrate"]["epochs"] = 2
    # The tiny model's close outputs on noisy digits would let any quantization flip a top
    # digit; the quantized conversions have their own tests (test_convert.py).
    settings["tfjs"]["quantization"] = "none"
    settings["tflite"]["quantization"] = "none"
    (repo / "params.yaml").write_text(yaml.safe_dump(settings, sort_keys=False))
    writer_export(repo / WRITER_EXPORT, WRITER_DIGITS)
    run(repo, "git", "init", "-q")
    run(repo, "git", "config", "user.email", "test@example.org")
    run(repo, "git", "config", "user.name", "test")
    run(repo, "dvc", "init", "-q")
    for name in (".dvc/config", ".dvcignore"):
        shutil.copy(REPO / name, repo / name)
    run(repo, "git", "add", "-A")
    run(repo, "git", "commit", "-qm", "tiny pipeline")
    return repo


@pytest.fixture(scope="session")
def tiny_pipeline(tmp_path_factory) -> Path:
    """The tiny repository after one `dvc repro`, outputs committed; what the repro printed is
    in `repro.log` beside it. Never change it: take a `copy_of` it. Under pytest-xdist the
    first worker to ask builds it and the others wait for it, in the directory they share."""
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent
    root = shared / "tiny-pipeline"
    with FileLock(shared / "tiny-pipeline.lock"):
        if not (root / "repro.log").exists():
            shutil.rmtree(root, ignore_errors=True)  # a build that failed part way
            repo = make_tiny_repo(root)
            log = run(repo, "dvc", "repro").stdout
            run(repo, "git", "add", "-A")
            run(repo, "git", "commit", "-qm", "pipeline outputs")
            (root / "repro.log").write_text(log)
    return root / "repo"


def copy_of(tiny_pipeline: Path, root: Path) -> Path:
    """A copy of the reproduced tiny repository (its data mirror, cache and run-cache too)
    under `root`; returns the copy's repository."""
    shutil.copytree(tiny_pipeline.parent, root, symlinks=True,
                    ignore=shutil.ignore_patterns("dvc-storage"))
    return root / "repo"
