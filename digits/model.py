"""The CNN and its optimizer, built from params.yaml's model and train sections."""

from pathlib import Path

import keras

from .data import MNIST_SIZE
from .errors import PipelineError
from .params import Augmentation, ModelParams, TrainParams

INPUT_SHAPE = (MNIST_SIZE, MNIST_SIZE, 1)
NUM_CLASSES = 10


def _activated(x: keras.KerasTensor, layer: keras.layers.Layer, batch_norm: bool):
    """layer -> (batch norm) -> ReLU; with batch norm the layer's own bias is redundant."""
    x = layer(x)
    if batch_norm:
        x = keras.layers.BatchNormalization()(x)
    return keras.layers.ReLU()(x)


def build_model(params: ModelParams) -> keras.Model:
    """The deployable CNN: the image less `crop` pixels on each side, convolution blocks,
    each ending in 2x2 max pooling or a stride-2 convolution, then dropout, a dense layer,
    dropout and a softmax over the ten digits."""
    inputs = keras.Input(INPUT_SHAPE, name="image")
    x = keras.layers.Cropping2D(params.crop)(inputs) if params.crop else inputs
    for filters, kernel_size in zip(params.conv_filters, params.kernel_sizes, strict=True):
        for _ in range(params.convs_per_block):
            conv = keras.layers.Conv2D(filters, kernel_size, padding=params.padding,
                                       use_bias=not params.batch_norm)
            x = _activated(x, conv, params.batch_norm)
        if params.downsample == "strided":
            conv = keras.layers.Conv2D(filters, kernel_size, strides=2, padding="same",
                                       use_bias=not params.batch_norm)
            x = _activated(x, conv, params.batch_norm)
        else:
            x = keras.layers.MaxPooling2D()(x)
    x = keras.layers.Flatten()(x)
    x = keras.layers.Dropout(params.dropout)(x)
    dense = keras.layers.Dense(params.dense_units, use_bias=not params.batch_norm)
    x = _activated(x, dense, params.batch_norm)
    x = keras.layers.Dropout(params.dropout)(x)
    outputs = keras.layers.Dense(NUM_CLASSES, activation="softmax", name="probabilities")(x)
    return keras.Model(inputs, outputs, name="digits_cnn")


def with_augmentation(model: keras.Model, augment: Augmentation) -> keras.Model:
    """`model` behind random shifts, rotations and zooms that act only while training.

    Train this wrapper and save `model`: the layers share weights, and the deployable model
    (and every export of it) never contains the augmentation."""
    if not augment.enabled:
        return model
    layers = [
        keras.layers.RandomTranslation(augment.translation, augment.translation,
                                       fill_mode="constant"),
        keras.layers.RandomRotation(augment.rotation / 360, fill_mode="constant"),
        keras.layers.RandomZoom(augment.zoom, fill_mode="constant"),
    ]
    return keras.Sequential([keras.Input(INPUT_SHAPE), *layers, model], name="augmented")


def make_optimizer(name: str, learning_rate: float, schedule: str = "constant",
                   total_steps: int = 1, weight_averaging: float = 0.0
                   ) -> keras.optimizers.Optimizer:
    """The optimizer; `cosine` decays the rate to 1% of its start over `total_steps`.

    A `weight_averaging` momentum m > 0 keeps an exponential moving average of the weights
    (each step keeps m of the average) and writes it into the model when training ends."""
    if schedule == "cosine":
        learning_rate = keras.optimizers.schedules.CosineDecay(learning_rate, total_steps,
                                                               alpha=0.01)
    optimizers = {
        "adam": keras.optimizers.Adam,
        "adamw": keras.optimizers.AdamW,
        "nadam": keras.optimizers.Nadam,
        "rmsprop": keras.optimizers.RMSprop,
        "sgd": keras.optimizers.SGD,
    }
    averaging = {"use_ema": True, "ema_momentum": weight_averaging} if weight_averaging else {}
    return optimizers[name](learning_rate=learning_rate, **averaging)


def compile_for_training(model_params: ModelParams, train_params: TrainParams,
                         n_train: int) -> tuple[keras.Model, keras.Model]:
    """(model, trainer): the deployable model, and the compiled model to fit on `n_train`
    images, which wraps it behind the augmentation."""
    model = build_model(model_params)
    trainer = with_augmentation(model, model_params.augment)
    steps = train_params.epochs * -(-n_train // train_params.batch_size)
    trainer.compile(
        optimizer=make_optimizer(train_params.optimizer, train_params.learning_rate,
                                 train_params.lr_schedule, steps, train_params.weight_averaging),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model, trainer


def load_model(path: str | Path) -> keras.Model:
    """Load a .keras model, or raise a PipelineError saying how to restore it."""
    fix = f"fix: `dvc checkout {path}` restores the trained one (`dvc repro train` builds it)"
    if not Path(path).is_file():
        raise PipelineError(f"model {path} is missing; {fix}")
    try:
        return keras.models.load_model(path)
    except Exception as error:  # a damaged archive surfaces as many exception types
        raise PipelineError(f"cannot load model {path} ({type(error).__name__}: {error}); "
                            f"{fix}") from None
