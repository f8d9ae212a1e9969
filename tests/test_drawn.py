import json
import os
import re
import shutil

import keras
import numpy as np
import pytest

from digits.core.dataset import load_split
from digits.core.errors import PipelineError
from digits.core.idx import encode_idx
from digits.data.kept import MAX_EXPORT_BYTES, drawing_id, only_checks, read_drawn
from digits.deploy.scores import drawn_metrics
from tests.conftest import REPO, edit_params, run_stage


def digit(label: int = 4, **changes) -> dict:
    return {"label": label, "read": 9, "model": "2339378b1a42", "kept": "2026-11-28T08:00:00Z",
            "strokes": [[[0.3, 0.2], [0.31, 0.6]], [[0.2, 0.4], [0.5, 0.4]]],
            "input": list(range(256)) * 3 + [255] * 16, **changes}


def export(path, digits: list[dict], **changes) -> None:
    path.write_text(json.dumps({"format": "drawn-digits", "version": 1, "digits": digits,
                                **changes}))


def test_an_export_reads_as_images_labels_and_strokes(tmp_path):
    export(tmp_path / "drawn.json", [digit(4), digit(7, strokes=[])])
    drawn = read_drawn(tmp_path / "drawn.json")
    assert drawn.images.shape == (2, 28, 28) and drawn.images.dtype == np.uint8
    assert drawn.images[0, 0, :3].tolist() == [0, 1, 2]
    assert drawn.labels.tolist() == [4, 7]
    assert drawn.strokes == [[[(0.3, 0.2), (0.31, 0.6)], [(0.2, 0.4), (0.5, 0.4)]], []]


def test_an_empty_export_is_an_empty_set(tmp_path):
    export(tmp_path / "drawn.json", [])
    assert read_drawn(tmp_path / "drawn.json").images.shape == (0, 28, 28)


@pytest.mark.parametrize("digits, changes, problem", [
    ([digit(label=10)], {}, r"digits\[0\]\.label: Input should be less than 10"),
    ([digit(), digit(input=[0] * 783)], {}, r"digits\[1\]\.input: List should have at least 784"),
    ([digit(input=[256] * 784)], {}, r"digits\[0\]\.input\[0\]: Input should be less than or"),
    ([digit(strokes=[[[1.5, 0.2]]])], {}, r"digits\[0\]\.strokes\[0\]\[0\]\[0\]"),
    ([digit()], {"format": "mnist"}, r"format: Input should be 'drawn-digits'"),
    ([digit()], {"version": 2}, r"version: Input should be 1"),
])
def test_a_damaged_or_foreign_file_names_the_problem_and_the_fix(tmp_path, digits, changes,
                                                                  problem):
    path = tmp_path / "drawn.json"
    export(path, digits, **changes)
    with pytest.raises(PipelineError, match=f"^{path}: not a drawn-digits export \\({problem}.*"
                                            r"\); fix: export it again from the app$"):
        read_drawn(path)


def test_a_file_that_is_not_json_is_named(tmp_path):
    path = tmp_path / "drawn.json"
    path.write_text("<html>")
    with pytest.raises(PipelineError, match=r"not a drawn-digits export .*fix: export it again"):
        read_drawn(path)


def collect(workdir, check: bool = True):
    """collect-kept on workdir/exported into workdir/kept, with the project's params."""
    shutil.copy(REPO / "params.yaml", workdir / "params.yaml")
    return run_stage(workdir, "collect_kept", "--exports", "exported", "--out", "kept",
                     check=check)


def kept(out) -> tuple[np.ndarray, np.ndarray]:
    """Both parts of collect-kept's output together, the training part first."""
    parts = [load_split(out, part) for part in ("train", "check")]
    return (np.concatenate([images for images, _ in parts]),
            np.concatenate([labels for _, labels in parts]))


def test_exports_merge_into_one_set_each_drawing_once(tmp_path):
    exports = tmp_path / "exported"
    exports.mkdir()
    (exports / "README.md").write_text("not an export")
    first = [digit(4), digit(7, input=[9] * 784)]
    export(exports / "drawn-digits-20261127.json", first)
    export(exports / "drawn-digits-20261128.json", [*first, digit(1, input=[0] * 784)])
    result = collect(tmp_path)
    assert "3 kept digits from 2 export(s)" in result.stdout
    images, labels = kept(tmp_path / "kept")
    assert sorted(labels.tolist()) == [1, 4, 7]
    assert images[labels.tolist().index(7)].tolist() == [[9] * 28] * 28


