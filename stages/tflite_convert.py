"""Convert the Keras model into the Android app's LiteRT (TFLite) model file.

Quantization `int8` is full-integer: int8 weights, activations, input and output, with
ranges calibrated on training images. The input/output scale and zero point are stored in
the file, where the app (and tflite-verify) read them.
"""

import argparse
from collections.abc import Iterator

import keras
import numpy as np
import tensorflow as tf

from stages.digits import params
from stages.digits.atomic import atomic_output
from stages.digits.cli import run
from stages.digits.data import load_split, to_model_input
from stages.digits.export import saved_model_for
from stages.digits.model import load_model


def configure(converter: tf.lite.TFLiteConverter, quantization: str,
              calibration_images: np.ndarray) -> None:
    """Set the converter up for one of params.TFLITE_QUANTIZATIONS."""
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


def calibration_set(data_dir: str, count: int, seed: int = 0) -> np.ndarray:
    """`count` training images, drawn at random but the same every run."""
    images, _ = load_split(data_dir, "train")
    chosen = np.random.default_rng(seed).choice(len(images), size=min(count, len(images)),
                                                replace=False)
    return to_model_input(images[np.sort(chosen)])


def convert_to_tflite(model: keras.Model, quantization: str,
                      calibration_images: np.ndarray) -> bytes:
    """The LiteRT flatbuffer of `model`; int8 calibrates on `calibration_images`."""
    with saved_model_for("TFLite", model) as saved_model:
        converter = tf.lite.TFLiteConverter.from_saved_model(str(saved_model))
        configure(converter, quantization, calibration_images)
        return converter.convert()

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", required=True, help="the trained .keras model")
    parser.add_argument("--data", required=True, help="MNIST IDX files, for int8 calibration")
    parser.add_argument("--out", required=True, help="the .tflite file to write")
    args = parser.parse_args()
    tflite = params.load("tflite", params.TfliteParams)

    model = load_model(args.model)
    calibration = (calibration_set(args.data, tflite.representative_images)
                   if tflite.quantization == "int8" else np.empty(0))
    flatbuffer = convert_to_tflite(model, tflite.quantization, calibration)
    with atomic_output(args.out) as tmp:
        tmp.write_bytes(flatbuffer)
    print(f"wrote {args.out}: {len(flatbuffer)} B, quantization {tflite.quantization}")


if __name__ == "__main__":
    run(main)
