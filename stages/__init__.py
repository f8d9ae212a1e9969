"""Pipeline stages, one script each; the code they share is the `digits` package."""

import digits  # noqa: F401  (first: it sets TensorFlow's environment before a stage imports it)
