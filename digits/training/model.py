"""The CNN and its optimizer, built from params.yaml's model and train sections."""

import json
import os
import zipfile
from pathlib import Path

import keras
import numpy as np

from digits.core.dataset import BATCH, MNIST_SIZE, NUM_CLASSES, OUTPUTS
from digits.core.errors import PipelineError
from digits.core.params import Augmentation, ModelParams, TrainParams

INPUT_SHAPE = (MNIST_SIZE, MNIST_SIZE, 1)
# What a .keras archive records as its save time and its members' times, so that the same
# weights always give the same bytes (and a retrained model an unchanged dvc.lock).
_FIXED_DATE_SAVED = "1980-01-01@00:00:00"
_FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def _activated(x: keras.KerasTensor, layer: keras.layers.Layer, batch_norm: bool,
               name: str | None = None):
    """layer -> (batch norm) -> ReLU (`name`d); with batch norm the layer's own bias is
    redundant."""
    x = layer(x)
    if batch_norm:
        x = keras.layers.BatchNormalization()(x)
    return keras.layers.ReLU(name=name)(x)


def build_model(params: ModelParams) -> keras.Model:
    """The CNN: the image less `crop` pixels on each side, convolution blocks, each ending in
    2x2 max pooling or a stride-2 convolution (its output named `block<n>`), then dropout, a
    dense layer (`features`), dropout and a softmax over the ten digits."""
    inputs = keras.Input(INPUT_SHAPE, name="image")
    x = keras.layers.Cropping2D(params.crop)(inputs) if params.crop else inputs
    blocks = zip(params.conv_filters, params.kernel_sizes, strict=True)
    for number, (filters, kernel_size) in enumerate(blocks, start=1):
        for _ in range(params.convs_per_block):
            conv = keras.layers.Conv2D(filters, kernel_size, padding=params.padding,
                                       use_bias=not params.batch_norm)
            x = _activated(x, conv, params.batch_norm)
        if params.downsample == "strided":
            conv = keras.layers.Conv2D(filters, kernel_size, strides=2, padding="same",
                                       use_bias=not params.batch_norm)
            x = _activated(x, conv, params.batch_norm, name=f"block{number}")
        else:
            x = keras.layers.MaxPooling2D(name=f"block{number}")(x)
    x = keras.layers.Flatten()(x)
    x = keras.layers.Dropout(params.dropout)(x)
    dense = keras.layers.Dense(params.dense_units, use_bias=not params.batch_norm)
    x = _activated(x, dense, params.batch_norm, name="features")
    x = keras.layers.Dropout(params.dropout)(x)
    outputs = keras.layers.Dense(NUM_CLASSES, activation="softmax", name="probabilities")(x)
    return keras.Model(inputs, outputs, name="digits_cnn")


class RandomAffine(keras.layers.Layer):
    """Each training image rotated, zoomed and shifted at random about its centre in one
    bilinear resampling: Keras's RandomRotation, RandomZoom and RandomTranslation in one pass
    (a third of their work, and one interpolation's blur instead of three). Inactive outside
    training."""

    def __init__(self, augment: Augmentation, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.augment = augment
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, images, training=None):
        if not training:
            return images
        batch = keras.ops.shape(images)[0]
        size = float(MNIST_SIZE)

        def uniform(limit: float) -> keras.KerasTensor:
            return keras.random.uniform((batch,), -limit, limit, seed=self.seed_generator)

        angle = uniform(np.deg2rad(self.augment.rotation))
        scale = 1.0 + uniform(self.augment.zoom)
        shift_x, shift_y = (uniform(self.augment.translation) * size for _ in range(2))
        cos, sin = scale * keras.ops.cos(angle), scale * keras.ops.sin(angle)
        centre = (size - 1) / 2
        # Output pixel p reads the input at centre + scale * rotation(angle) (p - centre) + shift.
        zeros = keras.ops.zeros_like(angle)
        transform = keras.ops.stack([
            cos, -sin, centre - cos * centre + sin * centre + shift_x,
            sin, cos, centre - sin * centre - cos * centre + shift_y,
            zeros, zeros], axis=1)
        return keras.ops.image.affine_transform(images, transform, interpolation="bilinear",
                                                fill_mode="constant")


