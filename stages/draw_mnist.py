"""Draw every MNIST digit again as a person would draw it in the apps (digits/handwriting.py),
each in a style of its own picked from params.yaml's `drawn` ranges; write the drawn training
and test digits, with MNIST's labels and order, as IDX files in --out."""

import argparse
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from digits import params
from digits.atomic import atomic_output
from digits.data import SPLITS, load_split
from digits.errors import run
from digits.handwriting import StyleRanges, redraw
from digits.idx import encode_idx

CHUNK = 500  # digits a worker draws per task


def draw_chunk(images: np.ndarray, first: int, split: int, drawn: params.DrawnParams
               ) -> np.ndarray:
    """Draw images[i] (numbered from `first`) each in a style seeded by (seed, split, number),
    so a digit looks the same however the work is divided."""
    ranges = StyleRanges(pen_width=drawn.pen_width, slant=drawn.slant, size=drawn.size,
                         speed=drawn.speed)
    return np.stack([
        redraw(image, ranges.sample(np.random.default_rng([drawn.seed, split, first + i])),
               drawn.pad)
        for i, image in enumerate(images)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", required=True, help="directory of the MNIST IDX files")
    parser.add_argument("--out", required=True, help="directory to write the drawn digits to")
    args = parser.parse_args()
    drawn = params.load("drawn", params.DrawnParams)
    checksums = params.load("download", params.DownloadParams).files

    # forkserver: the workers need none of the caller's state (a test's TensorFlow threads)
    workers = ProcessPoolExecutor(os.cpu_count(), multiprocessing.get_context("forkserver"))
    with atomic_output(args.out) as out, workers as pool:
        out.mkdir()
        for number, split in enumerate(SPLITS):
            images, labels = load_split(args.data, split, checksums)
            starts = range(0, len(images), CHUNK)
            chunks = pool.map(draw_chunk, [images[s:s + CHUNK] for s in starts], starts,
                              [number] * len(starts), [drawn] * len(starts))
            drawn_images = np.concatenate(list(chunks)) if len(images) else images
            (out / f"{split}-images-idx3-ubyte").write_bytes(encode_idx(drawn_images))
            (out / f"{split}-labels-idx1-ubyte").write_bytes(encode_idx(labels))
            print(f"{split}: {len(images)} digits drawn")


if __name__ == "__main__":
    run(main)
