"""Convert the Keras model into the web page's TF.js graph model (model.json + weight shards)."""

import argparse
from pathlib import Path

from digits import params
from digits.atomic import atomic_output
from digits.errors import run
from digits.export import convert_to_tfjs
from digits.model import load_model


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
