"""The web page in Debian's headless Chromium, used as a person would, with a real model.

The JavaScript unit tests (web/tests/*.test.mjs) run under node:test; the page scenarios are
driven by web/tests/drive-page.mjs (playwright-core), and this module checks what they saw.
"""

import hashlib
import json
import os
import re
import select
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import keras
import numpy as np
import pytest
from PIL import Image

from digits.core import params
from digits.core.dataset import load_split
from digits.core.idx import encode_idx
from digits.data.kept import read_drawn
from digits.deploy.artifacts import model_version
from digits.deploy.export import convert_to_tfjs
from digits.drawing.nondigits import SHAPES, draw_nondigit
from digits.drawing.preprocess import PEN_WIDTH, preprocess_grey, preprocess_ink
from digits.drawing.rendering import draw_strokes
from digits.drawing.tracing import pen_strokes
from digits.training.model import build_model, load_model
from tests.conftest import (
    REPO,
    deployed,
    edit_params,
    png_claiming,
    run_stage,
    stand_in_drawn_digits,
)
from tools.predict import read_grey

pytestmark = pytest.mark.slow  # trains, converts or runs DVC, Node or a browser

WEB = REPO / "web"
ARTIFACTS = REPO / "test-artifacts"
MNIST = REPO / "data" / "mnist"  # the download stage's output; `make test` makes it first
DRAWN_DIGITS = 100
NOT_SURE_TEXT = "Not sure: that does not look like a digit. Draw a digit, 0 to 9."
# A third of MNIST's training set, one epoch: 26 s of training, and 98 of the 100 drawn
# digits below read right (all 60,000: 75 s and 99).
TRAINING_DIGITS = 20_000
# Drawings that are no digit, to train the page's model to say "not sure" (a tenth of the
# pipeline's)
NONDIGITS = {"train": 1200, "validation": 200, "test": 200}


@pytest.fixture(scope="module")
def trained(tmp_path_factory) -> Path:
    """A working directory holding real MNIST in data/ and, in tfjs/, a model trained on it
    and converted as the pipeline does. It is the seed preset for one epoch on the first
    TRAINING_DIGITS training digits, and its not-a-digit output learns from NONDIGITS: the page
    is under test here, not the model."""
    workdir = tmp_path_factory.mktemp("web")
    shutil.copy(REPO / "params.yaml", workdir / "params.yaml")
    edit_params(workdir, "model", preset="seed")
    edit_params(workdir, "train", epochs=1)
    if not (MNIST / "train-images-idx3-ubyte").is_file():
        pytest.skip("the browser tests draw real MNIST digits: run `dvc repro download` first "
                    "(`make test` does)")
    shutil.copytree(MNIST, workdir / "data")
    checksums = dict(params.load("download", params.DownloadParams, workdir / "params.yaml").files)
    for name, array in zip(("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
                           load_split(MNIST, "train"), strict=True):
        content = encode_idx(array[:TRAINING_DIGITS])
        (workdir / "data" / name).write_bytes(content)
        checksums[name] = hashlib.sha256(content).hexdigest()
    edit_params(workdir, "download", files=checksums)
    stand_in_drawn_digits(workdir)
    edit_params(workdir, "nondigits", **NONDIGITS)
    run_stage(workdir, "draw_nondigits", "--out", "nondigits")
    run_stage(workdir, "train", "--data", "data", "--drawn", "drawn", "--kept", "kept",
              "--model", "cnn.keras", "--live", "live", "--metrics", "train.json")
    run_stage(workdir, "calibrate", "--cnn", "cnn.keras", "--data", "data", "--drawn", "drawn",
              "--kept", "kept", "--nondigits", "nondigits", "--model", "model.keras")
    run_stage(workdir, "convert", "tfjs", "--model", "model.keras", "--out", "tfjs")
    build_site(workdir, "tfjs", "site")
    return workdir


def build_site(workdir: Path, model: str, out: str, release: str = "") -> str:
    """web/tools/build.mjs (the web-build stage's command) on a model, with params.yaml's
    `release` set to `release`; returns the model's version."""
    with tempfile.TemporaryDirectory() as scratch:
        params_file = Path(scratch) / "params.yaml"
        params_file.write_text(f"release: {json.dumps(release)}\n")
        build = subprocess.run(["node", str(WEB / "tools" / "build.mjs"), "--model", model,
                                "--out", out, "--metrics", f"{out}.json", "--params",
                                str(params_file)], cwd=workdir, capture_output=True, text=True)
    assert build.returncode == 0, build.stderr
    return json.loads((workdir / f"{out}.json").read_text())["model_version"]


@pytest.fixture
def site(http_root, trained) -> tuple[Path, str]:
    """The built site, copied alone into an empty directory that 127.0.0.1 serves, as a
    static host would: nothing from the repository or node_modules beside it."""
    root, url = http_root
    shutil.copytree(trained / "site", root, dirs_exist_ok=True)
    return root, url


class PageDriver:
    """web/tests/drive-page.mjs: one Chromium for this module's scenarios, each in a fresh
    browser context; calling it runs one scenario and returns what it saw."""

    def __init__(self, log: Path) -> None:
        self.log = log
        with log.open("w") as stderr:  # the child keeps its own copy
            self.process = subprocess.Popen(["node", str(WEB / "tests" / "drive-page.mjs")],
                                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                            stderr=stderr, text=True)

    def __call__(self, scenario: str, url: str, argument: str | None = None) -> dict:
        self.process.stdin.write(json.dumps([scenario, url, argument]) + "\n")
        self.process.stdin.flush()
        answered, _, _ = select.select([self.process.stdout], [], [], 300)
        assert answered, f"{scenario}: no answer in 300 s"
        line = self.process.stdout.readline()
        assert line, f"drive-page.mjs ended:\n{self.log.read_text()}"
        answer = json.loads(line)
        assert "error" not in answer, answer["error"]
        return answer["seen"]

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=60)


