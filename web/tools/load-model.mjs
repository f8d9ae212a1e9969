// A TF.js graph model from a directory in Node (plain tfjs has no file:// loader).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';

/** Load model.json and its weight shards from a directory. */
export async function loadGraphModelFromDir(dir) {
  const modelJSON = JSON.parse(await readFile(path.join(dir, 'model.json'), 'utf8'));
  const artifacts = await tf.io.getModelArtifactsForJSON(modelJSON, async (manifest) => {
    const specs = manifest.flatMap((group) => group.weights);
    const shards = await Promise.all(
      manifest.flatMap((group) => group.paths).map((p) => readFile(path.join(dir, p))));
    const bytes = Buffer.concat(shards);
    return [specs, bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)];
  });
  return tf.loadGraphModel(tf.io.fromMemory(artifacts));
}
