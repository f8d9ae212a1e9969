// Opened and dropped pictures: read into the model's input, as the shared definition
// (preprocess.js) makes it, by the picture-reader worker, off the page's main thread.
import { MAX_PIXELS } from '../preprocess.js';

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

/** Reads pictures in a worker, started when the first one is opened; `busyChanged()` is
 * called when a read starts and when one ends. */
export function createPictureReader(busyChanged) {
  let worker = null;
  const reads = new Map(); // request id -> the resolve of its promise
  let requests = 0;

  function start() {
    worker = new Worker('picture-reader.js');
    worker.addEventListener('message', ({ data }) => {
      reads.get(data.id)?.(data);
      reads.delete(data.id);
      busyChanged();
    });
    // A browser that cannot run the worker (no OffscreenCanvas) reads no picture.
    worker.addEventListener('error', () => {
      reads.forEach((resolve) => resolve({ problem: 'unreadable' }));
      reads.clear();
      busyChanged();
    });
  }

  return {
    /** How many reads are under way. */
    pending: () => reads.size,
    /** A picture file -> { input } (the model's input) or { problem } saying why there is
     * none. */
    async read(file) {
      const size = await claimedSize(file);
      if (!size) return { problem: `${file.name} is not a picture this browser can read.` };
      const { width, height } = size;
      if (width * height > MAX_PIXELS) {
        return { problem: `${file.name} is ${width}x${height} pixels, more than the `
          + `${MAX_PIXELS / 1e6} megapixels a picture may have: scale it down.` };
      }
      if (!worker) start();
      const id = ++requests;
      const answer = await new Promise((resolve) => {
        reads.set(id, resolve);
        worker.postMessage({ id, file });
        busyChanged();
      });
      if (answer.input) return answer;
      return { problem: answer.problem === 'no-ink' ? `No digit found in ${file.name}.`
        : `${file.name} is not a picture this browser can read.` };
    },
  };
}

/** Call `open(file)` with each picture chosen in the `file` input or dropped on the page,
 * which shows `paper` as a place to drop while one is dragged over it. */
export function listenForPictures({ file: input, paper }, open) {
  input.addEventListener('change', (event) => {
    const [file] = event.target.files;
    if (file) open(file);
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
    if (file) open(file);
  });
}
