"""Run the TF.js model on all test digits in Node (wasm backend) and compare it with Keras's;
measure it on the drawn digits too."""

import argparse
from functools import partial

from digits import params
from digits.drawn import write_drawn_metrics
from digits.errors import run
from digits.parity import verify_against_keras
from digits.runtimes.tfjs import predict_tfjs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model-dir", required=True, help="the TF.js model directory")
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
    tfjs = params.load("tfjs", params.TfjsParams)
    checksums = params.load("download", params.DownloadParams).files

    predict = partial(predict_tfjs, args.model_dir)
    verify_against_keras(
        "TF.js", predict, args.model_dir,
        args.reference, args.data, checksums, tfjs.required_agreement,
        "pick another tfjs.quantization, or `dvc repro -s tfjs-convert` if the model is stale",
        args.metrics)
    write_drawn_metrics("TF.js", predict, args.drawn, args.kept, args.drawn_metrics)


if __name__ == "__main__":
    run(main)
