"""The SavedModel both converters start from."""

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import keras

from .cli import PipelineError


@contextmanager
def saved_model_for(converter: str, model: keras.Model) -> Iterator[Path]:
    """`model` exported as a SavedModel in a temporary directory, for a converter to read;
    whatever the converter raises inside the block becomes one PipelineError."""
    with tempfile.TemporaryDirectory() as scratch:
        saved_model = Path(scratch) / "saved_model"
        model.export(saved_model, verbose=False)
        try:
            yield saved_model
        except Exception as error:  # converters raise whatever TensorFlow or MLIR raised
            raise PipelineError(f"the {converter} converter failed ({type(error).__name__}: "
                                f"{error}); fix: check the model with `dvc repro -f train`") \
                from None
