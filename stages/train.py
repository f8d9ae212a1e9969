"""Train the CNN on MNIST's training set, with a fraction of its digits added again as drawn
in the apps (`train.drawn_fraction`); log curves with dvclive; save the Keras model.

`train.strategy` spreads training over devices or machines: `mirrored` copies the model to
every local device (GPUs, or `train.cpu_devices` logical CPUs), `multi_worker` to every
worker listed in the TF_CONFIG environment variable; each global batch is split between them.
"""

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf
from dvclive import Live
from dvclive.keras import DVCLiveCallback

from digits.core import params
from digits.core.atomic import atomic_output
from digits.core.dataset import load_split, read_idx, split_validation, to_model_input, verify_mnist
from digits.core.errors import PipelineError, run
from digits.core.progress import Progress
from digits.training.distributed import fit_multi_worker, is_chief
from digits.training.model import compile_for_training, save_model


def distribution_strategy(name: str, cpu_devices: int) -> tf.distribute.Strategy:
    """The tf.distribute strategy a `train.strategy` name stands for."""
    if cpu_devices > 1:
        cpu = tf.config.list_physical_devices("CPU")[0]
        tf.config.set_logical_device_configuration(
            cpu, [tf.config.LogicalDeviceConfiguration()] * cpu_devices)
    if name == "multi_worker":
        if "TF_CONFIG" not in os.environ:
            raise PipelineError("train.strategy multi_worker needs the TF_CONFIG environment "
                                "variable; fix: set it on every worker (see README)")
        return tf.distribute.MultiWorkerMirroredStrategy()
    if name == "mirrored":
        devices = tf.config.list_logical_devices("GPU") or tf.config.list_logical_devices("CPU")
        return tf.distribute.MirroredStrategy([device.name for device in devices])
    return tf.distribute.get_strategy()


def with_kept(images: np.ndarray, labels: np.ndarray, kept_dir: str, repeats: int
              ) -> tuple[np.ndarray, np.ndarray]:
    """The training digits plus the part of the digits people kept that trains (collect-kept's),
    each `repeats` times; none kept, the digits as they were."""
    kept, kept_labels = load_split(kept_dir, "train", made_by="collect-kept")
    return (np.concatenate([images, np.repeat(kept, repeats, axis=0)]),
            np.concatenate([labels, np.repeat(kept_labels, repeats)]))


def with_drawn(images: np.ndarray, labels: np.ndarray, drawn_dir: str
               ) -> tuple[np.ndarray, np.ndarray]:
    """The training digits plus those of them that draw-mnist drew (a digit whose number is
    past `images`, held out for validation, stays out)."""
    drawn, drawn_labels = load_split(drawn_dir, "train", made_by="draw-mnist")
    numbers = read_idx(Path(drawn_dir) / "train-index-idx1-ubyte", "draw-mnist")
    kept = numbers < len(images)
    if len(numbers) != len(drawn) or not np.array_equal(drawn_labels[kept],
                                                         labels[numbers[kept]]):
        raise PipelineError(f"{drawn_dir} does not hold these training digits drawn; "
                            "fix: `dvc repro draw-mnist`")
    return (np.concatenate([images, drawn[kept]]),
            np.concatenate([labels, drawn_labels[kept]]))


class TrainingProgress(keras.callbacks.Callback):
    """The whole run's progress (digits/core/progress.py: a bar with the time left on a terminal, a
    line per tenth in a log), and each epoch's figures."""

    def __init__(self, epochs: int, steps_per_epoch: int) -> None:
        super().__init__()
        self.epochs = epochs
        self.progress = Progress(epochs * steps_per_epoch, "train", "steps")

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self.progress.update(1)

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        figures = ", ".join(f"{name} {value:.4f}" for name, value in (logs or {}).items()
                            if "loss" in name or "accuracy" in name)
        self.progress.note(f"epoch {epoch + 1}/{self.epochs}: {figures}")

    def on_train_end(self, logs: dict | None = None) -> None:
        self.progress.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", required=True, help="directory of the MNIST IDX files")
    parser.add_argument("--drawn", required=True,
                        help="directory of the same digits drawn as in the apps (draw-mnist's)")
    parser.add_argument("--kept", required=True,
                        help="directory of the digits people kept (collect-kept's)")
    parser.add_argument("--model", required=True, help="where to save the .keras model")
    parser.add_argument("--live", required=True, help="dvclive directory for training curves")
    parser.add_argument("--metrics", required=True, help="metrics JSON to write (training time)")
    args = parser.parse_args()
    model_params = params.load("model", params.ModelSection).chosen
    train_params = params.load("train", params.TrainParams)
    checksums = params.load("download", params.DownloadParams).files
    verify_mnist(args.data, checksums)

    strategy = distribution_strategy(train_params.strategy, train_params.cpu_devices)
    keras.utils.set_random_seed(train_params.seed)
    tf.config.experimental.enable_op_determinism()
    images, labels = load_split(args.data, "train", checksums)
    (x_train, y_train), (x_val, y_val) = split_validation(
        images, labels, train_params.validation_split)
    mnist_count = len(x_train)
    x_train, y_train = with_drawn(x_train, y_train, args.drawn)
    with_drawn_count = len(x_train)
    x_train, y_train = with_kept(x_train, y_train, args.kept,
                                 params.load("kept", params.KeptParams).repeats)
    x_train, x_val = to_model_input(x_train), to_model_input(x_val)
    print(f"{len(x_train)} training digits ({with_drawn_count - mnist_count} of them drawn, "
          f"{len(x_train) - with_drawn_count} kept in the apps), {len(x_val)} held out")

    with strategy.scope():
        model, trainer = compile_for_training(model_params, train_params, len(x_train))
    model.summary()
    print(f"training on {strategy.num_replicas_in_sync} replica(s) with {train_params.strategy}")
    # Only the chief of a cluster writes the pipeline's outputs; other workers write scratch.
    with tempfile.TemporaryDirectory() as scratch:
        def output(path: str) -> Path:
            return Path(path) if is_chief() else Path(scratch) / Path(path).name

        started = time.perf_counter()
        # dvclive's own summary would be a second metrics file; only its curves are kept.
        with Live(str(Path(scratch) / "live"), dvcyaml=False, save_dvc_exp=False) as live:
            if train_params.strategy == "multi_worker":
                fit_multi_worker(trainer, strategy, (x_train, y_train), (x_val, y_val),
                                 train_params.epochs, train_params.batch_size,
                                 train_params.seed, live)
            else:
                trainer.fit(
                    x_train, y_train,
                    validation_data=(x_val, y_val),
                    epochs=train_params.epochs,
                    batch_size=train_params.batch_size,
                    callbacks=[DVCLiveCallback(live=live), TrainingProgress(
                        train_params.epochs, -(-len(x_train) // train_params.batch_size))],
                    verbose=0,
                )
        seconds = time.perf_counter() - started
        with atomic_output(output(args.live)) as tmp:
            os.replace(Path(live.plots_dir), tmp)
        with atomic_output(output(args.model)) as tmp:
            save_model(model, tmp)
        with atomic_output(output(args.metrics)) as tmp:
            tmp.write_text(json.dumps({"train_seconds": round(seconds, 1)}, indent=2) + "\n")


if __name__ == "__main__":
    run(main)
