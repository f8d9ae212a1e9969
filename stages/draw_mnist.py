"""Draw the traced MNIST digits again as a person would draw them in the apps
(digits/drawing/handwriting.py), each in a style of its own picked from params.yaml's `drawn`
ranges; write the drawn digits, with their labels and numbers in MNIST, as IDX files in --out."""

import argparse
from functools import partial

import numpy as np

from digits.core import params
from digits.core.atomic import atomic_output
from digits.core.dataset import MNIST_SIZE, SPLITS
from digits.core.errors import run
from digits.core.idx import encode_idx
from digits.core.progress import Progress
from digits.core.workers import map_in_chunks, process_pool
from digits.drawing.handwriting import StyleRanges, redraw
from digits.drawing.strokes import Strokes, read_traced

CHUNK = 500  # digits a worker draws per task


def draw_chunk(strokes: list[Strokes], numbers: np.ndarray, split: int,
               drawn: params.DrawnParams) -> np.ndarray:
    """Draw each digit in a style seeded by (seed, split, its number in MNIST), so a digit
    looks the same however the work is divided and whichever digits are drawn."""
    ranges = StyleRanges(pen_width=drawn.pen_width, slant=drawn.slant, size=drawn.size,
                         speed=drawn.speed)
    return np.stack([
        redraw(digit, ranges.sample(np.random.default_rng([drawn.seed, split, number])),
               drawn.pad)
        for digit, number in zip(strokes, numbers.tolist(), strict=True)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--traced", required=True, help="directory of the traced digits")
    parser.add_argument("--out", required=True, help="directory to write the drawn digits to")
    args = parser.parse_args()
    drawn = params.load("drawn", params.DrawnParams)

    traced = {split: read_traced(args.traced, split) for split in SPLITS}
    workers = process_pool()
    total = sum(len(index) for index, _, _ in traced.values())
    with atomic_output(args.out) as out, workers as pool, \
            Progress(total, "draw-mnist", "digits") as progress:
        out.mkdir()
        for number, (split, (index, labels, strokes)) in enumerate(traced.items()):
            chunks = map_in_chunks(pool, partial(draw_chunk, split=number, drawn=drawn), CHUNK,
                                   progress, strokes, index)
            images = (np.concatenate(chunks) if chunks
                      else np.zeros((0, MNIST_SIZE, MNIST_SIZE), np.uint8))
            (out / f"{split}-images-idx3-ubyte").write_bytes(encode_idx(images))
            (out / f"{split}-labels-idx1-ubyte").write_bytes(encode_idx(labels))
            (out / f"{split}-index-idx1-ubyte").write_bytes(encode_idx(index))
            print(f"{split}: {len(index)} digits drawn")


if __name__ == "__main__":
    run(main)
