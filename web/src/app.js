// The digit reader: draw a digit (or open a picture of one), turn it into the model's 28x28
// input exactly as the Python pipeline does, and show what the TF.js graph model reads.
// web/tools/build.mjs bundles it, with a TF.js cut to the model's kernels on wasm, and
// defines MODEL_VERSION, a short hash of the model files it ships, and MODEL_RELEASE, the
// release it belongs to (params.yaml's `release`; empty between releases).
import * as tf from '@tensorflow/tfjs';
import { countKept, exportText, forgetKept, keep, keptDigits } from './kept-digits.js';
import {
  MAX_PIXELS, MNIST_SIZE, NoInkError, PEN_WIDTH, preprocessInk,
} from '../preprocess.js';

const MODEL_URL = new URLSearchParams(location.search).get('model') ?? 'model/model.json';
// Live predictions while drawing: at most one in flight and one start per this gap.
const PREDICTION_GAP_MS = 50;
// Sharp enough on phones while keeping the canvas cheap to read back.
const MAX_PIXEL_RATIO = 2;

const $ = (id) => document.getElementById(id);
const canvas = $('canvas');
const pad = canvas.getContext('2d', { willReadFrequently: true });
const paper = $('paper');
const picture = $('picture');
const predictionBox = $('prediction');
const preview = $('preview').getContext('2d');
// Each bar is a button: tapping it keeps what is on show, labelled with its digit.
const bars = Array.from({ length: 10 }, (_, digit) => {
  const item = document.createElement('li');
  item.innerHTML = `<button type="button" disabled aria-label="${digit}: keep as a ${digit}">`
    + `<span class="label">${digit}</span><span class="track"><span class="fill"></span></span>`
    + '<span class="value">0%</span></button>';
  $('bars').append(item);
  const bar = item.firstElementChild;
  bar.addEventListener('click', () => keepShown(digit));
  return bar;
});

const strokes = []; // each a list of [x, y] points as fractions of the pad's width and height
let activePointer = null;
let strokeRect = null;
let pictureInput = null; // the model input of an opened picture, while it is shown
let notice = null; // what the last action came to, while the pad is empty
let shown = null; // the read on show: { input, drawn (its strokes), read (the digit) }
let actions = 0; // the user's actions so far: a picture read for an earlier one is dropped
let model = null;
let predicting = false;
let stale = false;
let lastStart = -Infinity;

const percent = (p) => `${Math.round(p * 100)}%`;

function render() {
  const { width, height } = canvas;
  pad.clearRect(0, 0, width, height);
  pad.strokeStyle = pad.fillStyle = getComputedStyle(canvas).color;
  pad.lineWidth = PEN_WIDTH * Math.min(width, height);
  pad.lineCap = pad.lineJoin = 'round';
  for (const stroke of strokes) {
    const points = stroke.map(([x, y]) => [x * width, y * height]);
    pad.beginPath();
    if (points.length === 1) {
      pad.arc(...points[0], pad.lineWidth / 2, 0, 2 * Math.PI);
      pad.fill();
      continue;
    }
    // Curves through the midpoints between samples smooth the corners of a fast stroke.
    pad.moveTo(...points[0]);
    for (let i = 1; i < points.length - 1; i++) {
      const [[x, y], [nextX, nextY]] = [points[i], points[i + 1]];
      pad.quadraticCurveTo(x, y, (x + nextX) / 2, (y + nextY) / 2);
    }
    pad.lineTo(...points.at(-1));
    pad.stroke();
  }
}

function changed() {
  render();
  paper.dataset.empty = String(strokes.length === 0 && !pictureInput);
  $('undo').disabled = strokes.length === 0;
  $('clear').disabled = strokes.length === 0 && !pictureInput;
  schedulePrediction();
}

function showPicture(file, input) {
  const previous = picture.getAttribute('src');
  if (previous) URL.revokeObjectURL(previous);
  if (file) picture.src = URL.createObjectURL(file);
  else picture.removeAttribute('src');
  picture.hidden = !file;
  pictureInput = input;
}

function toPoint(event) {
  return [(event.clientX - strokeRect.left) / strokeRect.width,
    (event.clientY - strokeRect.top) / strokeRect.height];
}

/** The user did something: whatever an earlier action was waiting for is no longer shown. */
function act() {
  actions += 1;
  notice = null;
}

