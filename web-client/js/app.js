// The shell: session, platform, router, top bar, connection state, outbox and the live
// announcements. Screens live in screens/*.js and get a `ctx` with everything they use.
import {h, setChildren} from './dom.js';
import {t, lang, setLang, onLangChange, initLang} from './i18n.js';
import {api, paths, ApiError} from './api.js';
import {Live} from './live.js';
import {ViewStore} from './views.js';
import {updateScheduler, SHELL_VIEWS} from './updates.js';
import {fmtTimestamp, eventText, isClashNews} from './format.js';
import {loadScreen, prefetchScreens} from './screens/index.js';

const $ = (id) => document.getElementById(id);
const FEED_MAX = 200;
const BACKLOG_MAX = 500;

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
  if (!app.session) return {name: 'login', params: {}};
  switch (a) {
    case undefined:
    case 'rotonde':
    case 'login':
      return {name: 'home', params: {}};
    case 'initiatives':
      if (b === 'new') return {name: 'propose', params: {proposal: route.query.get('proposal') || undefined}};
      if (b) return {name: 'initiative', params: {id: b}};
      return {name: 'initiatives', params: {}};
    case 'calendar':
    case 'tasks':
    case 'meetings':
    case 'budget':
    case 'members':
    case 'proposals':
    case 'audit':
      return {name: a, params: {}};
    default:
      return {name: 'not-found', params: {}};
  }
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
  return Boolean(r && r.parts[0] === 'p');
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
    tools.push(h('span', {class: 'who'}, app.session.account.displayName));
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
  } else {
    $('nav').replaceChildren();
    $('nav').hidden = true;
  }
  renderConn();
  renderOutbox();
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
  for (const a of $('nav').querySelectorAll('a[data-nav]')) {
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
    items.push(h('li', {class: `outbox-item outbox-${e.state}`, 'data-command-id': e.commandId},
      h('span', {class: 'outbox-label'}, label),
      h('span', {class: 'outbox-state'}, state),
      h('span', {class: 'outbox-actions'},
        e.state === 'failed'
          ? h('button', {type: 'button', 'data-fk': `retry-${e.commandId}`,
            onClick: () => app.live.retry(e.commandId)}, t('outbox.retry'))
          : h('button', {type: 'button', 'data-fk': `now-${e.commandId}`, onClick: () => app.live.retryNow(),
            hidden: app.live.state === 'online'}, t('outbox.tryNow')),
        h('button', {type: 'button', 'data-fk': `discard-${e.commandId}`,
          onClick: () => app.live.discard(e.commandId)}, t('outbox.discard')))));
  }
  setChildren(box,
    h('h2', {class: 'outbox-title'}, failed.length
      ? t('outbox.titleFailed', {n: failed.length})
      : t('outbox.titleWaiting', {n: waiting.length})),
    h('ul', null, items));
}

let toastTimer = null;
export function toast(text, kind = 'info') {
  const el = $('toast');
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

// ---- the context screens get --------------------------------------------------------------

function baseCtx() {
  return {
    navigate,
    toast,
    announce,
    errorText,
    signedIn,
    session: app.session,
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
      return found ? found.name : id;
    },
    initiative(id) {
      const b = views.get('board');
      return b ? b.initiatives.find((x) => x.id === id) : undefined;
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
export async function signedIn(session, justNow = false) {
  stopLive();
  app.session = session;
  store('rotonde.signedIn', '1');
  if (!session.platforms || session.platforms.length === 0) {
    app.platform = null;
    renderShell();
    const main = $('main');
    setChildren(main, h('h1', null, t('noPlatform.title')), h('p', null, t('noPlatform.body')));
    return;
  }
  const want = stored('rotonde.platform');
  app.platform = session.platforms.find((p) => p.id === want) || session.platforms[0];
  startLive(Number(app.platform.position || 0));
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
async function choosePlatform(id) {
  store('rotonde.platform', id);
  let session = app.session;
  try {
    session = await api.get(paths.session);
  } catch {
    // Offline: the head known from sign-in will do.
  }
  signedIn(session);
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
  app.offs = [
    app.live.on('state', () => {
      renderConn();
      renderOutbox();
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
      toast(t('err.session_expired'), 'error');
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
        toast(t('toast.noLongerMember', {platform: app.platform.name || app.platform.id}), 'error');
        choosePlatform(app.platform.id);
      }
    }),
    app.live.outbox.onChange(renderOutbox),
    app.live.on('sentLater', (entry) => {
      toast(t('toast.sentLater', {what: entry.label ? t(entry.label.key, entry.label.vars) : t('outbox.command')}));
    }),
    app.views.onChange(scheduleUpdate),
    app.views.onChange((name) => name === 'proposals' && renderOpen()),
  ];
  // Always kept: names and titles used everywhere, and the proposals waiting (the count in the menu).
  app.offs.push(...SHELL_VIEWS.map((name) => app.views.want(name)), app.views.want('proposals'));
  app.live.start();
  const prefetch = setTimeout(prefetchScreens, 3000);
  app.offs.push(() => clearTimeout(prefetch));
}

function stopLive() {
  saveVisit();
  unmountScreen();
  for (const off of app.offs) off();
  app.offs = [];
  if (app.views) app.views.destroy();
  if (app.live) app.live.stop();
  app.live = null;
  app.views = null;
  app.ctx = null;
}

function saveVisit() {
  if (app.session && app.platform && app.live) {
    store(visitKey(), Math.max(app.visitMark, app.seenOnHome));
  }
}

async function signOut() {
  try {
    await api.del(paths.session);
  } catch {
    // Signed out here in any case.
  }
  stopLive();
  store('rotonde.signedIn', undefined);
  app.session = null;
  app.platform = null;
  renderShell();
  location.hash = '#/login';
  render();
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
    const session = await api.get(paths.session);
    await signedIn(session);
  } catch (e) {
    store('rotonde.signedIn', undefined);
    app.session = null;
    renderShell();
    if (!(e instanceof ApiError) || (e.status !== 401 && e.status !== 0)) {
      toast(errorText(e), 'error');
    }
    if (e instanceof ApiError && e.status === 0) toast(t('err.network'), 'error');
    if (route && !['invite', 'login', 'p'].includes(route.parts[0])) {
      store('rotonde.after', location.hash);
    }
    render();
  }
}

boot();
