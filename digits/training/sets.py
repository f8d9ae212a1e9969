"""The digits a model trains on: MNIST's training set less its held-out validation part, the
same digits drawn as in the apps (draw-mnist's), and the digits people kept (collect-kept's)."""

from collections.abc import Mapping
from pathlib import Path

import numpy as np

from digits.core.dataset import load_split, read_idx, split_validation
from digits.core.errors import PipelineError

Digits = tuple[np.ndarray, np.ndarray]  # uint8 images (n, 28, 28) and their labels (n,)


def with_kept(images: np.ndarray, labels: np.ndarray, kept_dir: str | Path, repeats: int
              ) -> Digits:
    """The training digits plus the part of the digits people kept that trains (collect-kept's),
    each `repeats` times; none kept, the digits as they were."""
    kept, kept_labels = load_split(kept_dir, "train", made_by="collect-kept")
    return (np.concatenate([images, np.repeat(kept, repeats, axis=0)]),
            np.concatenate([labels, np.repeat(kept_labels, repeats)]))


def with_drawn(images: np.ndarray, labels: np.ndarray, drawn_dir: str | Path) -> Digits:
    """The training digits plus those of them that draw-mnist drew (a digit whose number is
    past `images`, held out for validation, stays out)."""
    drawn, drawn_labels = load_split(drawn_dir, "train", made_by="draw-mnist")
    numbers = read_idx(Path(drawn_dir) / "train-index-idx1-ubyte", "draw-mnist")
    kept = numbers < len(images)
    if len(numbers) != len(drawn) or not np.array_equal(drawn_labels[kept],
                                                         labels[numbers[kept]]):
        raise PipelineError(f"{drawn_dir} does not hold these training digits drawn; "
                            "fix: `dvc repro draw-mnist`")
    return (np.concatenate([images, drawn[kept]]),
            np.concatenate([labels, drawn_labels[kept]]))


def training_digits(data_dir: str | Path, drawn_dir: str | Path, kept_dir: str | Path,
                    checksums: Mapping[str, str], validation_split: float, kept_repeats: int
                    ) -> tuple[Digits, Digits]:
    """(training digits, validation digits): MNIST's training set with its last
    `validation_split` held out, the rest joined by its drawn copies and the kept digits."""
    images, labels = load_split(data_dir, "train", checksums)
    (x_train, y_train), validation = split_validation(images, labels, validation_split)
    mnist_count = len(x_train)
    x_train, y_train = with_drawn(x_train, y_train, drawn_dir)
    drawn_count = len(x_train) - mnist_count
    x_train, y_train = with_kept(x_train, y_train, kept_dir, kept_repeats)
    print(f"{len(x_train)} training digits ({drawn_count} of them drawn, "
          f"{len(x_train) - mnist_count - drawn_count} kept in the apps), "
          f"{len(validation[0])} held out")
    return (x_train, y_train), validation
