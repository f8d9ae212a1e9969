"""The trained model in Keras, the reference the converted models are checked against."""

import numpy as np

from . import BATCH


def predict_keras(model, images: np.ndarray) -> np.ndarray:
    """Probabilities from a loaded Keras model."""
    return model.predict(images, batch_size=BATCH, verbose=0)
