"""Release the three models as one version, all or nothing:

    python -m tools.release 1.2.0        (`make release VERSION=1.2.0`)

It refuses a work tree with changes of its own, and a version that is not semantic
(`MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]`; a leading `v` is dropped, and said so). Then it sets
params.yaml's `release` to `v1.2.0` (the apps show it beside their model's hash), runs
`dvc repro` (which rebuilds the site with it), pushes the outputs to the DVC remote, commits,
and tags the commit once per model of dvc.yaml's `artifacts` in GTO's convention
(`web-model@v1.2.0`). If any step fails, or Ctrl-C stops it, the repository is put back as it
was: no commit, no tag, no changed file, the outputs checked out as before.
"""

import argparse
import re
import subprocess
import sys
from pathlib import Path

import semver
import yaml

from digits.core.errors import PipelineError, run

PARAMS = Path("params.yaml")
RELEASE_LINE = re.compile(r"^release: .*$", re.MULTILINE)


def git(*args: str) -> str:
    return subprocess.run(["git", *args], check=True, capture_output=True, text=True).stdout


def checked_version(given: str) -> str:
    """`given` as a semantic version without a leading `v`, or a PipelineError."""
    version = given.strip()
    if version[:1] in ("v", "V"):
        version = version[1:]
        print(f"release: VERSION {given!r} given; the tags add the v themselves, so the version "
              f"is {version}")
    if not semver.Version.is_valid(version):
        raise PipelineError(f"VERSION {given!r} is not a semantic version; fix: give one such as "
                            "`make release VERSION=1.2.0` (or 1.2.0-rc.1)")
    return version


def step(*command: str) -> None:
    """Run a step with its output passed through; a failure names the step."""
    print(f"release: {' '.join(command)}", flush=True)
    if subprocess.run(command).returncode != 0:
        raise PipelineError(f"`{' '.join(command)}` failed (its output is above); fix: what it "
                            "says, then release again")


def release(version: str) -> None:
    tag = f"v{version}"
    artifacts = yaml.safe_load(Path("dvc.yaml").read_text())["artifacts"]
    if changes := git("status", "--porcelain", "--untracked-files=all").splitlines():
        raise PipelineError(f"the work tree has changes ({', '.join(c[3:] for c in changes[:5])}"
                            f"{', ...' if len(changes) > 5 else ''}); fix: commit or stash them, "
                            "so the release is exactly a commit")
    if taken := [name for name in artifacts if git("tag", "--list", f"{name}@{tag}")]:
        raise PipelineError(f"{', '.join(taken)} already released as {tag}; fix: pick a new "
                            "version")
    text = PARAMS.read_text()
    if len(RELEASE_LINE.findall(text)) != 1:
        raise PipelineError("params.yaml has no single top-level `release:` line; fix: restore "
                            "it (`git checkout params.yaml`)")
    start, tags = git("rev-parse", "HEAD").strip(), []
    try:
        PARAMS.write_text(RELEASE_LINE.sub(f'release: "{tag}"', text))
        step("dvc", "repro")
        if git("status", "--porcelain", "--untracked-files=all").count("??"):
            raise PipelineError("`dvc repro` left new files in the work tree; fix: ignore or "
                                "commit them, then release again")
        if subprocess.run(["dvc", "remote", "list"], capture_output=True, text=True).stdout.strip():
            step("dvc", "push")
        git("commit", "--all", "--message", f"Release {tag}")
        for name in artifacts:
            step("gto", "register", name, "--version", tag, "--message", f"Release {tag}")
            tags.append(f"{name}@{tag}")
    except BaseException:
        print("release: failed; putting the repository back as it was", file=sys.stderr)
        for name in tags:
            git("tag", "--delete", name)
        git("reset", "--hard", start)
        subprocess.run(["dvc", "checkout", "--quiet"], check=False)
        raise
    print(f"released {tag}: {', '.join(tags)} on {git('rev-parse', '--short', 'HEAD').strip()}; "
          "push them with `git push --follow-tags`")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("version", help="the semantic version, such as 1.2.0")
    release(checked_version(parser.parse_args().version))


if __name__ == "__main__":
    run(main)
