"""Evaluate the deployed model on MNIST's test set: metrics (calibration and how many it flags
as no digit among them), per-digit figures, confusion matrix, the misread digits; how many
test drawings that are no digit it flags; the outputs the converted models must agree with;
and the kept digits it surely reads as another digit (a wrong label, perhaps)."""

import json
from pathlib import Path

import keras
import numpy as np
from PIL import Image, ImageDraw

from digits.core import params
from digits.core.atomic import atomic_output
from digits.core.cli import stage_parser
from digits.core.dataset import (
    MNIST_SIZE,
    NUM_CLASSES,
    OUTPUTS,
    load_nondigits,
    load_split,
    to_model_input,
    verify_mnist,
)
from digits.core.errors import run
from digits.data.kept import drawing_id
from digits.deploy.scores import (
    digit_metrics,
    flagged,
    reads,
    write_drawn_metrics,
    write_nodigit_metrics,
)
from digits.training.model import load_model, predict_keras


def classification_metrics(labels: np.ndarray, outputs: np.ndarray) -> tuple[dict, np.ndarray]:
    """Digit metrics, cross-entropy loss, each digit's precision and recall, the confusion
    matrix."""
    predictions = reads(outputs)
    confusion = np.zeros((NUM_CLASSES, NUM_CLASSES), dtype=np.int64)
    np.add.at(confusion, (labels, predictions), 1)
    correct = np.diag(confusion)
    predicted_per_class = confusion.sum(axis=0)
    actual_per_class = confusion.sum(axis=1)
    picked = outputs[np.arange(len(labels)), labels]
    metrics = {
        **digit_metrics(outputs, labels),
        "loss": float(-np.mean(np.log(np.clip(picked, 1e-7, 1.0)))),
        "per_digit": [
            {"digit": str(digit),
             "precision": float(correct[digit] / max(predicted_per_class[digit], 1)),
             "recall": float(correct[digit] / max(actual_per_class[digit], 1))}
            for digit in range(NUM_CLASSES)
        ],
    }
    return metrics, confusion


def mistakes_grid(images: np.ndarray, labels: np.ndarray, predictions: np.ndarray,
                  limit: int, columns: int = 10) -> Image.Image:
    """The first `limit` misclassified digits, each captioned `actual>predicted`."""
    wrong = np.flatnonzero(labels != predictions)[:limit]
    cell, caption = MNIST_SIZE * 2, 12
    rows = max(1, -(-len(wrong) // columns))
    grid = Image.new("L", (columns * cell, rows * (cell + caption)), color=255)
    draw = ImageDraw.Draw(grid)
    for slot, index in enumerate(wrong):
        x, y = (slot % columns) * cell, (slot // columns) * (cell + caption)
        digit = Image.fromarray(255 - images[index]).resize((cell, cell), Image.NEAREST)
        grid.paste(digit, (x, y))
        draw.text((x + 2, y + cell), f"{labels[index]}>{predictions[index]}", fill=0)
    return grid


def contradicted_kept_digits(model: keras.Model, kept_dir: str, confidence: float
                             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The kept digits (both parts) that `model` reads as another digit with at least
    `confidence`, their labels and those reads; each is printed with its id for kept.drop."""
    parts = [load_split(kept_dir, part, made_by="collect-kept") for part in ("train", "check")]
    images = np.concatenate([part_images for part_images, _ in parts])
    labels = np.concatenate([part_labels for _, part_labels in parts])
    outputs = (predict_keras(model, to_model_input(images)) if len(labels)
               else np.zeros((0, OUTPUTS)))
    read, confident = reads(outputs), outputs[:, :NUM_CLASSES].max(axis=1)
    contradicted = np.flatnonzero((read != labels) & (confident >= confidence))
    for index in contradicted:
        print(f"kept digit {drawing_id(images[index])} labelled {labels[index]} reads as "
              f"{read[index]} at {confident[index]:.1%}: if its label is wrong, add "
              "its id to kept.drop in params.yaml")
    return images[contradicted], labels[contradicted], read[contradicted]


def main() -> None:
    parser = stage_parser(__doc__, "data", "drawn", "kept", "nondigits", "metrics",
                          "drawn-metrics", "nodigit-metrics")
    parser.add_argument("--model", required=True, help="the deployed .keras model")
    parser.add_argument("--per-digit", required=True, help="precision and recall per digit (JSON)")
    parser.add_argument("--confusion", required=True, help="confusion plot data (JSON) to write")
    parser.add_argument("--mistakes", required=True, help="PNG of misclassified digits to write")
    parser.add_argument("--contradicted", required=True,
                        help="PNG of the kept digits the model surely reads as another digit")
    parser.add_argument("--probabilities", required=True,
                        help="the model's outputs for every test digit, then every test drawing "
                             "that is no digit (.npy), which the verify stages compare each "
                             "converted model with")
    args = parser.parse_args()
    evaluate_params = params.load("evaluate", params.EvaluateParams)
    checksums = params.load("download", params.DownloadParams).files
    verify_mnist(args.data, checksums)

    model = load_model(args.model)
    images, labels = load_split(args.data, "t10k", checksums)
    nondigits = load_nondigits(args.nondigits, "test")
    outputs = predict_keras(model, to_model_input(np.concatenate([images, nondigits])))
    metrics, _ = classification_metrics(labels, outputs[:len(labels)])
    nondigits_flagged = float(np.mean(flagged(outputs[len(labels):])))
    predictions = reads(outputs[:len(labels)])
    print(f"test accuracy {metrics['accuracy']:.4f}, loss {metrics['loss']:.4f}, calibration "
          f"error {metrics['ece']:.4f}; read as no digit: {metrics['flagged']:.2%} of the test "
          f"digits, {nondigits_flagged:.2%} of the {len(nondigits)} test drawings that are none")
    write_drawn_metrics("Keras", lambda inputs: predict_keras(model, inputs), args.drawn,
                        args.kept, args.drawn_metrics)

    with atomic_output(args.metrics) as tmp:
        summary = {**{key: metrics[key] for key in ("accuracy", "ece", "flagged")},
                   "size_bytes": Path(args.model).stat().st_size}
        tmp.write_text(json.dumps(summary, indent=2) + "\n")
    write_nodigit_metrics(nondigits_flagged, args.nodigit_metrics)
    with atomic_output(args.per_digit) as tmp:
        tmp.write_text(json.dumps(metrics["per_digit"], indent=2) + "\n")
    with atomic_output(args.confusion) as tmp:
        pairs = zip(labels.tolist(), predictions.tolist(), strict=True)
        rows = [{"actual": actual, "predicted": predicted} for actual, predicted in pairs]
        tmp.write_text(json.dumps(rows))
    with atomic_output(args.probabilities) as tmp, tmp.open("wb") as file:
        np.save(file, outputs)
    with atomic_output(args.mistakes) as tmp:
        grid = mistakes_grid(images, labels, predictions, evaluate_params.misclassified_max)
        grid.save(tmp, format="PNG")
    with atomic_output(args.contradicted) as tmp:
        kept, kept_labels, kept_reads = contradicted_kept_digits(
            model, args.kept, evaluate_params.contradiction_confidence)
        mistakes_grid(kept, kept_labels, kept_reads, len(kept)).save(tmp, format="PNG")


if __name__ == "__main__":
    run(main)