def with_augmentation(model: keras.Model, augment: Augmentation) -> keras.Model:
    """`model` behind random shifts, rotations and zooms that act only while training.

    Train this wrapper and save `model`: the layers share weights, and the deployable model
    (and every export of it) never contains the augmentation."""
    if not augment.enabled:
        return model
    return keras.Sequential([keras.Input(INPUT_SHAPE), RandomAffine(augment), model],
                            name="augmented")


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


def _renumber_shared_objects(config: object, numbers: dict[int, int]) -> object:
    """`config` with each `shared_object_id` (a Python object's id(): a memory address) given
    a number in order of first appearance; equal ids keep sharing one number."""
    if isinstance(config, dict):
        return {key: numbers.setdefault(value, len(numbers) + 1) if key == "shared_object_id"
                else _renumber_shared_objects(value, numbers) for key, value in config.items()}
    if isinstance(config, list):
        return [_renumber_shared_objects(value, numbers) for value in config]
    return config


def save_model(model: keras.Model, path: str | os.PathLike) -> None:
    """Save `model` as a .keras archive whose bytes depend only on the model: Keras stamps the
    save time into metadata.json and the members' times, and memory addresses into the config
    (`shared_object_id`), which are fixed or renumbered here."""
    model.save(path)
    with zipfile.ZipFile(path) as archive:
        members = [(info, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w") as archive:
        for info, data in members:
            if info.filename == "metadata.json":
                data = json.dumps({**json.loads(data), "date_saved": _FIXED_DATE_SAVED}).encode()
            elif info.filename == "config.json":
                data = json.dumps(_renumber_shared_objects(json.loads(data), {})).encode()
            fixed = zipfile.ZipInfo(info.filename, date_time=_FIXED_ZIP_TIME)
            fixed.compress_type = info.compress_type
            archive.writestr(fixed, data)


def load_model(path: str | Path, outputs: int = OUTPUTS, made_by: str = "calibrate"
               ) -> keras.Model:
    """Load a .keras model that reads a 28x28 greyscale digit and gives `outputs` values (the
    deployed model's: ten digits' probabilities and not-a-digit's; the CNN's: the ten), or raise
    a PipelineError saying what is wrong and how to restore the one the stage `made_by` made."""
    fix = (f"fix: `dvc checkout --force {path}` restores it (`dvc repro {made_by}` "
           "builds it)")
    if not Path(path).is_file():
        raise PipelineError(f"model {path} is missing; {fix}")
    if not zipfile.is_zipfile(path):
        raise PipelineError(f"model {path} is damaged (not a complete .keras archive); {fix}")
    try:
        model = keras.models.load_model(path)
    except Exception as error:  # a damaged archive surfaces as many exception types
        raise PipelineError(f"cannot load model {path} ({type(error).__name__}: {error}); "
                            f"{fix}") from None
    expected_input, expected_output = (None, *INPUT_SHAPE), (None, outputs)
    inputs, given = getattr(model, "input_shape", None), getattr(model, "output_shape", None)
    if tuple(inputs or ()) != expected_input or tuple(given or ()) != expected_output:
        raise PipelineError(f"model {path} maps input {inputs} to output {given}, not a "
                            f"{MNIST_SIZE}x{MNIST_SIZE}x1 digit to {outputs} values; {fix}")
    return model


def predict_keras(model: keras.Model, images: np.ndarray) -> np.ndarray:
    """Outputs (n, 11) from the deployed Keras model (or (n, 10) from the CNN) for float32
    images (n, 28, 28, 1)."""
    return model.predict(images, batch_size=BATCH, verbose=0)
