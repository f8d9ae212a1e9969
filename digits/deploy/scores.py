"""What a model's outputs score: the digits it reads, how often it says a drawing is no digit,
how well its confidence holds (calibration), on MNIST's test digits, the drawn digits, the
digits people kept (collect-kept's) and the drawings that are no digit (draw-nondigits')."""

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np

from digits.core.atomic import atomic_output
from digits.core.dataset import NOT_A_DIGIT, NOT_A_DIGIT_AT, NUM_CLASSES, load_split, to_model_input

CALIBRATION_BINS = 15  # equal-width bins of confidence, as ECE is usually reported


def reads(outputs: np.ndarray) -> np.ndarray:
    """The digit each row of model outputs reads (the most probable of the ten)."""
    return outputs[:, :NUM_CLASSES].argmax(axis=1)


def flagged(outputs: np.ndarray) -> np.ndarray:
    """Whether each row of the deployed model's outputs says no digit ("not sure" in the apps)."""
    return outputs[:, NOT_A_DIGIT] >= NOT_A_DIGIT_AT


def calibration_error(outputs: np.ndarray, labels: np.ndarray) -> float:
    """Expected calibration error: over bins of the top digit's probability, the gap between
    the mean probability and the share read right, weighted by the bin's share of digits."""
    confidence = outputs[:, :NUM_CLASSES].max(axis=1)
    right = reads(outputs) == labels
    bins = np.minimum((confidence * CALIBRATION_BINS).astype(int), CALIBRATION_BINS - 1)
    error = 0.0
    for number in np.unique(bins):
        members = bins == number
        error += members.mean() * abs(right[members].mean() - confidence[members].mean())
    return float(error)


def digit_metrics(outputs: np.ndarray, labels: np.ndarray) -> dict:
    """Accuracy, calibration error and the share flagged as no digit, on labelled digits."""
    return {"accuracy": float(np.mean(reads(outputs) == labels)),
            "ece": calibration_error(outputs, labels),
            "flagged": float(np.mean(flagged(outputs)))}


def drawn_metrics(predict: Callable[[np.ndarray], np.ndarray], drawn_dir: str | Path,
                  kept_dir: str | Path) -> dict:
    """A model's digit_metrics (`predict`: model inputs -> outputs) on the MNIST test digits
    draw-mnist drew and its accuracy, when people kept any, on the part of theirs that only
    checks models (collect-kept's), with how many each part holds."""
    images, labels = load_split(drawn_dir, "t10k", made_by="draw-mnist")
    checking, checking_labels = load_split(kept_dir, "check", made_by="collect-kept")
    _, training_labels = load_split(kept_dir, "train", made_by="collect-kept")
    outputs = predict(to_model_input(np.concatenate([images, checking])))
    metrics = digit_metrics(outputs[:len(labels)], labels)
    if len(checking_labels) or len(training_labels):
        metrics["kept_check_digits"] = len(checking_labels)
        metrics["kept_train_digits"] = len(training_labels)
    if len(checking_labels):
        metrics["kept_check_accuracy"] = float(np.mean(reads(outputs[len(labels):])
                                                       == checking_labels))
    return metrics


def write_drawn_metrics(runtime: str, predict: Callable[[np.ndarray], np.ndarray],
                        drawn_dir: str | Path, kept_dir: str | Path, path: str | Path) -> None:
    """Measure drawn_metrics, print them and write them as JSON to `path`."""
    metrics = drawn_metrics(predict, drawn_dir, kept_dir)
    kept = (f", kept digits {metrics['kept_check_accuracy']:.4f} on the "
            f"{metrics['kept_check_digits']} that check" if "kept_check_accuracy" in metrics
            else ", no kept digits to check")
    print(f"{runtime} on drawn digits: accuracy {metrics['accuracy']:.4f}, calibration error "
          f"{metrics['ece']:.4f}, {metrics['flagged']:.2%} read as no digit{kept}")
    with atomic_output(Path(path)) as tmp:
        tmp.write_text(json.dumps(metrics, indent=2) + "\n")


def write_nodigit_metrics(flagged_share: float, path: str | Path, **more: float) -> None:
    """Write the share of the drawings that are no digit a model flags, its `accuracy` on them
    (their right answer is "not a digit"), with `more` figures, as JSON to `path`."""
    with atomic_output(Path(path)) as tmp:
        tmp.write_text(json.dumps({"accuracy": flagged_share, **more}, indent=2) + "\n")
