import os
import stat

from tests.conftest import run_stage, stage_env

FAKE_DVC = """#!/bin/sh
echo "Stage 'download' didn't change, skipping"
echo "Running stage 'train':"
echo "> python -m stages.train"
sleep 1.2
echo "Stage 'evaluate' is cached - skipping run, checking out outputs"
echo "Running stage 'tfjs-convert':"
exit $FAKE_EXIT
"""


def fake_dvc(tmp_path, exit_code: int = 0) -> dict[str, str]:
    """An environment whose `dvc` prints what `dvc repro` prints for four stages."""
    script = tmp_path / "bin" / "dvc"
    script.parent.mkdir()
    script.write_text(FAKE_DVC)
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    env = stage_env(FAKE_EXIT=str(exit_code))
    return {**env, "PATH": f"{script.parent}{os.pathsep}{env['PATH']}"}


def test_each_stage_s_seconds_are_tabled_and_written_into_the_docs(tmp_path):
    docs = tmp_path / "performance.md"
    docs.write_text("# Speed\n\n<!-- repro-seconds -->\nold table\n<!-- /repro-seconds -->\n"
                    "after\n")
    result = run_stage(tmp_path, "tools.time_repro", "--docs", str(docs), env=fake_dvc(tmp_path))
    assert "Running stage 'train':" in result.stdout  # dvc's own output passes through
    rows = {line.split("|")[1].strip(" `"): line.split("|")[2:4]
            for line in result.stdout.splitlines() if line.startswith("| `")}
    assert [how.strip() for how, _ in rows.values()] == ["unchanged", "ran", "cached", "ran"]
    assert int(rows["train"][1]) == 1 and int(rows["download"][1]) == 0
    written = docs.read_text()
    assert "old table" not in written and written.endswith("<!-- /repro-seconds -->\nafter\n")
    assert "| `train` | ran | 1 |" in written


def test_a_failed_repro_keeps_its_exit_code_and_the_docs(tmp_path):
    docs = tmp_path / "performance.md"
    docs.write_text("<!-- repro-seconds -->\nold\n<!-- /repro-seconds -->\n")
    result = run_stage(tmp_path, "tools.time_repro", "--docs", str(docs),
                       env=fake_dvc(tmp_path, exit_code=3), check=False)
    assert result.returncode == 3
    assert docs.read_text() == "<!-- repro-seconds -->\nold\n<!-- /repro-seconds -->\n"

