"""Shared code for the MNIST pipeline: params, data, model and preprocessing."""
