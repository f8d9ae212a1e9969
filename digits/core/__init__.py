"""What every stage shares: params, errors, atomic outputs, progress, worker pools, and the
dataset's files (IDX)."""

# First, before anything imports TensorFlow: its start-up noise filtered, and Ctrl-C as one line.
from . import errors, native_logs  # noqa: F401
