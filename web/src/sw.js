// The service worker: after one visit the page, its runtime and its model work offline.
// Network first: online, every request goes to the server (past the browser's HTTP cache, which
// could otherwise keep an old model fresh for a while), so a newly deployed model is used at
// once, and refreshes the copy kept here; offline, the kept copy answers. web/tools/
// build.mjs bundles it with MODEL_VERSION (a hash of the model) and SITE_FILES defined.
const CACHE = `digit-reader-${MODEL_VERSION}`;

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE)
    .then((cache) => cache.addAll(SITE_FILES))
    .then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((names) => Promise.all(names.filter((name) => name !== CACHE)
      .map((name) => caches.delete(name))))
    .then(() => self.clients.claim()));
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET' || new URL(request.url).origin !== location.origin) return;
  event.respondWith(fetch(request, { cache: 'no-cache' })
    .then((response) => {
      if (response.ok) {
        const copy = response.clone();
        event.waitUntil(caches.open(CACHE).then((cache) => cache.put(request, copy)));
      }
      return response;
    })
    .catch(async () => await caches.match(request, { ignoreSearch: true }) ?? Response.error()));
});
