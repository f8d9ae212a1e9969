"""Ctrl-C stops a stage at once, worker processes included, with one line and no traceback,
and leaves its output absent (or the old one), never half-written."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REPO, stage_env

# A stage shaped like trace-mnist and draw-mnist: an atomic output, a worker pool and a bar,
# whose chunks each take a minute, so only a prompt stop ends it within the test's timeout.
SLOW_STAGE = """
import sys
from digits.core.atomic import atomic_output
from digits.core.errors import run
from digits.core.progress import Progress
from digits.core.workers import map_in_chunks, process_pool
from slow_work import sleep_chunk


def main():
    with atomic_output(sys.argv[1]) as out, process_pool() as pool, \\
            Progress(4, "slow", "chunks") as progress:
        out.mkdir()
        (out / "partial").write_text("half")
        print("working", flush=True)
        map_in_chunks(pool, sleep_chunk, 1, progress, [60.0] * 4)


run(main)
"""
INTERRUPTED = "interrupted (Ctrl-C): no output is left half-written"


def _as_from_a_terminal() -> None:
    """A process group of its own, with Ctrl-C's default meaning: a runner that started the
    tests in the background (as a shell without job control does) ignores SIGINT, and its
    children would inherit that."""
    os.setsid()
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def interrupt(command: list[str], tmp_path: Path, ready: str,
              busy: float = 1.0) -> tuple[int, str, float]:
    """Start `command` in a process group of its own, press Ctrl-C (SIGINT to the group)
    `busy` seconds after its first line, which must be `ready`; return its exit code,
    its stderr and the seconds from Ctrl-C to its exit, after checking that no process of the
    group is left."""
    (tmp_path / "slow_work.py").write_text(
        "import time\n\n\ndef sleep_chunk(seconds):\n"
        "    time.sleep(seconds[0])\n    return seconds\n")
    env = stage_env(PYTHONPATH=f"{stage_env()['PYTHONPATH']}{os.pathsep}{tmp_path}")
    process = subprocess.Popen(command, cwd=tmp_path, env=env, text=True,
                               preexec_fn=_as_from_a_terminal, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    assert process.stdout.readline().strip() == ready
    time.sleep(busy)
    os.killpg(process.pid, signal.SIGINT)
    pressed = time.perf_counter()
    _, stderr = process.communicate(timeout=30)
    seconds = time.perf_counter() - pressed
    print(f"stopped {seconds:.2f} s after Ctrl-C")
    deadline = time.monotonic() + 10
    while subprocess.run(["pgrep", "-g", str(process.pid)], capture_output=True).stdout:
        assert time.monotonic() < deadline, "processes of the stage are still running"
        time.sleep(0.1)
    return process.returncode, stderr, seconds


@pytest.mark.slow
def test_ctrl_c_stops_a_stage_and_its_workers_with_one_line(tmp_path):
    code, stderr, _ = interrupt([sys.executable, "-c", SLOW_STAGE, str(tmp_path / "out")],
                                tmp_path, ready="working")  # its workers busy with their chunks
    assert code == 130
    assert stderr.strip().splitlines()[-1] == INTERRUPTED
    assert "Traceback" not in stderr
    left = sorted(p.name for p in tmp_path.iterdir() if p.name != "__pycache__")  # slow_work's
    assert left == ["slow_work.py"]  # no output, no temp


@pytest.mark.slow
def test_ctrl_c_before_a_stage_runs_is_one_line_too(tmp_path):
    """As while a stage's imports load TensorFlow, before run() takes over."""
    importing = "import digits, time; print('imported', flush=True); time.sleep(60)"
    code, stderr, _ = interrupt([sys.executable, "-c", importing], tmp_path, ready="imported")
    assert code == -signal.SIGINT
    assert stderr.strip() == INTERRUPTED


@pytest.mark.slow
def test_ctrl_c_in_the_web_build_is_one_line_and_leaves_no_site(tiny_pipeline, tmp_path):
    model, site = tiny_pipeline / "web/model", tmp_path / "dist"
    build = ["node", str(REPO / "web/tools/build.mjs"), "--model", str(model), "--out", str(site),
             "--params", str(tiny_pipeline / "params.yaml")]
    # Its first line: Node has loaded its modules (seconds on a busy host) and the build began;
    # the build takes a second or two more.
    code, stderr, _ = interrupt(build, tmp_path, ready=f"building {site} from {model}", busy=0.2)
    assert code == 130
    assert stderr.strip() == INTERRUPTED
    assert not (tmp_path / "dist").exists()
