// What the model reads: the digit (or "not sure" for a drawing that is no digit), a bar for
// each digit's probability (each a button that keeps the drawing on show, labelled with its
// digit), and the 28x28 picture the model sees.
import { MNIST_SIZE } from '../preprocess.js';
import { NOT_A_DIGIT_AT } from './model.js';

const percent = (p) => `${Math.round(p * 100)}%`;
/** "a 7", "an 8". */
export const aDigit = (digit) => `${digit === 8 ? 'an' : 'a'} ${digit}`;
export const NOT_SURE = 'Not sure: that does not look like a digit. Draw a digit, 0 to 9.';

/** The results in `digit`, `summary`, `bars`, `preview` and `timing`; tapping the bar of a
 * digit calls `keep(digit)`. */
export function createResults({ digit: digitBox, summary, bars: list, preview, timing }, keep) {
  const picture = preview.getContext('2d');
  const bars = Array.from({ length: 10 }, (_, digit) => {
    const item = document.createElement('li');
    item.innerHTML = `<button type="button" disabled aria-label="${digit}: keep as ${aDigit(digit)}">`
      + `<span class="label">${digit}</span><span class="track"><span class="fill"></span></span>`
      + '<span class="value">0%</span></button>';
    list.append(item);
    const bar = item.firstElementChild;
    bar.addEventListener('click', () => keep(digit));
    return bar;
  });
  let notice = null; // what the last action came to, while the pad is empty
  // The read on show: { input, drawn (its strokes), read (the digit), model (its version) }.
  let shown = null;

  function showInput(input) {
    const image = picture.createImageData(MNIST_SIZE, MNIST_SIZE);
    input.forEach((value, i) => {
      image.data.fill(Math.round(value * 255), 4 * i, 4 * i + 3);
      image.data[4 * i + 3] = 255;
    });
    picture.putImageData(image, 0, 0);
  }

  return {
    shown: () => shown,
    /** Say `text` in place of a reading until the next action (null: say nothing). */
    tell(text) {
      notice = text;
    },
    /** Show what the model (of `version`) read in `input`, made from `drawn` (strokes; none
     * for a picture). */
    show(input, drawn, { probabilities, notADigit, ms, version }) {
      const best = probabilities.indexOf(Math.max(...probabilities));
      const unsure = notADigit >= NOT_A_DIGIT_AT;
      shown = { input, drawn, read: unsure ? null : best, model: version };
      digitBox.textContent = unsure ? '?' : best;
      summary.textContent = unsure ? NOT_SURE
        : `Looks like ${aDigit(best)}: ${percent(probabilities[best])} sure`;
      summary.dataset.unsure = unsure;
      bars.forEach((bar, digit) => {
        bar.style.setProperty('--p', probabilities[digit]);
        bar.classList.toggle('top', digit === best && !unsure);
        bar.querySelector('.value').textContent = percent(probabilities[digit]);
        bar.disabled = false;
      });
      showInput(input);
      timing.textContent = `${ms.toFixed(1)} ms to read`;
      timing.dataset.ms = ms;
    },
    showEmpty() {
      shown = null;
      digitBox.textContent = '';
      summary.dataset.unsure = false;
      summary.textContent = notice ?? 'Draw a digit';
      bars.forEach((bar) => {
        bar.style.setProperty('--p', 0);
        bar.classList.remove('top');
        bar.querySelector('.value').textContent = '0%';
        bar.disabled = true;
      });
      showInput(new Float32Array(MNIST_SIZE * MNIST_SIZE));
      timing.textContent = '–';
      timing.dataset.ms = '';
    },
  };
}
