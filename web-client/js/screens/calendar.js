// The calendar: a month or a week, days with a clash marked, and a link to subscribe in a
// phone's calendar app. The month grid is a table (navigable by screen readers); under it
// the same days as a list, which is what a phone shows best.
import {h, add, setChildren} from '../dom.js';
import {t, lang} from '../i18n.js';
import {api, paths} from '../api.js';
import {addDays, today, fmtDate, fmtMonth, fmtWeekday, parseIso, isoOf} from '../format.js';
import {loading, empty, badge, actionButton} from './common.js';

export const id = 'calendar';
export const title = () => t('calendar.title');

// Kept for the session: coming back shows the month you left.
const state = {mode: 'month', anchor: null};

function mondayOf(iso) {
  const d = parseIso(iso);
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  return isoOf(d);
}

function range() {
  const anchor = state.anchor || today();
  if (state.mode === 'week') {
    const from = mondayOf(anchor);
    return {from, to: addDays(from, 6)};
  }
  const first = `${anchor.slice(0, 7)}-01`;
  const from = mondayOf(first);
  const d = parseIso(first);
  d.setUTCMonth(d.getUTCMonth() + 1);
  d.setUTCDate(0);
  const last = isoOf(d);
  const to = addDays(mondayOf(last), 6);
  return {from, to, first, last};
}

// The clashes give each marked day its reasons.
export const needs = () => ['board', 'clashes', ['calendar', (({from, to}) => ({from, to}))(range())]];

