"""Share trained artifacts through DVC remotes: the default local one, exactly as the README
says, and an S3-protocol one (moto's server on 127.0.0.1)."""

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
from tests.tiny_repo import digest, make_tiny_repo, run

ARTIFACTS = ["web/model/model.json", "web/model/group1-shard1of1.bin",
             "android/app/src/main/assets/digits.tflite", "models/model.keras",
             "data/mnist/train-images-idx3-ubyte"]


def readme_block(heading: str) -> str:
    """The first shell block after a README heading, so the test runs what users read."""
    readme = (REPO / "README.md").read_text()
    section = readme[readme.index(f"## {heading}\n"):]
    return re.search(r"```sh\n(.*?)```", section, re.S).group(1)


@pytest.fixture(scope="module")
def trained(tmp_path_factory) -> Path:
    repo = make_tiny_repo(tmp_path_factory.mktemp("sharing"))
    run(repo, "dvc", "repro")
    run(repo, "git", "add", "-A")
    run(repo, "git", "commit", "-qm", "trained")
    return repo


def test_the_readme_share_a_model_commands_restore_every_artifact_bit_for_bit(trained):
    script = readme_block("Share a model")
    assert "dvc push" in script and "dvc pull" in script
    result = subprocess.run(["bash", "-euxc", script], cwd=trained, capture_output=True,
                            text=True, env={**os.environ, "REPO_URL": str(trained),
                                            "PATH": f"{Path(sys.executable).parent}:"
                                                    f"{os.environ['PATH']}"})
    assert result.returncode == 0, result.stderr
    assert "Data and pipelines are up to date." in result.stdout
    clone = trained.parent / "mnist-clone"
    assert (trained.parent / "dvc-storage").is_dir()  # the default remote, beside the clones
    for artifact in ARTIFACTS:
        assert digest(clone / artifact) == digest(trained / artifact), artifact


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