@pytest.fixture(scope="module")
def drive(tmp_path_factory) -> Iterator[PageDriver]:
    driver = PageDriver(tmp_path_factory.mktemp("driver") / "stderr.log")
    yield driver
    driver.close()


def test_javascript_unit_tests_pass():
    result = subprocess.run(["node", "--test", "web/tests/"], cwd=REPO, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "# fail 0" in result.stdout


def test_the_page_loads_to_ready_with_no_console_errors(site, drive):
    _, url = site
    page = drive("load", url)
    assert page["problems"] == []
    assert page["loading"] == {"state": "loading", "status": "Loading the model…",
                               "progressVisible": True}
    assert page["progress"] == 1
    assert page["state"] == "ready"
    assert page["backend"] == "wasm"
    assert page["summary"] == "Draw a digit"
    assert page["digit"] == ""
    assert page["hintVisible"]
    assert not page["undoEnabled"] and not page["clearEnabled"]


def test_mnist_digits_drawn_with_the_mouse_are_read(site, trained, tmp_path, drive):
    _, url = site
    images, labels = load_split(trained / "data", "t10k")
    digits = [pen_strokes(image) for image in images[:DRAWN_DIGITS]]
    (tmp_path / "strokes.json").write_text(json.dumps(digits))
    drawn = drive("draw", url, str(tmp_path / "strokes.json"))
    assert drawn["problems"] == []
    read = [page["digit"] for page in drawn["read"]]  # "?": not sure it is a digit
    wrong = [(i, int(label), digit) for i, (label, digit)
             in enumerate(zip(labels[:DRAWN_DIGITS], read, strict=True)) if str(label) != digit]
    accuracy = 1 - len(wrong) / DRAWN_DIGITS
    print(f"drawn MNIST test digits read right: {accuracy:.0%}; wrong (index, label, read): "
          f"{wrong}")
    # The page's drawing is Skia's (Chromium's canvas): digits/drawing/rendering.py draws the same.
    gaps = [np.abs(preprocess_ink(draw_strokes(strokes, page["padSize"], PEN_WIDTH)).flatten()
                   - np.array(page["preview"])) for strokes, page in zip(digits, drawn["read"],
                                                                        strict=True)]
    print(f"page input vs digits/drawing/rendering.py's: mean gap {np.mean(gaps):.4f}, "
          f"largest {np.max(gaps):.3f}, largest mean of a digit {max(map(np.mean, gaps)):.4f}")
    # Measured: 0.053 and 0.0001. The largest is one pixel of one 9 whose single stroke runs
    # through its own junction (stem, then loop); the next digit's largest is 0.018.
    assert np.max(gaps) < 0.08 and np.mean(gaps) < 0.002
    assert accuracy >= 0.95, f"{len(wrong)} of {DRAWN_DIGITS} misread: {wrong}"


def in_pad(strokes: list, low: float = 0.2, high: float = 0.8) -> list:
    """Strokes in a unit field moved into the middle of the pad (fractions low..high)."""
    return [[[low + (high - low) * x, low + (high - low) * y] for x, y in stroke]
            for stroke in strokes]


def test_a_scribble_and_a_letter_get_not_sure_and_a_correction_still_keeps_one(
        site, tmp_path, drive):
    _, url = site
    scribble = draw_nondigit("scribble", np.random.default_rng(3))
    drawings = [in_pad(scribble), in_pad(SHAPES["W"])]
    exported = tmp_path / "export.json"
    seen = drive("unsure", url, json.dumps({"drawings": drawings, "exportPath": str(exported),
                                            "keepAs": 8}))
    assert seen["problems"] == []
    for page in seen["read"]:
        assert page["summary"] == NOT_SURE_TEXT
        assert page["digit"] == "?"  # no big digit
        assert page["unsure"] == "true"
        shown = [int(value.rstrip("%")) for value in page["bars"]]
        assert len(shown) == 10 and 95 <= sum(shown) <= 105  # the probabilities stay on show
    assert seen["kept"] == "1 drawing kept on this device"
    assert seen["summary"] == "Kept as an 8."
    [record] = json.loads(exported.read_text())["digits"]
    assert (record["label"], record["read"]) == (8, None)  # kept as an 8; it read no digit


def test_undo_clear_and_the_empty_pad(site, drive):
    _, url = site
    result = drive("controls", url)
    assert result["problems"] == []
    seen = result["seen"]
    empty, bar, both = seen["empty"], seen["bar"], seen["barAndTop"]
    assert bar["digit"] == "1" and both["digit"] == "7"
    assert bar["undoEnabled"] and bar["clearEnabled"] and not bar["hintVisible"]
    assert bar["pad"] != empty["pad"] and both["pad"] != bar["pad"]
    for undone in ("undoButton", "undoKey"):  # the Undo button, then Ctrl+Z
        assert seen[undone]["pad"] == bar["pad"], f"{undone} did not restore the pad"
        assert seen[undone]["digit"] == "1"
    for cleared in ("clearButton", "clearKey", "undoneToEmpty"):  # Clear, Escape, undo all
        page = seen[cleared]
        assert page["pad"] == empty["pad"], f"{cleared} left ink on the pad"
        assert page["digit"] == "" and page["summary"] == "Draw a digit"
        assert page["hintVisible"] and not page["undoEnabled"] and not page["clearEnabled"]
        assert page["preview"] == empty["preview"] == [0.0] * 784


def test_a_dropped_or_chosen_picture_is_read_as_python_reads_it(site, trained, tmp_path, drive):
    _, url = site
    images, labels = load_split(trained / "data", "t10k")
    # Blue ink on cream paper at an odd size, as if photographed: exercises the luma, the
    # paper's level and fractional area weights.
    ink = np.asarray(Image.fromarray(images[0]).resize((97, 97), Image.Resampling.BILINEAR))
    ink = ink[..., np.newaxis] / 255.0
    colour = (1 - ink) * [250, 240, 215] + ink * [30, 40, 140]
    picture = tmp_path / "digit.png"
    Image.fromarray(colour.round().astype(np.uint8)).save(picture)
    expected = preprocess_grey(read_grey(picture)).flatten()
    result = drive("picture", url, str(picture))
    assert result["problems"] == []
    for way in ("dropped", "chosen"):
        page = result[way]
        assert page["pictureVisible"] and page["clearEnabled"] and not page["hintVisible"]
        assert page["digit"] == str(labels[0])
        # The preview shows the model's input in 8 bits.
        np.testing.assert_allclose(page["preview"], expected, atol=0.5 / 255 + 1e-6)
    assert not result["cleared"]["pictureVisible"]
    assert result["cleared"]["summary"] == "Draw a digit"
    assert result["notPicture"]["summary"] == "notes.txt is not a picture this browser can read."
    assert result["notPicture"]["state"] == "ready"


@pytest.mark.parametrize("broken", ["not JSON", "no weights", "another shape"])
def test_a_broken_model_shows_a_readable_error(site, broken, drive):
    root, url = site
    if broken == "not JSON":
        (root / "broken").mkdir()
        (root / "broken" / "model.json").write_text("<html>404 Not Found</html>")
    elif broken == "no weights":
        (root / "broken").mkdir()
        shutil.copy(root / "model" / "model.json", root / "broken" / "model.json")
    else:
        inputs = keras.Input((32, 32, 3))
        cifar = keras.Model(inputs, keras.layers.Dense(5)(keras.layers.Flatten()(inputs)))
        convert_to_tfjs(cifar, root / "broken", "none")
    page = drive("load", f"{url}?model=broken/model.json")
    assert page["state"] == "error"
    if broken == "another shape":
        assert page["error"].startswith("The model at broken/model.json does not map a 28x28x1 "
                                        "digit to 11 outputs (it takes [32,32,3]).")
    else:
        assert page["error"].startswith("The model could not be loaded from broken/model.json.")
    assert page["error"].endswith("`dvc checkout --force web/dist` restores it.)")
    if broken == "no weights":  # named, not "byte length of Float32Array should be ..."
        assert "broken/group1-shard1of1.bin: HTTP 404 File not found." in page["error"]
    assert not [p for p in page["problems"] if not p.startswith("HTTP 404")]


def test_careless_and_hostile_pictures_end_in_what_the_user_did_last(
        site, trained, tmp_path, drive):
    _, url = site
    images, labels = load_split(trained / "data", "t10k")
    three, seven = (next(i for i, label in enumerate(labels) if label == digit)
                    for digit in (3, 7))
    files = {"huge": tmp_path / "huge.png", "large": tmp_path / "large.png",
             "small": tmp_path / "small.png"}
    files["huge"].write_bytes(png_claiming(20000, 20000, rows=1))
    # A 3 photographed at 24 megapixels (6000x4000): the largest kind a phone sends.
    large = Image.fromarray(255 - images[three]).resize((4000, 4000), Image.Resampling.BILINEAR)
    paper = Image.new("L", (6000, 4000), 255)
    paper.paste(large, (1000, 0))
    paper.save(files["large"])
    Image.fromarray(255 - images[seven]).resize((90, 90)).save(files["small"])
    seen = drive("hostile", url, json.dumps({k: str(v) for k, v in files.items()}))
    print(f"longest main-thread task: {seen['longestTaskMs']:.0f} ms")
    assert seen["problems"] == []
    assert seen["seven"]["digit"] == "7"
    blank = [0.0] * 784
    not_picture = seen["notPicture"]  # nothing of the 7 is left beside the error
    assert not_picture["summary"] == "notes.txt is not a picture this browser can read."
    assert (not_picture["digit"], not_picture["preview"]) == ("", blank)
    assert not not_picture["pictureVisible"] and not_picture["hintVisible"]
    assert seen["huge"]["summary"] == ("huge.png is 20000x20000 pixels, more than the 25 "
                                       "megapixels a picture may have: scale it down.")
    assert seen["huge"]["digit"] == "" and not seen["huge"]["pictureVisible"]
    assert seen["largeThenSmall"]["digit"] == "7" and seen["largeThenSmall"]["pictureVisible"]
    assert seen["largeThenStroke"]["digit"] == "1"
    assert not seen["largeThenStroke"]["pictureVisible"]
    assert seen["large"]["digit"] == "3" and seen["large"]["pictureVisible"]


def test_phone_and_desktop_layouts_and_touch_drawing(site, drive):
    _, url = site
    ARTIFACTS.mkdir(exist_ok=True)
    result = drive("screenshots", url, str(ARTIFACTS))
    assert result["problems"] == []
    phone = result["phone"]
    assert phone["touched"]["digit"] == "1", "a finger stroke did not draw"
    assert phone["scrollable"] and phone["scrollY"] == 0, "drawing with a finger scrolled"
    assert phone["digitInView"], "on a 320x640 phone the digit read is off screen"
    assert phone["overflowX"] == 0 and result["desktop"]["overflowX"] == 0
    assert Image.open(ARTIFACTS / "web-phone.png").width == 320 * 2  # a 2x phone screen
    assert Image.open(ARTIFACTS / "web-desktop.png").width == 1280


def test_the_site_works_offline_after_one_visit_and_takes_a_new_model_when_online(
        site, trained, tmp_path, drive):
    """A first visit; a reload with the network off still reads a drawn 7; then another model
    is deployed over the site as release v2.0.0, and the next online visit shows that release
    and version and reads with the new model."""
    root, url = site
    keras.utils.set_random_seed(1)
    other = deployed(build_model(params.load("model", params.ModelSection,
                                             trained / "params.yaml").chosen))
    convert_to_tfjs(other, tmp_path / "other-model", "none")
    first_version = json.loads((trained / "site.json").read_text())["model_version"]
    other_version = build_site(tmp_path, "other-model", "other-site", release="v2.0.0")
    assert other_version != first_version

    deployment = json.dumps({"root": str(root), "next": str(tmp_path / "other-site")})
    seen = drive("offline", url, deployment)
    assert seen["problems"] == []
    assert seen["first"]["modelVersion"] == first_version
    assert seen["first"]["installabilityErrors"] == []  # manifest, icons, service worker
    assert (seen["offline"]["state"], seen["offline"]["digit"]) == ("ready", "7")
    assert seen["offline"]["modelVersion"] == first_version
    updated = seen["updated"]
    assert updated["modelVersion"] == f"v2.0.0 ({other_version})"  # a release shows its name
    probabilities = other.predict(np.array(updated["preview"]).reshape(1, 28, 28, 1), verbose=0)
    assert updated["digit"] == str(probabilities.argmax())



def test_the_built_site_is_one_static_folder_with_a_runtime_cut_to_the_model(trained):
    site = trained / "site"
    files = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())
    assert files == ["app.js", "favicon.svg", "icons/icon-192.png", "icons/icon-512.png",
                     "index.html", "manifest.webmanifest", "model/group1-shard1of1.bin",
                     "model/model.json", "picture-reader.js", "style.css", "sw.js",
                     "tfjs-backend-wasm-simd.wasm.gz",
                     "tfjs-backend-wasm.wasm.gz"]
    for text in ("index.html", "app.js", "sw.js"):
        assert "node_modules" not in (site / text).read_text()
    bundle = (site / "app.js").read_text()
    assert "webgl" not in bundle  # the whole @tensorflow/tfjs would bring its WebGL backend
    assert len(bundle) < (WEB / "node_modules/@tensorflow/tfjs/dist/tf.min.js").stat().st_size / 4
    manifest = json.loads((site / "manifest.webmanifest").read_text())
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}


