// Load a TF.js graph model in headless Chromium the way the web page does (the page's own
// pinned tfjs build from node_modules, served from 127.0.0.1, wasm backend) and predict.
//
//   node web/tools/browser-predict.mjs BASE_URL MODEL_URL IMAGES.json PROBABILITIES.json
//
// IMAGES.json is a list of 784-value lists in [0, 1]; PROBABILITIES.json receives n x 10.
import { readFile, writeFile } from 'node:fs/promises';
import { MNIST_SIZE } from '../preprocess.js';
import { launchChromium } from './chromium.mjs';

async function main() {
  const [baseUrl, modelUrl, inputPath, outputPath] = process.argv.slice(2);
  if (!outputPath) {
    throw new Error('usage: browser-predict.mjs BASE_URL MODEL_URL IMAGES.json PROBABILITIES.json');
  }
  const images = JSON.parse(await readFile(inputPath, 'utf8'));
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const consoleErrors = [];
    // A failed request is reported by URL below; its console echo names no URL.
    page.on('console', (message) => message.type() === 'error'
      && !message.text().startsWith('Failed to load resource') && consoleErrors.push(message.text()));
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    page.on('response', (response) => response.status() >= 400
      && !response.url().endsWith('/favicon.ico')
      && consoleErrors.push(`HTTP ${response.status()} for ${response.url()}`));
    await page.goto(baseUrl);
    await page.addScriptTag({ url: 'node_modules/@tensorflow/tfjs/dist/tf.min.js' });
    await page.addScriptTag({ url: 'node_modules/@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.min.js' });
    const result = await page.evaluate(async ({ modelUrl, images, size }) => {
      tf.wasm.setWasmPaths(new URL('node_modules/@tensorflow/tfjs-backend-wasm/dist/', location.href).href);
      await tf.setBackend('wasm');
      const model = await tf.loadGraphModel(modelUrl);
      const input = tf.tensor4d(images.flat(), [images.length, size, size, 1]);
      const output = model.predict(input);
      return { backend: tf.getBackend(), probabilities: await output.array() };
    }, { modelUrl, images, size: MNIST_SIZE });
    if (consoleErrors.length) throw new Error(`console errors: ${consoleErrors.join('; ')}`);
    await writeFile(outputPath, JSON.stringify(result));
    console.log(`predicted ${images.length} images in Chromium on ${result.backend}`);
  } finally {
    await browser.close();
  }
}

main().catch((error) => {
  console.error(`error: ${error.message}`);
  process.exit(1);
});
