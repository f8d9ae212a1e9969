"""What the tests share: running a stage, editing params, tiny MNIST-format data sets and
a local HTTP server."""

import contextlib
import gzip
import hashlib
import http.server
import io
import os
import runpy
import shutil
import struct
import subprocess
import sys
import threading
import traceback
import zlib
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import yaml

from digits.core.dataset import MNIST_SIZE
from digits.core.idx import encode_idx, parse_idx

pytest_plugins = ["tests.tiny_repo"]  # the session's tiny DVC repository

# The modules that take longest, in the order `make test` starts them: pytest-xdist's
# `--dist loadfile --no-loadscope-reorder` hands whole files to its workers in collection order,
# each worker taking the next when it has at most two tests left. The first builds the tiny
# pipeline the next ones reuse, while the second trains the page's model.
LONGEST_FIRST = ["test_pipeline.py", "test_web.py", "test_experiments.py", "test_repairs.py",
                 "test_strategies.py", "test_sharing.py", "test_release.py", "test_train.py",
                 "test_convert.py", "test_android.py"]

REPO = Path(__file__).resolve().parent.parent
DELETE = object()  # edit_params: remove the key


def stage_command(name: str, *args: str) -> list[str]:
    """The command line of a stage script (or a tool, `tools.predict`), with this venv's Python."""
    return [sys.executable, "-m", _module(name), *args]


def _module(name: str) -> str:
    return name if "." in name else f"stages.{name}"


def stage_env(**extra: str) -> dict[str, str]:
    """The environment a stage runs in under DVC: this project importable, this venv first."""
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    return {**os.environ, "PYTHONPATH": str(REPO), "PATH": path, **extra}


@contextlib.contextmanager
def _environment(env: dict[str, str]) -> Iterator[None]:
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def run_stage(workdir: Path, name: str, *args: str, check: bool = True,
              env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run a stage script (or a tool) as `python -m stages.<name> args` would, in `workdir`
    with `env`, and return its exit code and output; with `check`, fail the test if it fails.

    It runs in this process: TensorFlow's import (7 s) is paid once per test session, not
    once per run. `dvc repro` in the tiny pipeline runs every stage's real command line."""
    module = _module(name)
    if "keras" in sys.modules:  # a fresh process's Keras: layer names count from the start
        sys.modules["keras"].backend.clear_session()
    stdout, stderr = io.StringIO(), io.StringIO()
    argv = sys.argv
    sys.argv = [module, *args]
    try:
        with (_environment(env or stage_env()), contextlib.chdir(workdir),
              contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr)):
            try:
                runpy.run_module(module, run_name="__main__", alter_sys=True)
                code = 0
            except SystemExit as exit:  # what the interpreter would print and exit with
                if isinstance(exit.code, str):
                    print(exit.code, file=sys.stderr)
                code = exit.code if isinstance(exit.code, int) else int(exit.code is not None)
            except Exception:
                traceback.print_exc()
                code = 1
    finally:
        sys.argv = argv
    result = subprocess.CompletedProcess([module, *args], code, stdout.getvalue(),
                                         stderr.getvalue())
    if check:
        assert code == 0, f"{name} failed:\n{result.stderr[-3000:]}"
    return result


def edit_params(path: Path, section: str, **values) -> None:
    """Set keys of one section of a params.yaml (the file, or the directory holding it);
    a value of DELETE removes the key."""
    path = path / "params.yaml" if path.is_dir() else path
    params = yaml.safe_load(path.read_text())
    for key, value in values.items():
        if value is DELETE:
            del params[section][key]
        else:
            params[section][key] = value
    path.write_text(yaml.safe_dump(params, sort_keys=False))


def tiny_mnist(directory: Path, n_train: int = 96, n_test: int = 32, seed: int = 0,
               compress: bool = True) -> dict:
    """Write the four MNIST files (gzip'd, as mirrors serve them, or plain, as the download
    stage leaves them) holding n synthetic digits; return their SHA-256.

    Each class is a bright bar at a position of its own plus noise, so a small CNN can learn it.
    """
    rng = np.random.default_rng(seed)
    directory.mkdir(parents=True, exist_ok=True)
    digests = {}
    for prefix, n in (("train", n_train), ("t10k", n_test)):
        labels = (np.arange(n) % 10).astype(np.uint8)
        images = rng.integers(0, 40, size=(n, MNIST_SIZE, MNIST_SIZE)).astype(np.uint8)
        for image, label in zip(images, labels, strict=True):
            image[4 + 2 * label:6 + 2 * label, 6:22] = 255
        for name, array in ((f"{prefix}-images-idx3-ubyte", images),
                            (f"{prefix}-labels-idx1-ubyte", labels)):
            content = encode_idx(array)
            if compress:
                (directory / f"{name}.gz").write_bytes(gzip.compress(content, mtime=0))
            else:
                (directory / name).write_bytes(content)
            digests[name] = hashlib.sha256(content).hexdigest()
    return digests


