// The app without its server: what the device keeps in IndexedDB (the outbox, the session
// as last answered; snapshots.js: the last state of each view watched) and the service
// worker that keeps the shell (sw.js). A reload while the server is away then draws the
// screens from their last state, marked as such, with the outbox still holding what waits.

const DB = 'rotonde';
const STORE = 'kv';
let opened = null;

function open() {
  if (opened) return opened;
  opened = new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => {
      const db = req.result;
      // A newer version of the app in another tab asks to upgrade: let it.
      db.onversionchange = () => {
        db.close();
        opened = null;
      };
      resolve(db);
    };
    req.onerror = () => reject(req.error);
  });
  opened.catch(() => {
    opened = null;  // asked again next time
  });
  return opened;
}

// One request in its own transaction; resolves once the transaction is committed.
async function run(mode, fn) {
  const db = await open();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, mode);
    const req = fn(tx.objectStore(STORE));
    tx.oncomplete = () => resolve(req.result);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

export const idb = {
  get: (key) => run('readonly', (s) => s.get(key)),
  set: (key, value) => run('readwrite', (s) => s.put(value, key)),
  del: (key) => run('readwrite', (s) => s.delete(key)),
  keys: () => run('readonly', (s) => s.getAllKeys()),
};

// Where there is no IndexedDB, or it will not open (Node's unit tests, a private window that
// withholds it), the outbox stays where it was before: in localStorage. `legacy` tells the
// outbox not to move it away.
const local = {
  legacy: true,
  get: async (key) => JSON.parse(localStorage.getItem(key) || 'null'),
  set: async (key, value) => localStorage.setItem(key, JSON.stringify(value)),
};

export async function deviceStore() {
  try {
    await open();
    return idb;
  } catch {
    return local;
  }
}

export const has = () => typeof indexedDB !== 'undefined';

// ---- the session as last answered --------------------------------------------------------

// Only who is signed in and their platforms: never the token (the cookie is HttpOnly and
// stays the browser's). One account per device: signing in as another replaces it.
export function saveSession(session) {
  if (!has()) return;
  if (!session) {
    idb.del('session').catch(() => {});
    return;
  }
  const {token, expiresAt, ...kept} = session;
  idb.set('session', kept).catch(() => {});
}

export async function savedSession() {
  if (!has()) return null;
  try {
    return (await idb.get('session')) || null;
  } catch {
    return null;
  }
}

// ---- the service worker --------------------------------------------------------------------

// Registered once the page has loaded and the first screen is drawn, so its copying of the
// shell (sw.js) does not compete with the first screen on a slow phone; most files are in
// the browser's cache by then and come back as 304s.
let registering = false;
export function registerWorker(afterMs) {
  if (registering || !('serviceWorker' in navigator)) return;
  registering = true;
  const go = () => setTimeout(() => navigator.serviceWorker.register('sw.js').catch(() => {}), afterMs);
  if (document.readyState === 'complete') go();
  else window.addEventListener('load', go, {once: true});
}
