"""`make release` (tools/release.py) is one operation: it happens whole, or the repository is
left exactly as it was; and the `release` param is data, never a command."""

import re
import sys
from pathlib import Path

import pytest

from tests.tiny_repo import copy_of, digest, run

pytestmark = pytest.mark.slow  # runs DVC

MODELS = ["android-model", "keras-model", "web-model"]


@pytest.fixture
def repo(tiny_pipeline, tmp_path) -> Path:
    return copy_of(tiny_pipeline, tmp_path / "copy")


def release(repo: Path, version: str):
    return run(repo, sys.executable, "-m", "tools.release", version, check=False)


def state(repo: Path) -> tuple:
    """What a failed release must leave as it was: the commit, the tags, the work tree, the
    params and the built site."""
    return (run(repo, "git", "rev-parse", "HEAD").stdout, run(repo, "git", "tag").stdout,
            run(repo, "git", "status", "--porcelain", "--untracked-files=all").stdout,
            digest(repo / "params.yaml"), digest(repo / "web/dist/app.js"))


@pytest.mark.parametrize("version", ["1.0.0 beta", "1/0", '1.0.0"; x: 1', "1.0", ""])
def test_a_version_that_is_not_semantic_is_refused_before_anything_changes(repo, version):
    before = state(repo)
    result = release(repo, version)
    assert result.returncode == 1
    assert result.stderr == (f"error: VERSION {version!r} is not a semantic version; fix: give "
                             "one such as `make release VERSION=1.2.0` (or 1.2.0-rc.1)\n")
    assert state(repo) == before


def test_a_work_tree_with_changes_is_refused(repo):
    style = repo / "web/src/style.css"
    style.write_text(style.read_text() + "\nbody { color: red; }\n")
    before = state(repo)
    result = release(repo, "1.1.0")
    assert result.returncode == 1
    assert result.stderr.startswith("error: the work tree has changes (web/src/style.css); fix:")
    assert state(repo) == before


def test_a_leading_v_is_dropped_and_the_tagged_commit_reproduces(repo):
    result = release(repo, "v1.0.0")
    assert result.returncode == 0, result.stderr
    assert "VERSION 'v1.0.0' given; the tags add the v themselves" in result.stdout
    assert sorted(run(repo, "git", "tag", "--points-at", "HEAD").stdout.split()) == [
        f"{name}@v1.0.0" for name in MODELS]
    assert run(repo, "git", "log", "-1", "--format=%s").stdout == "Release v1.0.0\n"
    assert 'release: "v1.0.0"' in (repo / "params.yaml").read_text()
    assert "Data and pipelines are up to date." in run(repo, "dvc", "status").stdout
    assert run(repo, "git", "status", "--porcelain", "--untracked-files=all").stdout == ""


def test_a_version_released_before_is_refused(repo):
    assert release(repo, "1.0.0").returncode == 0
    before = state(repo)
    result = release(repo, "1.0.0")
    assert result.returncode == 1
    assert "already released as v1.0.0; fix: pick a new version" in result.stderr
    assert state(repo) == before


def test_a_step_that_fails_leaves_no_commit_no_tag_and_no_changed_file(repo):
    # A DVC remote that cannot be written: the push fails after the pipeline ran.
    run(repo, "dvc", "remote", "add", "--default", "--force", "broken", "/proc/no-such-remote")
    run(repo, "git", "commit", "--quiet", "--all", "--message", "a remote that fails")
    before = state(repo)
    result = release(repo, "1.0.0")
    assert result.returncode == 1
    assert "putting the repository back as it was" in result.stderr
    assert "error: `dvc push` failed" in result.stderr
    assert state(repo) == before


def test_the_release_param_is_never_run_by_a_shell(repo):
    params = repo / "params.yaml"
    text, edits = re.subn(r"^release: .*$", 'release: "v1$(touch pwned)"', params.read_text(),
                          flags=re.MULTILINE)  # the tiny repo's YAML writes it as ''
    assert edits == 1
    params.write_text(text)
    result = run(repo, "dvc", "repro", "web-build", check=False)
    assert result.returncode != 0
    assert not (repo / "pwned").exists()
    assert "release must be empty or a version such as v1.2.0" in result.stderr