def test_labelled_drawings_are_kept_across_reloads_exported_for_python_and_deleted(
        site, tmp_path, drive):
    _, url = site
    exported = tmp_path / "export.json"
    seen = drive("keep", url, str(exported))
    assert seen["problems"] == []
    assert seen["empty"]["kept"] == "No drawings kept" and not seen["empty"]["exportEnabled"]
    assert seen["keptFirst"]["kept"] == "1 drawing kept on this device"
    assert seen["keptFirst"]["summary"] == "Kept as a 1."
    assert seen["keptFirst"]["pad"] == seen["empty"]["pad"]  # cleared for the next one
    assert seen["reloaded"]["kept"] == "2 drawings kept on this device"
    assert seen["reloaded"]["exportEnabled"]
    assert re.fullmatch(r"drawn-digits-\d{8}-\d{6}\.json", seen["exportName"])
    assert seen["forgotten"]["kept"] == "No drawings kept"
    assert not seen["forgotten"]["exportEnabled"]

    drawn = read_drawn(exported)
    assert drawn.labels.tolist() == [1, 7]
    for image, page in zip(drawn.images, (seen["first"], seen["second"]), strict=True):
        np.testing.assert_array_equal(image.flatten(), np.round(np.array(page["preview"]) * 255))
    assert [len(strokes) for strokes in drawn.strokes] == [1, 1]
    assert len(drawn.strokes[0][0]) >= 4
    records = json.loads(exported.read_text())["digits"]
    assert [r["read"] for r in records] == [int(seen["first"]["digit"]),
                                            int(seen["second"]["digit"])]
    assert {r["model"] for r in records} == {seen["first"]["modelVersion"]}


