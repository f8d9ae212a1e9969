"""The IDX format MNIST ships in: a magic number, big-endian sizes, then raw values."""

import numpy as np

from digits.core.errors import PipelineError

_DTYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
_CODES = {np.dtype(dtype): code for code, dtype in _DTYPES.items()}


class IdxError(PipelineError):
    pass


def parse_idx(data: bytes) -> np.ndarray:
    """Decode an uncompressed IDX file into an array of its shape and type."""
    if len(data) < 4 or data[0] != 0 or data[1] != 0:
        raise IdxError("not an IDX file (bad magic number)")
    code, ndim = data[2], data[3]
    if code not in _DTYPES:
        raise IdxError(f"unknown IDX data type 0x{code:02x}")
    header = 4 + 4 * ndim
    if len(data) < header:
        raise IdxError(f"truncated IDX header: {len(data)} of {header} bytes")
    shape = tuple(int(n) for n in np.frombuffer(data, ">u4", count=ndim, offset=4))
    dtype = np.dtype(_DTYPES[code])
    expected = header + int(np.prod(shape)) * dtype.itemsize
    if len(data) != expected:
        raise IdxError(f"IDX file of shape {shape} should be {expected} bytes, got {len(data)}")
    return np.frombuffer(data, dtype, offset=header).reshape(shape).astype(dtype.newbyteorder("="))


def encode_idx(array: np.ndarray) -> bytes:
    """Encode an array as an uncompressed IDX file, the inverse of parse_idx."""
    big_endian = array.dtype.newbyteorder(">") if array.dtype.itemsize > 1 else array.dtype
    code = _CODES.get(np.dtype(big_endian))
    if code is None:
        raise IdxError(f"IDX cannot hold arrays of type {array.dtype}")
    header = bytes([0, 0, code, array.ndim]) + np.asarray(array.shape, ">u4").tobytes()
    return header + np.ascontiguousarray(array, big_endian).tobytes()
