import hashlib
import shutil
from pathlib import Path

import keras
import numpy as np
import pytest
from PIL import Image, ImageDraw

from digits.core.dataset import load_split, to_model_input
from digits.core.idx import encode_idx
from digits.training.model import predict_keras
from tests.conftest import REPO, edit_params, run_stage, tiny_mnist, tiny_model_section

pytestmark = pytest.mark.slow  # trains, converts or runs DVC, Node or a browser


def draw(workdir: Path) -> None:
    """workdir/drawn: the digits of workdir/data that params.yaml asks for, traced and drawn;
    workdir/kept: no kept digits."""
    run_stage(workdir, "trace_mnist", "--data", "data", "--out", "traced")
    run_stage(workdir, "draw_mnist", "--traced", "traced", "--out", "drawn")
    (workdir / "exported").mkdir(exist_ok=True)
    run_stage(workdir, "collect_kept", "--exports", "exported", "--out", "kept")


def train(workdir: Path, checksums: dict, seed: int, out: str) -> Path:
    shutil.copy(REPO / "params.yaml", workdir / "params.yaml")
    edit_params(workdir, "download", files=checksums)
    edit_params(workdir, "model", **tiny_model_section())
    edit_params(workdir, "train", epochs=2, batch_size=32, seed=seed)
    if not (workdir / "drawn").exists():
        draw(workdir)
    run_stage(workdir, "train", "--data", "data", "--drawn", "drawn", "--kept", "kept",
              "--model", out, "--live", f"live-{out}", "--metrics", f"metrics-{out}.json")
    return workdir / out


def test_training_is_deterministic_for_a_seed_and_logs_each_epoch(tmp_path):
    checksums = tiny_mnist(tmp_path / "data", compress=False)

    first = keras.models.load_model(train(tmp_path, checksums, 7, "a.keras")).get_weights()
    again = keras.models.load_model(train(tmp_path, checksums, 7, "b.keras")).get_weights()
    other = keras.models.load_model(train(tmp_path, checksums, 8, "c.keras")).get_weights()
    for x, y in zip(first, again, strict=True):
        np.testing.assert_array_equal(x, y)
    # and the same bytes: no save time in the archive, so a rerun leaves dvc.lock as it was
    assert (tmp_path / "a.keras").read_bytes() == (tmp_path / "b.keras").read_bytes()
    assert any(not np.array_equal(x, y) for x, y in zip(first, other, strict=True))

    curve = (tmp_path / "live-a.keras" / "metrics" / "eval" / "accuracy.tsv")
    assert curve.read_text().splitlines()[0].split("\t") == ["step", "accuracy"]
    assert len(curve.read_text().splitlines()) == 1 + 2  # header + one row per epoch


def tiny_strokes(directory: Path, n_train: int, n_test: int) -> dict:
    """MNIST files of n digits whose class is the angle of a short thin stroke (18 degrees a
    class) at a random place; return their SHA-256. Drawn again by draw-mnist they become
    long, bold and centred: another look, which a model learns only if it sees some."""
    rng = np.random.default_rng(0)
    directory.mkdir(parents=True)
    checksums = {}
    for prefix, n in (("train", n_train), ("t10k", n_test)):
        labels = (np.arange(n) % 10).astype(np.uint8)
        images = []
        for label in labels:
            (x, y), angle = rng.uniform(8, 20, 2), np.pi * label / 10
            dx, dy = 6 * np.cos(angle), 6 * np.sin(angle)
            picture = Image.fromarray(rng.integers(0, 40, (28, 28)).astype(np.uint8))
            ImageDraw.Draw(picture).line([(x - dx, y - dy), (x + dx, y + dy)], fill=255, width=2)
            images.append(np.asarray(picture))
        for name, array in ((f"{prefix}-images-idx3-ubyte", np.stack(images)),
                            (f"{prefix}-labels-idx1-ubyte", labels)):
            (directory / name).write_bytes(content := encode_idx(array))
            checksums[name] = hashlib.sha256(content).hexdigest()
    return checksums


def test_drawn_digits_mixed_into_training_raise_the_accuracy_on_drawn_digits(tmp_path):
    shutil.copy(REPO / "params.yaml", tmp_path / "params.yaml")
    edit_params(tmp_path, "download", files=tiny_strokes(tmp_path / "data", 300, 100))
    edit_params(tmp_path, "model", **tiny_model_section())
    edit_params(tmp_path, "drawn", pad=84, pen_width=[0.15, 0.2], slant=[0.0, 0.0],
                size=[0.9, 0.95], speed=[0.003, 0.005])
    accuracy = {}
    for fraction in (0.0, 1.0):
        edit_params(tmp_path, "train", epochs=6, batch_size=32, seed=1, drawn_fraction=fraction)
        draw(tmp_path)
        drawn, labels = load_split(tmp_path / "drawn", "t10k")
        result = run_stage(tmp_path, "train", "--data", "data", "--drawn", "drawn", "--kept",
                           "kept", "--model", f"{fraction}.keras", "--live", "live", "--metrics",
                           "metrics.json")
        assert f"{300 - 30 + round(fraction * 270)} training digits" in result.stdout
        model = keras.models.load_model(tmp_path / f"{fraction}.keras")
        reads = predict_keras(model, to_model_input(drawn)).argmax(axis=1)
        accuracy[fraction] = np.mean(reads == labels)
    # measured: 0.34 without, 0.96 with
    assert accuracy[1.0] > 0.8 and accuracy[1.0] > accuracy[0.0] + 0.3, accuracy
