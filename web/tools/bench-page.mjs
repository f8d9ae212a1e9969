// Benchmark the deployable site in headless Chromium: the bytes of a first visit, how long
// the page takes to be ready, unthrottled and on an emulated mid-range phone (1.6 Mbit/s
// down, 150 ms round trip, 4x CPU slowdown, through CDP), how long reading a drawn digit
// takes, and what opening large pictures costs: the time to the answer and the longest the
// page's main thread is blocked meanwhile. Prints figures; checks nothing.
//
//   node web/tools/bench-page.mjs [--site web/dist] [--loads 5] [--digits 100]
//
// Serves the built site (web-build's output) as a plain static server would: no compression.
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { crc32, deflateSync } from 'node:zlib';
import { launchChromium } from './chromium.mjs';

const WEB = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const SLOW_PHONE = {
  network: { offline: false, latency: 150, downloadThroughput: 1.6e6 / 8,
    uploadThroughput: 750e3 / 8 },
  cpuSlowdown: 4,
};
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
};
// One stroke list per digit 0-9, in fractions of the pad.
const DIGITS = [
  [Array.from({ length: 17 }, (_, i) => [0.5 + 0.17 * Math.sin(i * Math.PI / 8),
    0.5 - 0.28 * Math.cos(i * Math.PI / 8)])],
  [[[0.45, 0.28], [0.53, 0.2], [0.53, 0.8]]],
  [[[0.32, 0.32], [0.42, 0.2], [0.6, 0.2], [0.68, 0.32], [0.62, 0.48], [0.32, 0.8], [0.7, 0.8]]],
  [[[0.32, 0.22], [0.66, 0.22], [0.46, 0.45], [0.64, 0.54], [0.67, 0.7], [0.55, 0.8],
    [0.32, 0.78]]],
  [[[0.6, 0.8], [0.6, 0.2], [0.3, 0.6], [0.72, 0.6]]],
  [[[0.68, 0.2], [0.38, 0.2], [0.35, 0.46], [0.56, 0.44], [0.68, 0.58], [0.64, 0.76], [0.5, 0.82],
    [0.33, 0.77]]],
  [[[0.62, 0.18], [0.42, 0.38], [0.34, 0.62], [0.42, 0.8], [0.6, 0.8], [0.66, 0.64], [0.56, 0.52],
    [0.36, 0.58]]],
  [[[0.3, 0.22], [0.7, 0.22], [0.5, 0.5], [0.44, 0.8]]],
  [[[0.5, 0.5], [0.36, 0.38], [0.38, 0.22], [0.62, 0.22], [0.64, 0.38], [0.5, 0.5], [0.34, 0.64],
    [0.38, 0.8], [0.62, 0.8], [0.66, 0.64], [0.5, 0.5]]],
  [[[0.66, 0.36], [0.58, 0.2], [0.38, 0.22], [0.34, 0.38], [0.46, 0.48], [0.66, 0.38],
    [0.64, 0.8]]],
];

function serve(root) {
  const server = http.createServer(async (request, response) => {
    const { pathname } = new URL(request.url, 'http://127.0.0.1');
    const relative = decodeURIComponent(pathname === '/' ? '/index.html' : pathname);
    const file = path.resolve(root, relative.slice(1));
    try {
      if (!file.startsWith(path.resolve(root) + path.sep)) throw new Error('outside the root');
      const body = await readFile(file);
      const type = TYPES[path.extname(file)] ?? 'application/octet-stream';
      response.writeHead(200, { 'Content-Type': type });
      response.end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** A first visit in a fresh context (empty cache), throttled if `profile` is given: ms from
 * navigation to ready, and the bytes that came over the wire. */
async function loadOnce(browser, url, profile) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    let bytes = 0;
    cdp.on('Network.loadingFinished', ({ encodedDataLength }) => { bytes += encodedDataLength; });
    if (profile) {
      await cdp.send('Network.emulateNetworkConditions', profile.network);
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: profile.cpuSlowdown });
    }
    await page.goto(url);
    await page.waitForSelector('body[data-state="ready"]', { timeout: 120_000 });
    const ms = await page.evaluate(() => performance.getEntriesByName('model-ready')[0].startTime);
    return { ms, bytes };
  } finally {
    await context.close();
  }
}

