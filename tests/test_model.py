import time

import keras
import numpy as np
import pytest

from digits.core.errors import PipelineError
from digits.core.params import Augmentation, ModelParams
from digits.training.model import (
    RandomAffine,
    build_model,
    load_model,
    make_optimizer,
    save_model,
    with_augmentation,
)

BN_NET = ModelParams(conv_filters=[4, 8], kernel_sizes=[3, 3], dense_units=16, dropout=0.4,
                     convs_per_block=2, batch_norm=True,
                     augment=Augmentation(translation=0.1, rotation=10, zoom=0.1))

TINY = ModelParams(conv_filters=[4], kernel_sizes=[3], dense_units=8, dropout=0.0)


def layer_types(model: keras.Model) -> list[str]:
    return [type(layer).__name__ for layer in model.layers]


def test_blocks_of_convolutions_with_batch_norm():
    types = layer_types(build_model(BN_NET))
    assert types.count("Conv2D") == 4 and types.count("MaxPooling2D") == 2
    assert types.count("BatchNormalization") == 5  # after each convolution and the dense layer
    assert types.count("Dropout") == 2


def test_strided_blocks_of_unpadded_convolutions_halve_the_map_without_pooling():
    net = ModelParams(conv_filters=[4, 8], kernel_sizes=[3, 3], dense_units=16, dropout=0.4,
                      convs_per_block=2, padding="valid",
                      downsample="strided", batch_norm=True)
    model = build_model(net)
    convolutions = [layer for layer in model.layers if isinstance(layer, keras.layers.Conv2D)]
    assert "MaxPooling2D" not in layer_types(model)
    assert [conv.output.shape[1] for conv in convolutions] == [26, 24, 12, 10, 8, 4]
    assert [conv.strides for conv in convolutions] == [(1, 1), (1, 1), (2, 2)] * 2
    assert [conv.filters for conv in convolutions] == [4, 4, 4, 8, 8, 8]


def test_crop_trims_each_border_of_the_image_before_the_first_convolution():
    net = ModelParams(conv_filters=[4, 8], kernel_sizes=[3, 3], dense_units=16, dropout=0.4,
                      crop=2, padding="valid")
    first_convolution = next(layer for layer in build_model(net).layers
                             if isinstance(layer, keras.layers.Conv2D))
    assert first_convolution.input.shape[1:3] == (24, 24)
    assert first_convolution.output.shape[1:3] == (22, 22)


def test_the_seed_network_has_no_batch_norm_and_biased_layers():
    model = build_model(ModelParams(conv_filters=[32, 64], kernel_sizes=[5, 5], dense_units=128,
                                    dropout=0.5))
    assert "BatchNormalization" not in layer_types(model)
    assert all(layer.use_bias for layer in model.layers if hasattr(layer, "use_bias"))


def test_augmentation_trains_the_model_but_stays_out_of_it():
    model = build_model(BN_NET)
    trainer = with_augmentation(model, BN_NET.augment)
    assert "RandomAffine" in layer_types(trainer)
    assert not any(name.startswith("Random") for name in layer_types(model))
    images = np.random.default_rng(0).random((4, 28, 28, 1)).astype(np.float32)
    np.testing.assert_allclose(trainer(images, training=False), model(images, training=False),
                               atol=1e-6)
    assert not np.allclose(trainer.layers[0](images, training=True), images)
    assert with_augmentation(model, Augmentation(translation=0, rotation=0, zoom=0)) is model


