// The digit reader: draw a digit (or open a picture of one), turn it into the model's 28x28
// input exactly as the Python pipeline does, and show what the TF.js graph model reads.
// This module wires the page's parts together; web/tools/build.mjs bundles it, with a TF.js
// cut to the model's kernels on wasm, and defines MODEL_VERSION, a short hash of the model
// files it ships, and MODEL_RELEASE, the release it belongs to (params.yaml's `release`;
// empty between releases). A model given by `?model=` must be on the page's own site; one that
// is not the shipped model shows its own version, marked as such.
import { createKept } from './kept.js';
import { livePredictions, loadModel, predict } from './model.js';
import { createPad } from './pad.js';
import { createPictureReader, listenForPictures } from './pictures.js';
import { aDigit, createResults } from './results.js';

const SHIPPED_MODEL = 'model/model.json';
const MODEL_URL = new URLSearchParams(location.search).get('model') ?? SHIPPED_MODEL;

const $ = (id) => document.getElementById(id);

function fail(message) {
  document.body.dataset.state = 'error';
  $('error').textContent = message;
  $('error').hidden = false;
}

/** Once the page works, keep it for offline use (after, so it does not slow the first visit),
 * and hand the service worker `model` ({ version, files }: the model just loaded and run), or
 * null. Only a model that works ever replaces the one kept offline. */
function keepForOffline(model) {
  const { serviceWorker } = navigator;
  serviceWorker?.register('sw.js')
    .then(() => serviceWorker.ready)
    .then(({ active }) => model && active.postMessage({ version: model.version,
      files: model.files }, model.files.map(({ bytes }) => bytes)))
    .catch((error) => console.warn(`The page will not work offline: ${error.message}`));
}

function start() {
  let actions = 0; // the user's actions so far: a picture read for an earlier one is dropped
  const kept = createKept({ count: $('kept-count'), exporter: $('export'), forget: $('forget') });
  const results = createResults({ digit: $('digit'), summary: $('summary'), bars: $('bars'),
    preview: $('preview'), timing: $('timing') }, keepShown);
  const pad = createPad({ canvas: $('canvas'), paper: $('paper'), picture: $('picture'),
    undo: $('undo'), clear: $('clear') }, { act, changed: () => predictions.schedule() });
  const pictures = createPictureReader(showBusy);
  const predictions = livePredictions(async (model) => {
    const input = pad.input();
    const drawn = pad.drawn();
    if (input) results.show(input, drawn, await predict(model, input));
    else results.showEmpty();
  }, {
    busyChanged: showBusy,
    fail: (error) => fail(`Reading the digit failed: ${error.message}`),
  });

  /** The user did something: whatever an earlier action was waiting for is no longer shown. */
  function act() {
    actions += 1;
    results.tell(null);
  }

  /** Busy while a prediction is due or running, or a picture is being read. */
  function showBusy() {
    $('prediction').setAttribute('aria-busy',
      String(predictions.busy() || pictures.pending() > 0));
  }

  /** Keep what is on show labelled `digit`, then clear the pad for the next one. */
  async function keepShown(digit) {
    const shown = results.shown();
    if (!shown || !await kept.keep(shown, digit)) return;
    pad.clear();
    results.tell(`Kept as ${aDigit(digit)}.`);
    results.showEmpty();
    await kept.show();
  }

  /** Show the picture `file` and what the model reads in it, or why it cannot be read; unless
   * the user has done something else meanwhile. */
  async function openPicture(file) {
    act();
    const action = actions;
    const { input, problem } = await pictures.read(file);
    if (action !== actions) return;
    results.tell(problem ?? null);
    pad.open(input ? file : null, input ?? null);
  }

  listenForPictures({ file: $('file'), paper: $('paper') }, openPicture);
  results.showEmpty();
  kept.show();
  loadModel(MODEL_URL, { version: $('version'), backend: $('backend'), progress: $('progress') })
    .then((model) => {
      const shipped = MODEL_URL === SHIPPED_MODEL;
      model.version ??= shipped ? MODEL_VERSION : null; // no SHA-256 off https
      if (!model.version) throw new Error(`This page cannot tell which model ${MODEL_URL} is.`);
      $('model-version').textContent = model.version !== MODEL_VERSION
        ? `${model.version} (not the shipped model)`
        : MODEL_RELEASE ? `${MODEL_RELEASE} (${MODEL_VERSION})` : MODEL_VERSION;
      document.body.dataset.state = 'ready';
      performance.mark('model-ready');
      predictions.start(model);
      keepForOffline(shipped ? model : null);
    })
    .catch((error) => fail(error.message));
}

start();
