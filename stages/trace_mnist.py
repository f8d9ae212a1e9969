"""Trace MNIST digits into pen strokes (digits/drawing/tracing.py): every test digit, and the share
`train.drawn_fraction` of the training digits that training adds drawn (evenly spaced: every
fourth at 0.25). Write them, with their labels and numbers in MNIST, to --out. The strokes
depend on nothing in params.yaml's `drawn`, so restyling the drawn digits never retraces."""


import numpy as np

from digits.core import params
from digits.core.atomic import atomic_output
from digits.core.cli import stage_parser
from digits.core.dataset import SPLITS, load_split, verify_mnist
from digits.core.errors import run
from digits.core.progress import Progress
from digits.core.workers import map_in_chunks, process_pool
from digits.drawing.strokes import Strokes, write_traced
from digits.drawing.tracing import pen_strokes

CHUNK = 250  # digits a worker traces per task


def traced_training_digits(count: int, fraction: float) -> np.ndarray:
    """The numbers of the training digits to trace: `fraction` of `count`, evenly spaced."""
    if not fraction:
        return np.arange(0)
    return np.unique(np.floor(np.arange(round(fraction * count)) / fraction).astype(np.int64))


def trace_chunk(images: np.ndarray) -> list[Strokes]:
    return [pen_strokes(image) for image in images]


def main() -> None:
    parser = stage_parser(__doc__, "data")
    parser.add_argument("--out", required=True, help="directory to write the strokes to")
    args = parser.parse_args()
    fraction = params.load("train", params.TrainParams).drawn_fraction
    checksums = params.load("download", params.DownloadParams).files
    verify_mnist(args.data, checksums)

    splits = {}
    for split in SPLITS:
        images, labels = load_split(args.data, split, checksums)
        index = (traced_training_digits(len(images), fraction) if split == "train"
                 else np.arange(len(images)))
        splits[split] = images[index], labels[index], index
    workers = process_pool()
    total = sum(len(index) for _, _, index in splits.values())
    with atomic_output(args.out) as out, workers as pool, \
            Progress(total, "trace-mnist", "digits") as progress:
        out.mkdir()
        for split, (images, labels, index) in splits.items():
            chunks = map_in_chunks(pool, trace_chunk, CHUNK, progress, images)
            write_traced(out, split, index, labels, [digit for chunk in chunks for digit in chunk])
            print(f"{split}: {len(index)} digits traced")


if __name__ == "__main__":
    run(main)
