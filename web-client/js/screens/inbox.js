// The inbox: what concerns the person signed in on this platform (a clash with their
// initiative, an action item for them, a decision on their spending, …), newest first, live.
// Each notification is a sentence linking to what it is about; opening one marks it read,
// "Alles gelezen" marks them all (POST …/inbox/read; the server patches every page watching).
import {h, add, patchList, setChildren} from '../dom.js';
import {t, lang, locale} from '../i18n.js';
import {api, paths} from '../api.js';
import {fmtTimestamp, parseIso} from '../format.js';
import {loading, empty} from './common.js';

export const id = 'inbox';
export const title = () => t('inbox.title');
export const needs = () => ['inbox'];

const enc = encodeURIComponent;

// "15 juni": a due date without its year.
function dayMonth(iso) {
  const d = parseIso(iso);
  return d ? new Intl.DateTimeFormat(locale(), {timeZone: 'UTC', day: 'numeric', month: 'long'}).format(d) : iso;
}

// The notification as a sentence (strings' inbox.k.*).
export function noticeText(n) {
  const vars = {
    title: n.title || '…',
    other: n.otherTitle || '…',
    actor: n.actorName || t('inbox.someone'),
    member: n.memberName || n.actorName || t('inbox.someone'),
  };
  switch (n.kind) {
    case 'spending_decided':
      return t(n.approved ? 'inbox.k.spending_yes' : 'inbox.k.spending_no', vars)
        + (!n.approved && n.reason ? t('inbox.reason', {reason: n.reason}) : '');
    case 'action_assigned':
      return t('inbox.k.action_assigned', vars) + (n.dueDate ? t('inbox.due', {date: dayMonth(n.dueDate)}) : '');
    case 'merge_declined':
      return t('inbox.k.merge_declined', vars) + (n.reason ? t('inbox.reason', {reason: n.reason}) : '');
    default: {
      const key = `inbox.k.${n.kind}`;
      const s = t(key, vars);
      return s === key ? t('inbox.k.other', vars) : s;
    }
  }
}

// Where a notification leads: the initiative it is about, or the screen of the thing.
export function noticeHref(n) {
  switch (n.kind) {
    case 'spending_decided':
      return '#/budget';
    case 'action_assigned':
      return '#/meetings';
    case 'proposal_submitted':
      return '#/proposals';
    case 'learning_requested':
    case 'teaching_offered':
      return n.initiativeId ? `#/initiatives/${enc(n.initiativeId)}` : '#/tasks';
    default:
      return n.initiativeId ? `#/initiatives/${enc(n.initiativeId)}` : '#/';
  }
}

// "3 minuten geleden", "gisteren": how long ago, in the language chosen.
export function ago(at, now = Date.now()) {
  const then = new Date(at).getTime();
  if (Number.isNaN(then)) return '';
  const s = Math.round((then - now) / 1000);
  if (Math.abs(s) < 45) return t('inbox.now');
  const rtf = new Intl.RelativeTimeFormat(locale(), {numeric: 'auto'});
  const a = Math.abs(s);
  if (a < 3600) return rtf.format(Math.round(s / 60), 'minute');
  if (a < 86400) return rtf.format(Math.round(s / 3600), 'hour');
  if (a < 7 * 86400) return rtf.format(Math.round(s / 86400), 'day');
  if (a < 35 * 86400) return rtf.format(Math.round(s / 604800), 'week');
  return fmtTimestamp(at);
}

export function mount(root, ctx) {
  const state = h('div');
  const count = h('p', {class: 'meta', id: 'inbox-count', role: 'status'});
  const tools = h('div', {class: 'actions inbox-tools'});
  const list = h('ol', {class: 'inbox-list', id: 'inbox-list'});
  add(root, h('h1', null, t('inbox.title')), h('p', {class: 'lead'}, t('inbox.lead')), count, tools, state, list);

  const read = (body) => api.post(paths.inboxRead(ctx.platform.id), body).catch((e) => ctx.toast(ctx.errorText(e), 'error'));

  function item(n) {
    const unread = !n.read;
    const text = noticeText(n);
    return h('li', {class: ['inbox-item', unread && 'inbox-unread'], 'data-position': n.position, 'data-kind': n.kind,
      'data-read': String(!unread)},
    unread ? h('span', {class: 'badge badge-new', 'aria-hidden': 'true'}, t('inbox.new')) : null,
    h('a', {href: noticeHref(n), class: 'inbox-link', 'data-fk': `n-${n.position}`, onClick: () => {
      if (unread) read({positions: [Number(n.position)]});
    }}, unread ? h('span', {class: 'sr-only'}, `${t('inbox.newFor')} `) : null, h('span', {class: 'inbox-text'}, text)),
    h('time', {class: 'inbox-time', datetime: n.at, title: fmtTimestamp(n.at)}, ago(n.at)));
  }

  let busy = false;
  async function markAll() {
    const v = ctx.views.get('inbox');
    if (busy || !v || !Number(v.unread)) return;
    busy = true;
    update();
    await read({through: ctx.views.position('inbox')});
    busy = false;
    update();
  }

  function update() {
    const v = ctx.views.get('inbox');
    if (!v) {
      setChildren(state, loading());
      return;
    }
    const items = v.items || [];
    const unread = Number(v.unread) || 0;
    count.textContent = items.length ? t('inbox.unread', {n: unread}) : '';
    // Kept (aria-disabled, never disabled) while it works and once all is read, so the
    // focus stays on it.
    const all = items.length ? h('button', {type: 'button', class: 'btn btn-secondary', 'data-fk': 'all-read',
      'aria-disabled': unread && !busy ? false : 'true', onClick: markAll}, t('inbox.allRead')) : null;
    setChildren(tools, all,
      h('a', {href: '#/meldingen', class: 'inbox-settings'}, t('inbox.settings')));
    setChildren(state, items.length ? null : empty(t('inbox.none')));
    // The minute is in the signature: "3 minuten geleden" moves on.
    const minute = Math.floor(Date.now() / 60000);
    patchList(list, items, (n) => n.position, item, (n) => JSON.stringify([n, lang(), minute]));
  }
  const timer = setInterval(update, 60000);
  return {update, destroy: () => clearInterval(timer)};
}
