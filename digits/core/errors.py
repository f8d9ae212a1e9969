"""The one kind of error a user fixes, and how a stage script reports it: one line, never a
traceback, for a PipelineError, a full disk and Ctrl-C alike."""

import errno
import gc
import os
import sys
from collections.abc import Callable
from types import TracebackType


class PipelineError(Exception):
    """A problem with the input; the message names it and says how to fix it."""


def disk_full(error: BaseException) -> bool:
    """Whether `error` is a full disk (or quota), raised by Python or, as its own error with
    the system's message, by TensorFlow's C++ file system."""
    return (getattr(error, "errno", None) in (errno.ENOSPC, errno.EDQUOT)
            or any(os.strerror(code) in str(error) for code in (errno.ENOSPC, errno.EDQUOT)))


def _restore() -> str:
    return ("; `dvc checkout` restores the last good outputs, `git checkout reports` their "
            "metrics and plots" if os.environ.get("DVC_STAGE") else "")


def _interrupted() -> None:
    print(f"interrupted (Ctrl-C): no output is left half-written{_restore()}", file=sys.stderr)


def _report_interrupt(kind: type[BaseException], value: BaseException,
                      traceback: TracebackType | None) -> None:
    """Ctrl-C before run() starts (while TensorFlow imports, say): the same one line."""
    if issubclass(kind, KeyboardInterrupt):
        _interrupted()
    else:
        sys.__excepthook__(kind, value, traceback)


sys.excepthook = _report_interrupt


def run(main: Callable[[], None]) -> None:
    """Run a stage's main(), turning a PipelineError into one `error:` line and exit code 1.

    Under `dvc repro` the stage's outputs were removed before it ran (so that the run-cache
    can restore them); the line then also says how the last good ones come back."""
    try:
        main()
    except PipelineError as error:
        problem = " ".join(str(error).split())  # a converter's own message may span lines
        sys.exit(f"error: {problem}{_restore()}")
    except Exception as error:
        if not disk_full(error):
            raise
        where = f" (writing {error.filename})" if getattr(error, "filename", None) else ""
        sys.exit(f"error: the disk is full{where}; fix: free some space on it, then run the "
                 f"stage again{_restore()}")
    except KeyboardInterrupt:
        pass
    else:
        return
    # Every output was cleaned up as the interrupt unwound the stage, and what the stage held
    # (a worker pool's semaphores, say) is freed here; what remains is TensorFlow's teardown,
    # which can take many seconds.
    gc.collect()
    _interrupted()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(130)
