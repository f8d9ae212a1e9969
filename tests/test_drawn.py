import json

import numpy as np
import pytest

from digits.drawn import read_drawn
from digits.errors import PipelineError


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
