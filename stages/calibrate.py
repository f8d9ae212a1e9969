"""Make the trained CNN the deployed model (digits/training/notdigit.py): its digit
probabilities calibrated on the held-out digits, and an eleventh output, the probability of no
digit, trained on the training digits against draw-nondigits' drawings."""


import keras
import numpy as np

from digits.core import params
from digits.core.atomic import atomic_output
from digits.core.cli import stage_parser
from digits.core.dataset import BATCH, NUM_CLASSES, load_nondigits, to_model_input, verify_mnist
from digits.core.errors import run
from digits.deploy.scores import calibration_error, flagged
from digits.training.model import load_model, predict_keras, save_model
from digits.training.notdigit import deployable, feature_tensor, fit_temperature, train_head
from digits.training.sets import training_digits


def main() -> None:
    parser = stage_parser(__doc__, "data", "drawn", "kept", "nondigits")
    parser.add_argument("--cnn", required=True, help="the trained CNN (train's .keras)")
    parser.add_argument("--model", required=True, help="where to save the deployed .keras model")
    args = parser.parse_args()
    settings = params.load("calibrate", params.CalibrateParams)
    train_params = params.load("train", params.TrainParams)
    checksums = params.load("download", params.DownloadParams).files
    verify_mnist(args.data, checksums)

    cnn = load_model(args.cnn, outputs=NUM_CLASSES, made_by="train")
    (x_train, _), (x_val, y_val) = training_digits(
        args.data, args.drawn, args.kept, checksums, train_params.validation_split,
        params.load("kept", params.KeptParams).repeats)
    held_out = to_model_input(x_val)
    validation = predict_keras(cnn, held_out)
    temperature = fit_temperature(validation, y_val)

    keras.utils.set_random_seed(settings.seed)
    nondigits = load_nondigits(args.nondigits, "train")
    images = to_model_input(np.concatenate([x_train, nondigits]))
    print(f"the CNN's features of {len(images)} drawings ({len(nondigits)} of them no digit)")
    features = keras.Model(cnn.input, feature_tensor(cnn)).predict(images, batch_size=BATCH,
                                                                   verbose=0)
    is_nondigit = np.arange(len(images)) >= len(x_train)
    head = train_head(features, is_nondigit, settings.hidden_units, settings.epochs)
    model = deployable(cnn, temperature, head)

    calibrated = predict_keras(model, held_out)
    held_out_nondigits = predict_keras(
        model, to_model_input(load_nondigits(args.nondigits, "validation")))
    print(f"temperature {temperature:.3f}: calibration error on the {len(y_val)} held-out digits "
          f"{calibration_error(validation, y_val):.4f} -> "
          f"{calibration_error(calibrated, y_val):.4f}; read as no digit: "
          f"{np.mean(flagged(calibrated)):.2%} of them, "
          f"{np.mean(flagged(held_out_nondigits)):.2%} of the held-out drawings that are no digit")
    with atomic_output(args.model) as tmp:
        save_model(model, tmp)


if __name__ == "__main__":
    run(main)
