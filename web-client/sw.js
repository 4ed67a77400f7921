// The service worker: keeps the app's shell (the files of this folder, never the API) on the
// device, so that a reload while the server is away still opens the app; js/offline.js keeps
// the screens' last state and the outbox.
//
// Network first, the cache only when the network fails. Not stale-while-revalidate: the
// server stays authoritative whenever it is reachable, so a volunteer always runs the client
// that matches the server's API, never yesterday's client against today's server for a page
// load. Every file comes with `Cache-Control: no-cache` and an ETag, so asking the network
// costs a 304 when nothing changed (the bench, bench/first_load.mjs, measures what that costs
// on a slow phone).
// A navigation the network does not answer within NAVIGATION_WITHIN_MS (a train's wifi that
// answers nothing) is answered from the cache, and then that whole page loads from the cache:
// one version of the client, never files of two. A page that came from the network gets
// each file from the network too (the cache keeping a copy); only a file the network fails
// to bring comes from the cache.
// Never touched: anything outside the shell's paths. /api/ (sessions, views, commands),
// /readyz, /healthz and /metrics go to the network as if there were no worker, so nothing an
// account sees and nothing sent with its cookie is kept here; the shell is the same for
// every account.

const CACHE = 'rotonde-shell-v1';
const NAVIGATION_WITHIN_MS = 3000;

// Every file of the client (tests/browser/unit.test.mjs checks that none is missing): copied
// whole when the worker installs, so the shell offline is one version, all of it. Not the
// PNG icons (20 KB): only a browser putting the app on a home screen asks for them, and they
// are kept when it does.
const SHELL = [
  'index.html', 'css/app.css', 'icon.svg', 'manifest.webmanifest',
  'js/app.js', 'js/api.js', 'js/check-log.js', 'js/dom.js', 'js/format.js', 'js/i18n.js', 'js/live.js',
  'js/offline.js', 'js/snapshots.js', 'js/strings-en.js', 'js/strings-nl.js', 'js/updates.js', 'js/verify.js',
  'js/views.js',
  'js/screens/audit.js', 'js/screens/budget.js', 'js/screens/calendar.js', 'js/screens/common.js',
  'js/screens/home.js', 'js/screens/inbox.js', 'js/screens/index.js', 'js/screens/initiative.js',
  'js/screens/initiatives.js', 'js/screens/mail.js', 'js/screens/meetings.js', 'js/screens/members.js', 'js/screens/proposals.js', 'js/screens/propose.js',
  'js/screens/tasks.js', 'js/screens/voorstel.js', 'js/screens/welcome.js',
];

const base = new URL('./', self.location).pathname;
const shellPaths = new Set(SHELL.map((f) => base + f));
const keyOf = (path) => new URL(path, self.location.origin).href;
// The pages (clients) this worker answered from the cache: their files come from it too.
const fromCache = new Set();

self.addEventListener('install', (event) => {
  // A network-first worker may take over at once: which version answers does not change
  // what a page runs.
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) {
      if (key.startsWith('rotonde-shell-') && key !== CACHE) await caches.delete(key);
    }
    // The page's request starts while the worker wakes up, not after.
    if (self.registration.navigationPreload) await self.registration.navigationPreload.enable();
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (req.method !== 'GET' || url.origin !== self.location.origin) return;
  if (req.mode === 'navigate') {
    if (url.pathname === base || url.pathname === `${base}index.html`) event.respondWith(navigation(event));
    return;
  }
  // A module added later (a new screen) is kept once loaded, before it is in SHELL.
  if (shellPaths.has(url.pathname) || /^(js|icons)\//.test(url.pathname.slice(base.length))) {
    event.respondWith(shellFile(event, keyOf(url.pathname)));
  }
});

async function navigation(event) {
  const cache = await caches.open(CACHE);
  const net = Promise.resolve(event.preloadResponse).then((r) => r || fetch(event.request));
  net.catch(() => {});  // answered from the cache meanwhile; nobody waits for it
  let res = null;
  try {
    res = await Promise.race([net, new Promise((resolve, reject) => {
      setTimeout(() => reject(new Error('slow')), NAVIGATION_WITHIN_MS);
    })]);
  } catch {
    // Refused, offline or too slow.
  }
  // A server that answers is authoritative; one that answers 5xx (draining, a proxy without
  // it) is as good as away.
  if (res && res.status < 500) {
    if (res.ok) event.waitUntil(cache.put(keyOf(`${base}index.html`), res.clone()));
    return res;
  }
  const kept = await cache.match(keyOf(`${base}index.html`));
  if (!kept) return res || net;  // nothing kept: whatever the network gives, however late
  for (const id of fromCache) if (!(await self.clients.get(id))) fromCache.delete(id);
  fromCache.add(event.resultingClientId);
  return kept;
}

async function shellFile(event, key) {
  const cache = await caches.open(CACHE);
  if (fromCache.has(event.clientId)) {
    const kept = await cache.match(key);
    if (kept) return kept;
  }
  try {
    const res = await fetch(event.request);
    if (res.ok) event.waitUntil(cache.put(key, res.clone()));
    return res;
  } catch (e) {
    const kept = await cache.match(key);
    if (kept) return kept;
    throw e;
  }
}
