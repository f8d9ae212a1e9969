"""Shared code of the MNIST pipeline, one subpackage per concern:

- core: params, errors, atomic outputs, progress, worker pools, and the dataset's files;
- data: where the data comes from (MNIST's mirrors, the apps' exports of kept digits);
- drawing: digits drawn as the apps draw them (tracing, rendering, the apps' preprocessing);
- training: the CNN and how it trains;
- deploy: the model converted for the web page and the app, and checked in their runtimes.

Each stage in dvc.yaml lists the subpackages it imports, so an edit reruns only the stages
of its concern."""

from . import core  # noqa: F401  (first: it quiets TensorFlow before anything imports it)
