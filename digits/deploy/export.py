"""Keras -> the deployable formats: a TF.js graph model (web) and a LiteRT flatbuffer (Android).

Both start from a SavedModel export: a Keras 3 model in the TF.js *layers* format does not
load in TF.js, while the *graph* format converted from a SavedModel does.
"""

import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from digits.core.errors import PipelineError, disk_full
from digits.core.native_logs import quiet_native_logs

TFJS_WEIGHT_DTYPES = {"none": None, "float16": {"float16": True}, "uint8": {"uint8": True}}


@contextmanager
def saved_model_for(converter: str, model: keras.Model) -> Iterator[Path]:
    """`model` exported as a SavedModel in a temporary directory, for a converter to read;
    whatever the converter raises inside the block becomes one PipelineError."""
    with tempfile.TemporaryDirectory() as scratch:
        saved_model = Path(scratch) / "saved_model"
        model.export(saved_model, verbose=False)
        try:
            yield saved_model
        except Exception as error:  # converters raise whatever TensorFlow or MLIR raised
            if disk_full(error):
                raise  # not the model's fault: run() says so
            raise PipelineError(f"the {converter} converter failed ({type(error).__name__}: "
                                f"{error}); fix: check models/model.keras (`dvc checkout --force "
                                "models/model.keras` restores the last good one)") from None


def convert_to_tfjs(model: keras.Model, out_dir: Path, quantization: str) -> None:
    """Write `model` as a TF.js graph model (model.json + shards) into the new `out_dir`."""
    # Imported here: tensorflowjs loads TensorFlow Decision Forests, which only this needs.
    from tensorflowjs.converters.tf_saved_model_conversion_v2 import convert_tf_saved_model

    with saved_model_for("tensorflowjs", model) as saved_model, quiet_native_logs():
        convert_tf_saved_model(str(saved_model), str(out_dir),
                               quantization_dtype_map=TFJS_WEIGHT_DTYPES[quantization])
    # The converter writes each node's attributes in another order on each run; with its keys
    # sorted, the same model gives the same bytes, so a forced rerun leaves dvc.lock as it was.
    model_json = Path(out_dir) / "model.json"
    graph = json.loads(model_json.read_text())
    model_json.write_text(json.dumps(graph, sort_keys=True, separators=(",", ":")))


def _configure_tflite(converter: tf.lite.TFLiteConverter, quantization: str,
                      calibration_images: np.ndarray) -> None:
    if quantization == "none":
        return
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    if quantization == "float16":
        converter.target_spec.supported_types = [tf.float16]
    elif quantization == "int8":
        def representative_dataset() -> Iterator[list[np.ndarray]]:
            for image in calibration_images:
                yield [image[np.newaxis]]

        converter.representative_dataset = representative_dataset
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        converter.inference_input_type = tf.int8
        converter.inference_output_type = tf.int8


def convert_to_tflite(model: keras.Model, quantization: str,
                      calibration_images: np.ndarray) -> bytes:
    """The LiteRT flatbuffer of `model`. Quantization `int8` is full-integer (int8 weights,
    activations, input and output) with ranges calibrated on `calibration_images`; the input
    and output scale and zero point are stored in the file."""
    with saved_model_for("TFLite", model) as saved_model:
        converter = tf.lite.TFLiteConverter.from_saved_model(str(saved_model))
        _configure_tflite(converter, quantization, calibration_images)
        with quiet_native_logs():
            return converter.convert()