canvas.addEventListener('pointerdown', (event) => {
  if (activePointer !== null || event.button !== 0) return;
  act();
  activePointer = event.pointerId;
  canvas.setPointerCapture(event.pointerId);
  strokeRect = canvas.getBoundingClientRect();
  showPicture(null, null);
  strokes.push([toPoint(event)]);
  changed();
});

canvas.addEventListener('pointermove', (event) => {
  if (event.pointerId !== activePointer) return;
  const samples = event.getCoalescedEvents?.() ?? [];
  strokes.at(-1).push(...(samples.length ? samples : [event]).map(toPoint));
  changed();
});

for (const type of ['pointerup', 'pointercancel']) {
  canvas.addEventListener(type, (event) => {
    if (event.pointerId === activePointer) activePointer = null;
  });
}

function undo() {
  act();
  activePointer = null;
  strokes.pop();
  changed();
}

function clear() {
  act();
  activePointer = null;
  strokes.length = 0;
  showPicture(null, null);
  changed();
}

$('undo').addEventListener('click', undo);
$('clear').addEventListener('click', clear);
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape') {
    clear();
  } else if ((event.ctrlKey || event.metaKey) && !event.shiftKey
    && event.key.toLowerCase() === 'z') {
    event.preventDefault();
    undo();
  }
});

new ResizeObserver(() => {
  const size = Math.round(canvas.clientWidth * Math.min(devicePixelRatio, MAX_PIXEL_RATIO));
  if (size > 0 && size !== canvas.width) {
    canvas.width = canvas.height = size;
    render();
  }
}).observe(canvas);

/** The size a picture file claims, read from its header: the browser decodes an image's
 * pixels only when it draws them. Null if it is not a picture the browser knows. */
function claimedSize(file) {
  const url = URL.createObjectURL(file);
  return new Promise((resolve) => {
    const image = new Image();
    image.onload = () => resolve({ width: image.naturalWidth, height: image.naturalHeight });
    image.onerror = () => resolve(null);
    image.src = url;
  }).finally(() => URL.revokeObjectURL(url));
}

let pictureReader = null; // the worker, started when the first picture is opened
const pictureReads = new Map(); // request id -> the resolve of its promise
let pictureRequests = 0;

function startPictureReader() {
  pictureReader = new Worker('picture-reader.js');
  pictureReader.addEventListener('message', ({ data }) => {
    pictureReads.get(data.id)?.(data);
    pictureReads.delete(data.id);
    showBusy();
  });
  // A browser that cannot run the worker (no OffscreenCanvas) reads no picture.
  pictureReader.addEventListener('error', () => {
    pictureReads.forEach((resolve) => resolve({ problem: 'unreadable' }));
    pictureReads.clear();
    showBusy();
  });
}

/** A picture file -> { input } (the model's input, as the shared definition makes it, computed
 * in the picture-reader worker), or { problem } saying why there is none. */
async function readPicture(file) {
  const size = await claimedSize(file);
  if (!size) return { problem: `${file.name} is not a picture this browser can read.` };
  const { width, height } = size;
  if (width * height > MAX_PIXELS) {
    return { problem: `${file.name} is ${width}x${height} pixels, more than the `
      + `${MAX_PIXELS / 1e6} megapixels a picture may have: scale it down.` };
  }
  if (!pictureReader) startPictureReader();
  const id = ++pictureRequests;
  const answer = await new Promise((resolve) => {
    pictureReads.set(id, resolve);
    pictureReader.postMessage({ id, file });
    showBusy();
  });
  if (answer.input) return answer;
  return { problem: answer.problem === 'no-ink' ? `No digit found in ${file.name}.`
    : `${file.name} is not a picture this browser can read.` };
}

/** Show the picture `file` and what the model reads in it, or why it cannot be read; unless
 * the user has done something else meanwhile. */
async function openPicture(file) {
  act();
  const action = actions;
  const { input, problem } = await readPicture(file);
  if (action !== actions) return;
  activePointer = null;
  strokes.length = 0;
  showPicture(input ? file : null, input ?? null);
  notice = problem ?? null;
  changed();
}

$('file').addEventListener('change', (event) => {
  const [file] = event.target.files;
  if (file) openPicture(file);
  event.target.value = '';
});
document.addEventListener('dragover', (event) => {
  event.preventDefault();
  paper.classList.add('dragging');
});
document.addEventListener('dragleave', (event) => {
  if (!event.relatedTarget) paper.classList.remove('dragging');
});
document.addEventListener('drop', (event) => {
  event.preventDefault();
  paper.classList.remove('dragging');
  const [file] = event.dataTransfer.files;
  if (file) openPicture(file);
});

