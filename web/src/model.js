// The model: TF.js on its wasm backend, the graph model loaded and warmed up, and the
// predictions made while the user draws. web/tools/build.mjs bundles it with a TF.js cut to
// the model's kernels.
import * as tf from '@tensorflow/tfjs';
import { MNIST_SIZE } from '../preprocess.js';

// The model's outputs: the ten digits' probabilities, then the probability that the drawing is
// no digit; at NOT_A_DIGIT_AT or above the page says "not sure" (digits/core/dataset.py).
const DIGITS = 10;
export const NOT_A_DIGIT_AT = 0.5;

// Live predictions while drawing: at most one in flight and one start per this gap.
const PREDICTION_GAP_MS = 50;

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

/** fetch for TF.js that shows the weights' download progress byte by byte in `progress`
 * (TF.js's own onProgress counts whole files, and the model is one), and keeps a copy of each
 * response in `files`. */
function fetchCountingBytes(progress, files) {
  let loaded = 0;
  let total = 0;
  return async (url, init, { isBinary } = {}) => {
    const response = await fetch(url, init);
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status} ${response.statusText}.`);
    files.push({ url: new URL(url, location.href).href, response: response.clone() });
    const size = Number(response.headers.get('Content-Length'));
    if (!isBinary || !response.body || !size) return response;
    total += size;
    const counting = new TransformStream({
      transform(chunk, controller) {
        loaded += chunk.byteLength;
        progress.value = Math.min(loaded / total, 1);
        controller.enqueue(chunk);
      },
    });
    const { status, statusText, headers } = response;
    return new Response(response.body.pipeThrough(counting), { status, statusText, headers });
  };
}

/** The model's version as web/tools/build.mjs computes it from the model's folder: SHA-256 of
 * each file's name and bytes, in name order, its first 12 hex digits. Null where the browser
 * offers no SHA-256 (a page not on https). */
async function versionOf(files) {
  if (!crypto.subtle) return null;
  const named = files.map((file) => [decodeURIComponent(file.url.split(/[?#]/)[0]
    .split('/').pop()), file.bytes]).sort(([a], [b]) => (a < b ? -1 : 1));
  const digest = await crypto.subtle.digest('SHA-256',
    await new Blob(named.flatMap(([name, bytes]) => [name, bytes])).arrayBuffer());
  return [...new Uint8Array(digest).slice(0, 6)].map((b) => b.toString(16).padStart(2, '0'))
    .join('');
}

/** The graph model at `url` (on the page's own site only), loaded on wasm and warmed up:
 * { graph, version (computed from its files, see versionOf), files ({ url, type, bytes } of
 * each) }. Shows TF.js's version and backend in `version` and `backend`, and the download's
 * progress in `progress`. */
export async function loadModel(url, { version, backend, progress }) {
  const { origin } = new URL(url, location.href);
  if (origin !== location.origin) {
    throw new Error(`The model at ${url} is on another site: this page reads only models from `
      + `its own, ${location.origin}.`);
  }
  version.textContent = tf.version_core;
  tf.enableProdMode();
  backend.textContent = await startWasm();
  const fetched = [];
  const model = await tf.loadGraphModel(url, { fetchFunc: fetchCountingBytes(progress, fetched) })
    .catch((error) => {
      throw new Error(`The model could not be loaded from ${url}. ${error.message} `
        + '(Deploy the whole built site; in the repository, `dvc checkout --force web/dist` restores '
        + 'it.)');
    });
  // The first run allocates and compiles; do it now so the first digit reads at full speed.
  // It also shows whether the model reads the page's 28x28 input and gives eleven outputs.
  let warmUp = null;
  try {
    warmUp = tf.tidy(() => model.predict(tf.zeros([1, MNIST_SIZE, MNIST_SIZE, 1])));
  } catch (error) {
    console.warn(error.message);
  }
  if (`${warmUp?.shape}` !== `1,${DIGITS + 1}`) {
    warmUp?.dispose();
    throw new Error(`The model at ${url} does not map a ${MNIST_SIZE}x${MNIST_SIZE}x1 `
      + `digit to ${DIGITS + 1} outputs (it takes [${model.inputs[0]?.shape?.slice(1)}]). (Deploy `
      + 'the whole built site; in the repository, `dvc checkout --force web/dist` restores it.)');
  }
  await warmUp.data();
  warmUp.dispose();
  const files = await Promise.all(fetched.map(async ({ url: address, response }) => ({
    url: address, type: response.headers.get('Content-Type'), bytes: await response.arrayBuffer(),
  })));
  return { graph: model, version: await versionOf(files), files };
}

/** What `model` (a loaded model) reads in `input`: { probabilities (of each digit),
 * notADigit (the probability that it is none), ms (the time it took), version (the model's) }. */
export async function predict({ graph, version }, input) {
  const started = performance.now();
  const output = tf.tidy(() => graph.predict(tf.tensor4d(input, [1, MNIST_SIZE, MNIST_SIZE, 1])));
  const outputs = await output.data();
  output.dispose();
  return { probabilities: Array.from(outputs.subarray(0, DIGITS)), notADigit: outputs[DIGITS],
    ms: performance.now() - started, version };
}

/** Predictions while the user draws: once `start` has the model, `read(model)` runs after
 * each `schedule()`, one at a time and at most one start per PREDICTION_GAP_MS, the last
 * after the last schedule. `busyChanged()` is called when `busy()` may have changed, and
 * `fail(error)` when a read fails. */
export function livePredictions(read, { busyChanged, fail }) {
  let model = null;
  let predicting = false;
  let stale = false;
  let lastStart = -Infinity;

  async function predictWhileStale() {
    predicting = true;
    try {
      while (stale) {
        const wait = lastStart + PREDICTION_GAP_MS - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        stale = false;
        lastStart = performance.now();
        await read(model);
      }
    } catch (error) {
      fail(error);
    } finally {
      predicting = false;
      busyChanged();
    }
  }

  function schedule() {
    stale = true;
    busyChanged();
    if (model && !predicting) predictWhileStale();
  }

  return {
    /** Whether a prediction is due or running. */
    busy: () => stale || predicting,
    schedule,
    start(loaded) {
      model = loaded;
      schedule();
    },
  };
}
