"""Compare a converted model's outputs with the Keras model's on the same test images."""

import numpy as np

from .cli import PipelineError


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
