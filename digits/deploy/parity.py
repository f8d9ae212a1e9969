"""Compare a converted model's outputs with the Keras model's on the same test images (the
probabilities the evaluate stage records), without loading TensorFlow."""

from pathlib import Path

import numpy as np

from digits.core.errors import PipelineError
from digits.deploy.artifacts import size_bytes
from digits.deploy.scores import digit_metrics, flagged, reads


def parity_metrics(labels: np.ndarray, keras_outputs: np.ndarray, runtime_outputs: np.ndarray
                   ) -> dict:
    """On outputs for the labelled test digits then the drawings that are no digit: the
    runtime's digit metrics and the share of no-digit drawings it flags, how often it reads the
    same digit as Keras and flags the same drawings, and the largest gap between their
    outputs."""
    digits = len(labels)
    return {
        **digit_metrics(runtime_outputs[:digits], labels),
        "nondigits_flagged": float(np.mean(flagged(runtime_outputs[digits:]))),
        "agreement": float(np.mean(reads(runtime_outputs[:digits])
                                   == reads(keras_outputs[:digits]))),
        "flag_agreement": float(np.mean(flagged(runtime_outputs) == flagged(keras_outputs))),
        "nondigits_agreement": float(np.mean(flagged(runtime_outputs[digits:])
                                             == flagged(keras_outputs[digits:]))),
        "max_abs_diff": float(np.max(np.abs(runtime_outputs - keras_outputs))),
    }


def require_agreement(runtime: str, metrics: dict, minimum: float, fix: str) -> None:
    """Fail the stage when the converted model disagrees with Keras too often."""
    worst = min(metrics["agreement"], metrics["flag_agreement"])
    if worst < minimum:
        raise PipelineError(
            f"{runtime} agrees with Keras on {metrics['agreement']:.2%} of test digits and flags "
            f"{metrics['flag_agreement']:.2%} of test drawings alike, below the {minimum:.2%} "
            f"required (accuracy {metrics['accuracy']:.2%}, largest probability gap "
            f"{metrics['max_abs_diff']:.3g}); fix: {fix}")


def load_reference(path: str | Path, count: int) -> np.ndarray:
    """The Keras model's outputs for the `count` test drawings, as evaluate wrote them."""
    fix = f"fix: `dvc checkout --force {path}`, or `dvc repro -s evaluate` if that fails"
    try:
        probabilities = np.load(path, allow_pickle=False)
    except FileNotFoundError:
        raise PipelineError(f"the Keras reference {path} is missing; {fix}") from None
    except (OSError, ValueError) as error:
        raise PipelineError(f"the Keras reference {path} is damaged ({error}); {fix}") from None
    if probabilities.ndim != 2 or len(probabilities) != count:
        raise PipelineError(f"the Keras reference {path} holds outputs of shape "
                            f"{probabilities.shape}, not one row for each of {count} test "
                            f"drawings; {fix}")
    return probabilities


def check_against_keras(runtime: str, model: str, outputs: np.ndarray, labels: np.ndarray,
                        reference: str, *, minimum: float, fix: str) -> dict:
    """Compare a converted model's outputs (`model` read in `runtime`) on the test digits, then
    the test drawings that are no digit, with the Keras model's in `reference`: print and return
    the parity metrics, or fail if they agree on fewer than `minimum` of either."""
    keras_outputs = load_reference(reference, len(outputs))
    if outputs.shape != keras_outputs.shape:
        raise PipelineError(f"{model} returned outputs of shape {outputs.shape}, Keras "
                            f"{keras_outputs.shape}; fix: `dvc checkout --force {model}`")
    metrics = parity_metrics(labels, keras_outputs, outputs)
    print(f"{runtime}: accuracy {metrics['accuracy']:.4f}, agreement with Keras "
          f"{metrics['agreement']:.4f} (flags {metrics['flag_agreement']:.4f}), largest "
          f"probability gap {metrics['max_abs_diff']:.3g}; flags {metrics['flagged']:.2%} of the "
          f"digits and {metrics['nondigits_flagged']:.2%} of the drawings that are no digit; "
          f"{size_bytes(model)} B")
    require_agreement(runtime, metrics, minimum, fix)
    return metrics
