import errno
import os

import pytest

from digits.core.errors import PipelineError, run
from digits.core.params import ModelParams
from digits.deploy.export import saved_model_for
from digits.training.model import build_model


def fail(message: str):
    def main() -> None:
        raise PipelineError(message)
    return main


def test_a_pipeline_error_is_one_line_even_when_a_library_s_message_spans_several(monkeypatch):
    monkeypatch.delenv("DVC_STAGE", raising=False)
    with pytest.raises(SystemExit) as exited:
        run(fail("the TFLite converter failed (ConverterError: loc(fused)\n  error: 'tf.Op'\n"
                 "); fix: check it"))
    assert exited.value.code == ("error: the TFLite converter failed (ConverterError: "
                                 "loc(fused) error: 'tf.Op' ); fix: check it")


def test_under_dvc_the_line_also_says_how_the_last_good_outputs_come_back(monkeypatch):
    monkeypatch.setenv("DVC_STAGE", "train")
    with pytest.raises(SystemExit) as exited:
        run(fail("bad; fix: edit it"))
    assert exited.value.code == ("error: bad; fix: edit it; `dvc checkout` restores the last "
                                 "good outputs, `git checkout reports` their metrics and plots")


@pytest.mark.parametrize("error", [
    OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), "data/drawn/kept/kept-images-idx3-ubyte"),
    # TensorFlow's C++ file system raises its own error, with the system's message.
    RuntimeError("ResourceExhaustedError: /tmp/x/variables.data; No space left on device"),
])
def test_a_full_disk_is_one_line_that_says_so(monkeypatch, error):
    monkeypatch.delenv("DVC_STAGE", raising=False)

    def main() -> None:
        raise error

    with pytest.raises(SystemExit) as exited:
        run(main)
    assert exited.value.code.startswith("error: the disk is full")
    assert exited.value.code.endswith("fix: free some space on it, then run the stage again")
    if isinstance(error, OSError):
        assert "(writing data/drawn/kept/kept-images-idx3-ubyte)" in exited.value.code


def test_a_full_disk_in_a_converter_is_not_blamed_on_the_model(tmp_path):
    model = build_model(ModelParams(conv_filters=[4], kernel_sizes=[3], dense_units=8,
                                    dropout=0.0))
    full = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    with pytest.raises(OSError) as raised, saved_model_for("tensorflowjs", model):
        raise full
    assert raised.value is full  # left for run() to report, not a PipelineError about the model


def test_any_other_error_is_left_alone():
    def main() -> None:
        raise ValueError("a bug")

    with pytest.raises(ValueError, match="a bug"):
        run(main)
