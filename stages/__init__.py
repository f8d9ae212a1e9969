"""Pipeline stages, one script each; shared code lives in `stages.digits`."""

import os

# TensorFlow's C++ start-up chatter (CUDA probing on a CPU machine) hides the useful output.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
