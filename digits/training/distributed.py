"""Training across workers with MultiWorkerMirroredStrategy.

Keras 3's fit() fails under this strategy ("Attempt to convert a value (PerReplica...)",
keras-team/keras#20585), so multi-worker training runs this explicit loop instead: the same
model, optimizer, loss and shuffling, with the per-epoch metrics fit() would log.
"""

import json
import os

import keras
import numpy as np
import tensorflow as tf
from dvclive import Live

from digits.training.model import predict_keras


def is_chief() -> bool:
    """Whether this process writes the outputs: the `chief` task if TF_CONFIG has one, else
    worker 0 (TensorFlow's convention), and a process outside any cluster."""
    config = json.loads(os.environ.get("TF_CONFIG", "{}"))
    task = config.get("task", {"type": "chief"})
    if "chief" in config.get("cluster", {}):
        return task["type"] == "chief"
    return task["type"] == "chief" or (task["type"] == "worker" and task["index"] == 0)


def fit_multi_worker(model: keras.Model, strategy: tf.distribute.Strategy,
                     train: tuple[np.ndarray, np.ndarray],
                     validation: tuple[np.ndarray, np.ndarray],
                     epochs: int, batch_size: int, seed: int, live: Live) -> None:
    """Train a compiled model; each worker reads every n-th batch of the same shuffled order."""
    images, labels = train
    dataset = (tf.data.Dataset.from_tensor_slices((images, labels.astype(np.int32)))
               .shuffle(len(images), seed=seed, reshuffle_each_iteration=True)
               .batch(batch_size, drop_remainder=True))
    batches = strategy.experimental_distribute_dataset(dataset)
    per_example_loss = keras.losses.SparseCategoricalCrossentropy(reduction="none")

    @tf.function
    def train_step(batch: tuple[tf.Tensor, tf.Tensor]) -> tuple[tf.Tensor, tf.Tensor]:
        def replica_step(x: tf.Tensor, y: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
            with tf.GradientTape() as tape:
                probabilities = model(x, training=True)
                loss = tf.nn.compute_average_loss(per_example_loss(y, probabilities),
                                                  global_batch_size=batch_size)
            gradients = tape.gradient(loss, model.trainable_variables)
            model.optimizer.apply_gradients(zip(gradients, model.trainable_variables,
                                                strict=True))
            hits = tf.argmax(probabilities, axis=1, output_type=tf.int32) == y
            return loss, tf.reduce_sum(tf.cast(hits, tf.float32))

        loss, hits = strategy.run(replica_step, args=batch)
        return strategy.reduce("SUM", loss, axis=None), strategy.reduce("SUM", hits, axis=None)

    val_images, val_labels = validation
    for epoch in range(epochs):
        losses, hits, steps = 0.0, 0.0, 0
        for batch in batches:
            loss, correct = train_step(batch)
            losses, hits, steps = losses + float(loss), hits + float(correct), steps + 1
        probabilities = predict_keras(model, val_images)
        val_loss = float(np.mean(per_example_loss(val_labels, probabilities)))
        val_accuracy = float(np.mean(probabilities.argmax(axis=1) == val_labels))
        metrics = {"train/loss": losses / steps, "train/accuracy": hits / (steps * batch_size),
                   "eval/loss": val_loss, "eval/accuracy": val_accuracy}
        for name, value in metrics.items():
            live.log_metric(name, value)
        live.next_step()
        print(f"epoch {epoch + 1}/{epochs}: " + ", ".join(f"{k} {v:.4f}" for k, v in
                                                           metrics.items()), flush=True)
    model.optimizer.finalize_variable_values(model.trainable_variables)  # as fit() does
