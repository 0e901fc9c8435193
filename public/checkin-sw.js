/* global self, caches, fetch, URL -- a service worker script, served as is (no build step) */
/*
 * The steward's check-in page without a network (ADR 036). Registered by that page with its own path as the scope,
 * so it controls nothing else. Network first for the page and the scripts and styles it loaded, the cached copy
 * when the network fails: a reload at a door without signal still opens the page, and the page then reads its
 * stored ticket list and queued scans from localStorage. tRPC calls are never cached (the page queues scans
 * itself). Bump VERSION when the caching rules change: the old caches are deleted when the new worker activates.
 */
const VERSION = 1;
const PREFIX = "greenroom-checkin-";
const CACHE = `${PREFIX}v${VERSION}`;

self.addEventListener("install", () => {
  self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith(PREFIX) && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

const scopePath = () => new URL(self.registration.scope).pathname;

/** The page itself (any query string: one copy) and the hashed build files it runs on; nothing else. */
function cacheKeyOf(url, isPage) {
  if (url.origin !== self.location.origin) return null;
  if (isPage) return url.pathname === scopePath() ? url.pathname : null;
  return url.pathname.startsWith("/assets/") ? url.pathname : null;
}

async function networkFirst(request, key) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    // Only a page that rendered: a sign-in redirect or an error page must not replace the working copy.
    if (response.ok && !response.redirected) await cache.put(key, response.clone());
    return response;
  } catch (error) {
    const cached = await cache.match(key, { ignoreVary: true });
    if (cached) return cached;
    throw error;
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const key = cacheKeyOf(new URL(request.url), request.mode === "navigate");
  if (key) event.respondWith(networkFirst(request, key));
});

/**
 * The first visit loaded the page and its files before this worker existed: the page sends their addresses once
 * the worker is active, and those not cached yet are fetched now. The reply says the page can be reopened offline.
 */
self.addEventListener("message", (event) => {
  if (event.data?.type !== "cache-page" || !Array.isArray(event.data.urls)) return;
  const port = event.ports[0];
  event.waitUntil(
    caches
      .open(CACHE)
      .then(async (cache) => {
        for (const address of event.data.urls) {
          const url = new URL(address, self.location.origin);
          const key = cacheKeyOf(url, url.pathname === scopePath());
          if (!key || (await cache.match(key, { ignoreVary: true }))) continue;
          const response = await fetch(url, { credentials: "same-origin" });
          if (response.ok && !response.redirected) await cache.put(key, response);
        }
        port?.postMessage({ ok: true });
      })
      .catch(() => port?.postMessage({ ok: false })),
  );
});
