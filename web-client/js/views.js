// The views on screen, kept current: a snapshot from `watch`, then RFC 6902 patches, each
// checked against the position it starts from. A patch that does not fit (a gap, or one that
// does not apply) asks for a fresh snapshot instead of guessing. While the socket is down,
// views come over HTTP so a screen is never empty for want of a connection. A view the device
// kept from an earlier visit (offline.js) may be seeded in, marked stale, when the page starts
// without its server; the server's next snapshot replaces it.

import {api, paths} from './api.js';

const UNWATCH_AFTER_MS = 15000;

export class ViewStore {
  constructor(live, platform) {
    this.live = live;
    this.platform = platform;
    this.cache = new Map();  // name -> {data, position, params, at (ms: last known current), stale}
    this.wants = new Map();  // name -> {count, params, timer}
    this.listeners = new Set();
    this.offs = [
      live.on('view', (m) => this.snapshot(m.view, m.data, Number(m.position))),
      live.on('patch', (m) => this.patch(m)),
      live.on('watchError', ({view}) => this.fetchIfMissing(view, true)),
      live.on('state', (s) => {
        if (s !== 'online') for (const name of this.wants.keys()) this.fetchIfMissing(name);
      }),
    ];
  }

  destroy() {
    for (const off of this.offs) off();
    for (const w of this.wants.values()) clearTimeout(w.timer);
  }

  onChange(fn) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  changed(name) {
    for (const fn of this.listeners) fn(name);
  }

  get(name) {
    const c = this.cache.get(name);
    return c ? c.data : undefined;
  }

  position(name) {
    const c = this.cache.get(name);
    return c ? c.position : 0;
  }

  entry(name) {
    return this.cache.get(name);
  }

  // The views kept live now.
  watched() {
    return [...this.wants.keys()];
  }

  // A view as the device kept it: shown until the server's own arrives, and never taken for it.
  seed(name, data, position, params, at) {
    const c = this.cache.get(name);
    const w = this.wants.get(name);
    if ((c && !c.stale) || (w && JSON.stringify(w.params) !== JSON.stringify(params || {}))) return;
    this.cache.set(name, {data, position, params: params || {}, at, stale: true});
    this.changed(name);
  }

  fresh(name) {
    const c = this.cache.get(name);
    return Boolean(c && !c.stale);
  }

  // Asks for `name` (with params for a calendar) to be kept live; returns the release.
  want(name, params = {}) {
    let w = this.wants.get(name);
    const same = w && JSON.stringify(w.params) === JSON.stringify(params);
    if (!w) {
      w = {count: 0, params, timer: null};
      this.wants.set(name, w);
    }
    clearTimeout(w.timer);
    w.count += 1;
    if (!same) {
      w.params = params;
      const c = this.cache.get(name);
      if (c && JSON.stringify(c.params) !== JSON.stringify(params)) this.cache.delete(name);
    }
    this.live.watch(name, params);
    this.fetchIfMissing(name);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      w.count -= 1;
      if (w.count > 0) return;
      w.timer = setTimeout(() => {
        if (w.count > 0) return;
        this.wants.delete(name);
        this.live.unwatch(name);
      }, UNWATCH_AFTER_MS);
    };
  }

  fetchIfMissing(name, watchFailed = false) {
    const w = this.wants.get(name);
    if (!w || this.fresh(name) || w.fetching) return;
    if (this.live.state === 'online' && !watchFailed) return;  // the watch's snapshot is on its way
    if (navigator.onLine === false) return;  // the 'online' event brings the socket back
    w.fetching = true;
    const params = w.params;
    api.get(paths.view(this.platform, name, params)).then((res) => {
      w.fetching = false;
      const cur = this.wants.get(name);
      if (!cur || JSON.stringify(cur.params) !== JSON.stringify(params)) return;
      if (this.fresh(name)) return;  // a snapshot came first
      this.snapshot(name, res.view, Number(res.position), params);
    }, () => {
      w.fetching = false;
    });
  }

  snapshot(name, data, position, params) {
    const w = this.wants.get(name);
    this.cache.set(name, {data, position, params: params || (w ? w.params : {}), at: Date.now()});
    this.changed(name);
  }

  patch(m) {
    const c = this.cache.get(m.view);
    if (!c || c.stale) {
      this.live.rewatch(m.view);
      return;
    }
    const from = Number(m.from);
    const to = Number(m.position);
    // Already there; a patch from a position to itself changes what the log does not hold
    // (an inbox's read marks).
    if (to < c.position || (to === c.position && from !== c.position)) return;
    if (from !== c.position) {
      this.live.rewatch(m.view);
      return;
    }
    try {
      c.data = applyPatch(c.data, m.patch || []);
      c.position = to;
      c.at = Date.now();
    } catch {
      this.live.rewatch(m.view);
      return;
    }
    this.changed(m.view);
  }
}

// RFC 6902 JSON Patch (the ops the server sends: add, remove, replace) with RFC 6901
// pointers. applyPatch returns a new document and leaves `doc` untouched, so a patch that
// does not apply changes nothing; it throws PatchError then.

export class PatchError extends Error {}

function unescape(token) {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

function parsePointer(pointer) {
  if (pointer === '') return [];
  if (pointer[0] !== '/') throw new PatchError(`bad pointer ${pointer}`);
  return pointer.slice(1).split('/').map(unescape);
}

function arrayIndex(arr, token, forAdd) {
  if (forAdd && token === '-') return arr.length;
  if (!/^(0|[1-9]\d*)$/.test(token)) throw new PatchError(`bad index ${token}`);
  const i = Number(token);
  if (i > arr.length || (!forAdd && i === arr.length)) throw new PatchError(`index ${i} out of range`);
  return i;
}

function isContainer(x) {
  return x !== null && typeof x === 'object';
}

export function applyPatch(doc, ops) {
  let root = structuredClone(doc);
  for (const op of ops) {
    const path = parsePointer(op.path);
    if (path.length === 0) {
      if (op.op === 'remove') throw new PatchError('cannot remove the root');
      root = structuredClone(op.value);
      continue;
    }
    let parent = root;
    for (const token of path.slice(0, -1)) {
      if (!isContainer(parent)) throw new PatchError(`no parent at ${op.path}`);
      parent = Array.isArray(parent) ? parent[arrayIndex(parent, token, false)] : parent[token];
      if (parent === undefined) throw new PatchError(`missing ${op.path}`);
    }
    if (!isContainer(parent)) throw new PatchError(`no parent at ${op.path}`);
    const last = path[path.length - 1];
    const value = op.value === undefined ? undefined : structuredClone(op.value);
    if (Array.isArray(parent)) {
      if (op.op === 'add') parent.splice(arrayIndex(parent, last, true), 0, value);
      else if (op.op === 'remove') parent.splice(arrayIndex(parent, last, false), 1);
      else if (op.op === 'replace') parent[arrayIndex(parent, last, false)] = value;
      else throw new PatchError(`unsupported op ${op.op}`);
    } else {
      const has = Object.prototype.hasOwnProperty.call(parent, last);
      if (op.op === 'add') parent[last] = value;
      else if (op.op === 'remove' || op.op === 'replace') {
        if (!has) throw new PatchError(`missing ${op.path}`);
        if (op.op === 'remove') delete parent[last];
        else parent[last] = value;
      } else throw new PatchError(`unsupported op ${op.op}`);
    }
  }
  return root;
}
