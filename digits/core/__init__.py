"""What every stage shares: params, errors, atomic outputs, progress, worker pools, and the
dataset's files (IDX)."""

from . import native_logs  # noqa: F401  (first: it quiets TensorFlow before anything imports it)
