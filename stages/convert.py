"""Convert the Keras model for a runtime: `tfjs`, the web page's TF.js graph model (model.json
and weight shards), or `tflite`, the Android app's LiteRT flatbuffer."""

import argparse

import numpy as np

from digits.core import params
from digits.core.atomic import atomic_output
from digits.core.dataset import calibration_set, verify_mnist
from digits.core.errors import run
from digits.deploy.artifacts import files_of, size_bytes
from digits.deploy.export import convert_to_tfjs, convert_to_tflite
from digits.training.model import load_model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("runtime", choices=("tfjs", "tflite"))
    parser.add_argument("--model", required=True, help="the trained .keras model")
    parser.add_argument("--out", required=True,
                        help="the folder (tfjs) or the .tflite file (tflite) to write")
    parser.add_argument("--data", help="MNIST IDX files, for tflite's int8 calibration")
    args = parser.parse_args()

    model = load_model(args.model)
    if args.runtime == "tfjs":
        quantization = params.load("tfjs", params.TfjsParams).quantization
        with atomic_output(args.out) as out:
            convert_to_tfjs(model, out, quantization)
    else:
        tflite = params.load("tflite", params.TfliteParams)
        quantization = tflite.quantization
        calibration = np.empty(0)
        if quantization == "int8":
            checksums = params.load("download", params.DownloadParams).files
            verify_mnist(args.data, checksums)
            calibration = calibration_set(args.data, tflite.representative_images, checksums)
        flatbuffer = convert_to_tflite(model, quantization, calibration)
        with atomic_output(args.out) as tmp:
            tmp.write_bytes(flatbuffer)
    files = ", ".join(f"{file.name} ({file.stat().st_size} B)" for file in files_of(args.out))
    print(f"wrote {args.out}: {files}; {size_bytes(args.out)} B, quantization {quantization}")


if __name__ == "__main__":
    run(main)