/** The model input for what is on the pad now, or null when there is no ink. */
function currentInput() {
  if (pictureInput) return pictureInput;
  const { data, width, height } = pad.getImageData(0, 0, canvas.width, canvas.height);
  // Strokes are drawn on a transparent canvas (the paper is CSS), so alpha is the ink.
  const ink = new Float64Array(width * height);
  for (let i = 0; i < ink.length; i++) ink[i] = data[4 * i + 3] / 255;
  try {
    return preprocessInk({ data: ink, height, width });
  } catch (error) {
    if (error instanceof NoInkError) return null;
    throw error;
  }
}

async function predict(input) {
  const started = performance.now();
  const output = tf.tidy(() => model.predict(tf.tensor4d(input, [1, MNIST_SIZE, MNIST_SIZE, 1])));
  const probabilities = await output.data();
  output.dispose();
  return { probabilities, ms: performance.now() - started };
}

function showInput(input) {
  const image = preview.createImageData(MNIST_SIZE, MNIST_SIZE);
  input.forEach((value, i) => {
    image.data.fill(Math.round(value * 255), 4 * i, 4 * i + 3);
    image.data[4 * i + 3] = 255;
  });
  preview.putImageData(image, 0, 0);
}

/** Show what the model read in `input`, made from `drawn` (strokes; none for a picture). */
function showResult(input, drawn, { probabilities, ms }) {
  const best = probabilities.indexOf(Math.max(...probabilities));
  shown = { input, drawn, read: best };
  $('digit').textContent = best;
  $('summary').textContent = `Looks like a ${best}: ${percent(probabilities[best])} sure`;
  bars.forEach((bar, digit) => {
    bar.style.setProperty('--p', probabilities[digit]);
    bar.classList.toggle('top', digit === best);
    bar.querySelector('.value').textContent = percent(probabilities[digit]);
    bar.disabled = false;
  });
  showInput(input);
  $('timing').textContent = `${ms.toFixed(1)} ms to read`;
  $('timing').dataset.ms = ms;
}

function showEmpty() {
  shown = null;
  $('digit').textContent = '';
  $('summary').textContent = notice ?? 'Draw a digit';
  bars.forEach((bar) => {
    bar.style.setProperty('--p', 0);
    bar.classList.remove('top');
    bar.querySelector('.value').textContent = '0%';
    bar.disabled = true;
  });
  showInput(new Float32Array(MNIST_SIZE * MNIST_SIZE));
  $('timing').textContent = '–';
  $('timing').dataset.ms = '';
}

/** Keep what is on show (its strokes, if drawn, and the model's input) labelled `digit`,
 * then clear the pad for the next one. */
async function keepShown(digit) {
  if (!shown) return;
  const round = (value) => Math.round(value * 1e4) / 1e4;
  await keep({
    label: digit,
    read: shown.read,
    model: MODEL_VERSION,
    kept: new Date().toISOString(),
    strokes: shown.drawn.map((stroke) => stroke.map(([x, y]) => [
      round(Math.min(Math.max(x, 0), 1)), round(Math.min(Math.max(y, 0), 1))])),
    input: Array.from(shown.input, (value) => Math.round(value * 255)),
  });
  clear();
  notice = `Kept as a ${digit}.`;
  showEmpty();
  await showKept();
}

async function showKept() {
  const count = await countKept();
  $('kept-count').textContent = count === 0 ? 'No drawings kept'
    : `${count} drawing${count === 1 ? '' : 's'} kept on this device`;
  $('export').disabled = $('forget').disabled = count === 0;
}

$('export').addEventListener('click', async () => {
  const file = new Blob([exportText(await keptDigits())], { type: 'application/json' });
  const link = document.createElement('a');
  link.href = URL.createObjectURL(file);
  const stamp = new Date().toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
  link.download = `drawn-digits-${stamp}.json`;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
});

$('forget').addEventListener('click', async () => {
  if (!window.confirm('Delete every drawing kept on this device?')) return;
  await forgetKept();
  await showKept();
});

/** Busy while a prediction is due or running, or a picture is being read. */
function showBusy() {
  predictionBox.setAttribute('aria-busy', String(stale || predicting || pictureReads.size > 0));
}

function schedulePrediction() {
  stale = true;
  showBusy();
  if (model && !predicting) predictWhileStale();
}

