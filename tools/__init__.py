"""Tools beside the pipeline: the benchmark, the command-line reader, generators."""
