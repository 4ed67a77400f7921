// The last state of each view watched, per account and platform, kept on the device
// (IndexedDB, offline.js) for a page that starts while the server is away. Loaded after the
// first screen: it only writes while the app runs, and reads only when the server is away.
import {idb, has} from './offline.js';

// Forgets what the device keeps of accounts: `account`'s, or every other's (`others`), so a
// shared phone never shows one neighbour's last state to the next. The outbox stays: its
// commands are still that account's to send when it signs in again.
export async function forgetViews(account, others = false) {
  if (!has()) return;
  try {
    for (const key of await idb.keys()) {
      const [kind, who] = String(key).split('|');
      if ((kind === 'view' || kind === 'seen') && (others ? who !== account : who === account)) await idb.del(key);
    }
  } catch {
    // Nothing kept, or nothing to forget.
  }
}

const WRITE_AFTER_MS = 1000;
const SEEN_EVERY_MS = 60000;

// Keeps the views of one account on one platform on the device as they change (at most once
// a second each), and when the page starts without its server, gives them back. A view's
// time is when it was last known current: when it last changed, or later if it was still
// watched, live, then (`seen`, noted every minute online and when the connection goes).
export class Snapshots {
  constructor(views, live, account, platform) {
    this.views = views;
    this.live = live;
    this.prefix = `${account}|${platform}|`;
    this.dirty = new Set();
    this.timer = null;
    this.offs = has() ? [
      views.onChange((name) => this.changed(name)),
      live.on('state', (s) => this.seen(s)),
    ] : [];
    this.seenTimer = has() && setInterval(() => this.seen(this.live.state), SEEN_EVERY_MS);
    // What came before this module did.
    for (const name of views.cache.keys()) this.changed(name);
  }

  changed(name) {
    const c = this.views.entry(name);
    if (!c || c.stale) return;
    this.dirty.add(name);
    this.timer ||= setTimeout(() => this.write(), WRITE_AFTER_MS);
  }

  write() {
    this.timer = null;
    for (const name of this.dirty) {
      const c = this.views.entry(name);
      if (c && !c.stale) {
        idb.set(`view|${this.prefix}${name}`, {name, params: c.params, data: c.data, position: c.position, at: c.at})
          .catch(() => {});
      }
    }
    this.dirty.clear();
  }

  // Online: the views watched now are current now. Called on leaving 'online' too: that is
  // the last moment they were.
  seen(state) {
    if (state !== 'online' && this.wasOnline !== true) return;
    this.wasOnline = state === 'online';
    const names = this.views.watched().filter((n) => {
      const c = this.views.entry(n);
      return c && !c.stale;
    });
    idb.set(`seen|${this.prefix}`, {at: Date.now(), names}).catch(() => {});
  }

  // The views as last kept, into the store, marked stale until the server sends them anew.
  async restore() {
    if (!has()) return;
    try {
      const keys = (await idb.keys()).filter((k) => String(k).startsWith(`view|${this.prefix}`));
      const seen = (await idb.get(`seen|${this.prefix}`)) || {names: []};
      for (const key of keys) {
        const s = await idb.get(key);
        if (!s) continue;
        const at = seen.names.includes(s.name) ? Math.max(s.at, seen.at) : s.at;
        this.views.seed(s.name, s.data, s.position, s.params, at);
      }
    } catch {
      // Nothing kept: the screens wait for the server.
    }
  }

  destroy() {
    if (this.timer) {
      clearTimeout(this.timer);
      this.write();
    }
    if (this.seenTimer) clearInterval(this.seenTimer);
    for (const off of this.offs) off();
  }
}
