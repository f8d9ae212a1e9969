"""A scratch copy of the project's pipeline on tiny data, for end-to-end DVC tests."""

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from tests.conftest import REPO, tiny_mnist, tiny_model_section

TINY_TRAIN = {"epochs": 1, "batch_size": 32}


def run(repo: Path, *args: str, check: bool = True,
        env: dict | None = None) -> subprocess.CompletedProcess:
    venv_bin = str(Path(sys.executable).parent)  # `python` in dvc.yaml must be this venv's
    env = {**os.environ, "PATH": venv_bin + os.pathsep + os.environ["PATH"],
           "MNIST_MIRROR": str(repo.parent / "mirror"), **(env or {})}
    result = subprocess.run(args, cwd=repo, env=env, capture_output=True, text=True)
    if check and result.returncode != 0:
        raise AssertionError(f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def stages_run(output: str) -> list[str]:
    return [line.split("'")[1] for line in output.splitlines() if line.startswith("Running stage")]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def set_param(repo: Path, section: str, key: str, value) -> None:
    params = yaml.safe_load((repo / "params.yaml").read_text())
    params[section][key] = value
    (repo / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))


def make_tiny_repo(root: Path) -> Path:
    """root/repo: a git + DVC repository holding this project's pipeline, DVC config and
    tiny-data params; root/mirror: the tiny data set, which only $MNIST_MIRROR points to."""
    digests = tiny_mnist(root / "mirror")
    repo = root / "repo"
    repo.mkdir()
    for name in ("dvc.yaml", ".gitignore"):
        shutil.copy(REPO / name, repo / name)
    for package in ("stages", "digits"):
        shutil.copytree(REPO / package, repo / package,
                        ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO / "web" / "tools", repo / "web" / "tools")
    for name in ("package.json", "package-lock.json"):
        shutil.copy(REPO / "web" / name, repo / "web" / name)
    (repo / "web" / "node_modules").symlink_to(REPO / "web" / "node_modules")
    params = yaml.safe_load((REPO / "params.yaml").read_text())
    params["download"]["files"] = digests
    params["download"]["mirrors"] = [str(root / "no-such-mirror")]  # only $MNIST_MIRROR works
    params["model"] = tiny_model_section()
    params["train"].update(TINY_TRAIN)
    (repo / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    run(repo, "git", "init", "-q")
    run(repo, "git", "config", "user.email", "test@example.org")
    run(repo, "git", "config", "user.name", "test")
    run(repo, "dvc", "init", "-q")
    shutil.copy(REPO / ".dvc" / "config", repo / ".dvc" / "config")
    run(repo, "git", "add", "-A")
    run(repo, "git", "commit", "-qm", "tiny pipeline")
    return repo
