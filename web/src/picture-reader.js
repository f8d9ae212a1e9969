// The page's picture reader, a worker: turns an opened or dropped picture file into the
// model's 28x28 input off the page's main thread, where decoding and preprocessing a photo
// would freeze the page. web/tools/build.mjs bundles it beside app.js.
import { NoInkError, greyFromRgba, preprocessGrey } from '../preprocess.js';

function read(bitmap) {
  const { width, height } = bitmap;
  const scratch = new OffscreenCanvas(width, height).getContext('2d');
  scratch.drawImage(bitmap, 0, 0);
  const { data } = scratch.getImageData(0, 0, width, height);
  return preprocessGrey(greyFromRgba({ data, height, width }));
}

self.addEventListener('message', async ({ data: { id, file } }) => {
  let bitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    self.postMessage({ id, problem: 'unreadable' });
    return;
  }
  try {
    const input = read(bitmap);
    self.postMessage({ id, input }, [input.buffer]);
  } catch (error) {
    self.postMessage({ id, problem: error instanceof NoInkError ? 'no-ink' : 'unreadable' });
  } finally {
    bitmap.close();
  }
});
