"""The verify stages' comparison with the Keras probabilities that evaluate records."""

import numpy as np
import pytest

from digits.core.errors import PipelineError
from digits.deploy.parity import load_reference, parity_metrics


def test_a_reference_of_the_test_set_loads(tmp_path):
    probabilities = np.random.default_rng(0).random((4, 11)).astype(np.float32)
    np.save(tmp_path / "reference.npy", probabilities)
    np.testing.assert_array_equal(load_reference(tmp_path / "reference.npy", 4), probabilities)


@pytest.mark.parametrize(("content", "problem"), [
    (None, "is missing"),
    (b"not numpy", "is damaged"),
    (np.zeros((3, 11), np.float32), "holds outputs of shape (3, 11), not one row for each"),
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


def outputs(rows: list[tuple[float, float]]) -> np.ndarray:
    """Model outputs whose digit probabilities are (p0, 1 - p0) and not-a-digit's as given."""
    return np.array([[p0, 1 - p0, *[0.0] * 8, not_a_digit] for p0, not_a_digit in rows])


def test_parity_counts_agreement_on_digits_and_flags_and_the_largest_gap():
    # three test digits (labels 0, 1, 1), then two drawings that are no digit
    keras = outputs([(0.9, 0.0), (0.2, 0.1), (0.6, 0.2), (0.5, 0.9), (0.5, 0.7)])
    runtime = outputs([(0.8, 0.0), (0.3, 0.1), (0.4, 0.6), (0.5, 0.95), (0.5, 0.3)])
    metrics = parity_metrics(np.array([0, 1, 1]), keras, runtime)
    assert metrics["agreement"] == pytest.approx(2 / 3)  # the third digit read otherwise
    assert metrics["accuracy"] == 1.0
    assert metrics["flagged"] == pytest.approx(1 / 3)
    assert metrics["nondigits_flagged"] == 0.5
    assert metrics["flag_agreement"] == pytest.approx(3 / 5)
    assert metrics["nondigits_agreement"] == 0.5
    assert metrics["max_abs_diff"] == pytest.approx(0.4)
