"""Convert the Keras model into the web page's TF.js graph model (model.json + weight shards).

The Keras model is exported as a SavedModel and converted to the tfjs *graph* format: a
Keras 3 model in the tfjs *layers* format does not load in TF.js.
"""

import argparse
from pathlib import Path

import keras
from tensorflowjs.converters.tf_saved_model_conversion_v2 import convert_tf_saved_model

from stages.digits import params
from stages.digits.atomic import atomic_output
from stages.digits.cli import run
from stages.digits.export import saved_model_for
from stages.digits.model import load_model

WEIGHT_DTYPES = {"none": None, "float16": {"float16": True}, "uint8": {"uint8": True}}


def convert_to_tfjs(model: keras.Model, out_dir: Path, quantization: str) -> None:
    """Write `model` as a TF.js graph model (model.json + shards) into the new `out_dir`."""
    with saved_model_for("tensorflowjs", model) as saved_model:
        convert_tf_saved_model(str(saved_model), str(out_dir),
                               quantization_dtype_map=WEIGHT_DTYPES[quantization])

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", required=True, help="the trained .keras model")
    parser.add_argument("--out", required=True, help="directory for model.json and shards")
    args = parser.parse_args()
    tfjs = params.load("tfjs", params.TfjsParams)

    model = load_model(args.model)
    with atomic_output(args.out) as out:
        convert_to_tfjs(model, out, tfjs.quantization)
    files = sorted(Path(args.out).iterdir())
    print(f"wrote {args.out}: " + ", ".join(f"{f.name} ({f.stat().st_size} B)" for f in files))


if __name__ == "__main__":
    run(main)