async function predictWhileStale() {
  predicting = true;
  try {
    while (stale) {
      const wait = lastStart + PREDICTION_GAP_MS - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      stale = false;
      lastStart = performance.now();
      const input = currentInput();
      const drawn = pictureInput ? [] : strokes.map((stroke) => stroke.slice());
      if (input) showResult(input, drawn, await predict(input));
      else showEmpty();
    }
  } catch (error) {
    fail(`Reading the digit failed: ${error.message}`);
  } finally {
    predicting = false;
    showBusy();
  }
}

function fail(message) {
  document.body.dataset.state = 'error';
  $('error').textContent = message;
  $('error').hidden = false;
}

/** TF.js's wasm binaries ship gzip'd (a third of their size: a plain static host sends files
 * as they are); the page inflates the one this browser runs and gives TF.js its address. */
async function startWasm() {
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const file = `tfjs-backend-wasm${simd ? '-simd' : ''}.wasm.gz`;
  const response = await fetch(file);
  if (!response.ok || typeof DecompressionStream === 'undefined') {
    throw new Error(`This browser cannot load ${file}, which the digit reader needs.`);
  }
  const wasm = await new Response(response.body.pipeThrough(new DecompressionStream('gzip')),
    { headers: { 'Content-Type': 'application/wasm' } }).blob();
  const url = URL.createObjectURL(wasm);
  tf.setWasmPaths(Object.fromEntries(['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm',
    'tfjs-backend-wasm-threaded-simd.wasm'].map((name) => [name, url])));
  if (!await tf.setBackend('wasm')) {
    throw new Error('This browser cannot run WebAssembly, which the digit reader needs.');
  }
  return tf.getBackend();
}

/** fetch for TF.js that shows the weights' download progress byte by byte (TF.js's own
 * onProgress counts whole files, and the model is one). */
function fetchCountingBytes() {
  let loaded = 0;
  let total = 0;
  return async (url, init, { isBinary } = {}) => {
    const response = await fetch(url, init);
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status} ${response.statusText}.`);
    const size = Number(response.headers.get('Content-Length'));
    if (!isBinary || !response.ok || !response.body || !size) return response;
    total += size;
    const counting = new TransformStream({
      transform(chunk, controller) {
        loaded += chunk.byteLength;
        $('progress').value = Math.min(loaded / total, 1);
        controller.enqueue(chunk);
      },
    });
    const { status, statusText, headers } = response;
    return new Response(response.body.pipeThrough(counting), { status, statusText, headers });
  };
}

async function loadModel() {
  $('version').textContent = tf.version_core;
  $('model-version').textContent = MODEL_RELEASE ? `${MODEL_RELEASE} (${MODEL_VERSION})`
    : MODEL_VERSION;
  tf.enableProdMode();
  $('backend').textContent = await startWasm();
  const loaded = await tf.loadGraphModel(MODEL_URL, { fetchFunc: fetchCountingBytes() })
    .catch((error) => {
      throw new Error(`The model could not be loaded from ${MODEL_URL}. ${error.message} `
        + '(Deploy the whole built site; in the repository, `dvc checkout --force web/dist` restores '
        + 'it.)');
    });
  // The first run allocates and compiles; do it now so the first digit reads at full speed.
  // It also shows whether the model reads the page's 28x28 input and gives ten probabilities.
  let warmUp = null;
  try {
    warmUp = tf.tidy(() => loaded.predict(tf.zeros([1, MNIST_SIZE, MNIST_SIZE, 1])));
  } catch (error) {
    console.warn(error.message);
  }
  if (`${warmUp?.shape}` !== '1,10') {
    warmUp?.dispose();
    throw new Error(`The model at ${MODEL_URL} does not map a ${MNIST_SIZE}x${MNIST_SIZE}x1 `
      + `digit to 10 probabilities (it takes [${loaded.inputs[0]?.shape?.slice(1)}]). (Deploy `
      + 'the whole built site; in the repository, `dvc checkout --force web/dist` restores it.)');
  }
  await warmUp.data();
  warmUp.dispose();
  model = loaded;
  document.body.dataset.state = 'ready';
  performance.mark('model-ready');
  schedulePrediction();
  keepForOffline();
}

/** Once the page works, keep it for offline use (after, so it does not slow the first visit). */
function keepForOffline() {
  navigator.serviceWorker?.register('sw.js')
    .catch((error) => console.warn(`The page will not work offline: ${error.message}`));
}

showEmpty();
showKept().catch((error) => console.warn(`Kept drawings are unavailable: ${error.message}`));
loadModel().catch((error) => fail(error.message));
