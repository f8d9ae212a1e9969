"""Convert the Keras model into the Android app's LiteRT (TFLite) model file."""

import argparse

import numpy as np

from digits import params
from digits.atomic import atomic_output
from digits.data import calibration_set
from digits.errors import run
from digits.export import convert_to_tflite
from digits.model import load_model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", required=True, help="the trained .keras model")
    parser.add_argument("--data", required=True, help="MNIST IDX files, for int8 calibration")
    parser.add_argument("--out", required=True, help="the .tflite file to write")
    args = parser.parse_args()
    tflite = params.load("tflite", params.TfliteParams)
    checksums = params.load("download", params.DownloadParams).files

    model = load_model(args.model)
    calibration = (calibration_set(args.data, tflite.representative_images, checksums)
                   if tflite.quantization == "int8" else np.empty(0))
    flatbuffer = convert_to_tflite(model, tflite.quantization, calibration)
    with atomic_output(args.out) as tmp:
        tmp.write_bytes(flatbuffer)
    print(f"wrote {args.out}: {len(flatbuffer)} B, quantization {tflite.quantization}")


if __name__ == "__main__":
    run(main)
