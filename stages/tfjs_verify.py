"""Run the TF.js model on all test digits in Node (wasm backend) and compare it with Keras."""

import argparse
import subprocess
import tempfile
from pathlib import Path

import numpy as np

from stages.digits import params
from stages.digits.cli import PipelineError, run
from stages.digits.parity import verify_against_keras

WEB = Path(__file__).resolve().parent.parent / "web"
NODE_TOOL = WEB / "tools" / "predict-batch.mjs"


def ensure_node_modules() -> None:
    """Install the pinned npm packages if missing: `dvc exp run --queue/--temp` runs in a
    fresh copy of the repository, which has only what git tracks."""
    if (WEB / "node_modules").is_dir():
        return
    try:
        subprocess.run(["npm", "ci", "--prefix", str(WEB), "--no-audit", "--no-fund"],
                       check=True)
    except (FileNotFoundError, subprocess.CalledProcessError) as error:
        raise PipelineError(f"cannot install web/node_modules ({error}); fix: install "
                            "Node.js 20+ and npm, then run `npm ci --prefix web`") from None


def predict_in_node(model_dir: str | Path, images: np.ndarray) -> np.ndarray:
    """Probabilities (n, 10) from TF.js in Node for float32 images (n, 28, 28, 1)."""
    ensure_node_modules()
    with tempfile.TemporaryDirectory() as scratch:
        inputs, outputs = Path(scratch) / "images.f32", Path(scratch) / "probabilities.f32"
        images.astype(np.float32).tofile(inputs)
        try:
            result = subprocess.run(["node", str(NODE_TOOL), str(model_dir), str(inputs),
                                     str(outputs)], capture_output=True, text=True)
        except FileNotFoundError:
            raise PipelineError("node is not installed; fix: install Node.js 20 or newer") \
                from None
        if result.returncode != 0:
            lines = result.stderr.strip().splitlines() or ["no output"]
            problem = next((line for line in lines if "rror" in line), lines[-1])
            raise PipelineError(f"TF.js could not run {model_dir} ({problem}); "
                                "fix: `npm ci --prefix web`, then `dvc repro -f tfjs-convert`")
        print(result.stdout.strip())
        return np.fromfile(outputs, np.float32).reshape(len(images), -1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model-dir", required=True, help="the TF.js model directory")
    parser.add_argument("--keras", required=True, help="the .keras model it was made from")
    parser.add_argument("--data", required=True, help="directory of the MNIST IDX files")
    parser.add_argument("--metrics", required=True, help="metrics JSON to write")
    args = parser.parse_args()
    tfjs = params.load("tfjs", params.TfjsParams)

    size = sum(f.stat().st_size for f in Path(args.model_dir).iterdir())
    verify_against_keras(
        "TF.js", lambda inputs: predict_in_node(args.model_dir, inputs), args.keras, args.data,
        size, tfjs.quantization, tfjs.min_agreement[tfjs.quantization],
        "rerun `dvc repro -f tfjs-convert`, or pick another tfjs.quantization", args.metrics)

if __name__ == "__main__":
    run(main)
