// Build the deployable site: one folder any static host serves as it is.
//
//   node web/tools/build.mjs --model web/model --out web/dist [--metrics web.json]
//                            [--params params.yaml]
//
// The release (shown beside the model's version) is params.yaml's `release`, read here as data
// and checked: empty, or v and a semantic version. It never passes through a shell.
// The metrics: the model's version (a short hash of its files, which the page shows beside
// the release, if any) and the bytes a first visit loads (everything but the wasm build for
// browsers without SIMD).
//
// The page's code (and its picture-reading worker) is bundled by esbuild with a TF.js cut to what this graph model needs on
// the wasm backend: the model is run once in Node to list the kernels it uses, and
// TF.js's own custom-module tool (tfjs-custom-module) writes a tfjs that registers those
// kernels alone. Beside the bundle: the page, its style, icons and web app manifest, the wasm
// binaries, the model, and a service worker that keeps them all for offline use. The
// folder appears whole or not at all (built beside it, then renamed into place); what a
// killed build left beside it is deleted by the next.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cp, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile,
} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { parse as parseYaml } from 'yaml';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { MNIST_SIZE } from '../preprocess.js';
import { loadGraphModelFromDir } from './load-model.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SOURCE = 'web/src'; // the page's own files (it also imports web/preprocess.js)
const PAGE_FILES = ['web/src/index.html', 'web/src/style.css', 'web/src/favicon.svg',
  'web/src/manifest.webmanifest', 'web/src/icons/icon-192.png', 'web/src/icons/icon-512.png'];
const ENTRY = 'web/src/app.js';
const PICTURE_READER = 'web/src/picture-reader.js'; // the worker that reads opened pictures
const SERVICE_WORKER = 'web/src/sw.js';
const MODULES = path.join(REPO, 'web/node_modules');
const WASM_DIR = path.join(MODULES, '@tensorflow/tfjs-backend-wasm/dist');
// Threads need cross-origin isolation (COOP/COEP headers), which a plain static host does
// not send: the threaded build is never loaded, so it is left out. The others ship gzip'd
// (a plain static host sends files as they are) and the page inflates them.
const WASM_FILES = ['tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm.wasm'];
// What the service worker keeps: everything but the wasm build for browsers without SIMD,
// which every current browser has.
const KEPT = (file) => file !== 'tfjs-backend-wasm.wasm.gz';
const THREADED = /tfjs-backend-wasm-threaded-simd\.js$/;
const THREADS_WORKER = /tfjs-backend-wasm-threaded-simd\.worker\.js$/; // its workers' source
const OP_LISTS = path.join(MODULES, '@tensorflow/tfjs-converter/dist/operations/op_list');

// The wasm backend's reductions transpose their input through the Transpose kernel's wasm
// function, which is set up only where that kernel is registered; a profile does not list it.
const TRANSPOSING = new Set(['All', 'Any', 'ArgMax', 'ArgMin', 'Max', 'Mean', 'Min', 'Prod',
  'Sum']);

/** The TF.js kernels the model runs, in the wasm backend. */
async function kernelsOf(modelDir) {
  await tf.setBackend('wasm');
  const model = await loadGraphModelFromDir(modelDir);
  const { kernelNames } = await tf.profile(async () => {
    const output = model.predict(tf.zeros([1, MNIST_SIZE, MNIST_SIZE, 1]));
    await output.data();
    output.dispose();
  });
  // The profile also names the fused ops (`fusedConv2d__op`), which are not kernels.
  const kernels = new Set(kernelNames.filter((name) => !name.endsWith('__op')));
  if (kernelNames.some((name) => TRANSPOSING.has(name))) kernels.add('Transpose');
  return [...kernels].sort();
}

/** A tfjs module for those kernels, written by TF.js's custom-module tool into `dir`. */
async function writeCustomTfjs(dir, modelDir, kernels) {
  const config = path.join(dir, 'custom_tfjs_config.json');
  const options = { kernels, backends: ['wasm'], models: [path.join(modelDir, 'model.json')],
    forwardModeOnly: true, outputPath: path.join(dir, 'custom_tfjs') };
  await writeFile(config, JSON.stringify(options));
  execFileSync(process.execPath,
    [path.join(MODULES, '@tensorflow/tfjs/dist/tools/custom_module/cli.js'), '--config', config],
    { cwd: path.join(REPO, 'web'), stdio: 'pipe' });
  return options.outputPath;
}

/** The converter's op lists (op_list/<category>.js, each naming the TensorFlow ops it maps)
 * that hold none of the model's ops: the converter reads them all, the model needs none. */
