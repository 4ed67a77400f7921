// The one WebSocket (docs/api.md): events from the last processed position, the views on
// screen, commands via the outbox. After any reconnect (exponential backoff, jitter) it
// subscribes from that position and drops positions seen: nothing missed or doubled. A command
// keeps its commandId until answered and is re-sent with it: applied exactly once.

const PING_EVERY_MS = 20000;
const PONG_WITHIN_MS = 10000;
const OPEN_WITHIN_MS = 10000;
const BACKOFF_BASE_MS = 500;
const BACKOFF_MAX_MS = 30000;
// While away, /readyz is asked about this often (jittered by ±40 %): an answer costs the
// server next to nothing, so the page is back within a second of the server being
// ready, however far its WebSocket backoff has grown; a server still loading or draining
// says not ready, and a thousand pages do not all come back at once.
const PROBE_EVERY_MS = 700;
// Refusals worth sending again by themselves later; everything else is the user's to decide.
const TRANSIENT = new Set(['unavailable', 'rate_limited', 'network']);
export const isTransient = (code) => TRANSIENT.has(code);
const AUTH = new Set(['unauthenticated', 'session_expired']);

export class CommandError extends Error {
  constructor(code, message, details) {
    super(message || code);
    this.code = code;
    this.details = details || {};
  }
}

export class Live {
  // opts: {platform, accountId, from, url}
  constructor(opts) {
    this.platform = opts.platform;
    this.lastPosition = Number(opts.from || 0);
    this.lastHash = '';  // of the event at lastPosition, once one came: a resume names it
    this.url = opts.url || defaultUrl();
    this.outbox = new Outbox(`rotonde.outbox.${opts.accountId}`);
    // What waited on the device goes out as soon as it is read, if the socket is open by then.
    this.outbox.ready.then(() => this.flush());
    this.handlers = {};
    this.watches = new Map();  // view name -> {params, id}
    this.waiters = new Map();  // commandId -> {resolve, reject}
    this.state = 'connecting';
    this.caughtUp = false;
    this.attempt = 0;
    this.ws = null;
    this.stopped = false;
    this.timers = {};
    this.msgId = 0;
    this.onOnline = () => {
      this.attempt = 0;
      this.connectSoon(0);
    };
    this.onOffline = () => {
      clearTimeout(this.timers.probe);
      this.setState('offline');
      this.drop();
    };
    this.onVisible = () => {
      if (document.visibilityState !== 'visible') return;
      if (this.ws && this.ws.readyState === 1) this.ping();
      else if (!this.ws) this.retryNow();
    };
  }

  on(type, fn) {
    (this.handlers[type] ||= new Set()).add(fn);
    return () => this.handlers[type].delete(fn);
  }

  emit(type, arg) {
    for (const fn of this.handlers[type] || []) {
      try {
        fn(arg);
      } catch (e) {
        // A screen's bug must not stop the connection.
        console.warn('live handler failed', e);
      }
    }
  }

  setState(state) {
    if (this.state === state) return;
    this.state = state;
    this.emit('state', state);
  }

  start() {
    window.addEventListener('online', this.onOnline);
    window.addEventListener('offline', this.onOffline);
    document.addEventListener('visibilitychange', this.onVisible);
    if (navigator.onLine === false) this.setState('offline');
    else this.connect();
  }

  stop() {
    this.stopped = true;
    window.removeEventListener('online', this.onOnline);
    window.removeEventListener('offline', this.onOffline);
    document.removeEventListener('visibilitychange', this.onVisible);
    for (const k of Object.keys(this.timers)) clearTimeout(this.timers[k]);
    if (this.ws) {
      const ws = this.ws;
      this.ws = null;
      ws.close(1000);
    }
  }

