"""The one kind of error a user fixes, and how a stage script reports it."""

import os
import sys
from collections.abc import Callable


class PipelineError(Exception):
    """A problem with the input; the message names it and says how to fix it."""


def run(main: Callable[[], None]) -> None:
    """Run a stage's main(), turning a PipelineError into one `error:` line and exit code 1.

    Under `dvc repro` the stage's outputs were removed before it ran (so that the run-cache
    can restore them); the line then also says how the last good ones come back."""
    try:
        main()
    except PipelineError as error:
        restore = ("; `dvc checkout` restores the last good outputs"
                   if os.environ.get("DVC_STAGE") else "")
        problem = " ".join(str(error).split())  # a converter's own message may span lines
        sys.exit(f"error: {problem}{restore}")