def stand_in_drawn_digits(workdir: Path) -> None:
    """workdir/drawn: the test digits of workdir/data copied where draw-mnist's drawings go and
    no drawn training digit (train.drawn_fraction 0), and workdir/kept: no kept digits. For
    tests of other stages, where what the drawn figures are is not under test."""
    drawn, kept = workdir / "drawn", workdir / "kept"
    for directory in (drawn, kept):
        directory.mkdir(exist_ok=True)
    for name in ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"):
        shutil.copy(workdir / "data" / name, drawn / name)
    count = len(parse_idx((drawn / "t10k-labels-idx1-ubyte").read_bytes()))
    (drawn / "t10k-index-idx1-ubyte").write_bytes(encode_idx(np.arange(count, dtype=np.int32)))
    for directory, split in ((drawn, "train"), (kept, "train"), (kept, "check")):
        (directory / f"{split}-images-idx3-ubyte").write_bytes(
            encode_idx(np.zeros((0, MNIST_SIZE, MNIST_SIZE), np.uint8)))
        (directory / f"{split}-labels-idx1-ubyte").write_bytes(encode_idx(np.zeros(0, np.uint8)))
    (drawn / "train-index-idx1-ubyte").write_bytes(encode_idx(np.zeros(0, np.int32)))


def stand_in_nondigits(workdir: Path, count: int = 8) -> None:
    """workdir/nondigits: `count` drawings of random ink in each part, where draw-nondigits'
    drawings go, for tests of stages that only pass them through."""
    (workdir / "nondigits").mkdir(exist_ok=True)
    rng = np.random.default_rng(0)
    for part in ("train", "validation", "test"):
        images = rng.integers(0, 256, (count, MNIST_SIZE, MNIST_SIZE), dtype=np.uint8)
        (workdir / "nondigits" / f"{part}-images-idx3-ubyte").write_bytes(encode_idx(images))


def deployed(cnn, not_a_digit: float = 0.01):
    """A CNN (build_model's) as calibrate deploys it: probabilities at temperature 1, and a
    not-a-digit output that is always `not_a_digit`."""
    import keras

    from digits.training.notdigit import deployable, feature_tensor

    width = feature_tensor(cnn).shape[-1]
    head = keras.Sequential([keras.Input((width,)),
                             keras.layers.Dense(1, activation="sigmoid", name="not_a_digit")])
    head.layers[0].set_weights([np.zeros((width, 1)),
                                np.array([np.log(not_a_digit / (1 - not_a_digit))])])
    return deployable(cnn, 1.0, head)


def png_claiming(width: int, height: int, rows: int) -> bytes:
    """A greyscale PNG that declares width x height pixels but holds only `rows` rows (black)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = zlib.compress((b"\0" + bytes(width)) * rows, 9)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels)
            + chunk(b"IEND", b""))


def tiny_model_section(**architecture) -> dict:
    """A params.yaml `model` section whose chosen preset is a tiny network, for fast tests,
    beside a `wider` one that is not chosen."""
    tiny = {"conv_filters": [4, 8], "kernel_sizes": [3, 3], "convs_per_block": 1,
            "crop": 0, "padding": "same", "downsample": "maxpool", "batch_norm": False,
            "dense_units": 16, "dropout": 0.5,
            "augment": {"translation": 0, "rotation": 0, "zoom": 0}, **architecture}
    return {"preset": "tiny", "presets": {"tiny": tiny, "wider": {**tiny, "dense_units": 32}}}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: keeps the rest


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def http_root(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A directory served over HTTP on 127.0.0.1; yields (directory, base URL)."""
    root = tmp_path / "served"
    root.mkdir()

    def handler(*args, **kwargs):
        return _QuietHandler(*args, directory=str(root), **kwargs)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()
