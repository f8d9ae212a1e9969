"""The runtimes the model ships to, by the names params.yaml and dvc.yaml give them."""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from digits.core import params
from digits.deploy.litert import predict_litert
from digits.deploy.tfjs import predict_tfjs


@dataclass(frozen=True)
class Runtime:
    title: str  # as people know it
    params: type[params.TfjsParams | params.TfliteParams]  # its params.yaml section
    # (converted model, float32 images (n, 28, 28, 1) in [0, 1]) -> probabilities (n, 10)
    predict: Callable[[str | Path, np.ndarray], np.ndarray]


RUNTIMES = {
    "tfjs": Runtime("TF.js", params.TfjsParams, predict_tfjs),  # the web page's, in Node
    "tflite": Runtime("LiteRT", params.TfliteParams, predict_litert),  # the Android app's
}
