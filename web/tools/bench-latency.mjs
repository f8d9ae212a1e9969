// Per-digit TF.js latency in headless Chromium: load the page's own tfjs build and a graph
// model from a server on 127.0.0.1, then time single-digit predictions on the wasm backend.
//
//   node web/tools/bench-latency.mjs BASE_URL MODEL_URL IMAGES.json [REPEATS]
//
// Prints JSON: {"backend", "median_ms", "p95_ms", "count"}. A benchmark, not a test.
import { readFile } from 'node:fs/promises';
import { MNIST_SIZE } from '../preprocess.js';
import { launchChromium } from './chromium.mjs';

async function main() {
  const [baseUrl, modelUrl, inputPath, repeats = '200'] = process.argv.slice(2);
  const images = JSON.parse(await readFile(inputPath, 'utf8'));
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(baseUrl);
    await page.addScriptTag({ url: 'node_modules/@tensorflow/tfjs/dist/tf.min.js' });
    await page.addScriptTag({ url: 'node_modules/@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.min.js' });
    const result = await page.evaluate(async ({ modelUrl, images, repeats, size }) => {
      tf.wasm.setWasmPaths(new URL('node_modules/@tensorflow/tfjs-backend-wasm/dist/', location.href).href);
      await tf.setBackend('wasm');
      const model = await tf.loadGraphModel(modelUrl);
      const predict = async (image) => {
        const output = tf.tidy(() => model.predict(tf.tensor4d(image, [1, size, size, 1])));
        await output.data();
        output.dispose();
      };
      for (const image of images.slice(0, 20)) await predict(image);  // warm-up
      const times = [];
      for (let i = 0; i < repeats; i += 1) {
        const started = performance.now();
        await predict(images[i % images.length]);
        times.push(performance.now() - started);
      }
      times.sort((a, b) => a - b);
      const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
      return { backend: tf.getBackend(), median_ms: at(0.5), p95_ms: at(0.95), count: times.length };
    }, { modelUrl, images, repeats: Number(repeats), size: MNIST_SIZE });
    console.log(JSON.stringify(result));
  } finally {
    await browser.close();
  }
}

main().catch((error) => {
  console.error(`error: ${error.message}`);
  process.exit(1);
});
