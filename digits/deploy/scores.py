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
    draw-mnist drew and, when people kept any, on theirs (collect-kept's)."""
    images, labels = load_split(drawn_dir, "t10k", made_by="draw-mnist")
    kept_images, kept_labels = load_split(kept_dir, "kept", made_by="collect-kept")
    reads = predict(to_model_input(np.concatenate([images, kept_images]))).argmax(axis=1)
    metrics = {"accuracy": float(np.mean(reads[:len(labels)] == labels))}
    if len(kept_labels):
        metrics["kept_accuracy"] = float(np.mean(reads[len(labels):] == kept_labels))
        metrics["kept_digits"] = len(kept_labels)
    return metrics


def write_drawn_metrics(runtime: str, predict: Callable[[np.ndarray], np.ndarray],
                        drawn_dir: str | Path, kept_dir: str | Path, path: str | Path) -> None:
    """Measure drawn_metrics, print them and write them as JSON to `path`."""
    metrics = drawn_metrics(predict, drawn_dir, kept_dir)
    kept = (f", {metrics['kept_digits']} kept digits {metrics['kept_accuracy']:.4f}"
            if "kept_digits" in metrics else ", no kept digits")
    print(f"{runtime} on drawn digits: accuracy {metrics['accuracy']:.4f}{kept}")
    with atomic_output(Path(path)) as tmp:
        tmp.write_text(json.dumps(metrics, indent=2) + "\n")
