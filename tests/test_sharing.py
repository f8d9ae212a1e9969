"""Share trained artifacts through DVC remotes: the default local one, exactly as the README
says, and an S3-protocol one (moto's server on 127.0.0.1)."""

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import boto3
import pytest

from tests.conftest import REPO
from tests.tiny_repo import copy_of, digest, run

pytestmark = pytest.mark.slow  # trains, converts or runs DVC, Node or a browser

ARTIFACTS = ["web/model/model.json", "web/model/group1-shard1of1.bin",
             "android/app/src/main/assets/digits.tflite", "models/model.keras",
             "data/mnist/train-images-idx3-ubyte"]


def readme_block(heading: str, number: int = 0) -> str:
    """A shell block (the first, or the `number`th) after a README heading, so that the test
    runs what users read."""
    readme = (REPO / "README.md").read_text()
    section = readme[readme.index(f"## {heading}\n"):]
    return re.findall(r"```sh\n(.*?)```", section, re.S)[number]


def run_script(script: str, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    venv_path = f"{Path(sys.executable).parent}:{os.environ['PATH']}"
    result = subprocess.run(["bash", "-euxc", script], cwd=cwd, capture_output=True, text=True,
                            env={**os.environ, "PATH": venv_path, **env})
    assert result.returncode == 0, result.stderr
    return result


@pytest.fixture(scope="module")
def trained(tiny_pipeline, tmp_path_factory) -> Path:
    return copy_of(tiny_pipeline, tmp_path_factory.mktemp("sharing") / "copy")


def test_the_readme_share_a_model_commands_restore_every_artifact_bit_for_bit(trained):
    script = readme_block("Share a model")
    assert "dvc push" in script and "dvc pull" in script
    result = run_script(script, trained, REPO_URL=str(trained))
    assert "Data and pipelines are up to date." in result.stdout
    clone = trained.parent / "mnist-clone"
    assert (trained.parent / "dvc-storage").is_dir()  # the default remote, beside the clones
    for artifact in ARTIFACTS:
        assert digest(clone / artifact) == digest(trained / artifact), artifact


def test_a_release_is_fetched_by_name_and_version_without_the_pipeline(trained, tmp_path):
    """`make release`, as the README says, then `dvc artifacts get` each model from an empty
    directory: the files of the tagged commit, bit for bit, and nothing is run."""
    shutil.copy(REPO / "Makefile", trained / "Makefile")  # committed: a release needs a clean tree
    run(trained, "git", "add", "Makefile")
    run(trained, "git", "commit", "--quiet", "--message", "the Makefile")
    run_script(readme_block("Release a model", 0), trained)
    tags = run(trained, "git", "tag").stdout.split()
    assert sorted(tags) == ["android-model@v1.0.0", "keras-model@v1.0.0", "web-model@v1.0.0"]
    # The tagged commit's site shows the release beside the model's hash; the models are as
    # they were (only web-build reran).
    assert run(trained, "git", "status", "--porcelain", "--untracked-files=no").stdout == ""
    tagged = json.loads(run(trained, "git", "show", "web-model@v1.0.0:reports/metrics/web.json")
                        .stdout)
    assert tagged["release"] == "v1.0.0"
    shown = f"v1.0.0 ({tagged['model_version']})"
    assert shown in (trained / "web" / "dist" / "app.js").read_text()
    released = {"keras-model": "models/model.keras", "web-model": "web/model",
                "android-model": "android/app/src/main/assets/digits.tflite"}
    originals = {name: files_of(trained / path) for name, path in released.items()}
    fetched = tmp_path / "elsewhere"
    fetched.mkdir()
    result = run_script(readme_block("Release a model", 1), fetched, REPO_URL=str(trained))
    assert "Running stage" not in result.stdout + result.stderr
    outputs = {"keras-model": "model.keras", "web-model": "web-model",
               "android-model": "digits.tflite"}
    assert {name: files_of(fetched / out) for name, out in outputs.items()} == originals


def files_of(path: Path) -> dict[str, str]:
    """Digests of a file, or of every file in a directory, by relative name."""
    if path.is_file():
        return {"": digest(path)}
    return {p.relative_to(path).as_posix(): digest(p) for p in sorted(path.rglob("*"))
            if p.is_file()}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def s3_endpoint():
    port = free_port()
    server = subprocess.Popen([str(Path(sys.executable).parent / "moto_server"),
                               "-H", "127.0.0.1", "-p", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_push_to_s3_wipe_and_pull_back(trained, s3_endpoint, monkeypatch):
    credentials = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                   "AWS_DEFAULT_REGION": "us-east-1"}
    for key, value in credentials.items():
        monkeypatch.setenv(key, value)
    boto3.client("s3", endpoint_url=s3_endpoint).create_bucket(Bucket="mnist")
    before = {artifact: digest(trained / artifact) for artifact in ARTIFACTS}
    run(trained, "dvc", "remote", "add", "--local", "s3", "s3://mnist/dvc")
    run(trained, "dvc", "remote", "modify", "--local", "s3", "endpointurl", s3_endpoint)
    run(trained, "dvc", "push", "-r", "s3")
    listed = boto3.client("s3", endpoint_url=s3_endpoint).list_objects_v2(Bucket="mnist")
    assert listed["KeyCount"] > 0

    shutil.rmtree(trained / ".dvc" / "cache")
    for directory in ("web/model", "models", "data/mnist"):
        shutil.rmtree(trained / directory)
    (trained / "android/app/src/main/assets/digits.tflite").unlink()
    run(trained, "dvc", "pull", "-r", "s3")
    assert {artifact: digest(trained / artifact) for artifact in ARTIFACTS} == before
    assert "Data and pipelines are up to date." in run(trained, "dvc", "status").stdout
