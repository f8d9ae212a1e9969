"""How stage scripts report problems a user can fix."""

import sys
from collections.abc import Callable


class PipelineError(Exception):
    """A problem with the input; the message names it and says how to fix it."""


def run(main: Callable[[], None]) -> None:
    """Run a stage's main(), turning a PipelineError into one `error:` line and exit code 1."""
    try:
        main()
    except PipelineError as error:
        sys.exit(f"error: {error}")
