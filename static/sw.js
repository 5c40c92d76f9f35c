// CheckApp service worker, served at /sw.js (scope /) by checkapp/pwa/routes.py, which fills in
// the version (a hash of the static files: a deploy renews the caches), the app shell and the
// offline page.
//
// It NEVER handles non-GET requests: answers and photos are POSTed straight to the network
// (Safari has sent empty bodies when a worker intercepted POSTs); the outbox in the page
// keeps them until the server confirms.

const VERSION = "__VERSION__";
const SHELL = ["__SHELL__"];
const OFFLINE_URL = "__OFFLINE__";
const SHELL_CACHE = `checkapp-shell-${VERSION}`;
const PAGES_CACHE = `checkapp-pages-${VERSION}`;
// Pages kept per person (network first, the last good copy offline): a run's pages, the tester's page
// and the outbox. Photo files of those pages too, so the in-app viewer works offline.
const OFFLINE_PAGES = /^\/(runs\/\d+\/|tester|outbox$)/;
const PHOTO_FILES = /^\/photos\/\d+\/(thumb|display)$/;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(SHELL_CACHE)
      // Without cookies: the shell is the same for everyone, and a response to a request sent with
      // the cookie of a moment ago could overwrite the session of a login that just happened.
      .then((cache) => cache.addAll(SHELL.map((url) => new Request(url, { cache: "reload", credentials: "omit" }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys
        .filter((key) => key.startsWith("checkapp-") && key !== SHELL_CACHE && key !== PAGES_CACHE)
        .map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

function pageKey(url) {
  const u = new URL(url, self.location.origin);
  return `${u.origin}${u.pathname}`;
}

function cacheable(response) {
  return response && response.ok && response.type === "basic" && !response.redirected;
}

// Run pages: network first, so the page is current; the last good copy when offline.
async function networkFirst(request) {
  const cache = await caches.open(PAGES_CACHE);
  try {
    const response = await fetch(request);
    if (cacheable(response)) await cache.put(pageKey(request.url), response.clone());
    if (response.status < 500) return response;
    return (await cache.match(pageKey(request.url))) || response; // server trouble: the last good copy
  } catch (error) {
    return (await cache.match(pageKey(request.url))) || (await offlinePage(request));
  }
}

// Offline, any page this worker holds (the shell's outbox and offline pages included) is served;
// only a page it never kept gets the offline page.
async function offlinePage(request) {
  const kept = request.mode === "navigate" ? await caches.match(pageKey(request.url)) : null;
  return kept || (await caches.match(OFFLINE_URL)) || Response.error();
}

async function offlineFallback(request) {
  try {
    return await fetch(request);
  } catch (error) {
    return offlinePage(request);
  }
}

// Photo files: network first too (a photo id can come back after a removal), the kept copy offline.
async function photoFile(request) {
  const cache = await caches.open(PAGES_CACHE);
  try {
    const response = await fetch(request);
    if (cacheable(response)) await cache.put(pageKey(request.url), response.clone());
    return response;
  } catch (error) {
    return (await cache.match(pageKey(request.url))) || Response.error();
  }
}

// Static files of the shell and the outbox's words: from the cache (renewed with each version), else the network.
async function cacheFirst(request) {
  const cached = await caches.match(request, { ignoreSearch: true });
  if (cached) return cached;
  const response = await fetch(request);
  if (cacheable(response)) (await caches.open(SHELL_CACHE)).put(request, response.clone());
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return; // never intercept a POST: the browser sends it as is
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith("/api/")) return;
  if (request.mode === "navigate") {
    event.respondWith(OFFLINE_PAGES.test(url.pathname) ? networkFirst(request) : offlineFallback(request));
  } else if (url.pathname.startsWith("/static/") || url.pathname.startsWith("/words/")) {
    event.respondWith(cacheFirst(request));
  } else if (PHOTO_FILES.test(url.pathname)) {
    event.respondWith(photoFile(request));
  }
});

// The page asks for the pages of the run it shows (and the photo files it links to), so the whole
// run works offline; pages already kept are not fetched again.
async function warm(urls) {
  const cache = await caches.open(PAGES_CACHE);
  const keeps = (path) => OFFLINE_PAGES.test(path) || PHOTO_FILES.test(path);
  await Promise.all(urls.filter((url) => keeps(new URL(url, self.location.origin).pathname))
    .map(async (url) => {
      try {
        if (await cache.match(pageKey(url))) return; // visiting a page refreshes it (network first)
        const response = await fetch(url, { credentials: "same-origin", cache: "no-store" });
        if (cacheable(response)) await cache.put(pageKey(url), response);
      } catch (error) {
        // offline again: keep the copy we have
      }
    }));
}

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "forget") { // logging out: this phone no longer shows that person's runs offline
    event.waitUntil(caches.delete(PAGES_CACHE));
  }
  if (data.type === "warm" && Array.isArray(data.urls)) {
    const reply = () => event.ports[0] && event.ports[0].postMessage({ type: "warmed" });
    event.waitUntil(warm(data.urls.slice(0, 200)).then(reply, reply));
  }
});