def test_a_build_deletes_what_killed_builds_left_and_nothing_else(trained, tmp_path):
    dead, alive = "999999999", str(os.getpid())
    leftovers = [tmp_path / f"site.tmp-{dead}", tmp_path / f"site.old-{dead}"]
    for folder in [*leftovers, tmp_path / f"site.tmp-{alive}"]:
        folder.mkdir()
        (folder / "app.js").write_text("half written")
    (tmp_path / f"site.json.tmp-{dead}").write_text("{")
    build_site(tmp_path, str(trained / "tfjs"), "site")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site", "site.json", f"site.tmp-{alive}"]


def test_strokes_drawn_while_the_model_loads_are_read_when_it_is_ready(site, drive):
    _, url = site
    seen = drive("early", url)
    assert seen["problems"] == []
    assert seen["whileLoading"]["state"] == "loading" and not seen["whileLoading"]["hintVisible"]
    assert (seen["ready"]["state"], seen["ready"]["digit"]) == ("ready", "7")



@pytest.mark.parametrize("indexeddb", ["missing", "throwing"])
def test_without_indexeddb_keeping_is_visibly_unavailable_with_the_reason(site, indexeddb, drive):
    _, url = site
    seen = drive("keepOne", url, json.dumps({"indexedDB": indexeddb}))
    assert seen["problems"] == []  # no uncaught rejection from the tap
    reason = {"missing": "this browser gives the page no IndexedDB.",
              "throwing": "The user denied this site storage."}[indexeddb]
    for moment in ("loaded", "tapped"):
        assert seen[moment]["kept"] == f"Drawings cannot be kept on this device: {reason}"
        assert not seen[moment]["exportEnabled"]
    assert seen["loaded"]["state"] == "ready"  # the page reads digits all the same
    assert seen["tapped"]["digit"] == seen["drawn"]["digit"] == "7"  # the 7 is not thrown away