def test_no_exports_make_an_empty_set(tmp_path):
    (tmp_path / "exported").mkdir()
    collect(tmp_path)
    images, labels = kept(tmp_path / "kept")
    assert images.shape == (0, 28, 28) and labels.shape == (0,)


def test_a_bad_export_names_the_file_and_writes_nothing(tmp_path):
    exports = tmp_path / "exported"
    exports.mkdir()
    export(exports / "good.json", [digit(4)])
    export(exports / "half.json", [digit(11)])
    result = collect(tmp_path, check=False)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert "half.json: not a drawn-digits export" in result.stderr
    assert not (tmp_path / "kept").exists()


def test_drawn_metrics_measure_the_kept_digits_only_when_there_are_some(tmp_path):
    images = np.zeros((4, 28, 28), np.uint8)
    images[:, 0, 0] = [0, 1, 2, 3]  # each image says which digit the fake model reads
    write_set(tmp_path / "drawn", "t10k", images, np.array([0, 1, 2, 9], np.uint8))
    for part in ("train", "check"):
        write_set(tmp_path / "kept", part, images[:0], np.zeros(0, np.uint8))

    def predict(inputs):  # sure of each digit, and that it is one
        return np.eye(11)[np.round(inputs[:, 0, 0, 0] * 255).astype(int)]

    # right on 3 of 4 at 100% confidence: a calibration error of 0.25
    drawn = {"accuracy": 0.75, "ece": 0.25, "flagged": 0.0}
    assert drawn_metrics(predict, tmp_path / "drawn", tmp_path / "kept") == drawn
    write_set(tmp_path / "kept", "train", images[2:], np.array([2, 3], np.uint8))
    assert drawn_metrics(predict, tmp_path / "drawn", tmp_path / "kept") == {
        **drawn, "kept_check_digits": 0, "kept_train_digits": 2}
    write_set(tmp_path / "kept", "check", images[:2], np.array([5, 1], np.uint8))
    assert drawn_metrics(predict, tmp_path / "drawn", tmp_path / "kept") == {
        **drawn, "kept_check_accuracy": 0.5, "kept_check_digits": 2, "kept_train_digits": 2}



@pytest.mark.parametrize(("missing", "stage"), [("drawn", "draw-mnist"), ("kept", "collect-kept")])
def test_a_missing_drawn_set_names_the_stage_that_makes_it(tmp_path, missing, stage):
    images, labels = np.zeros((1, 28, 28), np.uint8), np.zeros(1, np.uint8)
    write_set(tmp_path / "drawn", "t10k", images, labels)
    for part in ("train", "check"):
        write_set(tmp_path / "kept", part, images, labels)
    next((tmp_path / missing).iterdir()).unlink()
    with pytest.raises(PipelineError, match=f"`dvc repro -s -f {stage}` if the cache lacks it"):
        drawn_metrics(lambda inputs: inputs, tmp_path / "drawn", tmp_path / "kept")


def write_set(directory, split, images, labels) -> None:
    directory.mkdir(exist_ok=True)
    (directory / f"{split}-images-idx3-ubyte").write_bytes(encode_idx(images))
    (directory / f"{split}-labels-idx1-ubyte").write_bytes(encode_idx(labels))


def test_a_drawing_kept_with_two_labels_is_left_out_and_said_so(tmp_path):
    exports = tmp_path / "exported"
    exports.mkdir()
    export(exports / "a.json", [digit(4), digit(7, input=[9] * 784)])
    export(exports / "b.json", [digit(9)])  # the same drawing as a.json's 4
    result = collect(tmp_path)
    assert "warning: a drawing kept as 4 and as 9 is left out" in result.stdout
    assert "1 kept digits from 2 export(s)" in result.stdout
    assert kept(tmp_path / "kept")[1].tolist() == [7]


@pytest.mark.parametrize("make, problem", [
    (lambda path: path.mkdir(), r"exported/x\.json is a folder, not an export; fix: move it out"),
    (lambda path: path.write_bytes(b'{"format": "drawn-digits\xff"}'),
     r"exported/x\.json: not a drawn-digits export \(file: Invalid JSON: invalid unicode"),
    # Refused by its size, before anything is read: a sparse file of zeros.
    (lambda path: (path.touch(), os.truncate(path, MAX_EXPORT_BYTES + 1)),
     r"exported/x\.json is 16 MiB, over the 16 MiB an export may be; fix: export from the app"),
])
def test_what_is_not_an_export_is_one_line_naming_it(tmp_path, make, problem):
    (tmp_path / "exported").mkdir()
    make(tmp_path / "exported" / "x.json")
    result = collect(tmp_path, check=False)
    assert result.returncode == 1
    assert re.match(f"error: .*{problem}", result.stderr) and result.stderr.count("\n") == 1
    assert not (tmp_path / "kept").exists()


