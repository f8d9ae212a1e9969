"""Regenerate preprocess.json, the shared test vectors for digits/preprocess.py.

Run only when the preprocessing definition changes on purpose; the Python, JavaScript and
Kotlin tests all check their implementation against the file this writes.

    python -m tests.vectors.make_preprocess_vectors
"""

import gzip
import json
from pathlib import Path

import numpy as np

from digits.idx import parse_idx
from digits.preprocess import preprocess_grey

HERE = Path(__file__).resolve().parent


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


def mnist_seven(shared: Path) -> np.ndarray | None:
    path = shared / "t10k-images-idx3-ubyte.gz"
    if not path.exists():
        return None
    seven = parse_idx(gzip.decompress(path.read_bytes()))[0]
    return np.kron(seven, np.ones((3, 3), np.uint8))  # 84x84, as if drawn on a bigger canvas


def main() -> None:
    made = cases()
    seven = mnist_seven(HERE.parents[2] / "shared" / "mnist")  # beside the clone, if there
    if seven is not None:
        made["MNIST test digit 0 (a 7), 3x upscaled"] = seven
    vectors = []
    for name, grey in made.items():
        expected = preprocess_grey(grey / 255.0)
        vectors.append({
            "name": name,
            "height": grey.shape[0],
            "width": grey.shape[1],
            "grey": grey.flatten().tolist(),
            "expected": [round(float(v), 6) for v in expected.flatten()],
        })
    document = {
        "about": "Grey rasters (row-major, 0-255, grey/255 is the input) and the 28x28 "
                 "row-major model input each must become. See digits/preprocess.py.",
        "tolerance": 1e-5,
        "vectors": vectors,
    }
    (HERE / "preprocess.json").write_text(json.dumps(document, separators=(",", ":")) + "\n")
    print(f"wrote {len(vectors)} vectors to {HERE / 'preprocess.json'}")


if __name__ == "__main__":
    main()
