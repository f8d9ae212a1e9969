"""Shared code of the MNIST pipeline, by role: params, data, model, preprocessing, runtimes."""

import os

# TensorFlow's C++ start-up chatter (CUDA probing on a CPU machine) hides the useful output.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
# tensorflowjs imports TensorFlow Decision Forests, whose banner needs IPython when stdout is
# not a terminal (under DVC, CI or pytest) and would otherwise crash the import.
os.environ.setdefault("TFDF_DISABLE_WELCOME_MESSAGE", "1")
