"""Print the digit in each image file (PNG, JPEG, any size) and the model's confidences.

    python -m tools.predict IMAGE... [--model models/model.keras]
"""

import argparse
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

from digits.errors import PipelineError, run
from digits.preprocess import NoInkError, grey_from_rgba, preprocess_grey


def read_grey(path: str | Path) -> np.ndarray:
    """An image file as grey values in [0, 1], composited on white as both apps do."""
    try:
        with Image.open(path) as image:
            image.load()
            return grey_from_rgba(np.asarray(image.convert("RGBA")))
    except FileNotFoundError:
        raise PipelineError(f"{path}: no such file; fix: check the path") from None
    except (UnidentifiedImageError, OSError) as error:
        raise PipelineError(f"{path}: not a readable image ({error}); "
                            "fix: pass a PNG or JPEG file") from None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("images", nargs="+", metavar="IMAGE", help="PNG or JPEG files")
    parser.add_argument("--model", default="models/model.keras", help="trained .keras model")
    args = parser.parse_args()

    inputs = []
    for path in args.images:
        try:
            inputs.append(preprocess_grey(read_grey(path)))
        except NoInkError as error:
            raise PipelineError(f"{path}: {error}; fix: pass an image with a visible digit") \
                from None
    from digits.model import load_model  # TensorFlow loads slowly; only once inputs are good

    probabilities = load_model(args.model).predict(np.stack(inputs)[..., np.newaxis], verbose=0)
    for path, row in zip(args.images, probabilities, strict=True):
        confidences = "  ".join(f"{digit}:{p:.3f}" for digit, p in enumerate(row))
        print(f"{path}: {row.argmax()}  ({confidences})")


if __name__ == "__main__":
    run(main)
