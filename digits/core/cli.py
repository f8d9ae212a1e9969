"""The command-line options several stages share: the data sets the pipeline makes and the
metrics files a model's figures go to, each required and said the same way everywhere."""

import argparse

SHARED_OPTIONS = {
    "data": "directory of the MNIST IDX files",
    "drawn": "directory of the drawn MNIST digits (draw-mnist's)",
    "kept": "directory of the digits people kept (collect-kept's)",
    "nondigits": "directory of the drawings that are no digit (draw-nondigits')",
    "metrics": "metrics JSON to write",
    "drawn-metrics": "metrics JSON to write for the drawn digits",
    "nodigit-metrics": "metrics JSON to write for the drawings that are no digit",
}


def stage_parser(description: str | None, *shared: str) -> argparse.ArgumentParser:
    """An argument parser for a stage, holding the `shared` options (names in SHARED_OPTIONS)."""
    parser = argparse.ArgumentParser(description=description)
    for name in shared:
        parser.add_argument(f"--{name}", required=True, help=SHARED_OPTIONS[name])
    return parser
