"""Benchmark the presets end to end: train each, convert it, and measure every runtime.

    python -m tools.bench [--presets seed default] [--out reports/bench.json]

For each preset: training throughput (images/s), the fraction of the CPU's peak FLOP/s it
reaches, epoch time; test accuracy in Keras, LiteRT (float and int8) and TF.js (float32,
float16 and uint8 weights, run in Node on wasm); artifact sizes; and per-digit latency
(median and p95) in Keras, LiteRT and TF.js in headless Chromium. Prints one table and
writes the figures as DVC metrics. It only reports: nothing here passes or fails.
"""

import argparse
import http.server
import json
import os
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from digits.core import params
from digits.core.atomic import atomic_output
from digits.core.dataset import calibration_set, load_split, split_validation, to_model_input
from digits.core.errors import run
from digits.deploy.export import convert_to_tfjs, convert_to_tflite
from digits.deploy.litert import litert_interpreter, predict_litert, quantize
from digits.deploy.tfjs import NPM_LOCKFILE, predict_tfjs
from digits.training.model import compile_for_training, predict_keras

WEB = NPM_LOCKFILE.parent

# Zen 4 (and most AVX2/AVX-512 cores) retire two 256-bit FMA per cycle: 2 x 8 lanes x 2 FLOP.
FP32_FLOP_PER_CYCLE = 32
LATENCY_DIGITS = 200


def vector_isa(cpuinfo: str) -> str:
    """The widest SIMD extension a /proc/cpuinfo text lists, which oneDNN's kernels then use.

    Training speed, and even the trained weights, differ between AVX2 and AVX-512 hosts."""
    flags = set()
    for line in cpuinfo.splitlines():
        if line.startswith("flags"):
            flags.update(line.split(":", 1)[1].split())
    for flag, name in (("avx512f", "AVX-512"), ("avx2", "AVX2"), ("avx", "AVX")):
        if flag in flags:
            return name
    return "SSE or none"


def peak_flops(cpuinfo: str, cores: int) -> tuple[float, str]:
    """Peak FP32 FLOP/s of `cores` cores at the fastest clock a /proc/cpuinfo text reports,
    and how it was found."""
    megahertz = max(float(line.split(":")[1]) for line in cpuinfo.splitlines()
                    if line.startswith("cpu MHz"))
    peak = cores * megahertz * 1e6 * FP32_FLOP_PER_CYCLE
    return peak, (f"{cores} cores x {megahertz / 1000:.2f} GHz (/proc/cpuinfo) x "
                  f"{FP32_FLOP_PER_CYCLE} FP32 FLOP/cycle (two 256-bit FMA units)")


def forward_flops(model: keras.Model) -> int:
    """FLOPs of one image through the convolutions and dense layers (a multiply-add is 2)."""
    total = 0
    for layer in model.layers:
        if isinstance(layer, keras.layers.Conv2D):
            height, width, out_channels = layer.output.shape[1:]
            kernel_h, kernel_w, in_channels, _ = layer.kernel.shape
            total += 2 * height * width * out_channels * kernel_h * kernel_w * in_channels
        elif isinstance(layer, keras.layers.Dense):
            total += 2 * int(np.prod(layer.kernel.shape))
    return total


def percentiles(times_s: list[float]) -> dict:
    return {"median_ms": float(np.median(times_s) * 1000),
            "p95_ms": float(np.percentile(times_s, 95) * 1000)}


def keras_latency(model: keras.Model, images: np.ndarray) -> dict:
    infer = tf.function(lambda x: model(x, training=False))
    for image in images[:20]:
        infer(image[np.newaxis]).numpy()
    times = []
    for image in images:
        start = time.perf_counter()
        infer(image[np.newaxis]).numpy()
        times.append(time.perf_counter() - start)
    return percentiles(times)


