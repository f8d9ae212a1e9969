"""The web page's model in TF.js, run in Node on the wasm backend the page uses, with the
same pinned @tensorflow/tfjs (web/package-lock.json)."""

import subprocess
import tempfile
from pathlib import Path

import numpy as np

from digits.core.errors import PipelineError

REPO = Path(__file__).resolve().parents[2]
NODE_TOOL = REPO / "web/tools/predict-batch.mjs"
NPM_LOCKFILE = REPO / "web/package-lock.json"


def ensure_node_modules() -> None:
    """Install the pinned npm packages if missing: `dvc exp run --queue/--temp` runs in a
    fresh copy of the repository, which has only what git tracks."""
    if (NPM_LOCKFILE.parent / "node_modules").is_dir():
        return
    try:
        subprocess.run(["npm", "ci", "--prefix", str(NPM_LOCKFILE.parent), "--no-audit",
                        "--no-fund"], check=True)
    except (FileNotFoundError, subprocess.CalledProcessError) as error:
        raise PipelineError(f"cannot install web/node_modules ({error}); fix: install "
                            "Node.js 20+ and npm, then run `npm ci --prefix web`") from None


def predict_tfjs(model_dir: str | Path, images: np.ndarray) -> np.ndarray:
    """Probabilities from the TF.js graph model in `model_dir`, run in Node on wasm."""
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
                                f"fix: `dvc checkout --force {model_dir}`")
        print(result.stdout.strip())
        return np.fromfile(outputs, np.float32).reshape(len(images), -1)
