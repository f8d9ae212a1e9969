"""Write outputs so that a failure, or a kill at any moment, never leaves a half-written file
or directory in their place: each output is the old one, the new one, or (for the instant
between the two renames of a directory swap) absent, which `dvc checkout` restores."""

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_LEFTOVER_PREFIXES = (".tmp-", ".old-")


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


def _is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_leftovers(dest: Path) -> list[Path]:
    """Delete the temporary copies of `dest` that killed writers left beside it (named
    `.tmp-<pid>-<name>` or `.old-<pid>-<name>`, pid no longer running); return them."""
    removed = []
    for prefix in _LEFTOVER_PREFIXES:
        for path in dest.parent.glob(f"{prefix}*-{dest.name}"):
            pid = path.name[len(prefix):-len(dest.name) - 1]
            if pid.isdigit() and not _is_running(int(pid)):
                _remove(path)
                removed.append(path)
    return removed


@contextmanager
def atomic_output(dest: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside `dest`; move it onto `dest` only if the block succeeds.

    The temporary name keeps `dest`'s suffix, so writers that check it (Keras wants
    `.keras`) accept it. Works for files and directories alike. Leftovers of killed earlier
    runs are deleted first.
    """
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(dest)
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