  connect() {
    if (this.stopped) return;
    clearTimeout(this.timers.reconnect);
    if (this.ws) return;
    this.setState(this.attempt === 0 && this.state !== 'reconnecting' ? 'connecting' : 'reconnecting');
    let ws;
    try {
      ws = new WebSocket(this.url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    this.caughtUp = false;
    this.timers.open = setTimeout(() => {
      if (this.ws === ws && ws.readyState !== 1) this.drop();
    }, OPEN_WITHIN_MS);
    ws.addEventListener('open', () => {
      if (this.ws !== ws) return;
      clearTimeout(this.timers.open);
      this.attempt = 0;
      this.setState('online');
      this.emit('open');
      this.send({type: 'subscribe', platform: this.platform, from: this.lastPosition,
        ...(this.lastHash && {fromHash: this.lastHash})});
      for (const [view, w] of this.watches) this.sendWatch(view, w);
      this.flush();
      this.schedulePing();
    });
    ws.addEventListener('message', (ev) => {
      if (this.ws !== ws) return;
      this.alive();
      let msg;
      try {
        msg = JSON.parse(ev.data);
      } catch {
        return;
      }
      this.receive(msg);
    });
    ws.addEventListener('close', (ev) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.closed(ev.code);
    });
    ws.addEventListener('error', () => {
      // A close event follows; reconnecting is decided there.
    });
  }

  // Forgets the current socket (it may be dead without knowing it) and reconnects.
  drop() {
    const ws = this.ws;
    if (!ws) return;
    this.ws = null;
    try {
      ws.close(1000);
    } catch {
      // Already closing.
    }
    this.closed(1006);
  }

  closed(code) {
    clearTimeout(this.timers.ping);
    clearTimeout(this.timers.pong);
    clearTimeout(this.timers.open);
    this.outbox.requeueSent();
    if (this.stopped) return;
    if (code === 1008) {
      this.setState('offline');
      this.emit('auth', code);
      return;
    }
    this.scheduleReconnect();
  }

  scheduleReconnect() {
    if (this.stopped) return;
    // Offline as the browser says (now, or by its 'offline' event): its 'online' event
    // reconnects.
    const away = navigator.onLine === false || this.state === 'offline';
    this.setState(away ? 'offline' : 'reconnecting');
    if (away) return;
    const cap = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** this.attempt);
    this.attempt += 1;
    this.connectSoon(cap / 2 + Math.random() * (cap / 2));
    this.probeSoon();
  }

  // Asks /readyz until the server answers ready, then connects at once.
  probeSoon() {
    clearTimeout(this.timers.probe);
    this.timers.probe = setTimeout(async () => {
      // Offline (the browser said so): its 'online' event reconnects, not the probe.
      if (this.stopped || this.ws || this.state === 'offline' || navigator.onLine === false) return;
      try {
        const res = await fetch('/readyz', {cache: 'no-store'});
        if (res.ok && !this.stopped && !this.ws) {
          this.attempt = 0;
          this.connectSoon(0);
          return;
        }
      } catch {
        // Still away.
      }
      this.probeSoon();
    }, PROBE_EVERY_MS * (0.6 + Math.random() * 0.8));
  }

  connectSoon(ms) {
    clearTimeout(this.timers.reconnect);
    this.timers.reconnect = setTimeout(() => this.connect(), ms);
  }

  // "Now": a person asked to retry; skip the rest of the backoff.
  retryNow() {
    this.attempt = 0;
    if (!this.ws) this.connectSoon(0);
  }

  schedulePing() {
    clearTimeout(this.timers.ping);
    this.timers.ping = setTimeout(() => this.ping(), PING_EVERY_MS);
  }

  ping() {
    if (!this.send({type: 'ping', id: this.nextId('p')})) return;
    clearTimeout(this.timers.pong);
    this.timers.pong = setTimeout(() => this.drop(), PONG_WITHIN_MS);
  }

  alive() {
    clearTimeout(this.timers.pong);
    this.schedulePing();
  }

  nextId(prefix) {
    this.msgId += 1;
    return `${prefix}${this.msgId}`;
  }

  send(msg) {
    if (!this.ws || this.ws.readyState !== 1) return false;
    try {
      this.ws.send(JSON.stringify(msg));
      return true;
    } catch {
      return false;
    }
  }

  receive(msg) {
    switch (msg.type) {
      case 'subscribed':
        this.emit('subscribed', msg);
        break;
      case 'event':
        this.processEvent(msg.event, msg.position);
        break;
      case 'events':
        // A batch of events in one frame (the server may group a commit's events).
        for (const record of msg.events || []) this.processEvent(record, record.position);
        break;
      case 'caught_up':
        this.caughtUp = true;
        this.emit('caughtUp', msg);
        break;
      case 'view': {
        const w = this.watches.get(msg.view);
        if (!w || (msg.id && w.id && msg.id !== w.id)) break;  // an older watch's answer
        w.awaiting = false;
        this.emit('view', msg);
        break;
      }
      case 'patch': {
        // Until a watch's snapshot is in, patches belong to the previous watch.
        const w = this.watches.get(msg.view);
        if (w && !w.awaiting) this.emit('patch', msg);
        break;
      }
      case 'result':
        this.answered(msg.id, null, msg);
        break;
      case 'error': {
        if (msg.id && this.outbox.get(msg.id)) {
          this.answered(msg.id, msg, null);
          break;
        }
        // A watch the server refused: the view comes over HTTP instead (or shows the error).
        const watched = [...this.watches].find(([, w]) => w.id && w.id === msg.id);
        if (watched) {
          watched[1].awaiting = false;
          this.emit('watchError', {view: watched[0], error: msg});
        } else {
          this.emit('error', msg);
        }
        break;
      }
      default:
        break;
    }
  }

