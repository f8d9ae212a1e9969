"""Merge the digits people labelled in the apps (their drawn-digits exports, *.json in
--exports) into one data set in --out: IDX files like MNIST's, named kept-*, each drawing once."""

import argparse
from pathlib import Path

import numpy as np

from digits.core.atomic import atomic_output
from digits.core.dataset import MNIST_SIZE
from digits.core.errors import run
from digits.core.idx import encode_idx
from digits.data.kept import read_drawn


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--exports", required=True, help="directory of exported .json files")
    parser.add_argument("--out", required=True, help="directory to write the kept digits to")
    args = parser.parse_args()

    files = sorted(Path(args.exports).glob("*.json"))
    seen, images, labels = set(), [], []
    for path in files:
        exported = read_drawn(path)
        for image, label in zip(exported.images, exported.labels, strict=True):
            # An app exports everything it keeps, so a later export repeats the earlier ones.
            if (key := (int(label), image.tobytes())) not in seen:
                seen.add(key)
                images.append(image)
                labels.append(label)
    with atomic_output(args.out) as out:
        out.mkdir()
        (out / "kept-images-idx3-ubyte").write_bytes(encode_idx(
            np.array(images, np.uint8).reshape(-1, MNIST_SIZE, MNIST_SIZE)))
        (out / "kept-labels-idx1-ubyte").write_bytes(encode_idx(np.array(labels, np.uint8)))
    print(f"{len(labels)} kept digits from {len(files)} export(s) in {args.exports}")


if __name__ == "__main__":
    run(main)
