"""Tools beside the pipeline: the benchmark, the command-line reader."""

import digits  # noqa: F401  (first: it sets TensorFlow's environment before a tool imports it)
