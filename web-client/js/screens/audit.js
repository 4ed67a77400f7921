// The auditor's screen: whether the log's hash chain holds (checked on opening, in this
// browser, against the server's signed checkpoint), any view as it was at any position
// (replay, drawn by the screens' own code), the whole event log newest first, filtered, and
// an export of the log as NDJSON.
import {h, add, setChildren, patchList} from '../dom.js';
import {t, lang} from '../i18n.js';
import {api, paths, fetchEvents} from '../api.js';
import {fmtTimestamp, eventType, eventTypeName} from '../format.js';
import {actionButton, eventLine} from './common.js';
import {drawClashes, figureList} from './home.js';
import {initiativeCards} from './initiatives.js';
import {taskLists} from './tasks.js';
import {meetingList} from './meetings.js';
import {budgetBooks} from './budget.js';
import {memberList} from './members.js';

export const id = 'audit';
export const title = () => t('audit.title');
// The log's sentences name tasks, meetings, spending and clashes: their views, beside the
// shell's names and titles.
export const needs = () => ['tasks', 'meetings', 'budget', 'clashes'];

const PAGE = 200;

// Each view as its own screen draws it: the views that drawing reads, and the drawing.
const body = (part) => {
  part.update();
  return part.el;
};
const REPLAY = {
  board: [['board'], (c) => initiativeCards(h('ul', {class: 'cards'}), c.views.get('board').initiatives, c)],
  clashes: [['clashes', 'board'], (c) => {
    const state = h('div');
    const list = h('ul', {class: 'cards clash-list'});
    drawClashes(state, list, c);
    return [state, list];
  }],
  tasks: [['tasks', 'board'], (c) => body(taskLists(c))],
  meetings: [['meetings'], (c) => body(meetingList(c))],
  budget: [['budget', 'board'], (c) => body(budgetBooks(c))],
  members: [['members'], (c) => body(memberList(c))],
  figures: [['figures'], (c) => figureList(c.views.get('figures'))],
};

// A replay's context: the views as they were, nothing to do in them and nothing of anyone's
// own (no forms, no "mine"); names as they are now.
function asOf(ctx, views) {
  const c = {...ctx, me: null, canWrite: false, isCoordinator: false, views: {get: (name) => views[name]}};
  c.initiative = (iid) => (views.board ? views.board.initiatives.find((x) => x.id === iid) : undefined);
  c.lookups = {...ctx.lookups, initiative: (iid) => (c.initiative(iid) || {}).title || ''};
  return c;
}

