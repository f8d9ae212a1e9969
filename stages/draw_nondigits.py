"""Draw drawings that are no digit (digits/drawing/nondigits.py: scribbles, dots, check marks and
dashes, filled blobs, letters and signs), each in a style picked from params.yaml's `drawn`
ranges as draw-mnist draws the digits; write each part's drawings and kinds as IDX files."""

import argparse
from functools import partial

import numpy as np

from digits.core import params
from digits.core.atomic import atomic_output
from digits.core.errors import run
from digits.core.idx import encode_idx
from digits.core.progress import Progress
from digits.core.workers import map_in_chunks, process_pool
from digits.drawing.handwriting import StyleRanges, redraw
from digits.drawing.nondigits import KINDS, draw_nondigit

CHUNK = 500  # drawings a worker draws per task
PARTS = ("train", "validation", "test")


def draw_chunk(numbers: list[int], part: int, seed: int, drawn: params.DrawnParams
               ) -> np.ndarray:
    """Draw the drawings `numbers` of a part, each from a generator seeded by (seed, part, its
    number), so a drawing looks the same however the work is divided."""
    ranges = StyleRanges(pen_width=drawn.pen_width, slant=drawn.slant, size=drawn.size,
                         speed=drawn.speed)
    images = []
    for number in numbers:
        rng = np.random.default_rng([seed, part, number])
        strokes = draw_nondigit(KINDS[number % len(KINDS)], rng)
        images.append(redraw(strokes, ranges.sample(rng), drawn.pad))
    return np.stack(images)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", required=True, help="directory to write the drawings to")
    args = parser.parse_args()
    drawn = params.load("drawn", params.DrawnParams)
    nondigits = params.load("nondigits", params.NondigitParams)

    counts = {part: getattr(nondigits, part) for part in PARTS}
    with atomic_output(args.out) as out, process_pool() as pool, \
            Progress(sum(counts.values()), "draw-nondigits", "drawings") as progress:
        out.mkdir()
        for number, (part, count) in enumerate(counts.items()):
            chunks = map_in_chunks(pool, partial(draw_chunk, part=number, seed=nondigits.seed,
                                                 drawn=drawn), CHUNK, progress, range(count))
            kinds = np.arange(count) % len(KINDS)
            (out / f"{part}-images-idx3-ubyte").write_bytes(encode_idx(np.concatenate(chunks)))
            (out / f"{part}-kinds-idx1-ubyte").write_bytes(encode_idx(kinds.astype(np.uint8)))
            print(f"{part}: {count} drawings of {len(KINDS)} kinds ({', '.join(KINDS)})")


if __name__ == "__main__":
    run(main)
