import numpy as np
import pytest

from digits.core.idx import IdxError, encode_idx, parse_idx


def test_parses_the_canonical_header_and_values():
    labels = bytes([0, 0, 8, 1, 0, 0, 0, 3, 7, 2, 1])
    assert parse_idx(labels).tolist() == [7, 2, 1]
    images = bytes([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 1]) + bytes([0, 255, 9, 4])
    parsed = parse_idx(images)
    assert parsed.shape == (2, 2, 1)
    assert parsed.dtype == np.uint8
    assert parsed[:, :, 0].tolist() == [[0, 255], [9, 4]]


@pytest.mark.parametrize("array", [
    np.arange(24, dtype=np.uint8).reshape(2, 3, 4),
    np.array([-5, 7], dtype=np.int32),
    np.linspace(-1, 1, 6, dtype=np.float32).reshape(3, 2),
])
def test_encode_then_parse_round_trips(array):
    parsed = parse_idx(encode_idx(array))
    assert parsed.dtype == array.dtype
    np.testing.assert_array_equal(parsed, array)


@pytest.mark.parametrize(("data", "problem"), [
    (b"", "bad magic"),
    (bytes([1, 0, 8, 1, 0, 0, 0, 1, 5]), "bad magic"),
    (bytes([0, 0, 0x42, 1, 0, 0, 0, 1, 5]), "unknown IDX data type 0x42"),
    (bytes([0, 0, 8, 3, 0, 0, 0, 1]), "truncated IDX header"),
    (bytes([0, 0, 8, 1, 0, 0, 0, 3, 7, 2]), "should be 11 bytes, got 10"),
    (bytes([0, 0, 8, 1, 0, 0, 0, 1, 7, 2]), "should be 9 bytes, got 10"),
])
def test_rejects_malformed_files(data, problem):
    with pytest.raises(IdxError, match=problem):
        parse_idx(data)
