// The service worker: after one visit the page, its runtime and its model work offline.
// Network first: online, every request goes to the server (past the browser's HTTP cache, which
// could otherwise keep an old model fresh for a while), so a newly deployed model is used at
// once, and refreshes the copy kept here; offline, the kept copy answers. The model's files are
// the exception: a server's model may be broken, so they are kept only when the page, having
// loaded and run them, hands them over (app.js), and then as one set, so a broken model never
// replaces a working one. web/tools/build.mjs bundles it with MODEL_VERSION (a hash of the
// model) and SITE_FILES defined.
// The site but its model; named apart from the caches of workers that kept the model in it.
const CACHE = `digit-reader-site-${MODEL_VERSION}`;
const MODEL_CACHE = 'digit-reader-model-'; // and the version of the model it holds

const isModel = (url) => /(\.bin|\/model\.json)$/.test(new URL(url, location.href).pathname);

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE)
    .then((cache) => cache.addAll(SITE_FILES.filter((file) => !isModel(file))))
    .then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((names) => Promise.all(names
      .filter((name) => name !== CACHE && !name.startsWith(MODEL_CACHE))
      .map((name) => caches.delete(name))))
    .then(() => self.clients.claim()));
});

/** Keep the model the page loaded and ran ({ version, files: [{ url, type, bytes }] }): written
 * whole into a cache of its own before the set kept before is deleted. Until then, offline
 * requests match the older set (caches are searched oldest first), so a set never mixes. */
async function keepModel({ version, files }) {
  const name = MODEL_CACHE + version;
  const cache = await caches.open(name);
  await Promise.all(files.map(({ url, type, bytes }) => cache.put(url, new Response(bytes,
    { headers: { 'Content-Type': type ?? '', 'Content-Length': bytes.byteLength } }))));
  await Promise.all((await caches.keys())
    .filter((other) => other.startsWith(MODEL_CACHE) && other !== name)
    .map((other) => caches.delete(other)));
}

self.addEventListener('message', (event) => {
  const { data } = event;
  if (/^[0-9a-f]{12}$/.test(data?.version) && data.files?.length && data.files
    .every(({ url }) => isModel(url) && new URL(url).origin === location.origin)) {
    event.waitUntil(keepModel(data));
  }
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET' || new URL(request.url).origin !== location.origin) return;
  event.respondWith(fetch(request, { cache: 'no-cache' })
    .then((response) => {
      if (response.ok && !isModel(request.url)) {
        const copy = response.clone();
        event.waitUntil(caches.open(CACHE).then((cache) => cache.put(request, copy)));
      }
      return response;
    })
    .catch(async () => await caches.match(request, { ignoreSearch: true }) ?? Response.error()));
});
