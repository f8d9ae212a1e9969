"""Train the CNN on MNIST's training set; log curves with dvclive; save the Keras model.

`train.strategy` spreads training over devices or machines: `mirrored` copies the model to
every local device (GPUs, or `train.cpu_devices` logical CPUs), `multi_worker` to every
worker listed in the TF_CONFIG environment variable; each global batch is split between them.
"""

import argparse
import os
import sys
import tempfile
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf
from dvclive import Live
from dvclive.keras import DVCLiveCallback

from stages.digits import params
from stages.digits.atomic import atomic_output
from stages.digits.cli import PipelineError, run
from stages.digits.data import load_split, to_model_input
from stages.digits.distributed import fit_multi_worker, is_chief
from stages.digits.model import build_model, make_optimizer, with_augmentation


def split_validation(images: np.ndarray, labels: np.ndarray, fraction: float):
    """Hold out the last `fraction` of the training set, as Keras's validation_split does."""
    n_val = max(1, round(len(images) * fraction))
    if n_val >= len(images):
        raise PipelineError(f"train.validation_split {fraction} leaves no training images; "
                            "fix: lower it")
    return (images[:-n_val], labels[:-n_val]), (images[-n_val:], labels[-n_val:])


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", required=True, help="directory of the MNIST IDX files")
    parser.add_argument("--model", required=True, help="where to save the .keras model")
    parser.add_argument("--live", required=True, help="dvclive directory for metrics and plots")
    args = parser.parse_args()
    model_params = params.load("model", params.ModelSection).chosen
    train_params = params.load("train", params.TrainParams)

    strategy = distribution_strategy(train_params.strategy, train_params.cpu_devices)
    keras.utils.set_random_seed(train_params.seed)
    tf.config.experimental.enable_op_determinism()
    images, labels = load_split(args.data, "train")
    (x_train, y_train), (x_val, y_val) = split_validation(
        to_model_input(images), labels, train_params.validation_split)

    steps = train_params.epochs * -(-len(x_train) // train_params.batch_size)
    with strategy.scope():
        model = build_model(model_params)
        trainer = with_augmentation(model, model_params.augment)
        trainer.compile(
            optimizer=make_optimizer(train_params.optimizer, train_params.learning_rate,
                                     train_params.lr_schedule, steps,
                                     train_params.weight_averaging),
            loss="sparse_categorical_crossentropy",
            metrics=["accuracy"],
        )
    model.summary()
    print(f"training on {strategy.num_replicas_in_sync} replica(s) with {train_params.strategy}")
    # Only the chief of a cluster writes the pipeline's outputs; other workers write scratch.
    with tempfile.TemporaryDirectory() as scratch:
        chief = is_chief()
        live_path = args.live if chief else Path(scratch) / "live"
        with atomic_output(live_path) as live_dir, \
                Live(str(live_dir), dvcyaml=False, save_dvc_exp=False) as live:
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
                    callbacks=[DVCLiveCallback(live=live)],
                    verbose=1 if sys.stdout.isatty() else 2,  # a bar per step floods logs
                )
        with atomic_output(args.model if chief else Path(scratch) / "model.keras") as tmp:
            model.save(tmp)


if __name__ == "__main__":
    run(main)
