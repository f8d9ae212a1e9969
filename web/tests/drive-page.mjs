// Use the digit reader in Debian's headless Chromium as a person would: draw with the mouse or
// a finger, press its buttons and keys, drop a picture. tests/test_web.py runs each scenario
// and checks what it saw.
//
//   echo '["SCENARIO", "PAGE_URL", "ARGUMENT"]' | node web/tests/drive-page.mjs
//
// Each line read is a scenario to run, in one Chromium for them all (a fresh browser context
// each). Each answer is one JSON line: {"seen": the scenario's observations plus `problems`,
// every console error, uncaught page error, failed request and request to anywhere but the
// page's own server} or {"error": what went wrong}.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { launchChromium, launchChromiumProfile } from '../tools/chromium.mjs';

const SETTLE_TIMEOUT_MS = 15_000;
// A 7 in pad fractions, for scenarios that need some digit rather than a particular one.
const SEVEN = [[[0.3, 0.25], [0.7, 0.25], [0.5, 0.52], [0.42, 0.78]]];

/**
 * A new page in a fresh context (or in the persistent one given instead of a browser), with
 * every problem it reports collected in `problems`; `prepare(page)` runs before the page is
 * requested.
 */
async function openPage(browser, url, { prepare, waitReady = true, ...contextOptions } = {}) {
  // A browser gets a fresh context; a persistent context (a profile) is used as it is.
  const context = browser.newContext ? await browser.newContext(contextOptions) : browser;
  const page = await context.newPage();
  await prepare?.(page);
  const problems = [];
  // A failed request is reported by URL below; its console echo names no URL.
  page.on('console', (message) => message.type() === 'error'
    && !message.text().startsWith('Failed to load resource')
    && problems.push(`console: ${message.text()}`));
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  page.on('response', (response) => response.status() >= 400
    && problems.push(`HTTP ${response.status()} for ${response.url()}`));
  // The page runs offline: scripts, wasm and model all come from its own 127.0.0.1 server.
  const { origin } = new URL(url);
  page.on('request', (request) => /^https?:/.test(request.url())
    && new URL(request.url()).origin !== origin
    && problems.push(`off-site request: ${request.url()}`));
  await page.goto(url);
  if (waitReady) {
    await page.waitForSelector('body:not([data-state="loading"])', { timeout: 60_000 });
  }
  return { page, problems };
}

/** Wait until the prediction on show is the one for what is on the pad now. */
async function settle(page) {
  // Chromium delivers pointer moves with the next animation frame.
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(resolve)));
  await page.waitForSelector('#prediction[aria-busy="false"]', { timeout: SETTLE_TIMEOUT_MS });
}

async function padBox(page) {
  const box = await page.locator('#canvas').boundingBox();
  return ([x, y]) => [box.x + x * box.width, box.y + y * box.height];
}

/** Draw strokes (lists of [x, y] in fractions of the pad) with the mouse, then settle. */
async function drawWithMouse(page, strokes, { wait = true } = {}) {
  const at = await padBox(page);
  for (const [first, ...rest] of strokes) {
    await page.mouse.move(...at(first));
    await page.mouse.down();
    for (const point of rest) await page.mouse.move(...at(point));
    await page.mouse.up();
  }
  if (wait) await settle(page);
}

/**
 * Draw strokes as a quick hand does: every mouse event sent at once (through `cdp`, the page's
 * DevTools session), so that Chromium delivers several moves per frame and the page reads the
 * points back from getCoalescedEvents(). Waiting on each move would cost a frame per point.
 */
async function drawQuickly(page, cdp, strokes) {
  const at = await padBox(page);
  const mouse = (type, point, buttons) => {
    const [x, y] = at(point);
    return cdp.send('Input.dispatchMouseEvent',
      { type, x, y, button: 'left', buttons, clickCount: 1 });
  };
  const sent = strokes.flatMap((stroke) => [
    mouse('mousePressed', stroke[0], 1),
    ...stroke.slice(1).map((point) => mouse('mouseMoved', point, 1)),
    mouse('mouseReleased', stroke.at(-1), 0),
  ]);
  await Promise.all(sent);
  await settle(page);
}

