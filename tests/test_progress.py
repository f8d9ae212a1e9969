import pytest

from digits.core.progress import Progress


def test_a_log_gets_one_line_per_tenth_with_the_time_left(capsys):
    with Progress(1000, "trace-mnist", "digits") as progress:
        for _ in range(250):
            progress.update(4)
        progress.note("train: 250 digits traced")
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert len(lines) == 10
    assert lines[0].startswith("trace-mnist: 100/1000 digits (10%) in ")
    assert lines[-1].startswith("trace-mnist: 1000/1000 digits (100%) in ")
    assert all("s left" in line for line in lines)
    assert captured.out == "train: 250 digits traced\n"  # a note goes where the output goes


@pytest.mark.parametrize("chunk", [1, 7, 333])
def test_uneven_chunks_never_print_more_than_ten_lines(capsys, chunk):
    with Progress(1000, "draw", "digits") as progress:
        for start in range(0, 1000, chunk):
            progress.update(min(chunk, 1000 - start))
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == min(10, -(-1000 // chunk))
    assert lines[-1].startswith("draw: 1000/1000 digits (100%)")