def centres_and_angles(images: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each image's centre of ink (x, y) and the angle of its main axis, in degrees."""
    rows, cols = np.mgrid[:28, :28]
    result = []
    for image in images[..., 0]:
        weight = image / image.sum()
        x, y = (weight * cols).sum(), (weight * rows).sum()
        cov_xy = (weight * (cols - x) * (rows - y)).sum()
        cov_xx, cov_yy = (weight * (cols - x) ** 2).sum(), (weight * (rows - y) ** 2).sum()
        result.append((x, y, np.degrees(0.5 * np.arctan2(2 * cov_xy, cov_xx - cov_yy))))
    result = np.array(result)
    return result[:, :2], result[:, 2]


def test_random_affine_shifts_and_rotates_each_image_within_its_limits():
    bars = np.zeros((64, 28, 28, 1), np.float32)
    bars[:, 13:15, 6:22] = 1.0  # a horizontal bar through the centre (13.5, 13.5)
    shifted = RandomAffine(Augmentation(translation=0.1, rotation=0, zoom=0), seed=1)(
        bars, training=True).numpy()
    centres, angles = centres_and_angles(shifted)
    offsets = np.abs(centres - 13.5)
    assert offsets.max() <= 2.8 + 0.05 and offsets.max() > 2.0  # up to 10% of 28 pixels
    assert np.abs(angles).max() < 0.5
    turned = RandomAffine(Augmentation(translation=0, rotation=10, zoom=0), seed=1)(
        bars, training=True).numpy()
    centres, angles = centres_and_angles(turned)
    assert np.abs(centres - 13.5).max() < 0.1
    assert np.abs(angles).max() <= 10.2 and np.abs(angles).max() > 7
    zoomed = RandomAffine(Augmentation(translation=0, rotation=0, zoom=0.1), seed=1)(
        bars, training=True).numpy()
    lengths = (zoomed[:, 13:15, :, 0].max(axis=1) > 0.5).sum(axis=1)
    assert 16 / 1.1 - 1 <= lengths.min() < 16 <= lengths.max() <= 16 / 0.9 + 1
    np.testing.assert_array_equal(RandomAffine(Augmentation(translation=0.1, rotation=10,
                                                            zoom=0.1))(bars), bars)


def test_cosine_schedule_decays_to_one_percent():
    schedule = make_optimizer("adam", 0.002, "cosine", total_steps=100).get_config()[
        "learning_rate"]
    assert schedule["class_name"] == "CosineDecay"
    assert schedule["config"]["initial_learning_rate"] == pytest.approx(0.002)
    assert (schedule["config"]["decay_steps"], schedule["config"]["alpha"]) == (100, 0.01)
    assert make_optimizer("adam", 0.002).get_config()["learning_rate"] == pytest.approx(0.002)


def test_weight_averaging_saves_the_moving_average_of_the_weights():
    momentum = 0.8
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    model.compile(optimizer=make_optimizer("sgd", 0.1, weight_averaging=momentum), loss="mse")
    average = []

    class Average(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            weights = model.get_weights()
            average[:] = weights if not average else [
                momentum * a + (1 - momentum) * w for a, w in zip(average, weights, strict=True)]
            self.last = weights

    callback = Average()
    rng = np.random.default_rng(0)
    model.fit(rng.random((64, 3)), rng.random((64, 2)), batch_size=8, epochs=2, verbose=0,
              callbacks=[callback])
    for saved, expected, last in zip(model.get_weights(), average, callback.last, strict=True):
        np.testing.assert_allclose(saved, expected, rtol=1e-5, atol=1e-6)
        assert not np.allclose(saved, last)
    plain = make_optimizer("adam", 0.002, weight_averaging=0.0)
    assert not plain.use_ema


def test_saving_the_same_model_twice_writes_the_same_bytes(tmp_path):
    model = build_model(TINY)
    save_model(model, tmp_path / "a.keras")
    time.sleep(1.1)  # Keras stamps the save time to the second
    save_model(model, tmp_path / "b.keras")
    assert (tmp_path / "a.keras").read_bytes() == (tmp_path / "b.keras").read_bytes()
    reloaded = load_model(tmp_path / "b.keras", outputs=10, made_by="train")
    for saved, loaded in zip(model.get_weights(), reloaded.get_weights(), strict=True):
        np.testing.assert_array_equal(saved, loaded)


def test_a_truncated_model_is_reported_as_damaged(tmp_path):
    path = tmp_path / "model.keras"
    save_model(build_model(TINY), path)
    path.write_bytes(path.read_bytes()[:2000])
    with pytest.raises(PipelineError, match=f"^model {path} is damaged \\(not a complete .keras "
                                            f"archive\\); fix: `dvc checkout --force {path}`"):
        load_model(path)


def test_a_model_for_other_pictures_or_classes_is_reported_as_such(tmp_path):
    path = tmp_path / "cifar.keras"
    inputs = keras.Input((32, 32, 3))
    keras.Model(inputs, keras.layers.Dense(5)(keras.layers.Flatten()(inputs))).save(path)
    with pytest.raises(PipelineError, match=r"maps input \(None, 32, 32, 3\) to output "
                                            r"\(None, 5\), not a 28x28x1 digit to 11 "
                                            "values; fix: `dvc checkout"):
        load_model(path)
