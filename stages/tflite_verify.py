"""Run the LiteRT model on all test digits in the LiteRT interpreter and compare it with Keras's;
measure it on the drawn digits too."""

import argparse
from functools import partial

from digits import params
from digits.drawn import write_drawn_metrics
from digits.errors import run
from digits.parity import verify_against_keras
from digits.runtimes.litert import predict_litert


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tflite", required=True, help="the .tflite model")
    parser.add_argument("--reference", required=True,
                        help="the Keras model's test-set probabilities (evaluate's .npy)")
    parser.add_argument("--data", required=True, help="directory of the MNIST IDX files")
    parser.add_argument("--drawn", required=True,
                        help="directory of the drawn MNIST digits (draw-mnist's)")
    parser.add_argument("--kept", required=True,
                        help="directory of the digits people kept (collect-kept's)")
    parser.add_argument("--metrics", required=True, help="metrics JSON to write")
    parser.add_argument("--drawn-metrics", required=True,
                        help="metrics JSON to write for the drawn digits")
    args = parser.parse_args()
    tflite = params.load("tflite", params.TfliteParams)
    checksums = params.load("download", params.DownloadParams).files

    predict = partial(predict_litert, args.tflite)
    verify_against_keras(
        "LiteRT", predict, args.tflite,
        args.reference, args.data, checksums, tflite.required_agreement,
        "pick another tflite.quantization, or `dvc repro -s tflite-convert` if the model is stale",
        args.metrics)
    write_drawn_metrics("LiteRT", predict, args.drawn, args.kept, args.drawn_metrics)


if __name__ == "__main__":
    run(main)
