// The drawing pad: the strokes drawn on it with a mouse, finger or pen, or a picture opened
// in their place, and the model input made from what it shows.
import { NoInkError, PEN_WIDTH, preprocessInk } from '../preprocess.js';

// Sharp enough on phones while keeping the canvas cheap to read back.
const MAX_PIXEL_RATIO = 2;

/** The pad on `canvas`, in `paper`, with `picture` to show an opened picture and the `undo`
 * and `clear` buttons (Ctrl+Z and Esc too). `act()` is called first on each of the user's
 * actions on it, and `changed()` after whatever it shows changes. */
export function createPad({ canvas, paper, picture, undo, clear }, { act, changed }) {
  const pad = canvas.getContext('2d', { willReadFrequently: true });
  const strokes = []; // each a list of [x, y] points as fractions of the pad's width and height
  let activePointer = null;
  let strokeRect = null;
  let pictureInput = null; // the model input of an opened picture, while it is shown

  function render() {
    const { width, height } = canvas;
    pad.clearRect(0, 0, width, height);
    pad.strokeStyle = pad.fillStyle = getComputedStyle(canvas).color;
    pad.lineWidth = PEN_WIDTH * Math.min(width, height);
    pad.lineCap = pad.lineJoin = 'round';
    for (const stroke of strokes) {
      const points = stroke.map(([x, y]) => [x * width, y * height]);
      pad.beginPath();
      if (points.length === 1) {
        pad.arc(...points[0], pad.lineWidth / 2, 0, 2 * Math.PI);
        pad.fill();
        continue;
      }
      // Curves through the midpoints between samples smooth the corners of a fast stroke.
      pad.moveTo(...points[0]);
      for (let i = 1; i < points.length - 1; i++) {
        const [[x, y], [nextX, nextY]] = [points[i], points[i + 1]];
        pad.quadraticCurveTo(x, y, (x + nextX) / 2, (y + nextY) / 2);
      }
      pad.lineTo(...points.at(-1));
      pad.stroke();
    }
  }

  function update() {
    render();
    paper.dataset.empty = String(strokes.length === 0 && !pictureInput);
    undo.disabled = strokes.length === 0;
    clear.disabled = strokes.length === 0 && !pictureInput;
    changed();
  }

  function showPicture(file, input) {
    const previous = picture.getAttribute('src');
    if (previous) URL.revokeObjectURL(previous);
    if (file) picture.src = URL.createObjectURL(file);
    else picture.removeAttribute('src');
    picture.hidden = !file;
    pictureInput = input;
  }

  function toPoint(event) {
    return [(event.clientX - strokeRect.left) / strokeRect.width,
      (event.clientY - strokeRect.top) / strokeRect.height];
  }

  canvas.addEventListener('pointerdown', (event) => {
    if (activePointer !== null || event.button !== 0) return;
    act();
    activePointer = event.pointerId;
    canvas.setPointerCapture(event.pointerId);
    strokeRect = canvas.getBoundingClientRect();
    showPicture(null, null);
    strokes.push([toPoint(event)]);
    update();
  });

  canvas.addEventListener('pointermove', (event) => {
    if (event.pointerId !== activePointer) return;
    const samples = event.getCoalescedEvents?.() ?? [];
    strokes.at(-1).push(...(samples.length ? samples : [event]).map(toPoint));
    update();
  });

  for (const type of ['pointerup', 'pointercancel']) {
    canvas.addEventListener(type, (event) => {
      if (event.pointerId === activePointer) activePointer = null;
    });
  }

  new ResizeObserver(() => {
    const size = Math.round(canvas.clientWidth * Math.min(devicePixelRatio, MAX_PIXEL_RATIO));
    if (size > 0 && size !== canvas.width) {
      canvas.width = canvas.height = size;
      render();
    }
  }).observe(canvas);

  /** Show the picture `file`, whose model input is `input`, in place of the strokes; or, with
   * neither, an empty pad. */
  function open(file, input) {
    activePointer = null;
    strokes.length = 0;
    showPicture(file, input);
    update();
  }

  const actions = {
    undo() {
      act();
      activePointer = null;
      strokes.pop();
      update();
    },
    clear() {
      act();
      open(null, null);
    },
  };
  undo.addEventListener('click', actions.undo);
  clear.addEventListener('click', actions.clear);
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      actions.clear();
    } else if ((event.ctrlKey || event.metaKey) && !event.shiftKey
      && event.key.toLowerCase() === 'z') {
      event.preventDefault();
      actions.undo();
    }
  });

  return {
    ...actions,
    open,
    /** The model input for what the pad shows, or null when there is no ink. */
    input() {
      if (pictureInput) return pictureInput;
      const { data, width, height } = pad.getImageData(0, 0, canvas.width, canvas.height);
      // Strokes are drawn on a transparent canvas (the paper is CSS), so alpha is the ink.
      const ink = new Float64Array(width * height);
      for (let i = 0; i < ink.length; i++) ink[i] = data[4 * i + 3] / 255;
      try {
        return preprocessInk({ data: ink, height, width });
      } catch (error) {
        if (error instanceof NoInkError) return null;
        throw error;
      }
    },
    /** A copy of the strokes on show: none for a picture. */
    drawn: () => (pictureInput ? [] : strokes.map((stroke) => stroke.slice())),
  };
}