def test_kept_digits_split_by_their_drawing_so_more_exports_never_move_one(tmp_path):
    exports = tmp_path / "exported"
    exports.mkdir()
    drawings = [digit(n % 10, input=[n % 256, n // 256] + [0] * 782) for n in range(200)]
    export(exports / "a.json", drawings[:120])
    collect(tmp_path)
    before = {part: {image.tobytes() for image in load_split(tmp_path / "kept", part)[0]}
              for part in ("train", "check")}
    export(exports / "b.json", drawings)
    result = collect(tmp_path)
    after = {part: {image.tobytes() for image in load_split(tmp_path / "kept", part)[0]}
             for part in ("train", "check")}
    assert before["train"] <= after["train"] and before["check"] <= after["check"]
    assert 0.2 < len(after["check"]) / 200 < 0.4  # kept.check_fraction 0.3
    assert f"to train, {len(after['check'])} to check" in result.stdout


def test_a_larger_check_fraction_only_moves_drawings_into_the_checking_part():
    drawings = np.arange(300 * 784).reshape(300, 28, 28).astype(np.uint8) ^ 0x5A
    smaller = {n for n, image in enumerate(drawings) if only_checks(image, 0.2)}
    larger = {n for n, image in enumerate(drawings) if only_checks(image, 0.5)}
    assert smaller < larger and not any(only_checks(image, 0) for image in drawings)


def test_kept_drop_leaves_out_the_drawings_it_names(tmp_path):
    exports = tmp_path / "exported"
    exports.mkdir()
    wrong = digit(7, input=[3] * 784)
    export(exports / "a.json", [digit(4), wrong, digit(1, input=[5] * 784)])
    collect(tmp_path)
    wrong_id = drawing_id(np.full((28, 28), 3, np.uint8))
    edit_params(tmp_path, "kept", drop=[wrong_id])
    result = run_stage(tmp_path, "collect_kept", "--exports", "exported", "--out", "kept")
    assert "2 kept digits" in result.stdout and "1 left out by kept.drop" in result.stdout
    assert sorted(kept(tmp_path / "kept")[1].tolist()) == [1, 4]


def test_kept_digits_the_model_surely_reads_otherwise_are_reported_with_their_ids(tmp_path,
                                                                                  capsys):
    from stages.evaluate import contradicted_kept_digits

    # A model that reads every picture as a 1, surely.
    model = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(),
                              keras.layers.Dense(10, activation="softmax")])
    model.layers[-1].set_weights([np.zeros((784, 10)), np.eye(10)[1] * 5])  # 1 at 94%
    images = np.stack([np.full((28, 28), value, np.uint8) for value in (1, 2, 3)])
    write_set(tmp_path / "kept", "train", images[:2], np.array([1, 7], np.uint8))
    write_set(tmp_path / "kept", "check", images[2:], np.array([4], np.uint8))
    shown, labels, reads = contradicted_kept_digits(model, tmp_path / "kept", confidence=0.9)
    assert labels.tolist() == [7, 4] and reads.tolist() == [1, 1]
    assert np.array_equal(shown, images[1:])
    printed = capsys.readouterr().out.splitlines()
    assert printed[0].startswith(f"kept digit {drawing_id(images[1])} labelled 7 reads as 1 at ")
    assert len(printed) == 2
    assert contradicted_kept_digits(model, tmp_path / "kept", confidence=0.95)[1].tolist() == []


def test_with_no_kept_digits_training_takes_the_digits_as_they_were(tmp_path):
    from digits.training.sets import with_kept

    images = np.arange(3 * 784).reshape(3, 28, 28).astype(np.uint8)
    labels = np.array([1, 2, 3], np.uint8)
    write_set(tmp_path / "kept", "train", images[:0], labels[:0])
    same_images, same_labels = with_kept(images, labels, tmp_path / "kept", repeats=10)
    assert same_images.tobytes() == images.tobytes() and same_labels.tobytes() == labels.tobytes()
    write_set(tmp_path / "kept", "train", images[:1], np.array([7], np.uint8))
    assert with_kept(images, labels, tmp_path / "kept", repeats=3)[1].tolist() == [1, 2, 3, 7, 7, 7]