/** Draw digits one by one; for each, the page's inference time and pointer-up-to-answer time. */
async function drawDigits(browser, url, count) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(url);
  await page.waitForSelector('body[data-state="ready"]', { timeout: 60_000 });
  // In-page clocks: from the last pointerup to the prediction box no longer being busy.
  await page.evaluate(() => {
    const box = document.getElementById('prediction');
    document.getElementById('canvas').addEventListener('pointerup', () => {
      window.benchUp = performance.now();
    });
    new MutationObserver(() => {
      if (box.getAttribute('aria-busy') === 'false') window.benchShown = performance.now();
    }).observe(box, { attributes: true, attributeFilter: ['aria-busy'] });
  });
  const box = await page.locator('#canvas').boundingBox();
  const at = ([x, y]) => [box.x + x * box.width, box.y + y * box.height];
  const inference = [];
  const latency = [];
  for (let i = 0; i < count; i++) {
    for (const [first, ...rest] of DIGITS[i % DIGITS.length]) {
      await page.mouse.move(...at(first));
      await page.mouse.down();
      for (const point of rest) await page.mouse.move(...at(point));
      await page.mouse.up();
    }
    await page.waitForSelector('#prediction[aria-busy="false"]');
    const timing = await page.evaluate(() => ({
      ms: Number(document.getElementById('timing').dataset.ms),
      // Zero when the answer for the final ink was already up as the pen lifted.
      shown: Math.max(0, window.benchShown - window.benchUp),
    }));
    inference.push(timing.ms);
    latency.push(timing.shown);
    await page.keyboard.press('Escape');
    await page.waitForSelector('#prediction[aria-busy="false"]');
  }
  const backend = await page.locator('#backend').textContent();
  await page.close();
  return { inference, latency, backend };
}

/** A greyscale PNG that declares width x height pixels but holds one row: a 100-byte file
 * that would take width x height x 4 bytes to decode. */
function pngClaiming(width, height) {
  const chunk = (type, data) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([Buffer.from(type), data])));
    return Buffer.concat([length, Buffer.from(type), data, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth; colour type 0 (grey), no interlace
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header), chunk('IDAT', deflateSync(Buffer.alloc(width + 1))),
    chunk('IEND', Buffer.alloc(0))]);
}

/** Drop pictures on the page one at a time: a 24-megapixel photo of a 7 (JPEG and PNG, made
 * in the page) and a small file claiming 20000x20000 pixels; for each, ms from the drop to
 * the answer on show and the longest main-thread task meanwhile. */