async function unusedOpLists(modelDir) {
  const { modelTopology } = JSON.parse(await readFile(path.join(modelDir, 'model.json'), 'utf8'));
  const ops = new Set(modelTopology.node.map((node) => node.op));
  const unused = [];
  for (const file of (await readdir(OP_LISTS)).filter((name) => name.endsWith('.js'))) {
    const names = [...(await readFile(path.join(OP_LISTS, file), 'utf8'))
      .matchAll(/'tfOpName': '(\w+)'/g)].map((match) => match[1]);
    if (!names.some((name) => ops.has(name))) unused.push(file.replace(/\.js$/, ''));
  }
  return unused;
}

/** Imports of tfjs resolve to the custom module (exact names only: esbuild's own aliases also
 * take every path below a name); the threaded wasm loader and its workers' source, and the op
 * lists and executors of the op categories the model does not use, to nothing. */
function customTfjs(custom, unusedOps) {
  const unusedOpList = new RegExp(`^\\./op_list/(${unusedOps.join('|')})$`);
  const unusedExecutor = new RegExp(`^\\./executors/(${unusedOps.join('|')})_executor$`);
  const exact = {
    '@tensorflow/tfjs': 'custom_tfjs.js',
    '@tensorflow/tfjs-core': 'custom_tfjs_core.js',
    '@tensorflow/tfjs-core/dist/ops/ops_for_converter': 'custom_ops_for_converter.js',
  };
  return {
    name: 'custom-tfjs',
    setup(build) {
      build.onResolve({ filter: /^@tensorflow\/tfjs(-core(\/dist\/ops\/ops_for_converter)?)?$/ },
        (args) => ({ path: path.join(custom, exact[args.path]) }));
      build.onResolve({ filter: THREADED }, () => ({ path: 'threaded', namespace: 'empty' }));
      build.onResolve({ filter: THREADS_WORKER },
        () => ({ path: 'worker', namespace: 'no-worker' }));
      build.onResolve({ filter: unusedOpList }, (args) => ({ path: args.path, namespace: 'empty' }));
      build.onResolve({ filter: unusedExecutor },
        (args) => ({ path: args.path, namespace: 'no-executor' }));
      build.onLoad({ filter: /.*/, namespace: 'empty' },
        () => ({ contents: 'export default {}; export const json = [];' }));
      build.onLoad({ filter: /.*/, namespace: 'no-worker' },
        () => ({ contents: "export const wasmWorkerContents = '';" }));
      build.onLoad({ filter: /.*/, namespace: 'no-executor' }, () => ({
        contents: 'export function executeOp(node) { throw new Error(`${node.op}: not in this build`); }',
      }));
    },
  };
}

/** Ask for `files` as soon as the page's head is read, not one after another as the code
 * reaches them: on a slow network the round trips would add up. */
async function preload(page, files) {
  const links = files.map((file) => `  <link rel="preload" href="${file}" as="fetch" crossorigin>`);
  const html = await readFile(page, 'utf8');
  await writeFile(page, html.replace('</head>', `${links.join('\n')}\n</head>`));
}

/** A short hash of the model's files: the version the page shows and the build records. */
async function modelVersion(modelDir) {
  const hash = createHash('sha256');
  for (const name of (await readdir(modelDir)).sort()) {
    hash.update(name).update(await readFile(path.join(modelDir, name)));
  }
  return hash.digest('hex').slice(0, 12);
}

async function build(modelDir, out, release) {
  await removeLeftovers(out);
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'web-build-'));
  const site = `${out}.tmp-${process.pid}`; // beside `out`, so that a rename moves it there
  try {
    const kernels = await kernelsOf(modelDir);
    const custom = await writeCustomTfjs(scratch, modelDir, kernels);
    const unusedOps = await unusedOpLists(modelDir);
    const version = await modelVersion(modelDir);
    await mkdir(site, { recursive: true });
    const bundle = { bundle: true, minify: true, target: 'es2022', legalComments: 'none',
      logLevel: 'warning' };
    await esbuild.build({
      ...bundle,
      entryPoints: [path.join(REPO, ENTRY)],
      format: 'esm',
      define: { MODEL_VERSION: JSON.stringify(version), MODEL_RELEASE: JSON.stringify(release) },
      outfile: path.join(site, 'app.js'),
      plugins: [customTfjs(custom, unusedOps)],
      nodePaths: [MODULES], // for the custom module, written outside the project
    });
    await esbuild.build({
      ...bundle,
      entryPoints: [path.join(REPO, PICTURE_READER)],
      format: 'iife', // a classic worker: module workers are younger in some browsers
      outfile: path.join(site, 'picture-reader.js'),
    });
    for (const file of PAGE_FILES) {
      const target = path.join(site, path.relative(path.join(REPO, SOURCE), path.join(REPO, file)));
      await cp(path.join(REPO, file), target);
    }
    for (const file of WASM_FILES) {
      const wasm = await readFile(path.join(WASM_DIR, file));
      await writeFile(path.join(site, `${file}.gz`), gzipSync(wasm, { level: 9 }));
    }
    await cp(modelDir, path.join(site, 'model'), { recursive: true });
    await preload(path.join(site, 'index.html'),
      [`${WASM_FILES[0]}.gz`, ...(await readdir(modelDir)).sort().map((name) => `model/${name}`)]);
    const files = (await readdir(site, { recursive: true, withFileTypes: true }))
      .filter((entry) => entry.isFile())
      .map((entry) => path.relative(site, path.join(entry.parentPath, entry.name)))
      .filter(KEPT)
      .sort();
    await esbuild.build({
      ...bundle,
      entryPoints: [path.join(REPO, SERVICE_WORKER)],
      define: { MODEL_VERSION: JSON.stringify(version), SITE_FILES: JSON.stringify(['./', ...files]) },
      outfile: path.join(site, 'sw.js'),
    });
    const sizes = await Promise.all(['sw.js', ...files].map((file) => stat(path.join(site, file))));
    await replace(site, out);
    return { version, kernels, bytes: sizes.reduce((sum, { size }) => sum + size, 0) };
  } finally {
    await rm(scratch, { recursive: true, force: true });
    await rm(site, { recursive: true, force: true });
  }
}

