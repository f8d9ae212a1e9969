import hashlib

import numpy as np
import pytest

from digits.core.dataset import load_split
from digits.core.errors import PipelineError
from digits.core.idx import encode_idx

FIX = (r"fix: `dvc checkout --relink --force {0}` \(or `dvc repro -s -f download` if the cache "
       r"lacks it\)")


def write_split(directory, labels: list[int]) -> dict[str, str]:
    """A t10k split of blank images with these labels; return the files' SHA-256."""
    directory.mkdir(exist_ok=True)
    arrays = {"t10k-images-idx3-ubyte": np.zeros((len(labels), 28, 28), np.uint8),
              "t10k-labels-idx1-ubyte": np.array(labels, np.uint8)}
    checksums = {}
    for name, array in arrays.items():
        (directory / name).write_bytes(encode_idx(array))
        checksums[name] = hashlib.sha256(encode_idx(array)).hexdigest()
    return checksums


def test_a_split_that_matches_its_checksums_loads(tmp_path):
    checksums = write_split(tmp_path / "mnist", [3, 1, 4])
    images, labels = load_split(tmp_path / "mnist", "t10k", checksums)
    assert images.shape == (3, 28, 28)
    assert labels.tolist() == [3, 1, 4]


def test_a_file_damaged_in_place_is_caught_by_its_checksum(tmp_path):
    data = tmp_path / "mnist"
    checksums = write_split(data, [3, 1, 4])
    labels = data / "t10k-labels-idx1-ubyte"
    labels.write_bytes(labels.read_bytes()[:-1] + b"\x05")  # a valid file, one label changed
    with pytest.raises(PipelineError, match=f"{labels} is damaged: its SHA-256 is not the one in "
                                            r"params.yaml \(download.files.t10k-labels-idx1-ubyte\)"
                                            f"; {FIX.format(data)}"):
        load_split(data, "t10k", checksums)
    assert load_split(data, "t10k")[1].tolist() == [3, 1, 5]  # unchecked, it would be used


def test_a_file_without_a_checksum_in_params_is_an_error(tmp_path):
    checksums = write_split(tmp_path / "mnist", [3])
    del checksums["t10k-images-idx3-ubyte"]
    with pytest.raises(PipelineError, match=r"download\.files has no SHA-256 for t10k-images"):
        load_split(tmp_path / "mnist", "t10k", checksums)


def test_a_label_that_is_not_a_digit_is_an_error_not_an_index_error(tmp_path):
    data = tmp_path / "mnist"
    checksums = write_split(data, [3, 12])
    with pytest.raises(PipelineError, match=f"t10k labels must be digits 0-9, found 12; "
                                            f"{FIX.format(data)}"):
        load_split(data, "t10k", checksums)


def test_a_missing_file_names_the_fix(tmp_path):
    data = tmp_path / "mnist"
    write_split(data, [3])
    (data / "t10k-images-idx3-ubyte").unlink()
    with pytest.raises(PipelineError, match=f"images-idx3-ubyte is missing; {FIX.format(data)}"):
        load_split(data, "t10k")