async function openPictures(browser, url) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(url);
  await page.waitForSelector('body[data-state="ready"]', { timeout: 60_000 });
  await page.evaluate(async (claim) => {
    const photo = new OffscreenCanvas(6000, 4000);
    const pen = photo.getContext('2d');
    pen.fillStyle = '#f4efe4';
    pen.fillRect(0, 0, 6000, 4000);
    pen.strokeStyle = '#22264a';
    pen.lineWidth = 280;
    pen.lineCap = pen.lineJoin = 'round';
    pen.beginPath();
    pen.moveTo(2100, 900);
    pen.lineTo(3900, 900);
    pen.lineTo(3000, 2200);
    pen.lineTo(2700, 3300);
    pen.stroke();
    window.benchPictures = {
      'photo.jpg': await photo.convertToBlob({ type: 'image/jpeg', quality: 0.9 }),
      'photo.png': await photo.convertToBlob({ type: 'image/png' }),
      'claims-20000x20000.png': new Blob([Uint8Array.from(atob(claim), (c) => c.charCodeAt(0))],
        { type: 'image/png' }),
    };
    window.benchLongestTask = 0;
    new PerformanceObserver((list) => {
      for (const { duration } of list.getEntries()) {
        window.benchLongestTask = Math.max(window.benchLongestTask, duration);
      }
    }).observe({ type: 'longtask' });
  }, pngClaiming(20000, 20000).toString('base64'));
  const results = [];
  for (const name of ['photo.jpg', 'photo.png', 'claims-20000x20000.png']) {
    await page.keyboard.press('Escape');
    await page.waitForSelector('#prediction[aria-busy="false"]');
    const started = await page.evaluate((file) => {
      window.benchLongestTask = 0;
      const transfer = new DataTransfer();
      transfer.items.add(new File([window.benchPictures[file]], file));
      const started = performance.now();
      document.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, cancelable: true }));
      return started;
    }, name);
    await page.waitForFunction((file) => document.getElementById('prediction')
      .getAttribute('aria-busy') === 'false' && (!document.getElementById('picture').hidden
      || document.getElementById('summary').textContent.includes(file)), name,
    { timeout: 120_000 });
    results.push(await page.evaluate(({ file, t0 }) => ({
      file,
      bytes: window.benchPictures[file].size,
      ms: performance.now() - t0,
      longestTaskMs: window.benchLongestTask,
      shown: document.getElementById('digit').textContent
        || document.getElementById('summary').textContent,
    }), { file: name, t0: started }));
  }
  await page.close();
  return results;
}

function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p) => sorted[Math.ceil(p * sorted.length) - 1];
  return { median: rank(0.5), p95: rank(0.95), n: sorted.length };
}

async function main() {
  const { values } = parseArgs({
    options: {
      site: { type: 'string', default: path.join(WEB, 'dist') },
      loads: { type: 'string', default: '5' },
      digits: { type: 'string', default: '100' },
    },
  });
  const site = path.resolve(values.site);
  await readFile(path.join(site, 'index.html')).catch(() => {
    throw new Error(`${site} holds no built site; fix: \`dvc repro web-build\``);
  });
  const server = await serve(site);
  const url = `http://127.0.0.1:${server.address().port}/`;
  const browser = await launchChromium();
  try {
    const fast = [];
    const slow = [];
    for (let i = 0; i < Number(values.loads); i++) {
      fast.push(await loadOnce(browser, url));
      slow.push(await loadOnce(browser, url, SLOW_PHONE));
    }
    const { inference, latency, backend } = await drawDigits(browser, url, Number(values.digits));
    const pictures = await openPictures(browser, url);
    console.log(`site ${site} in headless Chromium ${browser.version()}, TF.js on ${backend}`);
    console.log(`first visit: ${(fast[0].bytes / 1e6).toFixed(3)} MB over the wire `
      + '(uncompressed, as a plain static server sends it)');
    console.log(`${''.padEnd(44)}${'median'.padStart(9)}${'p95'.padStart(9)}${'n'.padStart(6)}`);
    for (const [label, figures] of [
      ['first visit -> ready, unthrottled', fast.map((load) => load.ms)],
      ['first visit -> ready, slow phone', slow.map((load) => load.ms)],
      ['inference per digit', inference],
      ['pointer up -> answer shown', latency],
    ]) {
      const { median, p95, n } = stats(figures);
      const ms = (value) => `${value.toFixed(value < 100 ? 1 : 0)} ms`.padStart(9);
      console.log(`${label.padEnd(44)}${ms(median)}${ms(p95)}${String(n).padStart(6)}`);
    }
    console.log('opening a dropped picture: ms to the answer, longest main-thread task (a task '
      + 'is reported from 50 ms)');
    for (const { file, bytes, ms, longestTaskMs, shown } of pictures) {
      console.log(`  ${file.padEnd(24)}${(bytes / 1e6).toFixed(2).padStart(7)} MB`
        + `${ms.toFixed(0).padStart(7)} ms${longestTaskMs.toFixed(0).padStart(6)} ms  ${shown}`);
    }
  } finally {
    await browser.close();
    server.close();
  }
}

main().catch((error) => {
  console.error(`error: ${error.message}`);
  process.exit(1);
});
