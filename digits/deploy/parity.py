"""Compare a converted model's outputs with the Keras model's on the same test images (the
probabilities the evaluate stage records), without loading TensorFlow."""

from pathlib import Path

import numpy as np

from digits.core.errors import PipelineError
from digits.deploy.artifacts import size_bytes


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


def check_against_keras(runtime: str, model: str, probabilities: np.ndarray, labels: np.ndarray,
                        reference: str, *, minimum: float, fix: str) -> dict:
    """Compare a converted model's probabilities (`model` read in `runtime`) on the test digits
    with the Keras model's in `reference`: print and return the parity metrics, or fail if they
    agree on fewer than `minimum` of the digits."""
    keras_probs = load_reference(reference, len(labels))
    if probabilities.shape != keras_probs.shape:
        raise PipelineError(f"{model} returned probabilities of shape {probabilities.shape}, "
                            f"Keras {keras_probs.shape}; fix: `dvc checkout --force {model}`")
    metrics = parity_metrics(labels, keras_probs, probabilities)
    print(f"{runtime}: accuracy {metrics['accuracy']:.4f}, agreement with Keras "
          f"{metrics['agreement']:.4f}, largest probability gap {metrics['max_abs_diff']:.3g}, "
          f"{size_bytes(model)} B")
    require_agreement(runtime, metrics, minimum, fix)
    return metrics
