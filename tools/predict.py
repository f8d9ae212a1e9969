"""Print the digit in each image file (PNG, JPEG, any size up to 25 megapixels, any bit
depth) and the model's confidences, read by the Android app's model in LiteRT (no TensorFlow:
it answers in well under a second), or by a .keras model in Keras.

    python -m tools.predict IMAGE... [--model android/app/src/main/assets/digits.tflite]
"""

import argparse
import warnings
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

from digits.core.dataset import NOT_A_DIGIT, NUM_CLASSES
from digits.core.errors import PipelineError, run
from digits.deploy.litert import predict_litert
from digits.deploy.scores import flagged, reads
from digits.drawing.preprocess import MAX_PIXELS, NoInkError, grey_from_rgba, preprocess_grey

ANDROID_MODEL = "android/app/src/main/assets/digits.tflite"

# Modes whose values PIL's convert() would clip to 8 bits, and the value that is white.
_WIDE_MODES = {"I;16": 65535, "I;16L": 65535, "I;16B": 65535, "I;16N": 65535, "I": 65535,
               "F": 1.0}


def grey_of(image: Image.Image) -> np.ndarray:
    """A decoded picture as grey values in [0, 1], composited on white as both apps do;
    16-bit and float pictures keep their grey levels."""
    if image.mode in _WIDE_MODES:
        return np.clip(np.asarray(image, np.float64) / _WIDE_MODES[image.mode], 0.0, 1.0)
    if image.mode == "L":  # what grey_from_rgba gives for opaque grey, without 4 channels
        return np.asarray(image) / 255.0
    return grey_from_rgba(np.asarray(image.convert("RGBA")))


def read_grey(path: str | Path) -> np.ndarray:
    """An image file as grey values in [0, 1]; one that claims more than MAX_PIXELS pixels
    is refused before it is decoded."""
    too_large = PipelineError(f"{path}: larger than the {MAX_PIXELS / 1e6:g} megapixels a "
                              "picture may have; fix: scale it down")
    try:
        with warnings.catch_warnings():  # PIL warns of large claims; they are refused below
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(path)
        with image:
            if image.width * image.height > MAX_PIXELS:
                raise too_large
            image.load()
            return grey_of(image)
    except FileNotFoundError:
        raise PipelineError(f"{path}: no such file; fix: check the path") from None
    except Image.DecompressionBombError:  # PIL's own check, for the most extreme claims
        raise too_large from None
    except (UnidentifiedImageError, OSError, ValueError) as error:
        raise PipelineError(f"{path}: not a readable image ({error}); "
                            "fix: pass a PNG or JPEG file") from None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("images", nargs="+", metavar="IMAGE", help="PNG or JPEG files")
    parser.add_argument("--model", default=ANDROID_MODEL,
                        help="a LiteRT .tflite model, or a .keras model (slower: loads Keras)")
    args = parser.parse_args()

    inputs = []
    for path in args.images:
        try:
            inputs.append(preprocess_grey(read_grey(path)))
        except NoInkError as error:
            raise PipelineError(f"{path}: {error}; fix: pass an image with a visible digit") \
                from None
    images = np.stack(inputs)[..., np.newaxis].astype(np.float32)
    if args.model.endswith(".keras"):
        # TensorFlow loads slowly: only once the inputs are good.
        from digits.training.model import load_model

        outputs = load_model(args.model).predict(images, verbose=0)
    else:
        if not Path(args.model).is_file():
            raise PipelineError(f"model {args.model} is missing; fix: `dvc checkout --force "
                                f"{args.model}` restores it (`dvc repro tflite-convert` "
                                "builds it)")
        outputs = predict_litert(args.model, images)
    for path, row, no_digit, read in zip(args.images, outputs, flagged(outputs), reads(outputs),
                                         strict=True):
        confidences = "  ".join(f"{digit}:{p:.3f}" for digit, p in enumerate(row[:NUM_CLASSES]))
        answer = "not a digit" if no_digit else str(read)
        print(f"{path}: {answer}  ({confidences}  not a digit:{row[NOT_A_DIGIT]:.3f})")


if __name__ == "__main__":
    run(main)