def litert_latency(path: Path, images: np.ndarray) -> dict:
    interpreter = litert_interpreter(path)
    interpreter.allocate_tensors()
    source, target = interpreter.get_input_details()[0], interpreter.get_output_details()[0]
    scale, zero = source["quantization"]
    times = []
    for image in images:
        start = time.perf_counter()
        x = quantize(image, scale, zero, source["dtype"]) if scale else image
        interpreter.set_tensor(source["index"], x[np.newaxis].astype(source["dtype"]))
        interpreter.invoke()
        interpreter.get_tensor(target["index"])
        times.append(time.perf_counter() - start)
    return percentiles(times)


def chromium_latency(model_dir: Path, images: np.ndarray, scratch: Path) -> dict:
    """Serve the model and the page's tfjs from 127.0.0.1 and time it in headless Chromium."""
    root = scratch / "site"
    root.mkdir()
    (root / "node_modules").symlink_to(WEB / "node_modules")
    (root / "model").symlink_to(model_dir.resolve())
    (scratch / "images.json").write_text(json.dumps(images.reshape(len(images), -1).tolist()))

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), lambda *a: Quiet(*a, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        result = subprocess.run(
            ["node", str(WEB / "tools" / "bench-latency.mjs"),
             f"http://127.0.0.1:{server.server_port}/", "model/model.json",
             str(scratch / "images.json"), str(len(images))],
            capture_output=True, text=True, check=True)
    finally:
        server.shutdown()
        server.server_close()
    return json.loads(result.stdout)


class EpochTimer(keras.callbacks.Callback):
    def on_train_begin(self, logs: dict | None = None) -> None:
        self.seconds: list[float] = []

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self.started = time.perf_counter()

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self.seconds.append(time.perf_counter() - self.started)


def bench_preset(model_params: params.ModelParams, train_params: params.TrainParams,
                 data_dir: str, peak: float, scratch: Path) -> dict:
    keras.utils.set_random_seed(train_params.seed)
    tf.config.experimental.enable_op_determinism()  # as the train stage: same weights
    images, labels = load_split(data_dir, "train")
    (x_train, y_train), (x_val, y_val) = split_validation(
        to_model_input(images), labels, train_params.validation_split)
    test_images, test_labels = load_split(data_dir, "t10k")
    x_test = to_model_input(test_images)

    model, trainer = compile_for_training(model_params, train_params, len(x_train))
    timer = EpochTimer()
    trainer.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=train_params.epochs,
                batch_size=train_params.batch_size, callbacks=[timer], verbose=2)
    # The first epoch also traces and compiles the graph; the rest show the steady state.
    steady = float(np.median(timer.seconds[1:] or timer.seconds))
    throughput = len(x_train) / steady
    flops = forward_flops(model)
    figures = {
        "train_seconds": float(sum(timer.seconds)),
        "epoch_seconds": steady,
        "train_images_per_s": throughput,
        "forward_mflop_per_image": flops / 1e6,
        # A training step costs about three forward passes (forward, two for the backward).
        "train_fraction_of_peak": 3 * flops * throughput / peak,
        "params": model.count_params(),
    }
    latency_images = x_test[:LATENCY_DIGITS]
    keras_probs = predict_keras(model, x_test)
    figures["keras"] = {"accuracy": float(np.mean(keras_probs.argmax(1) == test_labels)),
                        **keras_latency(model, latency_images)}

    calibration = calibration_set(data_dir, 500)
    for quantization in ("none", "int8"):
        path = scratch / f"{quantization}.tflite"
        path.write_bytes(convert_to_tflite(model, quantization, calibration))
        probs = predict_litert(path, x_test)
        figures[f"litert_{quantization}"] = {
            "accuracy": float(np.mean(probs.argmax(1) == test_labels)),
            "size_bytes": path.stat().st_size, **litert_latency(path, latency_images)}

    for quantization in ("none", "float16", "uint8"):
        model_dir = scratch / f"tfjs-{quantization}"
        convert_to_tfjs(model, model_dir, quantization)
        probs = predict_tfjs(model_dir, x_test)
        figures[f"tfjs_{quantization}"] = {
            "accuracy": float(np.mean(probs.argmax(1) == test_labels)),
            "size_bytes": sum(f.stat().st_size for f in model_dir.iterdir())}
    latency = chromium_latency(scratch / "tfjs-none", latency_images, scratch)
    figures["tfjs_none"].update(median_ms=latency["median_ms"], p95_ms=latency["p95_ms"],
                                backend=latency["backend"])
    return figures