  processEvent(record, position) {
    if (!record) return;
    const pos = Number(position ?? record.position);
    if (!(pos > this.lastPosition)) return;  // seen already: resumed or repeated
    this.lastPosition = pos;
    this.lastHash = record.hash || '';
    this.emit('event', {...record, position: pos});
  }

  // Views: one watch per view name (a calendar watch carries its range).
  watch(view, params) {
    const w = {params: params || {}, id: this.nextId('w')};
    const old = this.watches.get(view);
    if (old && JSON.stringify(old.params) === JSON.stringify(w.params)) {
      return;
    }
    if (old) this.send({type: 'unwatch', platform: this.platform, view});
    this.watches.set(view, w);
    this.sendWatch(view, w);
  }

  // A fresh snapshot of a watched view (after a patch that did not fit).
  rewatch(view) {
    const old = this.watches.get(view);
    if (!old) return;
    const w = {params: old.params, id: this.nextId('w')};
    this.send({type: 'unwatch', platform: this.platform, view});
    this.watches.set(view, w);
    this.sendWatch(view, w);
  }

  unwatch(view) {
    if (!this.watches.delete(view)) return;
    this.send({type: 'unwatch', platform: this.platform, view});
  }

  sendWatch(view, w) {
    w.awaiting = true;
    this.send({type: 'watch', id: w.id, platform: this.platform, view, ...w.params});
  }

  // -> {commandId, sent (false: waits in the outbox), done (the result, or a CommandError)}.
  command(command, label) {
    const commandId = newCommandId();
    const entry = {commandId, platform: this.platform, command: {commandId, ...command},
      label: label || null, state: 'queued', at: Date.now()};
    this.outbox.add(entry);
    const done = new Promise((resolve, reject) => this.waiters.set(commandId, {resolve, reject}));
    done.catch(() => {});  // the caller may not listen; the outbox shows failures
    const sent = this.sendEntry(entry);
    return {commandId, sent, done};
  }

  sendEntry(entry) {
    const ok = this.send({type: 'command', id: entry.commandId, platform: entry.platform,
      command: entry.command});
    if (ok) this.outbox.set(entry.commandId, {state: 'sent'});
    return ok;
  }

  flush() {
    for (const e of this.outbox.entries) {
      if (e.state === 'queued' && e.platform === this.platform) this.sendEntry(e);
    }
  }

  answered(commandId, error, result) {
    const waiter = this.waiters.get(commandId);
    if (!error) {
      const entry = this.outbox.get(commandId);
      this.outbox.remove(commandId);
      this.waiters.delete(commandId);
      if (waiter) waiter.resolve(result);
      // Nobody on the page waits for a command re-sent after a reload or a retry: say so.
      else if (entry) this.emit('sentLater', entry);
      return;
    }
    if (TRANSIENT.has(error.code)) {
      this.outbox.set(commandId, {state: 'queued'});
      this.timers[`retry-${commandId}`] = setTimeout(() => {
        const e = this.outbox.get(commandId);
        if (e && e.state === 'queued') this.sendEntry(e);
      }, 3000 + Math.random() * 3000);
      return;
    }
    if (AUTH.has(error.code)) {
      this.outbox.set(commandId, {state: 'queued'});
      this.emit('auth', error.code);
      return;
    }
    this.outbox.set(commandId, {state: 'failed', error: {code: error.code, message: error.message}});
    this.waiters.delete(commandId);
    if (waiter) waiter.reject(new CommandError(error.code, error.message, error.details));
    this.emit('refused', {commandId, error});
  }

  // A refused command, tried again: a new commandId (the old one has its answer already).
  retry(commandId) {
    const e = this.outbox.get(commandId);
    if (!e) return;
    const fresh = newCommandId();
    this.outbox.set(commandId, {commandId: fresh, command: {...e.command, commandId: fresh},
      state: 'queued', error: null, at: Date.now()});
    const entry = this.outbox.get(fresh);
    if (entry) this.sendEntry(entry);
  }

