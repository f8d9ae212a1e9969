"""Regenerate preprocess.json, the shared test vectors for digits/drawing/preprocess.py.

Run only when the preprocessing definition changes on purpose; the Python, JavaScript and
Kotlin tests all check their implementation against the file this writes.

    python -m tests.vectors.make_preprocess_vectors
"""

import json
from pathlib import Path

import numpy as np

from digits.core.dataset import load_split
from digits.drawing.preprocess import PEN_WIDTH, grey_from_rgba, preprocess_grey

HERE = Path(__file__).resolve().parent
MNIST = HERE.parents[1] / "data" / "mnist"  # the download stage's output


def cases() -> dict[str, np.ndarray]:
    """Grey rasters (0-255) that exercise every step, named for what they test."""
    made = {}
    tall = np.full((60, 40), 255, np.uint8)
    tall[5:55, 18:24] = 0
    made["dark bar on paper, tall: inverted, aspect kept"] = tall
    wide = np.zeros((30, 90), np.uint8)
    wide[12:17, 10:80] = 255
    made["light bar on black, wide: aspect kept"] = wide
    corner = np.zeros((50, 50), np.uint8)
    corner[2:14, 33:47] = 200
    made["blob in a corner: moved to the centre, strongest ink becomes 1"] = corner
    ell = np.zeros((40, 40), np.uint8)
    ell[5:35, 5:11] = 255
    ell[29:35, 5:35] = 255
    made["L shape: centred by mass, not by box"] = ell
    tiny = np.array([[0, 0, 0], [0, 255, 0], [0, 0, 0]], np.uint8)
    made["one pixel: scaled up to 20x20"] = tiny
    grey_paper = np.full((32, 32), 200, np.uint8)
    grey_paper[8:24, 14:18] = 40
    grey_paper[8:10, 10:22] = 60
    made["grey paper: background level removed"] = grey_paper
    ramp = np.tile(np.linspace(0, 255, 37), (23, 1)).astype(np.uint8)
    ramp[:, :5] = 0
    made["soft ramp touching the border: fractional area weights"] = ramp
    return made


def colour_cases() -> dict[str, np.ndarray]:
    """8-bit RGBA pictures (H, W, 4) that exercise the colour-to-grey step."""
    made = {}
    paper = np.zeros((24, 20, 4), np.uint8)
    paper[...] = (250, 230, 120, 255)  # yellow paper
    paper[4:20, 8:12] = (200, 30, 40, 255)  # a red stroke
    made["colour: red ink on yellow paper, opaque RGB"] = paper
    sketch = np.zeros((30, 30, 4), np.uint8)  # a transparent background counts as white paper
    sketch[5:25, 13:17] = (20, 40, 160, 255)  # a blue stroke...
    sketch[5:25, 12] = sketch[5:25, 17] = (20, 40, 160, 96)  # ...with anti-aliased edges
    made["colour: blue pen on a transparent background, RGBA with soft alpha"] = sketch
    # Translucent paper where every channel sits on compositing's rounding tie
    # (c * a = 127 mod 255, so c * a + 255 * (255 - a) + 127 is a multiple of 255): a formula
    # that rounds even slightly differently gives another grey here.
    alphas = [a for a in range(1, 121) if np.gcd(a, 255) == 1]
    ties = np.array([[127 * pow(a, -1, 255) % 255, a] for a in alphas], np.uint8)
    picked = ties[np.random.default_rng(0).integers(0, len(ties), (24, 24))]
    noisy = np.concatenate([np.repeat(picked[..., :1], 3, axis=-1), picked[..., 1:]], axis=-1)
    noisy[4:20, 10:14] = (30, 30, 30, 255)
    made["colour: translucent paper on compositing's rounding ties, RGBA"] = noisy
    return made


def mnist_seven() -> np.ndarray | None:
    if not (MNIST / "t10k-images-idx3-ubyte").exists():
        return None
    seven = load_split(MNIST, "t10k")[0][0]
    return np.kron(seven, np.ones((3, 3), np.uint8))  # 84x84, as if drawn on a bigger canvas


def vector(name: str, grey: np.ndarray, rgba: np.ndarray | None = None) -> dict:
    entry = {"name": name, "height": grey.shape[0], "width": grey.shape[1]}
    if rgba is not None:
        entry["rgba"] = rgba.flatten().tolist()
    entry["grey"] = np.round(grey * 255).astype(int).flatten().tolist()
    expected = preprocess_grey(grey)
    entry["expected"] = [round(float(v), 6) for v in expected.flatten()]
    return entry


def main() -> None:
    made = cases()
    seven = mnist_seven()
    if seven is None:
        raise SystemExit(f"{MNIST} is missing; fix: `dvc repro download` first")
    made["MNIST test digit 0 (a 7), 3x upscaled"] = seven
    vectors = [vector(name, grey / 255.0) for name, grey in made.items()]
    vectors += [vector(name, grey_from_rgba(rgba), rgba)
                for name, rgba in colour_cases().items()]
    document = {
        "about": "Rasters (row-major) and the 28x28 row-major model input each must become. "
                 "`grey` is 0-255 (grey/255 is the input); where `rgba` is given (8-bit "
                 "RGBA, 4 values a pixel), turning it into grey must give `grey` exactly. "
                 "`pen_width` is the apps' pen, a fraction of the pad's shorter side. "
                 "See digits/drawing/preprocess.py.",
        "tolerance": 1e-5,
        "pen_width": PEN_WIDTH,
        "vectors": vectors,
    }
    (HERE / "preprocess.json").write_text(json.dumps(document, separators=(",", ":")) + "\n")
    print(f"wrote {len(vectors)} vectors to {HERE / 'preprocess.json'}")


if __name__ == "__main__":
    main()