/** Draw one stroke with a finger, through the browser's real touch input. */
async function drawWithFinger(page, stroke) {
  const cdp = await page.context().newCDPSession(page);
  const at = await padBox(page);
  const touch = (type, point) => cdp.send('Input.dispatchTouchEvent', {
    type, touchPoints: point ? [{ x: at(point)[0], y: at(point)[1] }] : [],
  });
  await touch('touchStart', stroke[0]);
  for (const point of stroke.slice(1)) await touch('touchMove', point);
  await touch('touchEnd');
  await settle(page);
}

/** Drop a file (its name and bytes) on the pad, as a file dragged from the desktop is. */
async function dropFile(page, name, bytes) {
  const dataTransfer = await page.evaluateHandle(({ base64, fileName }) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], fileName));
    return transfer;
  }, { base64: bytes.toString('base64'), fileName: name });
  await page.dispatchEvent('#canvas', 'drop', { dataTransfer });
}

/** Wait until the service worker controls the page and keeps its model for offline use. */
async function keptOffline(page) {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((resolve) => navigator.serviceWorker
        .addEventListener('controllerchange', resolve, { once: true }));
    }
    while (!(await caches.keys()).some((name) => name.startsWith('digit-reader-model-'))) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });
}

/** Reload `page` and wait until it is done loading. */
async function reload(page) {
  await page.reload();
  await page.waitForSelector('body:not([data-state="loading"])', { timeout: 60_000 });
}

function readPage(page) {
  return page.evaluate(() => {
    const text = (id) => document.getElementById(id).textContent.trim();
    const preview = document.getElementById('preview').getContext('2d').getImageData(0, 0, 28, 28);
    return {
      state: document.body.dataset.state,
      digit: text('digit'),
      summary: text('summary'),
      error: text('error'),
      backend: text('backend'),
      modelVersion: text('model-version'),
      ms: Number(document.getElementById('timing').dataset.ms) || null,
      hintVisible: document.querySelector('.hint').checkVisibility(),
      pictureVisible: document.getElementById('picture').checkVisibility(),
      undoEnabled: !document.getElementById('undo').disabled,
      clearEnabled: !document.getElementById('clear').disabled,
      kept: text('kept-count'),
      exportEnabled: !document.getElementById('export').disabled,
      pad: document.getElementById('canvas').toDataURL(),
      padSize: document.getElementById('canvas').width,
      preview: Array.from({ length: 28 * 28 }, (_, i) => preview.data[4 * i] / 255),
    };
  });
}

const brief = ({ pad, preview, ...rest }) => rest;

