"""Long work shows it is alive: a bar with an estimate of the time left on a terminal, and in
a log (no terminal, as under CI) one line per tenth of the work."""

import sys
import time
from types import TracebackType

from tqdm import tqdm


class Progress:
    """Counts `total` units of work done under `description`, reported on stderr."""

    def __init__(self, total: int, description: str, unit: str = "it") -> None:
        self.total, self.description, self.unit = total, description, unit
        self.done, self.started = 0, time.perf_counter()
        self.bar = tqdm(total=total, desc=description, unit=unit, dynamic_ncols=True) \
            if sys.stderr.isatty() else None

    def update(self, count: int) -> None:
        tenth_before = self.done * 10 // max(self.total, 1)
        self.done += count
        if self.bar is not None:
            self.bar.update(count)
        elif self.done * 10 // max(self.total, 1) > tenth_before:
            elapsed = time.perf_counter() - self.started
            left = elapsed * (self.total - self.done) / self.done
            print(f"{self.description}: {self.done}/{self.total} {self.unit} "
                  f"({100 * self.done // self.total}%) in {elapsed:.0f} s, about {left:.0f} s left",
                  file=sys.stderr, flush=True)

    def note(self, text: str) -> None:
        """Print a line of text without breaking the bar."""
        if self.bar is not None:
            self.bar.write(text)
        else:
            print(text, flush=True)

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
