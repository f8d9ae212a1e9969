// Run the TF.js graph model on a batch of images in Node, on the wasm backend and with the
// pinned TF.js release the web page bundles. The verify@tfjs stage calls it.
//
//   node web/tools/predict-batch.mjs MODEL_DIR IMAGES.f32 OUTPUTS.f32 [--backend cpu]
//
// IMAGES.f32 holds n x MNIST_SIZE x MNIST_SIZE float32 values in [0, 1]; OUTPUTS.f32
// receives n x 11 (the ten digits' probabilities, then not-a-digit's).
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { MNIST_SIZE } from '../preprocess.js';
import { loadGraphModelFromDir } from './load-model.mjs';

const BATCH = 1000;

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { backend: { type: 'string', default: 'wasm' } },
  });
  if (positionals.length !== 3) {
    throw new Error('usage: predict-batch.mjs MODEL_DIR IMAGES.f32 OUTPUTS.f32');
  }
  const [modelDir, inputPath, outputPath] = positionals;
  await tf.setBackend(values.backend);
  await tf.ready();
  const model = await loadGraphModelFromDir(modelDir);
  const raw = await readFile(inputPath);
  const images = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
  const pixels = MNIST_SIZE * MNIST_SIZE;
  const count = images.length / pixels;
  if (!Number.isInteger(count)) throw new Error(`${inputPath} is not a whole number of images`);

  let outputs = new Float32Array(0); // sized by the first batch: a row is the model's output
  const started = performance.now();
  for (let start = 0; start < count; start += BATCH) {
    const n = Math.min(BATCH, count - start);
    const batch = images.subarray(start * pixels, (start + n) * pixels);
    const output = tf.tidy(() => model.predict(tf.tensor4d(batch, [n, MNIST_SIZE, MNIST_SIZE, 1])));
    const width = output.shape[1];
    if (start === 0) outputs = new Float32Array(count * width);
    outputs.set(await output.data(), start * width);
    output.dispose();
  }
  const seconds = (performance.now() - started) / 1000;
  await writeFile(outputPath, Buffer.from(outputs.buffer));
  console.log(`tfjs ${tf.version.tfjs} on ${tf.getBackend()}: ${count} images in ${seconds.toFixed(2)} s`);
}

main().catch((error) => {
  console.error(`error: ${error.message}`);
  process.exit(1);
});
