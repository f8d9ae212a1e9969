"""Imported before anything imports TensorFlow (the `digits` package imports it first), this
keeps TensorFlow's C++ chatter (CUDA probing on a CPU machine, duplicate
registrations, the converter's notes) out of the output, where it reads as errors and hides
what matters."""

import contextlib
import importlib.abc
import importlib.util
import os
import re
import sys
import tempfile
from collections.abc import Iterator

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
# tensorflowjs imports TensorFlow Decision Forests, whose banner needs IPython when stdout is
# not a terminal (under DVC, CI or pytest) and would otherwise crash the import.
os.environ.setdefault("TFDF_DISABLE_WELCOME_MESSAGE", "1")

# Lines TensorFlow's libraries write to stderr while they load, before TF_CPP_MIN_LOG_LEVEL
# is read (absl logs them unconditionally), the converters' notes (options ignored, the graph
# optimizer's session), and LiteRT's note on its CPU delegate.
_NATIVE_NOISE = re.compile(r"All log messages before absl::InitializeLog|Unable to register "
                           r"cu(DNN|BLAS|FFT) factory|computation placer already registered|"
                           r"Ignored (output_format|drop_control_dependency)|MLIR V1 optimization "
                           r"pass is not enabled|Number of eligible GPUs|Starting new session|"
                           r"Created TensorFlow Lite XNNPACK delegate")


@contextlib.contextmanager
def quiet_native_logs() -> Iterator[None]:
    """Capture what native code writes to stderr inside the block; then pass on every line
    but the noise above."""
    sys.stderr.flush()
    with tempfile.TemporaryFile("w+") as captured:
        saved = os.dup(2)
        os.dup2(captured.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            captured.seek(0)
            sys.stderr.writelines(line for line in captured
                                  if not _NATIVE_NOISE.search(line))


class _QuietTensorFlowImport(importlib.abc.MetaPathFinder):
    """Runs the first `import tensorflow` in quiet_native_logs()."""

    def find_spec(self, name, path, target=None):
        if name != "tensorflow":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.loader is not None:
            load = spec.loader.exec_module

            def exec_module(module) -> None:
                with quiet_native_logs():
                    load(module)

            spec.loader.exec_module = exec_module
        return spec


if "tensorflow" not in sys.modules:
    sys.meta_path.insert(0, _QuietTensorFlowImport())
