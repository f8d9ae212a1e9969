// The JavaScript preprocessing reproduces the shared vectors that the Python one is held to.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import test from 'node:test';
import {
  MNIST_SIZE, NoInkError, PEN_WIDTH, areaWeights, greyFromRgba, inkFromGrey, preprocessGrey,
  preprocessInk,
} from '../preprocess.js';

const { tolerance, pen_width: penWidth, vectors } = JSON.parse(
  readFileSync(new URL('../../tests/vectors/preprocess.json', import.meta.url), 'utf8'));

for (const vector of vectors) {
  test(`shared vector: ${vector.name}`, () => {
    const { height, width } = vector;
    const output = preprocessGrey({ data: vector.grey.map((v) => v / 255), height, width });
    assert.ok(output instanceof Float32Array);
    assert.equal(output.length, MNIST_SIZE * MNIST_SIZE);
    const worst = Math.max(...output.map((value, i) => Math.abs(value - vector.expected[i])));
    assert.ok(worst <= tolerance, `largest difference ${worst} exceeds ${tolerance}`);
  });
}

for (const vector of vectors.filter((v) => v.rgba)) {
  test(`shared colour vector, to grey exactly: ${vector.name}`, () => {
    const { data } = greyFromRgba({ data: vector.rgba, height: vector.height, width: vector.width });
    assert.deepEqual(Array.from(data, (v) => Math.round(v * 255)), vector.grey);
  });
}

test('both apps draw with the shared pen width', () => {
  assert.equal(PEN_WIDTH, penWidth);
});

test('the vectors include a real MNIST digit', () => {
  assert.ok(vectors.some((vector) => vector.name.includes('MNIST')));
});

test('area weights average exactly what each output pixel covers', () => {
  const [first, second] = areaWeights(3, 2); // each output pixel covers 1.5 input pixels
  assert.deepEqual([first.first, ...first.weights], [0, 2 / 3, 1 / 3]);
  assert.deepEqual([second.first, ...second.weights], [1, 1 / 3, 2 / 3]);
});

test('the lower middle border pixel decides the polarity when the border is split evenly', () => {
  const grey = [
    0.4, 0.4, 0.4, 0.4,
    0.4, 1.0, 1.0, 0.6,
    0.4, 1.0, 1.0, 0.6,
    0.6, 0.6, 0.6, 0.6,
  ];
  const { data } = inkFromGrey({ data: grey, height: 4, width: 4 });
  assert.deepEqual([data[5], data[6], data[9], data[10]], [1, 1, 1, 1]); // not inverted
  assert.equal(data[0], 0);
});

test('a mass centre on a half pixel lands where the Python one puts it', () => {
  // Two equal rows: the 13-row box's centre is exactly 6.5, a tie that summation order tips.
  const field = preprocessInk({ data: [0.9, 0.5, 0.9, 0.9, 0.5, 0.9], height: 2, width: 3 });
  const inkRows = [...Array(28).keys()]
    .filter((y) => field.subarray(28 * y, 28 * y + 28).some((value) => value > 0));
  assert.deepEqual([inkRows[0], inkRows.at(-1)], [8, 20]); // as digits/drawing/preprocess.py
});

test('a picture without ink is refused, not turned into an answer', () => {
  const blank = { data: new Float64Array(30 * 20).fill(0.05), height: 30, width: 20 };
  assert.throws(() => preprocessInk(blank), NoInkError);
  assert.throws(() => preprocessGrey({ ...blank, data: blank.data.fill(1) }), NoInkError);
});