  discard(commandId) {
    this.outbox.remove(commandId);
    const waiter = this.waiters.get(commandId);
    this.waiters.delete(commandId);
    if (waiter) waiter.reject(new CommandError('discarded', 'discarded'));
  }
}

function defaultUrl() {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/api/v1/ws`;
}

// Commands not yet answered, kept on the device (IndexedDB): sent when the connection is back
// with the same commandId (the server answers a repeat with its first outcome: exactly once).
// Entry {commandId, platform, command, label, state, error, at}; state 'queued' (not sent on
// this connection), 'sent' (awaiting the answer) or 'failed' (refused: retry or discard).

export function newCommandId() {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return `c-${Array.from(bytes, (b) => b.toString(36).padStart(2, '0')).join('')}`;
}

// Each key's writes, in order: a new Outbox for the same account (another platform chosen)
// reads only after the last one's writes are in.
const writes = new Map();

export class Outbox {
  // store: {get(key), set(key, value)} -> Promises; by default offline.js's (IndexedDB, else
  // localStorage), loaded after the first screen.
  constructor(storageKey, store = null) {
    this.key = storageKey;
    this.store = store;
    this.entries = [];
    this.listeners = new Set();
    this.loaded = false;
    this.dirty = false;
    // Resolves once what the device kept is in `entries`; until then the outbox works in
    // memory, and what is added meanwhile is kept beside it.
    this.ready = this.load();
  }

  async load() {
    let list = null;
    try {
      this.store ||= await (await import('./offline.js')).deviceStore();
      await writes.get(this.key);
      list = await this.store.get(this.key);
    } catch {
      // Storage blocked: the outbox still works for this page.
    }
    // Before IndexedDB the outbox lived in localStorage under the same key: moved over once,
    // so nothing queued before the upgrade is lost.
    let legacy = null;
    if (this.store && !this.store.legacy) {
      try {
        legacy = JSON.parse(localStorage.getItem(this.key) || 'null');
      } catch {
        legacy = null;
      }
    }
    const seen = new Set(this.entries.map((e) => e.commandId));
    const kept = [...(Array.isArray(list) ? list : []), ...(Array.isArray(legacy) ? legacy : [])]
      .filter((e) => e && e.commandId && !seen.has(e.commandId) && seen.add(e.commandId))
      // Whatever was in flight when the page went away is queued again.
      .map((e) => (e.state === 'sent' ? {...e, state: 'queued'} : e));
    this.entries = [...kept, ...this.entries];
    this.loaded = true;
    if (legacy || this.dirty) {
      if (await this.persist() && legacy) {
        try {
          localStorage.removeItem(this.key);
        } catch {
          // Read again next time; the entries are deduplicated by commandId.
        }
      }
    }
    this.notify();
  }

  onChange(fn) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  notify() {
    for (const fn of this.listeners) fn(this.entries);
  }

  // Writes the entries as they are now, after this key's earlier writes; true once stored.
  persist() {
    if (!this.store) return Promise.resolve(false);
    const snapshot = this.entries.map((e) => ({...e}));
    const done = (writes.get(this.key) || Promise.resolve())
      .then(() => this.store.set(this.key, snapshot)).then(() => true, () => false);
    writes.set(this.key, done);
    return done;
  }

  save() {
    // Not before what the device kept is read: it would be written over.
    if (this.loaded) this.persist();
    else this.dirty = true;
    this.notify();
  }

  get(commandId) {
    return this.entries.find((e) => e.commandId === commandId);
  }

  add(entry) {
    this.entries.push(entry);
    this.save();
  }

  set(commandId, changes) {
    const e = this.get(commandId);
    if (!e) return null;
    Object.assign(e, changes);
    this.save();
    return e;
  }

  remove(commandId) {
    const before = this.entries.length;
    this.entries = this.entries.filter((e) => e.commandId !== commandId);
    if (this.entries.length !== before) this.save();
  }

  // Sent but unanswered commands become queued again when a connection is lost.
  requeueSent() {
    let changed = false;
    for (const e of this.entries) {
      if (e.state === 'sent') {
        e.state = 'queued';
        changed = true;
      }
    }
    if (changed) this.save();
  }

  pending() {
    return this.entries.filter((e) => e.state !== 'failed');
  }
}
