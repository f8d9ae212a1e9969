"""Merge the digits people labelled in the apps (their drawn-digits exports, *.json in
--exports) into --out, each drawing once, as IDX files like MNIST's in two parts: `train-*`,
which training adds, and `check-*` (params.yaml's kept.check_fraction), which only measures
models. A drawing kept with two labels is left out, and said so."""

import argparse
from pathlib import Path

import numpy as np

from digits.core import params
from digits.core.atomic import atomic_output
from digits.core.dataset import MNIST_SIZE
from digits.core.errors import run
from digits.core.idx import encode_idx
from digits.data.kept import drawing_id, only_checks, read_drawn


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--exports", required=True, help="directory of exported .json files")
    parser.add_argument("--out", required=True, help="directory to write the kept digits to")
    args = parser.parse_args()
    kept_params = params.load("kept", params.KeptParams)

    files = sorted(Path(args.exports).glob("*.json"))
    labels_of: dict[bytes, int] = {}  # each drawing (its 28x28 input) -> its label
    conflicts: dict[bytes, set[int]] = {}
    for path in files:
        exported = read_drawn(path)
        for image, label in zip(exported.images, exported.labels.tolist(), strict=True):
            drawing = image.tobytes()
            # An app exports everything it keeps, so a later export repeats the earlier ones.
            labels_of.setdefault(drawing, label)
            if labels_of[drawing] != label:
                conflicts.setdefault(drawing, {labels_of[drawing]}).add(label)
    for drawing, labels in conflicts.items():
        del labels_of[drawing]
        print(f"warning: a drawing kept as {' and as '.join(map(str, sorted(labels)))} is left "
              "out; fix: delete the wrong one in the app and export again")
    dropped = [drawing for drawing in labels_of
               if drawing_id(np.frombuffer(drawing, np.uint8)) in kept_params.drop]
    for drawing in dropped:
        del labels_of[drawing]
    images = np.frombuffer(b"".join(labels_of), np.uint8).reshape(-1, MNIST_SIZE, MNIST_SIZE)
    labels = np.array(list(labels_of.values()), np.uint8)
    checks = np.array([only_checks(image, kept_params.check_fraction) for image in images],
                      bool)
    with atomic_output(args.out) as out:
        out.mkdir()
        for part, chosen in (("train", ~checks), ("check", checks)):
            (out / f"{part}-images-idx3-ubyte").write_bytes(encode_idx(images[chosen]))
            (out / f"{part}-labels-idx1-ubyte").write_bytes(encode_idx(labels[chosen]))
    print(f"{len(labels)} kept digits from {len(files)} export(s) in {args.exports}: "
          f"{np.sum(~checks)} to train, {np.sum(checks)} to check; {len(dropped)} left out by "
          "kept.drop")


if __name__ == "__main__":
    run(main)
