"""Run the LiteRT model on all test digits in the LiteRT interpreter and compare it with Keras."""

import argparse
from pathlib import Path

import numpy as np
from ai_edge_litert.interpreter import Interpreter

from stages.digits import params
from stages.digits.cli import PipelineError, run
from stages.digits.parity import verify_against_keras

BATCH = 1000


def predict_litert(model_path: str | Path, images: np.ndarray) -> np.ndarray:
    """Probabilities (n, 10) from LiteRT, quantizing the input and dequantizing the output
    with the scale and zero point stored in the model, as the Android app does."""
    try:
        interpreter = Interpreter(model_path=str(model_path))
    except (ValueError, RuntimeError) as error:
        raise PipelineError(f"LiteRT cannot load {model_path} ({error}); "
                            "fix: rerun `dvc repro -f tflite-convert`") from None
    source, target = interpreter.get_input_details()[0], interpreter.get_output_details()[0]
    in_scale, in_zero = source["quantization"]
    out_scale, out_zero = target["quantization"]
    results = []
    for start in range(0, len(images), BATCH):
        batch = images[start:start + BATCH]
        if in_scale:
            info = np.iinfo(source["dtype"])
            batch = np.clip(np.round(batch / in_scale + in_zero), info.min, info.max)
        interpreter.resize_tensor_input(source["index"], batch.shape)
        interpreter.allocate_tensors()
        interpreter.set_tensor(source["index"], batch.astype(source["dtype"]))
        interpreter.invoke()
        output = interpreter.get_tensor(target["index"]).astype(np.float32)
        results.append((output - out_zero) * out_scale if out_scale else output)
    return np.concatenate(results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tflite", required=True, help="the .tflite model")
    parser.add_argument("--keras", required=True, help="the .keras model it was made from")
    parser.add_argument("--data", required=True, help="directory of the MNIST IDX files")
    parser.add_argument("--metrics", required=True, help="metrics JSON to write")
    args = parser.parse_args()
    tflite = params.load("tflite", params.TfliteParams)

    verify_against_keras(
        "LiteRT", lambda inputs: predict_litert(args.tflite, inputs), args.keras, args.data,
        Path(args.tflite).stat().st_size, tflite.quantization,
        tflite.min_agreement[tflite.quantization],
        "rerun `dvc repro -f tflite-convert`, or pick another tflite.quantization", args.metrics)

if __name__ == "__main__":
    run(main)