def test_a_working_model_stays_usable_offline_after_the_server_model_turns_to_garbage(site, drive):
    """Online, a garbage model.json is reported; offline, the service worker still answers
    with the model that worked, never the garbage."""
    root, url = site
    seen = drive("garbage", url, str(root / "model" / "model.json"))
    assert seen["first"]["state"] == "ready"
    assert seen["broken"]["state"] == "error"
    assert seen["broken"]["error"].startswith("The model could not be loaded from "
                                              "model/model.json.")
    assert (seen["offline"]["state"], seen["offline"]["digit"]) == ("ready", "7")
    assert seen["offline"]["modelVersion"] == seen["first"]["modelVersion"]
    assert seen["problems"] == []


def test_a_model_from_another_origin_is_refused_before_it_is_asked_for(site, drive):
    _, url = site
    other = url.replace("127.0.0.1", "localhost")  # the same server, another origin
    page = drive("load", f"{url}?model={other}model/model.json")
    assert page["state"] == "error"
    assert page["error"] == (f"The model at {other}model/model.json is on another site: this "
                             f"page reads only models from its own, {url.rstrip('/')}.")
    assert page["problems"] == []  # not even requested


def test_a_model_that_is_not_the_shipped_one_shows_and_records_its_own_version(
        site, trained, tmp_path, drive):
    root, url = site
    # The same network with float16 weights (the site's uint8): other bytes, the same kernels,
    # which the site's runtime is cut to.
    convert_to_tfjs(load_model(trained / "model.keras"), root / "other", "float16")
    version = model_version(root / "other")  # as the pipeline computes it
    shipped = json.loads((trained / "site.json").read_text())["model_version"]
    assert version != shipped
    exported = tmp_path / "export.json"
    seen = drive("keepOne", f"{url}?model=other/model.json",
                 json.dumps({"exportPath": str(exported)}))
    assert seen["problems"] == []
    assert seen["loaded"]["modelVersion"] == f"{version} (not the shipped model)"
    assert seen["tapped"]["kept"] == "1 drawing kept on this device"
    records = json.loads(exported.read_text())["digits"]
    assert [(r["label"], r["model"]) for r in records] == [(7, version)]
