"""A pool of worker processes, one per core, for work split into independent chunks."""

import multiprocessing
import os
from collections.abc import Callable, Sequence, Sized
from concurrent.futures import ProcessPoolExecutor

from digits.core.progress import Progress


def process_pool() -> ProcessPoolExecutor:
    """One single-threaded worker per core. The workers start from a fresh interpreter
    (forkserver: they need none of the caller's state, such as a test's TensorFlow threads),
    and their numerical libraries run one thread each: two workers each spinning two BLAS
    threads on two cores ran 2.5 times slower."""
    for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[variable] = "1"
    return ProcessPoolExecutor(os.cpu_count(), multiprocessing.get_context("forkserver"))


def map_in_chunks(pool: ProcessPoolExecutor, function: Callable[..., Sized], chunk: int,
                  progress: Progress, *sequences: Sequence) -> list:
    """function(*slices) on the pool for each run of `chunk` items of the sequences, in order;
    each result's length is reported to `progress` as it comes."""
    starts = range(0, len(sequences[0]), chunk)
    results = []
    for result in pool.map(function, *([items[start:start + chunk] for start in starts]
                                       for items in sequences)):
        results.append(result)
        progress.update(len(result))
    return results
