"""The accuracy a model reaches on drawn digits: the MNIST test digits draw-mnist drew, and the
digits people kept (collect-kept's)."""

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np

from digits.core.atomic import atomic_output
from digits.core.dataset import load_split, to_model_input


def drawn_metrics(predict: Callable[[np.ndarray], np.ndarray], drawn_dir: str | Path,
                  kept_dir: str | Path) -> dict:
    """A model's accuracy (`predict`: model inputs -> probabilities) on the MNIST test digits
    draw-mnist drew and, when people kept any, on the part of theirs that only checks models
    (collect-kept's), with how many each part holds."""
    images, labels = load_split(drawn_dir, "t10k", made_by="draw-mnist")
    checking, checking_labels = load_split(kept_dir, "check", made_by="collect-kept")
    _, training_labels = load_split(kept_dir, "train", made_by="collect-kept")
    reads = predict(to_model_input(np.concatenate([images, checking]))).argmax(axis=1)
    metrics = {"accuracy": float(np.mean(reads[:len(labels)] == labels))}
    if len(checking_labels) or len(training_labels):
        metrics["kept_check_digits"] = len(checking_labels)
        metrics["kept_train_digits"] = len(training_labels)
    if len(checking_labels):
        metrics["kept_check_accuracy"] = float(np.mean(reads[len(labels):] == checking_labels))
    return metrics


def write_drawn_metrics(runtime: str, predict: Callable[[np.ndarray], np.ndarray],
                        drawn_dir: str | Path, kept_dir: str | Path, path: str | Path) -> None:
    """Measure drawn_metrics, print them and write them as JSON to `path`."""
    metrics = drawn_metrics(predict, drawn_dir, kept_dir)
    kept = (f", kept digits {metrics['kept_check_accuracy']:.4f} on the "
            f"{metrics['kept_check_digits']} that check" if "kept_check_accuracy" in metrics
            else ", no kept digits to check")
    print(f"{runtime} on drawn digits: accuracy {metrics['accuracy']:.4f}{kept}")
    with atomic_output(Path(path)) as tmp:
        tmp.write_text(json.dumps(metrics, indent=2) + "\n")
