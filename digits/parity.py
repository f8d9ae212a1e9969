"""Compare a converted model's outputs with the Keras model's on the same test images (the
probabilities the evaluate stage records), without loading TensorFlow."""

import json
from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np

from .artifacts import model_version, size_bytes
from .atomic import atomic_output
from .data import load_split, to_model_input
from .errors import PipelineError


def parity_metrics(labels: np.ndarray, keras_probs: np.ndarray, runtime_probs: np.ndarray) -> dict:
    """Accuracy of the runtime, its top-1 agreement with Keras, the largest probability gap."""
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


def load_reference(path: str | Path, count: int) -> np.ndarray:
    """The Keras model's probabilities for the `count` test digits, as evaluate wrote them."""
    fix = f"fix: `dvc checkout --force {path}`, or `dvc repro -s evaluate` if that fails"
    try:
        probabilities = np.load(path, allow_pickle=False)
    except FileNotFoundError:
        raise PipelineError(f"the Keras reference {path} is missing; {fix}") from None
    except (OSError, ValueError) as error:
        raise PipelineError(f"the Keras reference {path} is damaged ({error}); {fix}") from None
    if probabilities.ndim != 2 or len(probabilities) != count:
        raise PipelineError(f"the Keras reference {path} holds probabilities of shape "
                            f"{probabilities.shape}, not one row for each of {count} test "
                            f"digits; {fix}")
    return probabilities


def verify_against_keras(runtime: str, predict: Callable[[np.ndarray], np.ndarray],
                         artifact: str, reference: str, data_dir: str,
                         checksums: Mapping[str, str], minimum: float, fix: str,
                         metrics_path: str) -> None:
    """Run `predict` (the converted model, `artifact`, in its runtime) on every test digit and
    compare it with the Keras model's probabilities in `reference`; write accuracy, agreement,
    size and the model's version as metrics, or fail if agreement is below `minimum`."""
    images, labels = load_split(data_dir, "t10k", checksums)
    keras_probs = load_reference(reference, len(labels))
    runtime_probs = predict(to_model_input(images))
    if runtime_probs.shape != keras_probs.shape:
        raise PipelineError(f"{artifact} returned probabilities of shape {runtime_probs.shape}, "
                            f"Keras {keras_probs.shape}; "
                            f"fix: `dvc checkout --force {artifact}`")
    metrics = parity_metrics(labels, keras_probs, runtime_probs)
    size = size_bytes(artifact)
    print(f"{runtime}: accuracy {metrics['accuracy']:.4f}, agreement with Keras "
          f"{metrics['agreement']:.4f}, largest probability gap {metrics['max_abs_diff']:.3g}, "
          f"{size} B")
    require_agreement(runtime, metrics, minimum, fix)
    with atomic_output(Path(metrics_path)) as tmp:
        summary = {"accuracy": metrics["accuracy"], "agreement": metrics["agreement"],
                   "size_bytes": size, "model_version": model_version(artifact)}
        tmp.write_text(json.dumps(summary, indent=2) + "\n")
