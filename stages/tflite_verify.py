"""Run the LiteRT model on all test digits in the LiteRT interpreter and compare it with Keras."""

import argparse
import json
from pathlib import Path

import numpy as np
from ai_edge_litert.interpreter import Interpreter

from stages.digits import params
from stages.digits.atomic import atomic_output
from stages.digits.cli import PipelineError, run
from stages.digits.data import load_split, to_model_input
from stages.digits.model import load_model
from stages.digits.parity import parity_metrics, require_agreement

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

    images, labels = load_split(args.data, "t10k")
    inputs = to_model_input(images)
    keras_probs = load_model(args.keras).predict(inputs, batch_size=BATCH, verbose=0)
    metrics = parity_metrics(labels, keras_probs, predict_litert(args.tflite, inputs))
    metrics["size_bytes"] = Path(args.tflite).stat().st_size
    print(json.dumps(metrics))
    require_agreement("LiteRT", metrics, tflite.min_agreement[tflite.quantization],
                      "rerun `dvc repro -f tflite-convert`, or pick another tflite.quantization")
    with atomic_output(args.metrics) as tmp:
        tmp.write_text(json.dumps({"quantization": tflite.quantization, **metrics}, indent=2)
                       + "\n")


if __name__ == "__main__":
    run(main)
