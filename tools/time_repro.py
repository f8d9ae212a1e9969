"""Run `dvc repro` (any arguments pass through), its output as it comes, and then a table of
the seconds each stage took on this host; `--docs FILE` also writes the table into FILE,
between the lines `<!-- repro-seconds -->` and `<!-- /repro-seconds -->`.

    python -m tools.time_repro [--docs docs/performance.md] [DVC REPRO ARGUMENTS...]
"""

import argparse
import codecs
import os
import platform
import pty
import re
import subprocess
import sys
import time
from pathlib import Path

from digits.core.errors import PipelineError, run

STAGE_LINE = re.compile(r"^(Running stage|Stage) '([^']+)'(.*)")
BEGIN, END = "<!-- repro-seconds -->", "<!-- /repro-seconds -->"


def host() -> str:
    """The cores and vector ISA of this machine, which set how fast it trains."""
    flags = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    isa = "AVX-512" if "avx512f" in flags else "AVX2" if "avx2" in flags else platform.machine()
    return f"{os.cpu_count()} cores, {isa}"


def _output_of(command: list[str]) -> tuple[subprocess.Popen, int]:
    """Start `command` writing into a pseudo-terminal if this process writes to a terminal (so
    the stages draw their progress bars), else into a pipe; return it and the fd to read."""
    if sys.stdout.isatty():
        reader, writer = pty.openpty()
    else:
        reader, writer = os.pipe()
    process = subprocess.Popen(command, stdout=writer, stderr=writer, stdin=subprocess.DEVNULL)
    os.close(writer)
    return process, reader


def timed_repro(arguments: list[str]) -> tuple[list[tuple[str, str, float]], float, int]:
    """Run `dvc repro ARGUMENTS`, echoing its output; return (stage, what happened, seconds)
    per stage, the total seconds and dvc's exit code."""
    started = time.perf_counter()
    stages, current, pending = [], None, ""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    process, reader = _output_of(["dvc", "repro", *arguments])
    while True:
        try:
            chunk = os.read(reader, 65536)
        except OSError:  # a pseudo-terminal's end, once the command has exited
            chunk = b""
        if not chunk:
            break
        text = decoder.decode(chunk)
        sys.stdout.write(text)
        sys.stdout.flush()
        *lines, pending = (pending + text).split("\n")
        for line in lines:
            match = STAGE_LINE.match(line.strip())
            if match:
                now = time.perf_counter()
                if current is not None:
                    stages.append((*current[:2], now - current[2]))
                ran = match.group(1) == "Running stage"
                how = "ran" if ran else "cached" if "cached" in match.group(3) else "unchanged"
                current = (match.group(2), how, now)
    os.close(reader)
    code = process.wait()
    total = time.perf_counter() - started
    if current is not None:
        stages.append((*current[:2], time.perf_counter() - current[2]))
    return stages, total, code


def table(stages: list[tuple[str, str, float]], total: float) -> str:
    rows = [f"| `{name}` | {how} | {seconds:.0f} |" for name, how, seconds in stages]
    return "\n".join([f"`dvc repro` on {host()}:", "", "| stage | | seconds |", "|---|---|---|",
                      *rows, f"| all | | {total:.0f} |"])


def write_into(docs: Path, text: str) -> None:
    content = docs.read_text()
    if BEGIN not in content or END not in content:
        raise PipelineError(f"{docs} has no `{BEGIN}` ... `{END}` block; fix: add the two lines "
                            "where the table goes")
    head, rest = content.split(BEGIN, 1)
    docs.write_text(f"{head}{BEGIN}\n{text}\n{END}{rest.split(END, 1)[1]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=Path, help="a Markdown file to write the table into")
    args, dvc_arguments = parser.parse_known_args()
    stages, total, code = timed_repro(dvc_arguments)
    text = table(stages, total)
    print(f"\n{text}")
    if code:
        sys.exit(code)
    if args.docs:
        write_into(args.docs, text)


if __name__ == "__main__":
    run(main)
