"""What the metrics and the apps say about a converted model (a file, or a folder of them):
its size and its version."""

import hashlib
from pathlib import Path


def files_of(path: str | Path) -> list[Path]:
    path = Path(path)
    return sorted(path.iterdir()) if path.is_dir() else [path]


def size_bytes(path: str | Path) -> int:
    return sum(file.stat().st_size for file in files_of(path))


def model_version(path: str | Path) -> str:
    """The version string the apps show for a converted model: the first 12 hex digits of the
    SHA-256 of each file's name and bytes, in name order. web/tools/build.mjs and the Android
    app's ModelVersion.kt compute the same."""
    digest = hashlib.sha256()
    for file in files_of(path):
        digest.update(file.name.encode())
        digest.update(file.read_bytes())
    return digest.hexdigest()[:12]
