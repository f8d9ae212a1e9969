// The model: TF.js on its wasm backend, the graph model loaded and warmed up, and the
// predictions made while the user draws. web/tools/build.mjs bundles it with a TF.js cut to
// the model's kernels.
import * as tf from '@tensorflow/tfjs';
import { MNIST_SIZE } from '../preprocess.js';

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
 * (TF.js's own onProgress counts whole files, and the model is one). */
function fetchCountingBytes(progress) {
  let loaded = 0;
  let total = 0;
  return async (url, init, { isBinary } = {}) => {
    const response = await fetch(url, init);
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status} ${response.statusText}.`);
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

/** The graph model at `url`, loaded on wasm and warmed up; shows TF.js's version and backend
 * in `version` and `backend`, and the download's progress in `progress`. */
export async function loadModel(url, { version, backend, progress }) {
  version.textContent = tf.version_core;
  tf.enableProdMode();
  backend.textContent = await startWasm();
  const model = await tf.loadGraphModel(url, { fetchFunc: fetchCountingBytes(progress) })
    .catch((error) => {
      throw new Error(`The model could not be loaded from ${url}. ${error.message} `
        + '(Deploy the whole built site; in the repository, `dvc checkout --force web/dist` restores '
        + 'it.)');
    });
  // The first run allocates and compiles; do it now so the first digit reads at full speed.
  // It also shows whether the model reads the page's 28x28 input and gives ten probabilities.
  let warmUp = null;
  try {
    warmUp = tf.tidy(() => model.predict(tf.zeros([1, MNIST_SIZE, MNIST_SIZE, 1])));
  } catch (error) {
    console.warn(error.message);
  }
  if (`${warmUp?.shape}` !== '1,10') {
    warmUp?.dispose();
    throw new Error(`The model at ${url} does not map a ${MNIST_SIZE}x${MNIST_SIZE}x1 `
      + `digit to 10 probabilities (it takes [${model.inputs[0]?.shape?.slice(1)}]). (Deploy `
      + 'the whole built site; in the repository, `dvc checkout --force web/dist` restores it.)');
  }
  await warmUp.data();
  warmUp.dispose();
  return model;
}

/** What `model` reads in `input`: { probabilities (of each digit), ms (the time it took) }. */
export async function predict(model, input) {
  const started = performance.now();
  const output = tf.tidy(() => model.predict(tf.tensor4d(input, [1, MNIST_SIZE, MNIST_SIZE, 1])));
  const probabilities = await output.data();
  output.dispose();
  return { probabilities, ms: performance.now() - started };
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