export function mount(root, ctx) {
  const title = h('h2', {id: 'cal-title', 'aria-live': 'polite'});
  const grid = h('div', {class: 'cal-grid-wrap'});
  const list = h('div', {class: 'cal-days'});
  const ongoing = h('div');
  const feed = h('div', {class: 'feed-key'});
  const modeGroup = h('div', {class: 'segmented', role: 'group', 'aria-label': t('calendar.view')});

  function move(step) {
    const anchor = state.anchor || today();
    if (state.mode === 'week') state.anchor = addDays(anchor, 7 * step);
    else {
      const d = parseIso(`${anchor.slice(0, 7)}-01`);
      d.setUTCMonth(d.getUTCMonth() + step);
      state.anchor = isoOf(d);
    }
    rewatch();
  }
  let release = null;
  function rewatch() {
    const {from, to} = range();
    const old = release;
    release = ctx.views.want('calendar', {from, to});
    if (old) old();
    renderModes();
    update();
  }
  function renderModes() {
    setChildren(modeGroup, ['month', 'week'].map((m) => h('button', {type: 'button', class: 'seg',
      'aria-pressed': String(state.mode === m), 'data-fk': `mode-${m}`,
      onClick: () => {
        state.mode = m;
        rewatch();
      }}, t(`calendar.${m}`))));
  }
  renderModes();

  add(root, 
    h('h1', null, t('calendar.title')),
    h('div', {class: 'toolbar'},
      h('button', {type: 'button', class: 'btn btn-secondary', 'data-fk': 'prev', onClick: () => move(-1)},
        h('span', {'aria-hidden': 'true'}, '‹ '), t('calendar.prev')),
      h('button', {type: 'button', class: 'btn btn-secondary', 'data-fk': 'today', onClick: () => {
        state.anchor = today();
        rewatch();
      }}, t('calendar.today')),
      h('button', {type: 'button', class: 'btn btn-secondary', 'data-fk': 'next', onClick: () => move(1)},
        t('calendar.next'), h('span', {'aria-hidden': 'true'}, ' ›')),
      modeGroup),
    title, grid, list, ongoing,
    h('section', {'aria-labelledby': 'h-feedkey'}, h('h2', {id: 'h-feedkey'}, t('calendar.subscribe')),
      h('p', {class: 'hint'}, t('calendar.subscribeHint')), feed));

  setChildren(feed, actionButton(t('calendar.subscribeButton'), async () => {
    try {
      const res = await api.post(paths.feedKey(ctx.platform.id), {});
      const url = res.url;
      const webcal = url.replace(/^https?:/, 'webcal:');
      const input = h('input', {type: 'text', readonly: true, value: url, id: 'feed-url', class: 'feed-url'});
      setChildren(feed,
        h('label', {for: 'feed-url'}, t('calendar.feedUrl')), input,
        h('div', {class: 'actions'},
          h('a', {class: 'btn', href: webcal}, t('calendar.openInApp')),
          h('button', {type: 'button', class: 'btn btn-secondary', onClick: async () => {
            try {
              await navigator.clipboard.writeText(url);
              ctx.toast(t('calendar.copied'));
            } catch {
              input.select();
            }
          }}, t('calendar.copy'))));
    } catch (e) {
      ctx.toast(ctx.errorText(e), 'error');
    }
  }, {fk: 'feed-key'}));

  function update() {
    const {from, to, first, last} = range();
    setChildren(title, state.mode === 'week'
      ? t('calendar.weekOf', {from: fmtDate(from), to: fmtDate(to)}) : fmtMonth(first));
    const cal = ctx.views.get('calendar');
    const board = ctx.views.get('board');
    if (!cal || !board || cal.from !== from || cal.to !== to) {
      setChildren(grid, loading());
      list.replaceChildren();
      return;
    }
    const byId = new Map(board.initiatives.map((i) => [i.id, i]));
    const days = new Map(cal.days.map((d) => [d.date, d]));
    const now = today();
    if (state.mode === 'month') {
      const rows = [];
      for (let w = from; w <= to; w = addDays(w, 7)) {
        const cells = [];
        for (let i = 0; i < 7; i += 1) {
          const date = addDays(w, i);
          const day = days.get(date);
          const n = day ? day.initiativeIds.length : 0;
          const clash = day && day.clashIds.length > 0;
          const outside = date < first || date > last;
          const labelText = [fmtDate(date, 'long'), n ? t('calendar.nItems', {n}) : '',
            clash ? t('calendar.clash') : ''].filter(Boolean).join(', ');
          cells.push(h('td', {class: ['cal-cell', outside && 'outside', clash && 'has-clash',
            n && 'has-items', date === now && 'is-today'], 'data-date': date},
          n ? h('a', {href: `#day-${date}`, 'aria-label': labelText, onClick: (e) => {
            e.preventDefault();
            const target = document.getElementById(`day-${date}`);
            if (target) target.focus();
          }}, String(Number(date.slice(8))))
            : h('span', null, String(Number(date.slice(8)))),
          n ? h('span', {class: 'dots', 'aria-hidden': 'true'}, '•'.repeat(Math.min(n, 3))) : null,
          clash ? h('span', {class: 'clash-mark', 'aria-hidden': 'true'}, '!') : null));
        }
        rows.push(h('tr', null, cells));
      }
      const heads = [];
      for (let i = 0; i < 7; i += 1) {
        const d = addDays(from, i);
        heads.push(h('th', {scope: 'col', abbr: fmtDate(d, 'long').split(' ')[0]}, fmtWeekday(d)));
      }
      setChildren(grid, h('table', {class: 'cal-grid'},
        h('caption', {class: 'sr-only'}, fmtMonth(first)),
        h('thead', null, h('tr', null, heads)), h('tbody', null, rows)));
    } else {
      grid.replaceChildren();
    }
    // The list: in a month the days with something on them; in a week all seven.
    const shown = [];
    for (let d = state.mode === 'week' ? from : first; d <= (state.mode === 'week' ? to : last); d = addDays(d, 1)) {
      const day = days.get(d);
      if (day || state.mode === 'week') shown.push({date: d, day});
    }
    const openClashes = (ctx.views.get('clashes') || {open: []}).open;
    setChildren(list, shown.length ? h('ul', {class: 'day-list'}, shown.map(({date, day}) => h('li',
      {class: ['day', day && day.clashIds.length && 'has-clash'], id: `day-${date}`, tabindex: '-1', 'data-date': date},
      h('h3', {class: 'day-title'}, fmtDate(date, 'long'),
        day && day.clashIds.length ? [' ', badge(t('calendar.clash'), 'clash')] : null),
      day ? h('ul', {class: 'plain-list'}, day.initiativeIds.map((iid) => {
        const ini = byId.get(iid);
        return h('li', null, h('a', {href: `#/initiatives/${encodeURIComponent(iid)}`}, ini ? ini.title : iid),
          ini && ini.when.startTime ? h('span', {class: 'meta'}, ` · ${ini.when.startTime}`) : null);
      })) : h('p', {class: 'empty'}, t('calendar.nothing')),
      day && day.clashIds.length ? h('ul', {class: 'plain-list clash-reasons'}, day.clashIds.map((cid) => {
        const c = openClashes.find((x) => x.id === cid);
        return c ? h('li', null, h('a', {href: '#/'}, lang() === 'en' ? c.reasonEn : c.reasonNl)) : null;
      })) : null))) : empty(t('calendar.nothingMonth')));
    setChildren(ongoing, cal.ongoingInitiativeIds.length ? [h('h2', null, t('calendar.ongoing')),
      h('ul', {class: 'plain-list'}, cal.ongoingInitiativeIds.map((iid) => {
        const ini = byId.get(iid);
        return h('li', null, h('a', {href: `#/initiatives/${encodeURIComponent(iid)}`}, ini ? ini.title : iid));
      }))] : []);
  }

  // The screen's first calendar watch comes from needs(); month changes re-watch here.
  return {
    update,
    destroy() {
      if (release) release();
    },
  };
}
