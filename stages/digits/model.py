"""The CNN and its optimizer, built from params.yaml's model and train sections."""

from pathlib import Path

import keras

from .cli import PipelineError
from .params import ModelParams

INPUT_SHAPE = (28, 28, 1)
NUM_CLASSES = 10


def build_model(params: ModelParams) -> keras.Model:
    """Convolution + pooling blocks, then dropout, a dense layer, dropout and a softmax."""
    inputs = keras.Input(INPUT_SHAPE, name="image")
    x = inputs
    for filters, kernel_size in zip(params.conv_filters, params.kernel_sizes, strict=True):
        x = keras.layers.Conv2D(filters, kernel_size, padding="same", activation="relu")(x)
        x = keras.layers.MaxPooling2D()(x)
    x = keras.layers.Flatten()(x)
    x = keras.layers.Dropout(params.dropout)(x)
    x = keras.layers.Dense(params.dense_units, activation="relu")(x)
    x = keras.layers.Dropout(params.dropout)(x)
    outputs = keras.layers.Dense(NUM_CLASSES, activation="softmax", name="probabilities")(x)
    return keras.Model(inputs, outputs, name="digits_cnn")


def make_optimizer(name: str, learning_rate: float) -> keras.optimizers.Optimizer:
    optimizers = {
        "adam": keras.optimizers.Adam,
        "adamw": keras.optimizers.AdamW,
        "nadam": keras.optimizers.Nadam,
        "rmsprop": keras.optimizers.RMSprop,
        "sgd": keras.optimizers.SGD,
    }
    return optimizers[name](learning_rate=learning_rate)


def load_model(path: str | Path) -> keras.Model:
    """Load a .keras model, or raise a PipelineError saying how to rebuild it."""
    if not Path(path).is_file():
        raise PipelineError(f"model {path} is missing; fix: run `dvc repro train`")
    try:
        return keras.models.load_model(path)
    except Exception as error:  # a damaged archive surfaces as many exception types
        raise PipelineError(f"cannot load model {path} ({type(error).__name__}: {error}); "
                            "fix: run `dvc repro -f train`") from None
