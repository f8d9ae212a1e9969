"""Write outputs so that a failure never leaves a half-written file or directory behind."""

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


@contextmanager
def atomic_output(dest: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside `dest`; move it onto `dest` only if the block succeeds.

    The temporary name keeps `dest`'s suffix, so writers that check it (Keras wants
    `.keras`) accept it. Works for files and directories alike.
    """
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".tmp-{os.getpid()}-{dest.name}")
    _remove(tmp)
    try:
        yield tmp
        if not tmp.exists():
            raise FileNotFoundError(f"nothing was written to {tmp}")
        old = dest.with_name(f".old-{os.getpid()}-{dest.name}")
        if dest.is_dir() and not dest.is_symlink():
            os.replace(dest, old)  # a directory cannot be replaced in one step
        os.replace(tmp, dest)
        _remove(old)
    finally:
        _remove(tmp)
