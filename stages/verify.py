"""Run a converted model in its runtime (`tfjs`: TF.js in Node on the page's wasm backend;
`tflite`: the LiteRT interpreter, as the app quantizes) on every MNIST test digit and every test
drawing that is no digit, compare it with Keras's outputs, and measure it on the drawn digits
too."""

import json
from functools import partial

import numpy as np

from digits.core import params
from digits.core.atomic import atomic_output
from digits.core.cli import stage_parser
from digits.core.dataset import load_nondigits, load_split, to_model_input, verify_mnist
from digits.core.errors import run
from digits.deploy.artifacts import model_version, size_bytes
from digits.deploy.parity import check_against_keras
from digits.deploy.runtimes import RUNTIMES
from digits.deploy.scores import write_drawn_metrics, write_nodigit_metrics


def main() -> None:
    parser = stage_parser(__doc__, "data", "drawn", "kept", "nondigits", "metrics",
                          "drawn-metrics", "nodigit-metrics")
    parser.add_argument("runtime", choices=RUNTIMES)
    parser.add_argument("--model", required=True, help="the converted model (folder or file)")
    parser.add_argument("--reference", required=True,
                        help="the Keras model's outputs on the test drawings (evaluate's .npy)")
    args = parser.parse_args()
    runtime = RUNTIMES[args.runtime]
    settings = params.load(args.runtime, runtime.params)
    checksums = params.load("download", params.DownloadParams).files
    verify_mnist(args.data, checksums)

    images, labels = load_split(args.data, "t10k", checksums)
    predict = partial(runtime.predict, args.model)
    metrics = check_against_keras(
        runtime.title, args.model,
        predict(to_model_input(np.concatenate([images, load_nondigits(args.nondigits, "test")]))),
        labels, args.reference,
        minimum=settings.required_agreement,
        fix=f"pick another {args.runtime}.quantization, or `dvc repro -s {args.runtime}-convert` "
            "if the model is stale")
    with atomic_output(args.metrics) as tmp:
        summary = {**{key: metrics[key] for key in ("accuracy", "agreement", "ece", "flagged")},
                   "size_bytes": size_bytes(args.model), "model_version": model_version(args.model)}
        tmp.write_text(json.dumps(summary, indent=2) + "\n")
    write_nodigit_metrics(metrics["nondigits_flagged"], args.nodigit_metrics,
                          agreement=metrics["nondigits_agreement"])
    write_drawn_metrics(runtime.title, predict, args.drawn, args.kept, args.drawn_metrics)


if __name__ == "__main__":
    run(main)
