"""The deployed model: the CNN, its probabilities temperature-scaled, and not-a-digit."""

import re

import keras
import numpy as np
import pytest

from digits.core.dataset import NOT_A_DIGIT, NOT_A_DIGIT_AT, NUM_CLASSES
from digits.core.params import ModelParams
from digits.deploy.scores import calibration_error
from digits.training.model import build_model, load_model, save_model
from digits.training.notdigit import deployable, feature_tensor, fit_temperature, train_head
from tests.conftest import REPO

TINY = ModelParams(conv_filters=[4, 8], kernel_sizes=[3, 3], dense_units=8, dropout=0.0,
                   downsample="strided")


def overconfident(count: int, temperature: float, seed: int = 0
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Probabilities softmax(logits * temperature) for labels drawn from softmax(logits)."""
    rng = np.random.default_rng(seed)
    logits = rng.normal(0, 2, (count, NUM_CLASSES))
    truth = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    labels = np.array([rng.choice(NUM_CLASSES, p=row) for row in truth])
    sharp = np.exp(logits * temperature)
    return sharp / sharp.sum(axis=1, keepdims=True), labels


def test_the_fitted_temperature_undoes_overconfidence_and_lowers_the_calibration_error():
    probabilities, labels = overconfident(4000, temperature=3.0)
    temperature = fit_temperature(probabilities, labels)
    assert temperature == pytest.approx(3.0, rel=0.1)
    calibrated = probabilities ** (1 / temperature)
    calibrated /= calibrated.sum(axis=1, keepdims=True)
    assert calibration_error(calibrated, labels) < calibration_error(probabilities, labels) / 3


def test_the_deployed_model_reads_every_digit_as_the_cnn_and_adds_not_a_digit(tmp_path):
    keras.utils.set_random_seed(0)
    cnn = build_model(TINY)
    images = np.random.default_rng(1).random((64, 28, 28, 1)).astype(np.float32)
    features = keras.Model(cnn.input, feature_tensor(cnn)).predict(images, verbose=0)
    assert features.shape == (64, 2 * (4 + 8) + 8)  # mean and max per channel, then dense
    is_nondigit = np.arange(64) % 2 == 1
    head = train_head(features, is_nondigit, hidden_units=4, epochs=1)
    model = deployable(cnn, temperature=2.0, head=head)
    save_model(model, tmp_path / "model.keras")
    outputs = load_model(tmp_path / "model.keras").predict(images, verbose=0)

    cnn_probabilities = cnn.predict(images, verbose=0)
    assert outputs.shape == (64, NUM_CLASSES + 1)
    np.testing.assert_array_equal(outputs[:, :NUM_CLASSES].argmax(axis=1),
                                  cnn_probabilities.argmax(axis=1))
    np.testing.assert_allclose(outputs[:, :NUM_CLASSES].sum(axis=1), 1, rtol=1e-5)
    softer = np.sqrt(cnn_probabilities)  # softmax(logits / 2)
    np.testing.assert_allclose(outputs[:, :NUM_CLASSES],
                               softer / softer.sum(axis=1, keepdims=True), rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(outputs[:, NOT_A_DIGIT], head.predict(features, verbose=0)[:, 0],
                               rtol=1e-5, atol=1e-6)


def test_the_page_and_the_app_say_not_sure_where_the_pipeline_counts_a_flag():
    page = (REPO / "web/src/model.js").read_text()
    app = (REPO / "android/app/src/main/java/com/mnisteverywhere/digits/Prediction.kt").read_text()
    at = str(NOT_A_DIGIT_AT)
    assert re.search(r"export const NOT_A_DIGIT_AT = ([\d.]+);", page).group(1) == at
    assert re.search(r"const val NOT_A_DIGIT_AT = ([\d.]+)f", app).group(1) == at
    # the flag is the output after the ten digits in both
    assert re.search(r"const DIGITS = (\d+);", page).group(1) == str(NOT_A_DIGIT)
    assert re.search(r"const val DIGITS = (\d+)", app).group(1) == str(NOT_A_DIGIT)