const scenarios = {
  async load(browser, url) {
    let loading;
    // Hold the weights back until the loading state has been seen.
    const prepare = (page) => page.route('**/*.bin', async (route) => {
      loading = await page.evaluate(() => ({
        state: document.body.dataset.state,
        status: document.getElementById('status-text').textContent,
        progressVisible: document.getElementById('progress').checkVisibility(),
      }));
      await route.continue();
    });
    const { page, problems } = await openPage(browser, url, { prepare });
    const { readyMs, progress } = await page.evaluate(() => ({
      readyMs: performance.getEntriesByName('model-ready')[0]?.startTime,
      progress: document.getElementById('progress').value,
    }));
    return { ...brief(await readPage(page)), loading, progress, readyMs, problems };
  },

  /** ARGUMENT: a JSON file holding a list of digits, each a list of strokes, drawn quickly. */
  async draw(browser, url, strokesFile) {
    const digits = JSON.parse(await readFile(strokesFile, 'utf8'));
    const { page, problems } = await openPage(browser, url);
    const cdp = await page.context().newCDPSession(page);
    const read = [];
    for (const strokes of digits) {
      await drawQuickly(page, cdp, strokes);
      const { pad, ...seen } = await readPage(page);
      read.push(seen);
      await page.keyboard.press('Escape');
      await settle(page);
    }
    return { read, problems };
  },

  async controls(browser, url) {
    const { page, problems } = await openPage(browser, url);
    const seen = { empty: await readPage(page) };
    const bar = [[0.5, 0.2], [0.5, 0.8]];
    const top = [[0.3, 0.2], [0.7, 0.2]];
    await drawWithMouse(page, [bar]);
    seen.bar = await readPage(page);
    await drawWithMouse(page, [top]);
    seen.barAndTop = await readPage(page);
    await page.click('#undo');
    await settle(page);
    seen.undoButton = await readPage(page);
    await drawWithMouse(page, [top]);
    await page.keyboard.press('Control+z');
    await settle(page);
    seen.undoKey = await readPage(page);
    await page.click('#clear');
    await settle(page);
    seen.clearButton = await readPage(page);
    await drawWithMouse(page, [bar, top]);
    await page.keyboard.press('Escape');
    await settle(page);
    seen.clearKey = await readPage(page);
    await drawWithMouse(page, [bar]);
    await page.keyboard.press('Control+z');
    await settle(page);
    seen.undoneToEmpty = await readPage(page);
    return { seen, problems };
  },

  /** ARGUMENT: an image file, dropped on the pad and then chosen with the file button. */
  async picture(browser, url, imageFile) {
    const { page, problems } = await openPage(browser, url);
    const pictureRead = async () => {
      await page.waitForSelector('#picture:not([hidden])');
      await settle(page);
      return readPage(page);
    };
    await dropFile(page, path.basename(imageFile), await readFile(imageFile));
    const dropped = await pictureRead();
    await page.click('#clear');
    await settle(page);
    const cleared = await readPage(page);
    await page.setInputFiles('#file', imageFile);
    const chosen = await pictureRead();
    await page.setInputFiles('#file', {
      name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a picture'),
    });
    await page.waitForFunction(() => document.getElementById('summary').textContent
      .includes('notes.txt'));
    const notPicture = await readPage(page);
    return { dropped, cleared: brief(cleared), chosen, notPicture: brief(notPicture), problems };
  },

  /**
   * Careless and hostile pictures, ARGUMENT a JSON object of image paths: after a drawn 7, a
   * dropped non-picture; a picture claiming too many pixels (`huge`); a large picture (`large`)
   * dropped and a small one (`small`) dropped right after it; the large one dropped and a
   * stroke drawn right after it. Records the longest task on the main thread meanwhile.
   */
  async hostile(browser, url, argument) {
    const files = JSON.parse(argument);
    const { page, problems } = await openPage(browser, url);
    await page.evaluate(() => {
      window.longestTaskMs = 0;
      new PerformanceObserver((list) => {
        for (const { duration } of list.getEntries()) {
          window.longestTaskMs = Math.max(window.longestTaskMs, duration);
        }
      }).observe({ type: 'longtask' });
    });
    const drop = async (key) => dropFile(page, path.basename(files[key]),
      await readFile(files[key]));
    const seen = {};
    await drawWithMouse(page, SEVEN);
    seen.seven = brief(await readPage(page));
    await dropFile(page, 'notes.txt', Buffer.from('not a picture'));
    await settle(page);
    seen.notPicture = await readPage(page);
    await drop('huge');
    await settle(page);
    seen.huge = brief(await readPage(page));
    await drop('large');
    await drop('small');
    await settle(page);
    seen.largeThenSmall = brief(await readPage(page));
    await drop('large');
    await drawWithMouse(page, [[[0.5, 0.2], [0.5, 0.8]]], { wait: false });
    await settle(page);
    seen.largeThenStroke = brief(await readPage(page));
    await drop('large');
    await settle(page);
    seen.large = brief(await readPage(page));
    seen.longestTaskMs = await page.evaluate(() => window.longestTaskMs);
    return { ...seen, problems };
  },

  /**
   * Keep labelled drawings: a 7 kept as a 1 (a misread corrected) and a 7 kept as a 7; a
   * reload; the export saved to ARGUMENT (a file path); all deleted; a reload.
   */
  async keep(browser, url, exportPath) {
    const { page, problems } = await openPage(browser, url);
    const keepAs = async (digit, count) => {
      await page.click(`#bars li:nth-child(${digit + 1}) button`);
      await page.waitForFunction((n) => document.getElementById('kept-count').textContent
        .startsWith(`${n} drawing`), count);
      await settle(page);
    };
    const seen = { empty: await readPage(page) };
    await drawWithMouse(page, SEVEN);
    seen.first = await readPage(page);
    await keepAs(1, 1);
    seen.keptFirst = await readPage(page);
    await drawWithMouse(page, SEVEN);
    seen.second = await readPage(page);
    await keepAs(7, 2);
    await page.reload();
    await page.waitForSelector('body[data-state="ready"]');
    await page.waitForFunction(() => document.getElementById('kept-count').textContent
      !== 'No drawings kept');
    seen.reloaded = brief(await readPage(page));
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
    await download.saveAs(exportPath);
    seen.exportName = download.suggestedFilename();
    page.once('dialog', (dialog) => dialog.accept());
    await page.click('#forget');
    await page.waitForFunction(() => document.getElementById('kept-count').textContent
      === 'No drawings kept');
    await page.reload();
    await page.waitForSelector('body[data-state="ready"]');
    seen.forgotten = brief(await readPage(page));
    return { ...seen, problems };
  },

  /** A 7 drawn while the model's weights are still on their way is read once they arrive. */
  async early(browser, url) {
    let release;
    const held = new Promise((resolve) => { release = resolve; });
    const prepare = (page) => page.route('**/*.bin', async (route) => {
      await held;
      await route.continue();
    });
    const { page, problems } = await openPage(browser, url, { prepare, waitReady: false });
    await page.waitForSelector('#canvas');
    await drawWithMouse(page, SEVEN, { wait: false });
    const whileLoading = brief(await readPage(page));
    release();
    await page.waitForSelector('body[data-state="ready"]', { timeout: 60_000 });
    await settle(page);
    return { whileLoading, ready: brief(await readPage(page)), problems };
  },

  /**
   * Offline, then a new model, in one browser profile: a first visit online; a reload with the
   * network off, drawing a 7; the browser closed, the site in ARGUMENT's `next` folder deployed
   * over the served `root` (JSON {"root", "next"}), and a new visit online, drawing the 7 again.
   */
  async offline(browser, url, deployment) {
    const { root, next } = JSON.parse(deployment);
    const profile = await mkdtemp(path.join(os.tmpdir(), 'digit-reader-profile-'));
    const visit = async (offline) => {
      const context = await launchChromiumProfile(profile);
      const { page, problems } = await openPage(context, url);
      await keptOffline(page);
      // What keeps Chromium from offering to install the page as an app (none, when it works;
      // it needs a real profile: every context but a persistent one is incognito).
      const cdp = await context.newCDPSession(page);
      const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
      const seen = [{ ...brief(await readPage(page)),
        installabilityErrors: installabilityErrors.map(({ errorId }) => errorId) }];
      if (offline) {
        await context.setOffline(true);
        await reload(page);
        await drawWithMouse(page, SEVEN);
        seen.push(brief(await readPage(page)));
      } else {
        await drawWithMouse(page, SEVEN);
        const { pad, ...read } = await readPage(page);
        seen.push(read);
      }
      await context.close();
      return { seen, problems };
    };
    try {
      const before = await visit(true);
      await cp(next, root, { recursive: true, force: true });
      const after = await visit(false);
      return { first: before.seen[0], offline: before.seen[1], updated: after.seen[1],
        problems: [...before.problems, ...after.problems] };
    } finally {
      await rm(profile, { recursive: true, force: true });
    }
  },

  /**
   * A working model kept offline outlives a broken one on the server, in one browser profile: a
   * first visit online; the served model.json (ARGUMENT, its path) turned to garbage; a reload
   * online; a reload offline, drawing a 7 if the page is ready.
   */
  async garbage(browser, url, modelJson) {
    const profile = await mkdtemp(path.join(os.tmpdir(), 'digit-reader-profile-'));
    const context = await launchChromiumProfile(profile);
    try {
      const { page, problems } = await openPage(context, url);
      await keptOffline(page);
      const seen = { first: brief(await readPage(page)) };
      await writeFile(modelJson, '<html>502 Bad Gateway</html>');
      await reload(page);
      seen.broken = brief(await readPage(page));
      await context.setOffline(true);
      await reload(page);
      if (await page.evaluate(() => document.body.dataset.state === 'ready')) {
        await drawWithMouse(page, SEVEN);
      }
      seen.offline = brief(await readPage(page));
      return { ...seen, problems };
    } finally {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    }
  },

  /**
   * A 7 drawn and kept as a 7; ARGUMENT (JSON) may name `exportPath`, where the export is saved,
   * and `indexedDB`: "missing" deletes it before the page runs, "throwing" makes opening it throw.
   */
  async keepOne(browser, url, argument) {
    const { exportPath, indexedDB } = JSON.parse(argument ?? '{}');
    const prepare = (page) => page.addInitScript((how) => {
      if (how === 'missing') delete window.indexedDB;
      if (how === 'throwing') {
        IDBFactory.prototype.open = () => {
          throw new DOMException('The user denied this site storage.', 'SecurityError');
        };
      }
    }, indexedDB);
    const { page, problems } = await openPage(browser, url, { prepare });
    const seen = { loaded: brief(await readPage(page)) };
    await drawWithMouse(page, SEVEN);
    seen.drawn = brief(await readPage(page));
    await page.click('#bars li:nth-child(8) button');
    await page.waitForFunction(() => {
      const count = document.getElementById('kept-count');
      return count.textContent.startsWith('1 drawing') || 'unavailable' in count.dataset;
    }, null, { timeout: 5_000 }).catch(() => {});
    await settle(page);
    seen.tapped = brief(await readPage(page));
    if (exportPath) {
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
      await download.saveAs(exportPath);
    }
    return { ...seen, problems };
  },

  /**
   * ARGUMENT (JSON): `drawings` (each a list of strokes), each drawn with the mouse and read
   * with its bars' values, then cleared; the last drawn again and kept as `keepAs` (a digit),
   * and the export saved to `exportPath`.
   */
  async unsure(browser, url, argument) {
    const { drawings, keepAs, exportPath } = JSON.parse(argument);
    const { page, problems } = await openPage(browser, url);
    const read = [];
    for (const strokes of drawings) {
      await drawWithMouse(page, strokes);
      read.push({
        ...brief(await readPage(page)),
        unsure: await page.evaluate(() => document.getElementById('summary').dataset.unsure),
        bars: await page.$$eval('#bars .value', (values) => values.map((v) => v.textContent)),
      });
      await page.keyboard.press('Escape');
      await settle(page);
    }
    await drawWithMouse(page, drawings.at(-1));
    await page.click(`#bars li:nth-child(${keepAs + 1}) button`);
    await page.waitForFunction(() => document.getElementById('kept-count').textContent
      .startsWith('1 drawing'));
    const afterKeeping = await readPage(page);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
    await download.saveAs(exportPath);
    return { read, kept: afterKeeping.kept, summary: afterKeeping.summary, problems };
  },

  async screenshots(browser, url, directory) {
    const phone = await openPage(browser, url, {
      viewport: { width: 320, height: 640 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
    });
    const pageHeight = () => phone.page.evaluate(() => document.documentElement.scrollHeight);
    const scrollable = await pageHeight() > 640;
    // Upwards, as a finger that scrolls the page down would move.
    await drawWithFinger(phone.page, [[0.5, 0.85], [0.5, 0.6], [0.5, 0.35], [0.5, 0.15]]);
    const touched = brief(await readPage(phone.page));
    const phoneLayout = await phone.page.evaluate(() => {
      const digit = document.getElementById('digit').getBoundingClientRect();
      return {
        scrollY,
        overflowX: document.documentElement.scrollWidth - innerWidth,
        digitInView: digit.top >= 0 && digit.bottom <= innerHeight && digit.height > 0,
      };
    });
    // The whole page in one phone-wide viewport: a full-page shot would drop touch emulation.
    await phone.page.setViewportSize({ width: 320, height: await pageHeight() });
    const phoneShot = path.join(directory, 'web-phone.png');
    await phone.page.screenshot({ path: phoneShot, animations: 'disabled' });

    const desktop = await openPage(browser, url, { viewport: { width: 1280, height: 800 } });
    await drawWithMouse(desktop.page, SEVEN);
    const desktopLayout = await desktop.page.evaluate(() => ({
      overflowX: document.documentElement.scrollWidth - innerWidth,
    }));
    const desktopShot = path.join(directory, 'web-desktop.png');
    await desktop.page.screenshot({ path: desktopShot, fullPage: true, animations: 'disabled' });
    return {
      phone: { scrollable, touched, ...phoneLayout },
      desktop: desktopLayout,
      problems: [...phone.problems, ...desktop.problems],
    };
  },
};

async function main() {
  const browser = await launchChromium();
  try {
    for await (const line of readline.createInterface({ input: process.stdin })) {
      const [scenario, url, argument] = JSON.parse(line);
      let answer;
      try {
        if (!scenarios[scenario]) {
          throw new Error(`no scenario ${scenario}: ${Object.keys(scenarios).join(', ')}`);
        }
        answer = { seen: await scenarios[scenario](browser, url, argument) };
      } catch (error) {
        answer = { error: error.stack };
      }
      await Promise.all(browser.contexts().map((context) => context.close()));
      console.log(JSON.stringify(answer));
    }
  } finally {
    await browser.close();
  }
}

main().catch((error) => {
  console.error(`error: ${error.stack}`);
  process.exit(1);
});