export function mount(root, ctx) {
  const pid = ctx.platform.id;
  // The loaded part of the log, oldest first: every event after position `low` (null before
  // the first page) up to the newest.
  const log = {events: [], low: null, head: 0};
  let early = [];  // live events that came before the first page
  const filters = {who: '', type: '', from: '', to: '', entity: ''};

  // --- verify: the check in this browser (check-log.js, with verify.js), loaded only for
  // those who may verify
  const verifyBox = h('div');
  let panel = null;
  let gone = false;
  let badAt = null;  // the first bad position, marked in the log
  async function verify() {
    try {
      if (!panel) {
        const {checkPanel} = await import('../check-log.js');
        if (gone) return;
        panel = checkPanel(ctx, {show: showBad, onBad(pos) {
          badAt = pos;
          renderLog();
        }});
        setChildren(verifyBox, panel.el);
      }
      await panel.run();
    } catch (e) {
      setChildren(verifyBox, h('p', {class: 'form-error'}, ctx.errorText(e)));
    }
  }
  // The first bad position's row: the log loaded down to it, opened and focused.
  async function showBad(pos) {
    filters.who = filters.type = filters.from = filters.to = filters.entity = '';
    for (const el of [whoSel, typeSel, fromIn, toIn, entityIn]) el.value = '';
    for (let i = 0; i < 1000 && (log.low === null || log.low >= pos); i += 1) if (!(await loadPage())) return;
    renderLog();
    const li = logList.querySelector(`li[data-position="${pos}"]`);
    if (!li) return;
    li.querySelector('details').open = true;
    li.scrollIntoView({block: 'center'});
    li.querySelector('summary').focus({preventScroll: true});
  }
  const verifyBtn = actionButton(t('audit.verifyAgain'), verify, {fk: 'verify', class: 'btn btn-secondary'});

  // --- export
  const exportBox = h('div', {role: 'status'});
  const exportBtn = actionButton(t('audit.export'), async () => {
    setChildren(exportBox, t('audit.exporting'));
    try {
      const lines = [];
      let from = 0;
      for (let i = 0; i < 1000; i += 1) {
        const page = await fetchEvents(pid, from, 10000);
        lines.push(...page.raw);
        if (!page.events.length || page.next === null || page.next <= from) break;
        from = page.next;
        setChildren(exportBox, t('audit.exportingN', {n: lines.length}));
      }
      const blob = new Blob([lines.join('\n') + (lines.length ? '\n' : '')], {type: 'application/x-ndjson'});
      const url = URL.createObjectURL(blob);
      const a = h('a', {href: url, download: `${pid}-events.ndjson`, class: 'btn btn-secondary', id: 'export-link'},
        t('audit.exportSave', {n: lines.length}));
      setChildren(exportBox, a);
      a.click();
    } catch (e) {
      setChildren(exportBox, h('span', {class: 'form-error'}, ctx.errorText(e)));
    }
  }, {fk: 'export', class: 'btn btn-secondary'});

  // --- replay: a view as of position P
  const scrubRange = h('input', {type: 'range', id: 'scrub-range', min: 1, max: 1, value: 1, step: 1});
  const scrubNumber = h('input', {type: 'number', id: 'scrub-pos', min: 1, value: 1, inputmode: 'numeric', class: 'pos-input'});
  const scrubView = h('select', {id: 'scrub-view'}, Object.keys(REPLAY).map((v) => h('option', {value: v}, t(`view.${v}`))));
  const asOfLine = h('p', {class: 'as-of', id: 'scrub-as-of', role: 'status'});
  // The replay scrolls in a window of its own: the controls stay in sight, and the log below
  // stays within reach on a phone. Focusable, so the keyboard scrolls it too.
  const scrubOut = h('div', {class: 'scrub-out', id: 'scrub-out', tabindex: '0', role: 'region',
    'aria-labelledby': 'scrub-as-of'});
  let scrubTimer = null;
  let scrubSeq = 0;
  function scrubTo(pos, now = false) {
    const p = Math.max(1, Math.floor(Number(pos) || 1));
    scrubRange.value = String(p);
    scrubNumber.value = String(p);
    clearTimeout(scrubTimer);
    scrubTimer = setTimeout(() => loadScrub(p), now ? 0 : 250);
  }
  async function loadScrub(p) {
    const seq = ++scrubSeq;
    const name = scrubView.value;
    const [names, draw] = REPLAY[name];
    asOfLine.textContent = t('loading');
    try {
      // The views it draws from, and the event at P for its time.
      const [at, ...res] = await Promise.all([fetchEvents(pid, p - 1, 1),
        ...names.map((n) => api.get(paths.view(pid, n, {at: p})))]);
      if (seq !== scrubSeq) return;
      const views = {};
      names.forEach((n, i) => { views[n] = res[i].view; });
      const e = at.events.find((x) => Number(x.position) === p);
      scrubOut.dataset.at = String(p);
      scrubOut.dataset.view = name;
      setChildren(asOfLine, h('strong', null, t('audit.asOf', {pos: p})),
        e ? [' · ', h('time', {datetime: e.recordedAt}, fmtTimestamp(e.recordedAt))] : null);
      setChildren(scrubOut, draw(asOf(ctx, views)));
      // Its headings sit under this section's: one level lower for a screen reader, the
      // same to the eye.
      for (const x of scrubOut.querySelectorAll('h2, h3')) x.setAttribute('aria-level', Number(x.tagName[1]) + 1);
    } catch (e) {
      if (seq !== scrubSeq) return;
      asOfLine.textContent = '';
      setChildren(scrubOut, h('p', {class: 'form-error'}, ctx.errorText(e)));
    }
  }
  scrubRange.addEventListener('input', () => scrubTo(scrubRange.value));
  scrubNumber.addEventListener('change', () => scrubTo(scrubNumber.value, true));
  scrubView.addEventListener('change', () => scrubTo(scrubNumber.value, true));

  // --- the log
  const whoSel = h('select', {id: 'f-who'});
  const typeSel = h('select', {id: 'f-type'});
  const fromIn = h('input', {type: 'date', id: 'f-from'});
  const toIn = h('input', {type: 'date', id: 'f-to'});
  const entityIn = h('input', {type: 'search', id: 'f-entity', autocomplete: 'off'});
  const logList = h('ol', {class: 'event-log', id: 'event-log'});
  const logState = h('p', {class: 'meta', role: 'status'});
  const more = actionButton(t('audit.more'), () => loadPage(), {fk: 'more', class: 'btn btn-secondary'});
  const all = actionButton(t('audit.all'), async () => {
    for (let i = 0; i < 1000 && log.low !== 0; i += 1) if (!(await loadPage())) break;
  }, {fk: 'all', class: 'btn btn-secondary'});
  for (const [el, key] of [[whoSel, 'who'], [typeSel, 'type'], [fromIn, 'from'], [toIn, 'to'], [entityIn, 'entity']]) {
    el.addEventListener(el.type === 'search' ? 'input' : 'change', () => {
      filters[key] = el.value.trim();
      renderLog();
    });
  }

  add(root,
    h('h1', null, t('audit.title')),
    h('p', {class: 'lead'}, t('audit.lead')),
    ctx.canVerify ? h('section', {'aria-labelledby': 'h-verify'}, h('h2', {id: 'h-verify'}, t('audit.chain')),
      verifyBox, h('div', {class: 'actions'}, verifyBtn)) : null,
    h('section', {'aria-labelledby': 'h-scrub'}, h('h2', {id: 'h-scrub'}, t('audit.scrub')),
      h('p', {class: 'hint'}, t('audit.scrubHint')),
      h('div', {class: 'scrub-controls'},
        h('div', {class: 'field'}, h('label', {for: 'scrub-view'}, t('audit.view')), scrubView),
        h('div', {class: 'field field-grow'}, h('label', {for: 'scrub-range'}, t('audit.position')), scrubRange),
        h('div', {class: 'field'}, h('label', {for: 'scrub-pos'}, t('audit.positionNumber')), scrubNumber)),
      h('div', {class: 'replay'}, asOfLine, scrubOut)),
    h('section', {'aria-labelledby': 'h-export'}, h('h2', {id: 'h-export'}, t('audit.exportTitle')),
      h('p', {class: 'hint'}, t('audit.exportHint')), h('div', {class: 'actions'}, exportBtn), exportBox),
    h('section', {'aria-labelledby': 'h-log'}, h('h2', {id: 'h-log'}, t('audit.log')),
      h('div', {class: 'filters'},
        h('div', {class: 'field'}, h('label', {for: 'f-who'}, t('audit.who')), whoSel),
        h('div', {class: 'field'}, h('label', {for: 'f-type'}, t('audit.what')), typeSel),
        h('div', {class: 'field'}, h('label', {for: 'f-from'}, t('audit.from')), fromIn),
        h('div', {class: 'field'}, h('label', {for: 'f-to'}, t('audit.to')), toIn),
        h('div', {class: 'field'}, h('label', {for: 'f-entity'}, t('audit.entity')), entityIn)),
      logState, logList, h('div', {class: 'actions'}, more, all)));

  // Into the loaded part, by position: a page, or a live event; none twice.
  function merge(records) {
    const byPos = new Map(log.events.map((e) => [e.position, e]));
    for (const r of records) byPos.set(Number(r.position), {...r, position: Number(r.position)});
    log.events = [...byPos.values()].sort((a, b) => a.position - b.position);
    for (const e of records) log.head = Math.max(log.head, Number(e.position));
  }

  // One page at a time: a second call while a page is on its way waits for that page.
  // Resolves false when the page could not be read.
  let inflight = null;
  function loadPage() {
    if (log.low === 0) return Promise.resolve(true);
    if (!inflight) inflight = readPage().finally(() => { inflight = null; });
    return inflight;
  }

  // The newest page first (the feed's last line names the newest position), then each time
  // the page before: positions are gap-free, so it starts PAGE positions earlier.
  async function readPage() {
    try {
      let to = log.low;
      if (to === null) to = (await fetchEvents(pid, 0, 1)).head || 0;
      const from = Math.max(0, to - PAGE);
      if (to > from) {
        const page = await fetchEvents(pid, from, to - from);
        merge(page.events);
        log.head = Math.max(log.head, page.head || 0);
      }
      if (early) merge(early.filter((e) => Number(e.position) > from));
      early = null;
      log.low = from;
      setHead(log.head);
      renderFilters();
      renderLog();
      return true;
    } catch (e) {
      setChildren(logState, h('span', {class: 'form-error'}, ctx.errorText(e)));
      return false;
    }
  }

  let head = 0;
  function setHead(p) {
    if (!p || p <= head) return;
    const atEnd = Number(scrubRange.value) >= head;
    head = p;
    scrubRange.max = String(p);
    scrubNumber.max = String(p);
    if (atEnd) scrubTo(p, true);
  }

  function renderFilters() {
    const options = (list, name, now) => [...new Set(list)].filter(Boolean).map((x) => [x, name(x)])
      .sort((a, b) => a[1].localeCompare(b[1], lang())).map(([x, text]) => h('option', {value: x, selected: x === now}, text));
    setChildren(whoSel, h('option', {value: ''}, t('audit.anyone')), options(log.events.map((e) => e.actor), ctx.name, filters.who));
    setChildren(typeSel, h('option', {value: ''}, t('audit.anything')), options(log.events.map(eventType), eventTypeName, filters.type));
  }

  function matches(e) {
    if (filters.who && e.actor !== filters.who) return false;
    if (filters.type && eventType(e) !== filters.type) return false;
    const day = amsterdamDay(e.recordedAt);
    if (filters.from && day < filters.from) return false;
    if (filters.to && day > filters.to) return false;
    if (filters.entity) {
      const q = filters.entity.toLowerCase();
      if (!String(e.stream).toLowerCase().includes(q) && !JSON.stringify(e.event || {}).toLowerCase().includes(q)) return false;
    }
    return true;
  }

  // Newest first. Every loaded event has a row (the log grows a page at a time, when asked);
  // what a row holds beyond its summary is built when it is opened.
  function renderLog() {
    const shown = log.events.filter(matches).reverse();
    logState.textContent = log.low === null ? t('loading') : t('audit.logState', {shown: shown.length,
      loaded: log.events.length, first: log.low + 1, head: log.head});
    more.hidden = log.low === 0;
    all.hidden = log.low === 0;
    if (!shown.length) {
      setChildren(logList, log.low === null ? null : h('li', {class: 'empty'}, t('audit.noEvents')));
      return;
    }
    patchList(logList, shown, (e) => e.position, row,
      (e) => `${lang()}|${ctx.name(e.actor)}|${ctx.eventText(e)}|${e.position === badAt}`);
  }

  function row(e) {
    const look = (p) => () => {
      scrubTo(Math.max(1, p), true);
      document.getElementById('h-scrub').scrollIntoView();
      scrubRange.focus();
    };
    const bad = e.position === badAt;
    const details = h('details', null, h('summary', null, bad && h('span', {class: 'bad-here'}, t('audit.badHere')),
      eventLine(e, ctx), h('span', {class: 'ev-text'}, ctx.eventText(e))));
    details.addEventListener('toggle', () => {
      if (!details.open || details.childElementCount > 1) return;
      add(details,
        h('p', {class: 'meta'}, t('audit.stream'), ': ', h('code', null, e.stream), ' · v', String(e.version)),
        h('p', {class: 'meta'}, t('audit.hash'), ': ', h('code', {class: 'hash'}, String(e.hash || ''))),
        // It may scroll sideways: focusable, so the keyboard scrolls it too.
        h('pre', {class: 'json', tabindex: '0'}, JSON.stringify(e.event, null, 2)),
        h('div', {class: 'actions'},
          h('button', {type: 'button', class: 'btn btn-small btn-secondary', 'data-fk': `before-${e.position}`,
            onClick: look(e.position - 1)}, t('audit.before')),
          h('button', {type: 'button', class: 'btn btn-small btn-secondary', 'data-fk': `after-${e.position}`,
            onClick: look(e.position)}, t('audit.after'))));
    });
    return h('li', {class: ['event-row', bad && 'event-bad'], 'data-position': String(e.position),
      'data-type': eventType(e), 'data-bad': bad}, details);
  }

  // A backlog arrives as many events at once: draw the log once a frame, not per event.
  let frame = 0;
  function soon() {
    if (!frame) frame = requestAnimationFrame(() => {
      frame = 0;
      renderLog();
    });
  }

  if (ctx.canVerify) verify();
  loadPage();
  return {
    update() {
      renderFilters();
      renderLog();
    },
    onEvent(record) {
      if (!record) return;
      // Live: a new event joins the log at the top.
      if (early) early.push(record);
      else if (Number(record.position) > log.low) merge([record]);
      setHead(log.head);
      soon();
    },
    destroy() {
      gone = true;
      if (panel) panel.stop();
      clearTimeout(scrubTimer);
      cancelAnimationFrame(frame);
    },
  };
}

const dayFormat = new Intl.DateTimeFormat('en-CA', {timeZone: 'Europe/Amsterdam'});
// The calendar day in Amsterdam of a UTC timestamp, as an ISO date.
function amsterdamDay(ts) {
  const d = new Date(ts || 0);
  return Number.isNaN(d.getTime()) ? '' : dayFormat.format(d);
}
