import pytest

from digits.core.errors import PipelineError, run


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
                                 "good outputs")
