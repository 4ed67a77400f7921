// The shell: session, platform, router, top bar, connection state, outbox and the live
// announcements. Screens live in screens/*.js and get a `ctx` with everything they use.
import {h, svg, setChildren} from './dom.js';
import {t, lang, setLang, onLangChange, initLang} from './i18n.js';
import {api, paths, ApiError} from './api.js';
import {Live, isTransient} from './live.js';
import {ViewStore} from './views.js';
import {updateScheduler, SHELL_VIEWS, viewsOf} from './updates.js';
import {fmtTimestamp, eventText, isClashNews} from './format.js';
import {loadScreen, prefetchScreens} from './screens/index.js';

const $ = (id) => document.getElementById(id);
const FEED_MAX = 200;
const BACKLOG_MAX = 500;
// A device that signed in before waits this long for "who am I" at start; then it starts
// from what it kept (a phone on a train's wifi that answers nothing).
const SESSION_WITHIN_MS = 8000;

const app = {
  session: null,
  platform: null,
  live: null,
  views: null,
  ctx: null,
  screen: null,
  route: null,
  feed: [],          // events since the last visit, newest last
  visitMark: 0,      // the position the person had seen when they last looked
  seenOnHome: 0,     // the newest position the home screen has shown
  offs: [],
  snapshots: null,   // the views kept on the device (snapshots.js)
  keeper: null,      // resolves to it, once loaded
  restored: false,   // started from what the device kept, the server away
};

// ---- storage ------------------------------------------------------------------------------

function store(key, value) {
  try {
    if (value === undefined) localStorage.removeItem(key);
    else localStorage.setItem(key, String(value));
  } catch {
    // Not remembered.
  }
}

