import os
import signal
import subprocess
import sys

import pytest

from digits.core.atomic import atomic_output, remove_leftovers
from tests.conftest import REPO


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


# A writer killed (SIGKILL: no cleanup code runs) at each step of atomic_output. Each step
# is a point the writer reaches: while writing, just before each rename, before deleting the
# replaced directory.
KILLED_WRITER = """
import os, signal, sys
from pathlib import Path
import digits.core.atomic as atomic

dest, kill_at = Path(sys.argv[1]), sys.argv[2]
renames, rename, remove = [], os.replace, atomic._remove

def die(step):
    if step == kill_at:
        os.kill(os.getpid(), signal.SIGKILL)

def replace(source, target):
    renames.append(target)
    die(f"rename {len(renames)}")
    rename(source, target)

def remove_old(path):
    if path.name.startswith(".old-"):
        die("delete old")
    remove(path)

atomic.os.replace, atomic._remove = replace, remove_old
with atomic.atomic_output(dest) as tmp:
    if dest.name == "model":
        tmp.mkdir()
        (tmp / "model.json").write_text("new")
        die("writing")
        (tmp / "weights.bin").write_text("new")
    else:
        tmp.write_text("ne")
        die("writing")
        with tmp.open("a") as file:
            file.write("w")
"""


def kill_writer(dest, step: str) -> int:
    result = subprocess.run([sys.executable, "-c", KILLED_WRITER, str(dest), step],
                            cwd=REPO, capture_output=True, text=True)
    return result.returncode


def contents(dest) -> dict | str | None:
    if dest.is_dir():
        return {p.name: p.read_text() for p in dest.iterdir()}
    return dest.read_text() if dest.exists() else None


@pytest.mark.parametrize("step, after", [
    ("writing", "old"), ("rename 1", "old"), ("rename 2", "absent"), ("delete old", "new"),
    ("done", "new")])
def test_a_directory_killed_at_any_step_is_old_new_or_absent_and_the_next_run_cleans_up(
        tmp_path, step, after):
    dest = tmp_path / "model"
    dest.mkdir()
    (dest / "model.json").write_text("old")
    (dest / "weights.bin").write_text("old")
    assert kill_writer(dest, step) == (0 if step == "done" else -signal.SIGKILL)
    states = {"old": {"model.json": "old", "weights.bin": "old"},
              "new": {"model.json": "new", "weights.bin": "new"}, "absent": None}
    assert contents(dest) == states[after]

    assert kill_writer(dest, "done") == 0
    assert contents(dest) == states["new"]
    assert [p.name for p in tmp_path.iterdir()] == ["model"]


@pytest.mark.parametrize("step, after", [("writing", "old"), ("rename 1", "old"),
                                         ("done", "new")])
def test_a_file_killed_at_any_step_is_old_or_new_and_the_next_run_cleans_up(
        tmp_path, step, after):
    dest = tmp_path / "digits.tflite"
    dest.write_text("old")
    kill_writer(dest, step)
    assert contents(dest) == after
    kill_writer(dest, "done")
    assert contents(dest) == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["digits.tflite"]


def test_leftovers_of_a_running_writer_are_kept(tmp_path):
    dest = tmp_path / "model"
    mine = tmp_path / f".tmp-{os.getpid()}-model"
    dead = tmp_path / ".tmp-999999999-model"
    mine.mkdir()
    dead.mkdir()
    assert remove_leftovers(dest) == [dead]
    assert mine.exists()