function isRunning(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/** Delete what builds killed part way left beside `target`: `<target>.tmp-<pid>` and
 * `<target>.old-<pid>`, whose process is gone. */
async function removeLeftovers(target) {
  const prefix = `${path.basename(target)}.`;
  for (const name of await readdir(path.dirname(target)).catch(() => [])) {
    const pid = name.startsWith(prefix) && /^(?:tmp|old)-(\d+)$/.exec(name.slice(prefix.length));
    if (pid && !isRunning(Number(pid[1]))) {
      await rm(path.join(path.dirname(target), name), { recursive: true, force: true });
    }
  }
}

/** Put the folder `built` in `out`'s place: the old one is moved aside, then removed. */
async function replace(built, out) {
  const old = `${out}.old-${process.pid}`;
  await rename(out, old).catch((error) => { if (error.code !== 'ENOENT') throw error; });
  await rename(built, out);
  await rm(old, { recursive: true, force: true });
}

// `v` and a semantic version (semver.org's grammar): v1.2.0, v1.2.0-rc.1, v1.2.0+build.5.
const NUMBER = '(?:0|[1-9]\\d*)';
const PRE = `(?:${NUMBER}|\\d*[A-Za-z-][0-9A-Za-z-]*)`;
const RELEASE = new RegExp(`^v${NUMBER}\\.${NUMBER}\\.${NUMBER}(?:-${PRE}(?:\\.${PRE})*)?`
  + '(?:\\+[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*)?$');

/** params.yaml's `release`: empty, or a version such as v1.2.0; anything else is an error. */
async function releaseOf(paramsFile) {
  if (!paramsFile) return '';
  let params;
  try {
    params = parseYaml(await readFile(paramsFile, 'utf8'));
  } catch (error) {
    throw new Error(`${paramsFile}: ${error.message.split('\n')[0].replace(/:$/, '')}`);
  }
  const release = params?.release ?? '';
  if (release !== '' && !(typeof release === 'string' && RELEASE.test(release))) {
    // Shown on one line, control characters escaped.
    const shown = (typeof release === 'string' ? release : JSON.stringify(release))
      .replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
    throw new Error(`${paramsFile}: release must be empty or a version such as v1.2.0, got `
      + `'${shown}'; fix: edit release in params.yaml (make release VERSION=1.2.0 sets it)`);
  }
  return release;
}

async function main() {
  const { values } = parseArgs({
    options: { model: { type: 'string' }, out: { type: 'string' }, metrics: { type: 'string' },
      params: { type: 'string' } },
  });
  if (!values.model || !values.out) {
    throw new Error('usage: build.mjs --model DIR --out DIR [--metrics FILE] [--params FILE]');
  }
  console.log(`building ${values.out} from ${values.model}`);
  values.release = await releaseOf(values.params);
  const { version, kernels, bytes } = await build(path.resolve(values.model),
    path.resolve(values.out), values.release);
  if (values.metrics) {
    await mkdir(path.dirname(values.metrics), { recursive: true });
    await removeLeftovers(values.metrics);
    const tmp = `${values.metrics}.tmp-${process.pid}`;
    const metrics = { model_version: version, ...values.release && { release: values.release },
      size_bytes: bytes };
    await writeFile(tmp, `${JSON.stringify(metrics, null, 2)}\n`);
    await rename(tmp, values.metrics);
  }
  console.log(`built ${values.out}: model ${values.release} ${version}, first visit ${bytes} B, `
    + `kernels ${kernels.join(', ')}`);
}

// Ctrl-C: one line, as the Python stages print; what this build left beside its outputs is
// deleted by the next one.
process.on('SIGINT', () => {
  console.error('interrupted (Ctrl-C): no output is left half-written');
  process.exit(130);
});

main().catch((error) => {
  console.error(`error: ${error.message}`);
  process.exit(1);
});
