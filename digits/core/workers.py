"""A pool of worker processes, one per core, for work split into independent chunks."""

import multiprocessing
import multiprocessing.pool
import os
import signal
from collections.abc import Callable, Sequence, Sized
from functools import partial

from digits.core.progress import Progress


def _ignore_interrupts() -> None:
    # Ctrl-C reaches every process of the terminal's group: the parent alone handles it, and
    # stops the workers (Pool's `with` block terminates them), so none prints a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def process_pool() -> multiprocessing.pool.Pool:
    """One single-threaded worker per core, for a `with` block that terminates them at its end
    (or at Ctrl-C). The workers start from a fresh interpreter (forkserver: they need none of
    the caller's state, such as a test's TensorFlow threads), and their numerical libraries run
    one thread each: two workers each spinning two BLAS threads on two cores ran 2.5 times
    slower."""
    for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[variable] = "1"
    return multiprocessing.get_context("forkserver").Pool(os.cpu_count(), _ignore_interrupts)


def _call(function: Callable[..., Sized], arguments: tuple) -> Sized:
    return function(*arguments)


def map_in_chunks(pool: multiprocessing.pool.Pool, function: Callable[..., Sized], chunk: int,
                  progress: Progress, *sequences: Sequence) -> list:
    """function(*slices) on the pool for each run of `chunk` items of the sequences, in order;
    each result's length is reported to `progress` as it comes."""
    starts = range(0, len(sequences[0]), chunk)
    results = []
    chunks = zip(*([items[start:start + chunk] for start in starts] for items in sequences),
                 strict=True)
    for result in pool.imap(partial(_call, function), chunks):
        results.append(result)
        progress.update(len(result))
    return results
