"""The deployed model: the trained CNN with its digit probabilities calibrated and an eleventh
output, the probability that the drawing is no digit at all.

Both are fitted after training with the CNN frozen, so every digit reads exactly as the CNN
reads it. Calibration is temperature scaling (one number dividing the logits, fitted to the
held-out digits' log-likelihood): a shown 90% then holds about 90% of the time. The
not-a-digit output is a small network on the CNN's own features at every depth (each block's
mean and largest activation per channel, and the dense layer's), trained on the digits against
draw-nondigits' drawings."""

import keras
import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import log_softmax

from digits.core.dataset import NUM_CLASSES
from digits.training.callbacks import TrainingProgress

HEAD_BATCH = 256


def feature_tensor(cnn: keras.Model) -> keras.KerasTensor:
    """The CNN's features the not-a-digit output reads: per channel, the mean and maximum of
    each block's output (build_model names them block1, block2, ...), and the dense layer."""
    blocks = [layer.output for layer in cnn.layers if layer.name.startswith("block")]
    pooled = [pool()(block) for block in blocks
              for pool in (keras.layers.GlobalAveragePooling2D, keras.layers.GlobalMaxPooling2D)]
    dense = cnn.get_layer("features").output
    return keras.layers.Concatenate(name="all_features")([*pooled, dense])


def fit_temperature(probabilities: np.ndarray, labels: np.ndarray) -> float:
    """The temperature T that makes softmax(logits / T) most likely on these digits."""
    logits = np.log(np.clip(probabilities, 1e-30, 1.0))  # the logits, up to a shift per row

    def loss(log_temperature: float) -> float:
        scaled = log_softmax(logits / np.exp(log_temperature), axis=1)
        return -float(np.mean(scaled[np.arange(len(labels)), labels]))

    return float(np.exp(minimize_scalar(loss, bounds=(-3, 3), method="bounded").x))


def train_head(features: np.ndarray, is_nondigit: np.ndarray, hidden_units: int, epochs: int
               ) -> keras.Model:
    """A network from feature vectors to the probability of no digit: one hidden ReLU layer,
    a sigmoid; the two kinds weigh the same however many of each there are."""
    head = keras.Sequential([
        keras.Input(features.shape[1:]),
        keras.layers.Dense(hidden_units, activation="relu", name="not_a_digit_hidden"),
        keras.layers.Dense(1, activation="sigmoid", name="not_a_digit")])
    head.compile(optimizer=keras.optimizers.Adam(1e-3), loss="binary_crossentropy")
    counts = np.bincount(is_nondigit.astype(int), minlength=2)
    weights = {kind: len(is_nondigit) / (2 * max(count, 1)) for kind, count in enumerate(counts)}
    head.fit(features, is_nondigit.astype(np.float32), epochs=epochs, batch_size=HEAD_BATCH,
             class_weight=weights, verbose=0, shuffle=True,
             callbacks=[TrainingProgress(epochs, -(-len(features) // HEAD_BATCH), "calibrate")])
    return head


def deployable(cnn: keras.Model, temperature: float, head: keras.Model) -> keras.Model:
    """One model from image to eleven outputs: the ten digits' probabilities from the CNN's
    logits divided by `temperature`, then `head`'s probability of no digit."""
    last = cnn.get_layer("probabilities")  # the CNN's softmax layer, whose logits are scaled
    logits = keras.layers.Dense(NUM_CLASSES, name="logits")
    scaled = keras.layers.Rescaling(1 / temperature, name="temperature")(
        logits(cnn.get_layer("features").output))
    digits = keras.layers.Softmax(name="digits")(scaled)
    logits.set_weights(last.get_weights())
    not_a_digit = feature_tensor(cnn)
    for layer in head.layers:
        not_a_digit = layer(not_a_digit)
    outputs = keras.layers.Concatenate(name="probabilities_and_not_a_digit")([digits, not_a_digit])
    return keras.Model(cnn.input, outputs, name="digits_reader")
