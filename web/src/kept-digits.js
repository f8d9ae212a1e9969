// The drawings a user labelled, kept on this device (IndexedDB) until exported or deleted;
// nothing is sent anywhere. The export is one JSON file in the format digits/data/kept.py reads
// (its docstring describes it): the pipeline's drawn-digit data.

export const FORMAT = 'drawn-digits';
export const FORMAT_VERSION = 1;
const DATABASE = 'digit-reader';
const STORE = 'kept-digits';

function openDatabase() {
  return new Promise((resolve, reject) => {
    if (!globalThis.indexedDB) throw new Error('this browser gives the page no IndexedDB.');
    const request = indexedDB.open(DATABASE, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { autoIncrement: true });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** The kept drawings; the database is opened when they are first used. */
export function keptDigitStore() {
  let database = null;

  /** Run `work(store)` in a transaction; resolves with its request's result once committed. */
  async function transact(mode, work) {
    database ??= openDatabase();
    const store = (await database).transaction(STORE, mode).objectStore(STORE);
    const request = work(store);
    return new Promise((resolve, reject) => {
      store.transaction.oncomplete = () => resolve(request.result);
      store.transaction.onerror = () => reject(store.transaction.error);
    });
  }

  return {
    /** Keep one labelled drawing: { label, read, model, kept, strokes, input }. */
    keep: (digit) => transact('readwrite', (store) => store.add(digit)),
    count: () => transact('readonly', (store) => store.count()),
    all: () => transact('readonly', (store) => store.getAll()),
    forget: () => transact('readwrite', (store) => store.clear()),
  };
}

/** The export file's text: every kept drawing, oldest first. */
export function exportText(digits) {
  return `${JSON.stringify({ format: FORMAT, version: FORMAT_VERSION, digits })}\n`;
}
