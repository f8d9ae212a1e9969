// Any picture of a digit -> the 28x28 input the model reads: a step-for-step port of
// digits/drawing/preprocess.py (its docstring explains each step). tests/vectors/preprocess.json
// holds the outputs both must reproduce; web/tests/preprocess.test.mjs checks this file.
//
// A raster is { data, height, width }: row-major values in [0, 1].

export const MNIST_SIZE = 28;
export const BOX_SIZE = 20;
export const INK_THRESHOLD = 0.1;
/** The pen both apps draw with, a fraction of the pad's shorter side (MNIST's ~2.5 px of 28). */
export const PEN_WIDTH = 2.5 / MNIST_SIZE;
/** The most pixels a picture may have: larger ones are refused before they are decoded. */
export const MAX_PIXELS = 25_000_000;

/** The picture holds no ink above INK_THRESHOLD: nothing to recognise. */
export class NoInkError extends Error {
  constructor(width, height) {
    super(`no ink above ${INK_THRESHOLD} in a ${width}x${height} picture`);
    this.name = 'NoInkError';
  }
}

/**
 * 8-bit RGBA pixels (4 values a pixel, as getImageData gives them) -> grey in [0, 1]:
 * composited on white paper, then ITU-R BT.601 luma in PIL's integer arithmetic.
 */
export function greyFromRgba({ data, height, width }) {
  const grey = new Float64Array(height * width);
  const onWhite = (channel, alpha) => Math.floor((channel * alpha + 255 * (255 - alpha) + 127) / 255);
  for (let i = 0; i < grey.length; i++) {
    const alpha = data[4 * i + 3];
    const r = onWhite(data[4 * i], alpha);
    const g = onWhite(data[4 * i + 1], alpha);
    const b = onWhite(data[4 * i + 2], alpha);
    grey[i] = ((r * 19595 + g * 38470 + b * 7471 + 32768) >> 16) / 255;
  }
  return { data: grey, height, width };
}

/** Grey values in [0, 1], either polarity -> ink in [0, 1], light ink on a dark background. */
export function inkFromGrey({ data, height, width }) {
  const border = [];
  for (let x = 0; x < width; x++) border.push(data[x]);
  for (let x = 0; x < width; x++) border.push(data[(height - 1) * width + x]);
  for (let y = 1; y < height - 1; y++) border.push(data[y * width]);
  for (let y = 1; y < height - 1; y++) border.push(data[y * width + width - 1]);
  border.sort((a, b) => a - b);
  let background = border[(border.length - 1) >> 1];
  const invert = background > 0.5;
  if (invert) background = 1 - background;
  const ink = new Float64Array(data.length);
  if (background < 1) {
    for (let i = 0; i < data.length; i++) {
      const grey = invert ? 1 - data[i] : data[i];
      ink[i] = Math.min(Math.max((grey - background) / (1 - background), 0), 1);
    }
  }
  return { data: ink, height, width };
}

/**
 * Area-averaging weights from nIn pixels to nOut: for each output pixel j, the first input
 * pixel it covers and the weights of the inputs in [j, j + 1) * nIn / nOut.
 */
export function areaWeights(nIn, nOut) {
  const step = nIn / nOut;
  return Array.from({ length: nOut }, (_, j) => {
    const start = j * step;
    const end = (j + 1) * step;
    const first = Math.floor(start);
    const last = Math.min(nIn, Math.ceil(end));
    const weights = Float64Array.from({ length: last - first }, (_, k) => {
      const pixel = first + k;
      return Math.max(Math.min(end, pixel + 1) - Math.max(start, pixel), 0) / step;
    });
    return { first, weights };
  });
}

function offset(massCentre, box) {
  // Rounded to 1e-6 first: a symmetric stroke's centre sits exactly on a half pixel, and
  // summation order (numpy's pairwise sums, this plain loop) must not tip it either way.
  const centre = Math.floor(massCentre * 1e6 + 0.5) / 1e6;
  const wanted = Math.floor(MNIST_SIZE / 2 - centre + 0.5);
  return Math.min(Math.max(wanted, 0), MNIST_SIZE - box);
}

/** Ink raster in [0, 1] -> Float32Array of 28 * 28 model input values in [0, 1]. */
export function preprocessInk({ data, height, width }) {
  let top = height;
  let bottom = -1;
  let left = width;
  let right = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (data[y * width + x] > INK_THRESHOLD) {
        top = Math.min(top, y);
        bottom = Math.max(bottom, y);
        left = Math.min(left, x);
        right = Math.max(right, x);
      }
    }
  }
  if (bottom < 0) throw new NoInkError(width, height);
  const cropH = bottom - top + 1;
  const cropW = right - left + 1;

  const scale = BOX_SIZE / Math.max(cropH, cropW);
  const outH = Math.max(1, Math.floor(cropH * scale + 0.5));
  const outW = Math.max(1, Math.floor(cropW * scale + 0.5));
  // Rows first, then columns, as numpy's (weights_h @ crop) @ weights_w.T.
  const rows = new Float64Array(outH * cropW);
  areaWeights(cropH, outH).forEach(({ first, weights }, j) => {
    weights.forEach((weight, k) => {
      const source = (top + first + k) * width + left;
      for (let x = 0; x < cropW; x++) rows[j * cropW + x] += weight * data[source + x];
    });
  });
  const box = new Float64Array(outH * outW);
  const columnWeights = areaWeights(cropW, outW);
  for (let y = 0; y < outH; y++) {
    columnWeights.forEach(({ first, weights }, j) => {
      let sum = 0;
      weights.forEach((weight, k) => { sum += weight * rows[y * cropW + first + k]; });
      box[y * outW + j] = sum;
    });
  }

  const rowSums = new Float64Array(outH);
  const colSums = new Float64Array(outW);
  box.forEach((value, i) => {
    rowSums[Math.floor(i / outW)] += value;
    colSums[i % outW] += value;
  });
  const total = rowSums.reduce((sum, value) => sum + value, 0);
  const massCentre = (sums) => sums.reduce((sum, value, i) => sum + value * (i + 0.5), 0) / total;
  const fieldTop = offset(massCentre(rowSums), outH);
  const fieldLeft = offset(massCentre(colSums), outW);
  const brightest = Math.max(...box);
  const field = new Float32Array(MNIST_SIZE * MNIST_SIZE);
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      field[(fieldTop + y) * MNIST_SIZE + fieldLeft + x] = box[y * outW + x] / brightest;
    }
  }
  return field;
}

/** Grey picture in [0, 1], either polarity -> Float32Array of 28 * 28 model input values. */
export function preprocessGrey(grey) {
  return preprocessInk(inkFromGrey(grey));
}
