// The drawings kept on this device: the one on show, kept labelled with the digit it really
// is (and the version of the model that read it), and how many are kept, with their export and
// deletion. Where the browser cannot keep them (no IndexedDB, or it refuses), the count says
// so and why.
import { exportText, keptDigitStore } from './kept-digits.js';

/** The kept drawings, counted in `count`, with the `exporter` and `forget` buttons. */
export function createKept({ count, exporter, forget }) {
  const store = keptDigitStore();

  /** `work()`'s result, or false once the count says why the store failed. */
  async function attempt(work) {
    try {
      return await work();
    } catch (error) {
      count.textContent = `Drawings cannot be kept on this device: ${error.message}`;
      count.dataset.unavailable = '';
      exporter.disabled = forget.disabled = true;
      return false;
    }
  }

  const show = () => attempt(async () => {
    const kept = await store.count();
    count.textContent = kept === 0 ? 'No drawings kept'
      : `${kept} drawing${kept === 1 ? '' : 's'} kept on this device`;
    exporter.disabled = forget.disabled = kept === 0;
    return true;
  });

  exporter.addEventListener('click', () => attempt(async () => {
    const file = new Blob([exportText(await store.all())], { type: 'application/json' });
    const link = document.createElement('a');
    link.href = URL.createObjectURL(file);
    const stamp = new Date().toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
    link.download = `drawn-digits-${stamp}.json`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
  }));

  forget.addEventListener('click', async () => {
    if (!window.confirm('Delete every drawing kept on this device?')) return;
    await attempt(() => store.forget());
    await show();
  });

  return {
    /** Show how many drawings are kept; false if they cannot be. */
    show,
    /** Keep `shown`, a read on show (its strokes, if drawn, the model's input and version),
     * labelled `digit`; false if it could not be kept (the count says why). */
    keep(shown, digit) {
      const round = (value) => Math.round(value * 1e4) / 1e4;
      return attempt(async () => {
        await store.keep({
          label: digit,
          read: shown.read,
          model: shown.model,
          kept: new Date().toISOString(),
          strokes: shown.drawn.map((stroke) => stroke.map(([x, y]) => [
            round(Math.min(Math.max(x, 0), 1)), round(Math.min(Math.max(y, 0), 1))])),
          input: Array.from(shown.input, (value) => Math.round(value * 255)),
        });
        return true;
      });
    },
  };
}
