import pytest

from digits.atomic import atomic_output


def test_a_file_appears_only_when_the_block_succeeds(tmp_path):
    dest = tmp_path / "out" / "metrics.json"
    with atomic_output(dest) as tmp:
        tmp.write_text("new")
        assert not dest.exists()
        assert tmp.name.endswith("metrics.json")  # suffix kept for writers that check it
    assert dest.read_text() == "new"
    assert [p.name for p in dest.parent.iterdir()] == ["metrics.json"]


def test_a_failure_keeps_the_previous_file_and_leaves_no_temporary(tmp_path):
    dest = tmp_path / "model.keras"
    dest.write_text("previous")
    with pytest.raises(RuntimeError), atomic_output(dest) as tmp:
        tmp.write_text("half-writ")
        raise RuntimeError("converter crashed")
    assert dest.read_text() == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["model.keras"]


def test_a_directory_is_replaced_whole(tmp_path):
    dest = tmp_path / "mnist"
    dest.mkdir()
    (dest / "stale").write_text("old")
    with atomic_output(dest) as tmp:
        tmp.mkdir()
        (tmp / "fresh").write_text("new")
    assert [p.name for p in dest.iterdir()] == ["fresh"]
    assert [p.name for p in tmp_path.iterdir()] == ["mnist"]


def test_writing_nothing_is_an_error_and_keeps_the_previous_output(tmp_path):
    dest = tmp_path / "data"
    dest.write_text("previous")
    with pytest.raises(FileNotFoundError, match="nothing was written"), atomic_output(dest):
        pass
    assert dest.read_text() == "previous"
