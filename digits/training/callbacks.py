"""What a Keras fit shows while it runs."""

import keras

from digits.core.progress import Progress


class TrainingProgress(keras.callbacks.Callback):
    """The whole run's progress (digits/core/progress.py: a bar with the time left on a
    terminal, a line per tenth in a log), and each epoch's figures."""

    def __init__(self, epochs: int, steps_per_epoch: int, name: str = "train") -> None:
        super().__init__()
        self.epochs = epochs
        self.progress = Progress(epochs * steps_per_epoch, name, "steps")

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self.progress.update(1)

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        figures = ", ".join(f"{name} {value:.4f}" for name, value in (logs or {}).items()
                            if "loss" in name or "accuracy" in name)
        self.progress.note(f"epoch {epoch + 1}/{self.epochs}: {figures}")

    def on_train_end(self, logs: dict | None = None) -> None:
        self.progress.close()