function stored(key) {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function visitKey() {
  return `rotonde.visit.${app.session.account.id}.${app.platform.id}`;
}

// ---- routing ------------------------------------------------------------------------------

function parseRoute() {
  const hash = location.hash || '#/';
  if (!hash.startsWith('#/')) return null;
  const [pathPart, query] = hash.slice(2).split('?');
  const parts = pathPart.split('/').filter(Boolean).map(decodeURIComponent);
  return {parts, query: new URLSearchParams(query || '')};
}

export function navigate(hash) {
  if (location.hash === hash) render();
  else location.hash = hash;
}

function pickScreen(route) {
  const [a, b] = route.parts;
  if (a === 'invite' && b) return {name: 'invite', params: {token: b}};
  // A resident's proposal: the public form and its status, without a session.
  if (a === 'p' && b && route.parts[2] === 'voorstel') {
    return {name: route.parts[3] ? 'voorstel-status' : 'voorstel', params: {platform: b, id: route.parts[3]}};
  }
  // The link at the foot of a notification mail: works without a session.
  if (a === 'afmelden' && b) return {name: 'unsubscribe', params: {token: b}};
  if (!app.session) return {name: 'login', params: {}};
  switch (a) {
    case undefined:
    case 'rotonde':
    case 'login':
      return {name: 'home', params: {}};
    case 'initiatives':
      // ?from= and ?edit=: a refused command from the outbox, to put right (renderOutbox).
      if (b === 'new') {
        return {name: 'propose', params: {proposal: route.query.get('proposal') || undefined,
          from: route.query.get('from') || undefined}};
      }
      if (b) return {name: 'initiative', params: {id: b, edit: route.query.get('edit') || undefined}};
      return {name: 'initiatives', params: {}};
    case 'calendar':
    case 'tasks':
    case 'meetings':
    case 'budget':
    case 'members':
    case 'proposals':
    case 'audit':
    case 'inbox':
      return {name: a, params: {}};
    case 'meldingen':
      return {name: 'mail-settings', params: {}};
    case 'gegevens':
      return app.platform ? {name: 'my-data', params: {}} : {name: 'not-found', params: {}};
    default:
      return {name: 'not-found', params: {}};
  }
}

// A link into a platform (a notification mail's): #/p/<platform>/<rest> is #/<rest> on that
// platform. Signed in (the sign-in form keeps the link in the address bar until then), it
// switches to that platform if the account is a member, then shows #/<rest>. True when it
// took the route over.
function isDeepLink(route) {
  return route.parts[0] === 'p' && route.parts.length >= 2 && route.parts[2] !== 'voorstel';
}

function deepLink(route) {
  if (!isDeepLink(route)) return false;
  const [, id, ...rest] = route.parts;
  const query = route.query.toString();
  const target = `#/${rest.map(encodeURIComponent).join('/')}${query ? `?${query}` : ''}`;
  const member = (app.session.platforms || []).find((p) => p.id === id);
  if (!member) {
    renderSeq += 1;
    unmountScreen();
    renderShell();
    setChildren($('main'), h('h1', {tabindex: '-1'}, t('notMember.title')), h('p', null, t('notMember.body')),
      h('p', null, h('a', {href: '#/'}, t('notFound.home'))));
    document.title = `${t('notMember.title')} · Rotonde`;
    return true;
  }
  history.replaceState(null, '', target);
  if (!app.platform || app.platform.id !== id) choosePlatform(id);
  else render();
  return true;
}

function unmountScreen() {
  const cur = app.screen;
  app.screen = null;
  if (!cur) return;
  for (const release of cur.releases) release();
  if (cur.instance && cur.instance.destroy) cur.instance.destroy();
}

let renderSeq = 0;
async function render() {
  const route = parseRoute();
  if (!route) return;  // "#main" from the skip link: not a route
  if (app.session && deepLink(route)) return;
  const seq = ++renderSeq;
  const {name, params} = pickScreen(route);
  let screen;
  try {
    screen = await loadScreen(name);
  } catch {
    toast(t('err.network'), 'error');
    return;
  }
  if (seq !== renderSeq) return;  // another navigation came first
  unmountScreen();
  if (onPublic() !== app.pub) renderShell();
  const main = $('main');
  main.replaceChildren();
  main.className = `screen-${screen.id}`;
  const releases = [];
  if (app.views && screen.needs) {
    for (const need of screen.needs(params, app.ctx)) {
      const [name, p] = Array.isArray(need) ? need : [need, {}];
      releases.push(app.views.want(name, p));
    }
  }
  const instance = screen.mount(main, app.ctx || baseCtx(), params, route.query);
  app.screen = {def: screen, instance, releases, params, ctx: app.ctx};
  updateNav(screen.id);
  document.title = `${screen.title ? screen.title(app.ctx) : ''} · Rotonde`;
  if (instance && instance.update) instance.update();
  renderOffline();
  // Screen readers hear the new screen's heading; keyboard users start there.
  const heading = main.querySelector('h1');
  if (heading && app.route !== null) {
    heading.tabIndex = -1;
    heading.focus({preventScroll: false});
  }
  app.route = route;
}

const scheduleUpdate = updateScheduler(() => app.screen);

// ---- the shell ----------------------------------------------------------------------------

const NAV = [
  ['home', '#/', 'nav.home'],
  ['initiatives', '#/initiatives', 'nav.initiatives'],
  ['calendar', '#/calendar', 'nav.calendar'],
  ['tasks', '#/tasks', 'nav.tasks'],
  ['meetings', '#/meetings', 'nav.meetings'],
  ['budget', '#/budget', 'nav.budget'],
  ['members', '#/members', 'nav.members'],
  ['proposals', '#/proposals', 'nav.proposals'],
  ['audit', '#/audit', 'nav.audit'],
];

// A public page (#/p/...): the platform's name, no member controls.
function onPublic() {
  const r = parseRoute();
  return Boolean(r && r.parts[0] === 'p' && !isDeepLink(r));
}

function renderShell() {
  const pub = app.pub = onPublic();
  document.documentElement.lang = lang();
  $('skip').textContent = t('skip');
  $('nav').setAttribute('aria-label', t('nav.label'));
  $('outbox').setAttribute('aria-label', t('outbox.label'));
  $('platform-name').textContent = pub ? app.publicName || '' : app.platform ? app.platform.name : '';
  const tools = [];
  if (!pub && app.session && app.session.platforms.length > 1) {
    const select = h('select', {'aria-label': t('platform.choose'), class: 'platform-select',
      onChange: (e) => choosePlatform(e.target.value)},
    app.session.platforms.map((p) => h('option', {value: p.id, selected: p.id === app.platform.id}, p.name)));
    tools.push(select);
  }
  if (!pub && app.session) {
    // The account's own place: their data on this platform.
    tools.push(app.platform ? h('a', {class: 'who', href: '#/gegevens', 'data-nav': 'my-data',
      'aria-label': `${app.session.account.displayName}: ${t('priv.mine')}`}, app.session.account.displayName)
      : h('span', {class: 'who'}, app.session.account.displayName));
    if (app.platform) tools.push(bell());
  }
  tools.push(h('button', {type: 'button', class: 'link-button', lang: lang() === 'nl' ? 'en' : 'nl',
    'aria-label': t('lang.switchLabel'), onClick: () => setLang(lang() === 'nl' ? 'en' : 'nl')},
  t('lang.switch')));
  if (!pub && app.session) {
    tools.push(h('button', {type: 'button', class: 'link-button', onClick: signOut}, t('signout')));
  }
  setChildren($('tools'), tools);
  if (!pub && app.session && app.platform) {
    const current = app.screen ? app.screen.def.id : '';
    setChildren($('nav'), h('ul', null, NAV.map(([id, href, key]) => h('li', null,
      h('a', {href, 'data-nav': id, 'aria-current': id === current ? 'page' : false}, t(key),
        id === 'proposals' ? [' ', h('span', {id: 'nav-open', class: 'badge badge-mine', hidden: true})] : null)))));
    $('nav').hidden = false;
    renderOpen();
    renderBell();
  } else {
    $('nav').replaceChildren();
    $('nav').hidden = true;
  }
  renderConn();
  renderOutbox();
  renderOffline();
}

// The bell: the inbox's unread count, live (the shell watches the "inbox" view).
function bell() {
  return h('a', {href: '#/inbox', id: 'bell', class: 'bell', 'data-nav': 'inbox',
    'aria-current': app.screen && app.screen.def.id === 'inbox' ? 'page' : false},
  svg('svg', {class: 'bell-icon', viewBox: '0 0 24 24', 'aria-hidden': 'true', focusable: 'false'},
    svg('path', {d: 'M12 3a6 6 0 0 0-6 6v4l-2 3h16l-2-3V9a6 6 0 0 0-6-6zm-2 15a2 2 0 0 0 4 0'})),
  h('span', {id: 'bell-text'}, t('bell.name')));
}

let lastUnread = null;
function renderBell() {
  const el = $('bell');
  const v = app.views && app.views.get('inbox');
  const n = v ? Number(v.unread) || 0 : 0;
  if (v && lastUnread !== null && n > lastUnread) announce(t('bell.announce', {n: n - lastUnread}));
  lastUnread = v ? n : null;
  if (!el) return;
  el.dataset.unread = String(n);
  // Named "Meldingen, 3 ongelezen"; what shows ("Meldingen 3") is part of that name.
  el.setAttribute('aria-label', t('bell.label', {n}));
  setChildren($('bell-text'), t('bell.name'), n ? [' ', h('span', {class: 'bell-count', id: 'bell-count'}, String(n))] : null);
}

// How many residents' proposals wait for an answer, beside "Voorstellen".
function renderOpen() {
  const el = $('nav-open');
  const v = app.views && app.views.get('proposals');
  const n = v ? Number(v.open) || 0 : 0;
  if (!el) return;
  el.hidden = !n;
  el.replaceChildren(String(n), h('span', {class: 'sr-only'}, t('nav.proposalsOpen')));
}

function updateNav(id) {
  for (const a of document.querySelectorAll('#nav a[data-nav], #bell, #tools a.who')) {
    if (a.dataset.nav === id) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

function renderConn() {
  const el = $('conn');
  if (!app.live || app.pub) {
    el.textContent = '';
    el.className = 'conn';
    el.hidden = true;
    return;
  }
  el.hidden = false;
  const s = app.live.state;
  el.className = `conn conn-${s}`;
  el.dataset.state = s;
  el.dataset.position = String(app.live.lastPosition);
  el.textContent = t(`conn.${s}`);
}

function renderOutbox() {
  const box = $('outbox');
  const entries = app.live ? app.live.outbox.entries.filter((e) => e.platform === app.platform.id) : [];
  if (!entries.length) {
    box.hidden = true;
    box.replaceChildren();
    return;
  }
  box.hidden = false;
  const waiting = entries.filter((e) => e.state !== 'failed');
  const failed = entries.filter((e) => e.state === 'failed');
  const items = [];
  for (const e of entries) {
    const label = e.label ? t(e.label.key, e.label.vars) : t('outbox.command');
    const state = e.state === 'failed'
      ? t('outbox.failed', {reason: errorText(e.error || {})})
      : (app.live.state === 'online' ? t('outbox.sending') : t('outbox.waiting'));
    // Each button names its action in the panel's list by the command's own label.
    const labelId = `ob-${e.commandId}`;
    const button = (key, fk, onClick, hidden) => h('button', {type: 'button', 'data-fk': `${fk}-${e.commandId}`,
      'aria-describedby': labelId, onClick, hidden}, t(key));
    let actions;
    if (e.state !== 'failed') {
      actions = button('outbox.tryNow', 'now', () => app.live.retryNow(), app.live.state === 'online');
    } else if (isTransient((e.error || {}).code)) {
      actions = button('outbox.retry', 'retry', () => app.live.retry(e.commandId));
    } else {
      // Refused by the rules: the same command would be refused again. Put it right where it
      // was made, or let it go.
      actions = button('outbox.edit', 'edit', () => navigate(sourceOf(e)));
    }
    items.push(h('li', {class: `outbox-item outbox-${e.state}`, 'data-command-id': e.commandId},
      h('span', {class: 'outbox-label', id: labelId}, label),
      h('span', {class: 'outbox-state'}, state),
      h('span', {class: 'outbox-actions'}, actions,
        button('outbox.discard', 'discard', () => app.live.discard(e.commandId)))));
  }
  setChildren(box,
    h('h2', {class: 'outbox-title'}, failed.length
      ? t('outbox.titleFailed', {n: failed.length})
      : t('outbox.titleWaiting', {n: waiting.length})),
    h('ul', null, items));
}

// ---- refused commands: where they were made -------------------------------------------------

// The screen a refused command came from: its form filled in with the command's values where
// the screen can (proposing or editing an initiative), else the thing it is about.
function sourceOf(entry) {
  const c = entry.command || {};
  const [type, body] = Object.entries(c).find(([, v]) => v && typeof v === 'object') || ['', {}];
  const enc = encodeURIComponent;
  if (type === 'proposeInitiative') return `#/initiatives/new?from=${enc(entry.commandId)}`;
  if (type === 'updateInitiative') return `#/initiatives/${enc(body.initiativeId)}?edit=${enc(entry.commandId)}`;
  if (body.clashId) return '#/';
  if (body.taskId) return '#/tasks';
  if (body.meetingId || /Meeting/.test(type)) return '#/meetings';
  if (body.proposalId) return '#/proposals';
  if (/Spending|Expense|Budget|Overhead/.test(type)) return '#/budget';
  if (body.initiativeId) return `#/initiatives/${enc(body.initiativeId)}`;
  if (body.memberId || /Member|Role|Platform/.test(type)) return '#/members';
  return '#/';
}

// ---- the last known state, while the server is away ---------------------------------------

// Above the screen, as long as a view it shows is the one the device kept (not yet the
// server's), or, with the server away, its own were never kept (a screen not opened here).
function renderOffline() {
  const el = $('offline-note');
  const cur = app.screen;
  let text = '';
  if (app.views && app.live && cur && !app.pub) {
    const shown = [...viewsOf(cur.def, cur.params, cur.ctx)];
    // What the screen is about, beyond the names and titles every screen has.
    const own = (cur.def.needs ? cur.def.needs(cur.params, cur.ctx) : []).map((n) => (Array.isArray(n) ? n[0] : n))
      .filter((n) => !SHELL_VIEWS.includes(n));
    const stale = shown.map((n) => app.views.entry(n)).filter((c) => c && c.stale);
    const away = app.live.state === 'offline' || app.live.state === 'reconnecting';
    const lacking = (names) => away && names.some((n) => !app.views.entry(n));
    if (own.length && own.every((n) => !app.views.entry(n)) && away && (app.restored || stale.length)) {
      text = t('offline.missing');
    } else if (stale.length) {
      text = t('offline.banner', {time: fmtTimestamp(Math.min(...stale.map((c) => c.at)))});
      if (lacking(shown)) text += ` ${t('offline.partly')}`;
    }
  }
  if (el.textContent !== text) el.textContent = text;
  el.hidden = !text;
}

let toastTimer = null;
export function toast(text, kind = 'info') {
  const el = $('toast');
  if (!text) {
    clearTimeout(toastTimer);
    el.className = 'toast';
    el.textContent = '';
    return;
  }
  el.className = `toast toast-${kind} toast-show`;
  el.textContent = text;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => {
    el.className = 'toast';
    el.textContent = '';
  }, kind === 'error' ? 8000 : 4000);
}

let announceQueue = [];
let announceTimer = null;
// Speaks live news to screen reader users, a few at a time, without flooding them.
export function announce(text) {
  announceQueue.push(text);
  if (announceTimer) return;
  announceTimer = setTimeout(() => {
    const el = $('announcer');
    const items = announceQueue.slice(-3);
    const more = announceQueue.length - items.length;
    announceQueue = [];
    announceTimer = null;
    el.textContent = items.join('. ') + (more > 0 ? `. ${t('announce.more', {n: more})}` : '');
  }, 800);
}

export function errorText(err) {
  const code = err.code || '';
  const key = `err.${code}`;
  const msg = t(key);
  if (msg !== key) {
    if (code === 'rate_limited' && err.details && err.details.retryAfterSeconds) {
      return t('err.rate_limited_wait', {s: err.details.retryAfterSeconds});
    }
    return msg;
  }
  return err.message || code || t('err.unknown');
}

// What the device keeps while the server is away (offline.js, snapshots.js): loaded after
// the first screen, which needs none of it.
const device = () => import('./offline.js');
const keeping = () => import('./snapshots.js');
const saveSession = (s) => device().then((m) => m.saveSession(s), () => {});
const registerWorker = (ms) => device().then((m) => m.registerWorker(ms), () => {});

// ---- the context screens get --------------------------------------------------------------

function baseCtx() {
  return {
    navigate,
    toast,
    announce,
    errorText,
    signedIn,
    session: app.session,
    // Why the person was signed out here (their account deleted), for the sign-in screen.
    signedOutNote: app.note,
    // A public page names its platform in the top bar.
    shellName(name) {
      app.publicName = name;
      if (app.pub) $('platform-name').textContent = name;
    },
  };
}

function makeCtx() {
  const role = app.platform.role;
  const views = app.views;
  const ctx = {
    ...baseCtx(),
    platform: app.platform,
    role,
    me: app.session.account.id,
    canWrite: role !== 'ROLE_AUDITOR',
    isCoordinator: role === 'ROLE_COORDINATOR' || role === 'ROLE_ADMIN',
    canVerify: role === 'ROLE_AUDITOR' || role === 'ROLE_ADMIN',
    views,
    live: app.live,
    feed: () => app.feed,
    visitMark: () => app.visitMark,
    markSeen(position) {
      app.seenOnHome = Math.max(app.seenOnHome, position);
    },
    markAllRead() {
      app.visitMark = app.live.lastPosition;
      app.seenOnHome = app.visitMark;
      store(visitKey(), app.visitMark);
      app.feed = [];
    },
    name(id) {
      if (!id) return '';
      if (id === 'system') return t('actor.system');
      const m = views.get('members');
      const found = m && m.members.find((x) => x.id === id);
      if (!found) return id;
      return found.erased ? t('priv.erased') : found.name;
    },
    initiative(id) {
      const b = views.get('board');
      return b ? b.initiatives.find((x) => x.id === id) : undefined;
    },
    // The person erases their own data on this platform: without an account then, signed
    // out here; else on with their other platforms. Resolves to a refusal's text, or null.
    async eraseSelf() {
      app.erasing = true;
      let res;
      try {
        res = await api.post(paths.erase(app.platform.id, 'me'));
      } catch (e) {
        return errorText(e);
      } finally {
        app.erasing = false;
      }
      if (res.accountDeleted) signedOutHere(t('priv.accountDeleted'));
      else afterErasure();
      return null;
    },
    // Runs a command: {sent, done}. Tells the person what happened, briefly; the outbox
    // panel holds what is waiting or refused. Resolves 'ok', 'queued' or 'failed'.
    async run(command, label) {
      const {sent, done} = app.live.command(command, label);
      if (!sent) {
        toast(t('toast.queued'));
        done.then(() => toast(t('toast.sentLater', {what: t(label.key, label.vars)})), () => {});
        return 'queued';
      }
      try {
        await done;
        announce(t('toast.done', {what: t(label.key, label.vars)}));
        return 'ok';
      } catch (e) {
        if (e.code !== 'discarded') toast(errorText(e), 'error');
        return 'failed';
      }
    },
  };
  ctx.lookups = {
    name: ctx.name,
    initiative: (id) => {
      const i = ctx.initiative(id);
      return i ? i.title : '';
    },
    task: (id) => {
      const v = views.get('tasks');
      const x = v && v.tasks.find((y) => y.id === id);
      return x ? x.title : '';
    },
    clash: (id) => {
      const v = views.get('clashes');
      return v && [...v.open, ...v.closed].find((y) => y.id === id);
    },
    meeting: (id) => {
      const v = views.get('meetings');
      const x = v && v.meetings.find((y) => y.id === id);
      return x ? x.title : '';
    },
    spending: (id) => {
      const v = views.get('budget');
      const x = v && v.spending.find((y) => y.id === id);
      return x ? x.purpose : '';
    },
  };
  ctx.eventText = (record) => eventText(record, ctx.lookups);
  ctx.when = (record) => fmtTimestamp(record.recordedAt);
  return ctx;
}

// ---- session ------------------------------------------------------------------------------

// justNow: the person signed in (or accepted an invite) on this page, so they go on to where
// they were headed.
// offline: `session` is the one the device kept, the server away (its views come from the
// device too, until the server is back).
export async function signedIn(session, justNow = false, offline = false) {
  stopLive();
  app.session = session;
  app.note = '';
  app.restored = offline;
  store('rotonde.signedIn', '1');
  if (!offline) {
    saveSession(session);
    keeping().then((m) => m.forgetViews(session.account.id, true), () => {});
  }
  if (!session.platforms || session.platforms.length === 0) {
    app.platform = null;
    renderShell();
    const main = $('main');
    setChildren(main, h('h1', null, t('noPlatform.title')), h('p', null, t('noPlatform.body')));
    return;
  }
  const want = stored('rotonde.platform');
  app.platform = session.platforms.find((p) => p.id === want) || session.platforms[0];
  // Offline, the head known at the last sign-in may be behind what was seen since.
  startLive(Math.max(Number(app.platform.position || 0), offline ? Number(stored(visitKey())) || 0 : 0));
  if (offline) await app.keeper.then((k) => k && k.restore(), () => {});
  renderShell();
  const route = parseRoute();
  if (route && (route.parts[0] === 'login' || (justNow && route.parts[0] === 'invite'))) {
    const after = stored('rotonde.after') || '#/';
    store('rotonde.after', undefined);
    if (location.hash !== after) {
      location.hash = after;  // hashchange renders
      return;
    }
  }
  render();
}

// Starts over on platform `id` from its current head (positions are each platform's own).
// `ended`: the server ended the platform's feed; a session gone with it is an account deleted.
async function choosePlatform(id, ended = false) {
  store('rotonde.platform', id);
  let session = app.session;
  let away = false;
  try {
    session = await api.get(paths.session);
  } catch (e) {
    // The session is gone (the account deleted, or it expired): signed out here.
    if (e.status === 401) {
      signedOutHere(t(ended ? 'priv.accountDeleted' : 'err.session_expired'));
      return;
    }
    // Offline: the head known from sign-in will do, and the views the device kept.
    away = e.status === 0;
  }
  if (ended) toast(t('toast.noLongerMember', {platform: app.platform.name || app.platform.id}), 'error');
  signedIn(session, false, away);
  // The feed ended and the platform left the session: if the account goes with the person's
  // data (erased), the session stops working a moment later.
  if (ended && !away && !(session.platforms || []).some((p) => p.id === id)) recheckGone(session, 3);
}

function recheckGone(session, tries) {
  setTimeout(async () => {
    if (app.session !== session) return;
    try {
      await api.get(paths.session);
    } catch (e) {
      if (e.status === 401 && app.session === session) {
        signedOutHere(t('priv.accountDeleted'));
        return;
      }
    }
    if (tries > 1) recheckGone(session, tries - 1);
  }, 1500);
}

function startLive(head) {
  const stamp = stored(visitKey());
  app.visitMark = stamp !== null && Number(stamp) <= head ? Number(stamp) : head;
  app.seenOnHome = app.visitMark;
  app.feed = [];
  const from = Math.max(app.visitMark, head - BACKLOG_MAX);
  app.live = new Live({platform: app.platform.id, accountId: app.session.account.id, from});
  app.views = new ViewStore(app.live, app.platform.id);
  app.ctx = makeCtx();
  const {live, views} = app;
  app.keeper = keeping().then((m) => (app.live === live
    ? (app.snapshots = new m.Snapshots(views, live, app.session.account.id, app.platform.id)) : null));
  app.offs = [
    app.live.on('state', (s) => {
      renderConn();
      renderOutbox();
      renderOffline();
      if (s === 'online' && app.restored) recheckSession();
    }),
    app.live.on('event', (record) => {
      app.feed.push(record);
      if (app.feed.length > FEED_MAX) app.feed.splice(0, app.feed.length - FEED_MAX);
      renderConn();
      if (app.live.caughtUp && record.actor !== app.ctx.me && isClashNews(record)) {
        announce(app.ctx.eventText(record));
      }
      if (app.screen && app.screen.instance && app.screen.instance.onEvent) {
        app.screen.instance.onEvent(record);
      }
    }),
    app.live.on('caughtUp', () => {
      if (app.screen && app.screen.instance && app.screen.instance.onEvent) {
        app.screen.instance.onEvent(null);
      }
    }),
    app.live.on('auth', () => {
      // The session stopped working: the account was deleted with the person's data, or
      // the session expired.
      if (erasedHere()) {
        signedOutHere(t('priv.accountDeleted'));
        return;
      }
      toast(t('err.session_expired'), 'error');
      saveSession(null);
      stopLive();
      store('rotonde.signedIn', undefined);
      app.session = null;
      renderShell();
      render();
    }),
    // The position we resume from is not in this server's log (it was rewritten or moved):
    // start over from its head.
    app.live.on('error', (m) => {
      if (/^(position_beyond_head|unknown_position)$/.test(m.code)) choosePlatform(app.platform.id);
      // Left or removed: the server ended this platform's feed. The session, asked again,
      // no longer lists it.
      if (m.code === 'platform_not_found' && !m.id && m.platform === app.platform.id) {
        if (app.erasing) return;  // the erasure's answer says what follows
        if (erasedHere()) {
          afterErasure();
          return;
        }
        choosePlatform(app.platform.id, true);
      }
    }),
    app.live.outbox.onChange(renderOutbox),
    app.live.on('sentLater', (entry) => {
      toast(t('toast.sentLater', {what: entry.label ? t(entry.label.key, entry.label.vars) : t('outbox.command')}));
    }),
    app.views.onChange(scheduleUpdate),
    app.views.onChange(renderOffline),
    app.views.onChange((name) => name === 'proposals' && renderOpen()),
    app.views.onChange((name) => name === 'inbox' && renderBell()),
  ];
  // Always kept: names and titles used everywhere, and the proposals waiting (the count in the menu).
  // And the account's own inbox on this platform: the bell's count.
  lastUnread = null;
  app.offs.push(...SHELL_VIEWS.map((name) => app.views.want(name)), app.views.want('proposals'),
    app.views.want('inbox'));
  app.live.start();
  // Then the service worker copies the shell, most of it from the browser's cache by now.
  const prefetch = setTimeout(() => prefetchScreens().then(() => registerWorker(0)), 3000);
  app.offs.push(() => clearTimeout(prefetch));
}

// Started from what the device kept: once the server is back, ask who is signed in, and start
// over if the platforms or roles changed meanwhile.
async function recheckSession() {
  app.restored = false;
  let fresh;
  try {
    fresh = await api.get(paths.session);
  } catch {
    return;  // the socket's own refusal signs out if the session is gone
  }
  saveSession(fresh);
  const roles = (s) => JSON.stringify(s.platforms.map((p) => [p.id, p.role]));
  if (roles(fresh) !== roles(app.session)) signedIn(fresh);
  else app.session = fresh;
}

// The members view says this account's data on the platform was erased.
function erasedHere() {
  const v = app.views && app.session && app.views.get('members');
  const me = v && v.members.find((m) => m.id === app.session.account.id);
  return Boolean(me && me.erased);
}

// This account's data on the platform was erased: with the account gone, signed out here;
// else on with its other platforms. Once, however many ways the page hears of it.
let erasureSeen = null;
function afterErasure() {
  if (erasureSeen) return erasureSeen;
  const name = app.platform ? app.platform.name || app.platform.id : '';
  erasureSeen = api.get(paths.session).then((fresh) => {
    toast(t('priv.erasedMine', {platform: name}));
    signedIn(fresh);
  }, (e) => {
    if (e.status === 401) signedOutHere(t('priv.accountDeleted'));
    else if (app.platform) choosePlatform(app.platform.id);
  }).finally(() => {
    erasureSeen = null;
  });
  return erasureSeen;
}

// Signed out on this device (the session is gone at the server), the sign-in screen saying
// why (`note`), at `hash` if given. What this account's screens showed leaves the device.
function signedOutHere(note, hash) {
  const gone = app.session && app.session.account.id;
  stopLive();
  saveSession(null);
  if (gone) keeping().then((m) => m.forgetViews(gone), () => {});
  store('rotonde.signedIn', undefined);
  app.session = null;
  app.platform = null;
  app.note = note;
  if (note) toast('');  // the note says it
  renderShell();
  if (hash) location.hash = hash;
  render();
}

function stopLive() {
  saveVisit();
  unmountScreen();
  for (const off of app.offs) off();
  app.offs = [];
  if (app.snapshots) app.snapshots.destroy();
  app.snapshots = null;
  if (app.views) app.views.destroy();
  if (app.live) app.live.stop();
  app.live = null;
  app.views = null;
  app.ctx = null;
}

function saveVisit() {
  if (app.session && app.platform && app.live) {
    store(visitKey(), Math.max(app.visitMark, app.seenOnHome));
    if (app.snapshots) app.snapshots.seen(app.live.state);
  }
}

async function signOut() {
  try {
    await api.del(paths.session);
  } catch {
    // Signed out here in any case.
  }
  signedOutHere('', '#/login');
}

async function boot() {
  await initLang();
  onLangChange(() => {
    renderShell();
    render();
  });
  $('skip').addEventListener('click', (e) => {
    e.preventDefault();
    $('main').focus();
  });
  window.addEventListener('hashchange', render);
  window.addEventListener('pagehide', saveVisit);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') saveVisit();
  });
  renderShell();
  const route = parseRoute();
  try {
    // Only a device that signed in before asks who is signed in: a first visit goes straight
    // to the sign-in form, without a request that can only answer "nobody".
    if (stored('rotonde.signedIn') !== '1') throw new ApiError(401, 'unauthenticated', '');
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), SESSION_WITHIN_MS);
    const session = await api.get(paths.session, ctl.signal).catch((e) => {
      throw e && e.name === 'AbortError' ? new ApiError(0, 'network', 'timeout') : e;
    }).finally(() => clearTimeout(timer));
    await signedIn(session);
  } catch (e) {
    // The server is away: the screens as this device last saw them, and its outbox.
    const kept = e instanceof ApiError && e.status === 0
      ? await device().then((m) => m.savedSession(), () => null) : null;
    if (kept && kept.account) {
      await signedIn(kept, false, true);
      return;
    }
    store('rotonde.signedIn', undefined);
    app.session = null;
    renderShell();
    if (!(e instanceof ApiError) || (e.status !== 401 && e.status !== 0)) {
      toast(errorText(e), 'error');
    }
    if (e instanceof ApiError && e.status === 0) toast(t('err.network'), 'error');
    // A link into a platform stays in the address bar and opens once signed in.
    if (route && !['invite', 'login', 'p', 'afmelden'].includes(route.parts[0])) {
      store('rotonde.after', location.hash);
    }
    render();
    // Not signed in (the sign-in form, a resident's public form): the shell is kept too.
    registerWorker(3000);
  }
}

boot();
