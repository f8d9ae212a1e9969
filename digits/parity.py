"""Compare a converted model's outputs with the Keras model's on the same test images."""

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np

from .atomic import atomic_output
from .data import load_split, to_model_input
from .errors import PipelineError
from .export import model_version
from .model import load_model
from .runtimes.keras import predict_keras


def parity_metrics(labels: np.ndarray, keras_probs: np.ndarray, runtime_probs: np.ndarray) -> dict:
    """Accuracy of the runtime, its top-1 agreement with Keras, the largest probability gap."""
    if runtime_probs.shape != keras_probs.shape:
        raise PipelineError(f"the converted model returned shape {runtime_probs.shape}, "
                            f"Keras {keras_probs.shape}; fix: rerun the convert stage")
    predictions = runtime_probs.argmax(axis=1)
    return {
        "accuracy": float(np.mean(predictions == labels)),
        "agreement": float(np.mean(predictions == keras_probs.argmax(axis=1))),
        "max_abs_diff": float(np.max(np.abs(runtime_probs - keras_probs))),
    }


def require_agreement(runtime: str, metrics: dict, minimum: float, fix: str) -> None:
    """Fail the stage when the converted model disagrees with Keras too often."""
    if metrics["agreement"] < minimum:
        raise PipelineError(
            f"{runtime} agrees with Keras on {metrics['agreement']:.2%} of test digits, "
            f"below the {minimum:.2%} required (accuracy {metrics['accuracy']:.2%}, "
            f"largest probability gap {metrics['max_abs_diff']:.3g}); fix: {fix}")


def verify_against_keras(runtime: str, predict: Callable[[np.ndarray], np.ndarray],
                         artifact: str, keras_model: str, data_dir: str,
                         minimum: float, fix: str, metrics_path: str) -> None:
    """Run `predict` (the converted model, `artifact`, in its runtime) and Keras on every test
    digit; write accuracy, agreement, size and the model's version as metrics, or fail if
    agreement is below `minimum`."""
    path = Path(artifact)
    size_bytes = sum(f.stat().st_size for f in path.iterdir()) if path.is_dir() \
        else path.stat().st_size
    images, labels = load_split(data_dir, "t10k")
    inputs = to_model_input(images)
    keras_probs = predict_keras(load_model(keras_model), inputs)
    metrics = parity_metrics(labels, keras_probs, predict(inputs))
    print(f"{runtime}: accuracy {metrics['accuracy']:.4f}, agreement with Keras "
          f"{metrics['agreement']:.4f}, largest probability gap {metrics['max_abs_diff']:.3g}, "
          f"{size_bytes} B")
    require_agreement(runtime, metrics, minimum, fix)
    with atomic_output(Path(metrics_path)) as tmp:
        summary = {"accuracy": metrics["accuracy"], "agreement": metrics["agreement"],
                   "size_bytes": size_bytes, "model_version": model_version(path)}
        tmp.write_text(json.dumps(summary, indent=2) + "\n")
