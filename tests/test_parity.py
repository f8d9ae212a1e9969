"""The verify stages' comparison with the Keras probabilities that evaluate records."""

import numpy as np
import pytest

from digits.core.errors import PipelineError
from digits.deploy.parity import load_reference, parity_metrics


def test_a_reference_of_the_test_set_loads(tmp_path):
    probabilities = np.random.default_rng(0).random((4, 10)).astype(np.float32)
    np.save(tmp_path / "reference.npy", probabilities)
    np.testing.assert_array_equal(load_reference(tmp_path / "reference.npy", 4), probabilities)


@pytest.mark.parametrize(("content", "problem"), [
    (None, "is missing"),
    (b"not numpy", "is damaged"),
    (np.zeros((3, 10), np.float32), "holds probabilities of shape (3, 10), not one row for each"),
])
def test_a_missing_damaged_or_stale_reference_names_the_fix(tmp_path, content, problem):
    path = tmp_path / "reference.npy"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        np.save(path, content)
    with pytest.raises(PipelineError) as error:
        load_reference(path, 4)
    assert f"the Keras reference {path} {problem}" in str(error.value)
    assert str(error.value).endswith(f"fix: `dvc checkout --force {path}`, or "
                                     "`dvc repro -s evaluate` if that fails")


def test_parity_counts_agreement_and_the_largest_gap():
    keras = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]])
    runtime = np.array([[0.8, 0.2], [0.3, 0.7], [0.4, 0.6]])
    metrics = parity_metrics(np.array([0, 1, 1]), keras, runtime)
    assert metrics["agreement"] == pytest.approx(2 / 3)
    assert metrics["accuracy"] == 1.0
    assert metrics["max_abs_diff"] == pytest.approx(0.2)
