"""Measure the pipeline's own models where they run: per-digit latency (median and p95) of
the Keras model, the Android app's LiteRT model and the web page's TF.js model in headless
Chromium, their sizes, and the model's FLOPs against this CPU's peak.

    python -m tools.bench [--out reports/bench.json]

It reads what `dvc repro` wrote (models/model.keras, the Android asset, web/model) and
reports: nothing here passes or fails, and nothing is trained. To compare presets or recipes,
run them as DVC experiments (`dvc exp run --queue -S model.preset=seed`, `dvc queue start`,
`dvc exp show`).
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
from digits.core.dataset import load_split, to_model_input
from digits.core.errors import run
from digits.core.native_logs import quiet_native_logs
from digits.deploy.artifacts import size_bytes
from digits.deploy.litert import litert_interpreter, quantize
from digits.deploy.tfjs import NPM_LOCKFILE
from digits.training.model import load_model

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


def litert_latency(path: str | Path, images: np.ndarray) -> dict:
    interpreter = litert_interpreter(path)
    with quiet_native_logs():
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


RUNTIMES = [("Keras", "keras"), ("LiteRT (Android asset)", "litert"),
            ("TF.js in Chromium (wasm)", "tfjs")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default="data/mnist", help="directory of the MNIST IDX files")
    parser.add_argument("--keras", default="models/model.keras")
    parser.add_argument("--tflite", default="android/app/src/main/assets/digits.tflite")
    parser.add_argument("--tfjs", default="web/model")
    parser.add_argument("--out", default="reports/bench.json", help="metrics JSON to write")
    args = parser.parse_args()
    checksums = params.load("download", params.DownloadParams).files
    cpuinfo = Path("/proc/cpuinfo").read_text()
    peak, how = peak_flops(cpuinfo, os.cpu_count() or 1)
    images, _ = load_split(args.data, "t10k", checksums)
    digits = to_model_input(images[:LATENCY_DIGITS])

    model = load_model(args.keras)
    with tempfile.TemporaryDirectory() as scratch:
        figures = {
            "vector_isa": vector_isa(cpuinfo), "peak_gflops": peak / 1e9,
            "forward_mflop_per_image": forward_flops(model) / 1e6,
            "keras": {"size_bytes": size_bytes(args.keras), **keras_latency(model, digits)},
            "litert": {"size_bytes": size_bytes(args.tflite),
                       **litert_latency(args.tflite, digits)},
            "tfjs": {"size_bytes": size_bytes(args.tfjs),
                     **chromium_latency(Path(args.tfjs), digits, Path(scratch))},
        }
    print(f"{figures['vector_isa']}, peak FP32 {peak / 1e9:.0f} GFLOP/s = {how}; the model: "
          f"{figures['forward_mflop_per_image']:.1f} MFLOP a digit")
    print(f"per-digit latency on {LATENCY_DIGITS} MNIST test digits, median / p95 ms, size:")
    for title, key in RUNTIMES:
        runtime = figures[key]
        print(f"  {title:26} {runtime['median_ms']:7.2f} / {runtime['p95_ms']:7.2f}  "
              f"{runtime['size_bytes']:>10,} B")
    with atomic_output(args.out) as tmp:
        tmp.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    run(main)
