"""The Android app's model in the LiteRT interpreter, with the app's quantization maths."""

from pathlib import Path

import numpy as np
from ai_edge_litert.interpreter import Interpreter

from digits.core.dataset import BATCH, OUTPUTS
from digits.core.errors import PipelineError
from digits.core.native_logs import quiet_native_logs


def quantize(images: np.ndarray, scale: float, zero_point: int, dtype: np.dtype) -> np.ndarray:
    """Float inputs as a quantized model's integer input, as the Android app computes them."""
    info = np.iinfo(dtype)
    return np.clip(np.round(images / scale + zero_point), info.min, info.max).astype(dtype)


def litert_interpreter(model_path: str | Path) -> Interpreter:
    try:
        return Interpreter(model_path=str(model_path))
    except (ValueError, RuntimeError) as error:
        raise PipelineError(f"LiteRT cannot load {model_path} ({error}); "
                            f"fix: `dvc checkout --force {model_path}`") from None


def predict_litert(model_path: str | Path, images: np.ndarray) -> np.ndarray:
    """Outputs (n, 11) from LiteRT, quantizing the input and dequantizing the output with the
    scale and zero point stored in the model."""
    interpreter = litert_interpreter(model_path)
    source, target = interpreter.get_input_details()[0], interpreter.get_output_details()[0]
    takes, gives = (tuple(source["shape"][1:].tolist()), tuple(target["shape"][1:].tolist()))
    if takes != images.shape[1:] or gives != (OUTPUTS,):
        raise PipelineError(f"{model_path} maps input {takes} to output {gives}, not a "
                            f"{'x'.join(map(str, images.shape[1:]))} digit to {OUTPUTS} "
                            f"values; fix: `dvc checkout --force {model_path}`")
    in_scale, in_zero = source["quantization"]
    out_scale, out_zero = target["quantization"]
    results = []
    with quiet_native_logs():
        for start in range(0, len(images), BATCH):
            batch = images[start:start + BATCH]
            batch = quantize(batch, in_scale, in_zero, source["dtype"]) if in_scale else batch
            interpreter.resize_tensor_input(source["index"], batch.shape)
            interpreter.allocate_tensors()
            interpreter.set_tensor(source["index"], batch.astype(source["dtype"]))
            interpreter.invoke()
            output = interpreter.get_tensor(target["index"]).astype(np.float32)
            results.append((output - out_zero) * out_scale if out_scale else output)
    return np.concatenate(results)
