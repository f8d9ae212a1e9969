"""Train the CNN on MNIST's training set, with a fraction of its digits added again as drawn
in the apps (`train.drawn_fraction`); log curves with dvclive; save the Keras model.

`train.strategy` spreads training over devices or machines: `mirrored` copies the model to
every local device (GPUs, or `train.cpu_devices` logical CPUs), `multi_worker` to every
worker listed in the TF_CONFIG environment variable; each global batch is split between them.
"""

import json
import os
import tempfile
import time
from pathlib import Path

import keras
import tensorflow as tf
from dvclive import Live
from dvclive.keras import DVCLiveCallback

from digits.core import params
from digits.core.atomic import atomic_output
from digits.core.cli import stage_parser
from digits.core.dataset import to_model_input, verify_mnist
from digits.core.errors import PipelineError, run
from digits.training.callbacks import TrainingProgress
from digits.training.distributed import fit_multi_worker, is_chief
from digits.training.model import compile_for_training, save_model
from digits.training.sets import training_digits


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
    parser = stage_parser(__doc__, "data", "drawn", "kept", "metrics")
    parser.add_argument("--model", required=True, help="where to save the .keras model")
    parser.add_argument("--live", required=True, help="dvclive directory for training curves")
    args = parser.parse_args()
    model_params = params.load("model", params.ModelSection).chosen
    train_params = params.load("train", params.TrainParams)
    checksums = params.load("download", params.DownloadParams).files
    verify_mnist(args.data, checksums)

    strategy = distribution_strategy(train_params.strategy, train_params.cpu_devices)
    keras.utils.set_random_seed(train_params.seed)
    tf.config.experimental.enable_op_determinism()
    (x_train, y_train), (x_val, y_val) = training_digits(
        args.data, args.drawn, args.kept, checksums, train_params.validation_split,
        params.load("kept", params.KeptParams).repeats)
    x_train, x_val = to_model_input(x_train), to_model_input(x_val)

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
            tmp.write_text(json.dumps({"seconds": round(seconds, 1)}, indent=2) + "\n")


if __name__ == "__main__":
    run(main)
