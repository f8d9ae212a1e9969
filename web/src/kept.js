// The drawings kept on this device: the one on show, kept labelled with the digit it really
// is, and how many are kept, with their export and deletion. MODEL_VERSION, the model's
// short hash, is defined by web/tools/build.mjs.
import { exportText, keptDigitStore } from './kept-digits.js';

/** The kept drawings, counted in `count`, with the `exporter` and `forget` buttons. */
export function createKept({ count, exporter, forget }) {
  const store = keptDigitStore();

  async function show() {
    const kept = await store.count();
    count.textContent = kept === 0 ? 'No drawings kept'
      : `${kept} drawing${kept === 1 ? '' : 's'} kept on this device`;
    exporter.disabled = forget.disabled = kept === 0;
  }

  exporter.addEventListener('click', async () => {
    const file = new Blob([exportText(await store.all())], { type: 'application/json' });
    const link = document.createElement('a');
    link.href = URL.createObjectURL(file);
    const stamp = new Date().toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
    link.download = `drawn-digits-${stamp}.json`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
  });

  forget.addEventListener('click', async () => {
    if (!window.confirm('Delete every drawing kept on this device?')) return;
    await store.forget();
    await show();
  });

  return {
    /** Show how many drawings are kept. */
    show,
    /** Keep `shown`, a read on show (its strokes, if drawn, and the model's input), labelled
     * `digit`. */
    keep(shown, digit) {
      const round = (value) => Math.round(value * 1e4) / 1e4;
      return store.keep({
        label: digit,
        read: shown.read,
        model: MODEL_VERSION,
        kept: new Date().toISOString(),
        strokes: shown.drawn.map((stroke) => stroke.map(([x, y]) => [
          round(Math.min(Math.max(x, 0), 1)), round(Math.min(Math.max(y, 0), 1))])),
        input: Array.from(shown.input, (value) => Math.round(value * 255)),
      });
    },
  };
}