ROWS = [
    ("training: images/s", lambda f: f"{f['train_images_per_s']:.0f}"),
    ("training: fraction of peak FLOP/s", lambda f: f"{f['train_fraction_of_peak']:.1%}"),
    ("training: s/epoch (steady), total s",
     lambda f: f"{f['epoch_seconds']:.1f}, {f['train_seconds']:.0f}"),
    ("forward MFLOP/image, params",
     lambda f: f"{f['forward_mflop_per_image']:.1f}, {f['params']:,}"),
    ("accuracy: Keras", lambda f: f"{f['keras']['accuracy']:.2%}"),
    ("accuracy: LiteRT float / int8",
     lambda f: f"{f['litert_none']['accuracy']:.2%} / {f['litert_int8']['accuracy']:.2%}"),
    ("accuracy: TF.js float32 / f16 / uint8",
     lambda f: " / ".join(f"{f[k]['accuracy']:.2%}" for k in ("tfjs_none", "tfjs_float16",
                                                              "tfjs_uint8"))),
    ("size KB: LiteRT float / int8",
     lambda f: f"{f['litert_none']['size_bytes'] / 1e3:.0f} / "
               f"{f['litert_int8']['size_bytes'] / 1e3:.0f}"),
    ("size KB: TF.js float32 / f16 / uint8",
     lambda f: " / ".join(f"{f[k]['size_bytes'] / 1e3:.0f}" for k in ("tfjs_none",
                                                                     "tfjs_float16",
                                                                     "tfjs_uint8"))),
    ("latency ms (median / p95): Keras",
     lambda f: f"{f['keras']['median_ms']:.2f} / {f['keras']['p95_ms']:.2f}"),
    ("latency ms: LiteRT float",
     lambda f: f"{f['litert_none']['median_ms']:.3f} / {f['litert_none']['p95_ms']:.3f}"),
    ("latency ms: LiteRT int8",
     lambda f: f"{f['litert_int8']['median_ms']:.3f} / {f['litert_int8']['p95_ms']:.3f}"),
    ("latency ms: TF.js in Chromium (wasm)",
     lambda f: f"{f['tfjs_none']['median_ms']:.2f} / {f['tfjs_none']['p95_ms']:.2f}"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default="data/mnist", help="directory of the MNIST IDX files")
    parser.add_argument("--presets", nargs="+", default=["seed", "default"])
    parser.add_argument("--out", default="reports/bench.json", help="metrics JSON to write")
    parser.add_argument("--epochs", type=int, help="override train.epochs, for a quick look")
    args = parser.parse_args()
    model_section = params.load("model", params.ModelSection)
    train_params = params.load("train", params.TrainParams)
    if args.epochs:
        train_params = train_params.model_copy(update={"epochs": args.epochs})
    cpuinfo = Path("/proc/cpuinfo").read_text()
    peak, how = peak_flops(cpuinfo, os.cpu_count() or 1)
    isa = vector_isa(cpuinfo)

    results = {}
    for preset in args.presets:
        with tempfile.TemporaryDirectory() as scratch:
            print(f"--- preset {preset}", flush=True)
            results[preset] = bench_preset(model_section.presets[preset], train_params,
                                           args.data, peak, Path(scratch))
    width = max(len(label) for label, _ in ROWS)
    print(f"\nvector extension: {isa}; peak FP32: {peak / 1e9:.0f} GFLOP/s = {how}")
    print(f"{'':{width}}  " + "  ".join(f"{preset:>24}" for preset in results))
    for label, cell in ROWS:
        print(f"{label:{width}}  " + "  ".join(f"{cell(f):>24}" for f in results.values()))
    with atomic_output(args.out) as tmp:
        figures = {"peak_gflops": peak / 1e9, "vector_isa": isa, **results}
        tmp.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    run(main)
