// Meetings: agenda, minutes, decisions and the action list with its review — what was done,
// what was not and why, and what was done extra. Coordinators keep them; an action's owner
// records its outcome.
import {h, add, patchList, setChildren} from '../dom.js';
import {t, lang} from '../i18n.js';
import {fmtDate, today} from '../format.js';
import {loading, empty, badge, actionButton, label, commandForm} from './common.js';

export const id = 'meetings';
export const title = () => t('meetings.title');
export const needs = () => ['meetings'];

const REASONS = ['NOT_DONE_REASON_NO_INTEREST', 'NOT_DONE_REASON_CAPACITY_LOST',
  'NOT_DONE_REASON_NOT_DELIVERED', 'NOT_DONE_REASON_OTHER'];

function shortId(prefix) {
  const bytes = new Uint8Array(4);
  crypto.getRandomValues(bytes);
  return `${prefix}-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

export function mount(root, ctx) {
  const list = meetingList(ctx);
  add(root, h('h1', null, t('meetings.title')),
    ctx.isCoordinator ? commandForm(ctx, t('meetings.schedule'), [
      {name: 'title', label: t('meetings.titleField'), required: true, maxlength: 200},
      {name: 'date', label: t('meetings.date'), type: 'date', required: true},
      {name: 'time', label: t('meetings.time'), type: 'time'},
      {name: 'place', label: t('meetings.place')},
      {name: 'hybrid', label: t('meetings.hybrid'), type: 'checkbox'},
    ], t('meetings.scheduleConfirm'), (els) => [{scheduleMeeting: {meetingId: shortId('mt'), title: els.title.value.trim(),
        date: els.date.value, startTime: els.time.value, place: {text: els.place.value.trim()},
        hybrid: els.hybrid.checked}},
        label('label.scheduleMeeting', {title: els.title.value.trim()})], {fk: 'schedule', class: 'btn'}) : null,
    list.el);
  return {update: list.update};
}

// The meetings (also the auditor's replay): coming ones first (soonest first), then past ones
// (latest first).
export function meetingList(ctx) {
  const el = h('div', {class: 'meeting-list', id: 'meeting-list'});
  const openIds = new Set();
  function update() {
    const v = ctx.views.get('meetings');
    if (!v) return setChildren(el, loading());
    if (!v.meetings.length) return setChildren(el, empty(t('meetings.none')));
    const now = today();
    const coming = v.meetings.filter((m) => m.date >= now).sort((a, b) => a.date.localeCompare(b.date));
    const past = v.meetings.filter((m) => m.date < now).sort((a, b) => b.date.localeCompare(a.date));
    if (openIds.size === 0 && (coming[0] || past[0])) openIds.add((coming[0] || past[0]).id);
    patchList(el, [...coming, ...past], (m) => m.id, (m) => meetingCard(m, ctx, openIds),
      (m) => JSON.stringify([m, lang(), m.actions.map((a) => ctx.name(a.ownerId))]));
    return undefined;
  }
  return {el, update};
}

function meetingCard(m, ctx, openIds) {
  const details = h('details', {class: 'card meeting', 'data-meeting': m.id, open: openIds.has(m.id)});
  details.addEventListener('toggle', () => {
    if (details.open) openIds.add(m.id);
    else openIds.delete(m.id);
  });
  const coord = ctx.isCoordinator;
  const summary = h('summary', null, h('span', {class: 'card-title'}, m.title),
    h('span', {class: 'meta'}, ` · ${fmtDate(m.date)}${m.startTime ? ` ${m.startTime}` : ''}`),
    m.held ? [' ', badge(t('meetings.held'), 'held')] : null);
  add(details, summary,
    h('p', {class: 'meta'}, [m.place && m.place.text, m.hybrid ? t('meetings.hybridShort') : '',
      m.held && m.attendees ? t('meetings.attendees', {n: m.attendees}) : ''].filter(Boolean).join(' · ')));

  // Agenda
  add(details, h('h3', null, t('meetings.agenda')),
    m.agenda.length ? h('ol', null, m.agenda.map((a) => h('li', null, a.text))) : empty(t('meetings.noAgenda')),
    coord && !m.held ? commandForm(ctx, t('meetings.addAgenda'),
      [{name: 'text', label: t('meetings.agendaItem'), required: true, maxlength: 200}], t('add'),
      (els) => [{addAgendaItem: {meetingId: m.id, itemId: shortId('ag'), title: els.text.value.trim()}},
        label('label.addAgenda', {title: m.title})], {fk: `agenda-${m.id}`}) : null);

  // Minutes
  add(details, h('h3', null, t('meetings.minutes')),
    m.minutes.length ? m.minutes.map((text) => h('div', {class: 'minutes'},
      text.split('\n').map((line) => h('p', null, line)))) : empty(t('meetings.noMinutes')),
    coord ? commandForm(ctx, t('meetings.addMinutes'),
      [{name: 'text', label: t('meetings.minutes'), type: 'textarea', rows: 6, required: true}], t('save'),
      (els) => [{recordMinutes: {meetingId: m.id, text: els.text.value.trim()}},
        label('label.recordMinutes', {title: m.title})], {fk: `minutes-${m.id}`}) : null);

  // Decisions
  add(details, h('h3', null, t('meetings.decisions')),
    m.decisions.length ? h('ul', null, m.decisions.map((d) => h('li', null, d.text))) : empty(t('meetings.noDecisions')),
    coord ? commandForm(ctx, t('meetings.addDecision'),
      [{name: 'text', label: t('meetings.decision'), type: 'textarea', required: true}], t('save'),
      (els) => [{recordDecision: {meetingId: m.id, decisionId: shortId('dc'), text: els.text.value.trim()}},
        label('label.recordDecision', {title: m.title})], {fk: `decision-${m.id}`}) : null);

  // The action list and its review
  add(details, h('h3', null, t('meetings.actions')),
    h('p', {class: 'review'}, t('meetings.review', {done: m.actionsDone, notDone: m.actionsNotDone,
      open: m.actionsOpen, extra: m.actionsAddedDuringPeriod})),
    m.actions.length ? h('ul', {class: 'actions-list'}, m.actions.map((a) => actionItem(a, m, ctx)))
      : empty(t('meetings.noActions')),
    coord ? commandForm(ctx, t('meetings.addAction'), [
      {name: 'description', label: t('meetings.actionDescription'), type: 'textarea', required: true},
      {name: 'owner', label: t('meetings.owner'), type: 'select', options: [['', t('meetings.nobody')],
        ...((ctx.views.get('members') || {members: []}).members.filter((x) => x.active && x.role !== 'ROLE_AUDITOR')
          .map((x) => [x.id, x.name]))]},
      {name: 'due', label: t('meetings.due'), type: 'date'},
      {name: 'extra', label: t('meetings.extra'), type: 'checkbox', value: m.held},
    ], t('add'), (els) => [{addActionItem: {meetingId: m.id, actionId: shortId('ac'),
        description: els.description.value.trim(), ownerId: els.owner.value, dueDate: els.due.value,
        addedDuringPeriod: els.extra.checked}},
        label('label.addAction', {title: m.title})], {fk: `action-${m.id}`}) : null);

  if (coord && !m.held) {
    add(details, h('div', {class: 'actions'}, commandForm(ctx, t('meetings.markHeld'),
      [{name: 'attendees', label: t('meetings.attendeesField'), type: 'number', min: 0, inputmode: 'numeric'}],
      t('meetings.markHeldConfirm'),
      (els) => [{markMeetingHeld: {meetingId: m.id, attendees: Number(els.attendees.value || 0)}},
        label('label.markMeetingHeld', {title: m.title})], {fk: `held-${m.id}`})));
  }
  return details;
}

function actionItem(a, m, ctx) {
  const outcome = a.outcome || 'ACTION_OUTCOME_OPEN';
  const li = h('li', {class: ['action-item', `outcome-${outcome.toLowerCase()}`], 'data-action': a.id},
    h('p', null, a.description),
    h('p', {class: 'meta'}, [a.ownerId ? ctx.name(a.ownerId) : t('meetings.nobody'),
      a.dueDate ? t('tasks.due', {date: fmtDate(a.dueDate, 'short')}) : ''].filter(Boolean).join(' · ')),
    h('p', {class: 'badges'}, badge(t(`outcome.${outcome}`), outcome === 'ACTION_OUTCOME_DONE' ? 'yes'
      : outcome === 'ACTION_OUTCOME_NOT_DONE' ? 'no' : ''),
    a.addedDuringPeriod ? badge(t('meetings.extraBadge'), 'mine') : null,
    outcome === 'ACTION_OUTCOME_NOT_DONE' ? h('span', {class: 'meta'},
      ` ${t(`reason.${a.notDoneReason}`)}${a.explanation ? `: ${a.explanation}` : ''}`) : null));
  const open = outcome === 'ACTION_OUTCOME_OPEN';
  // Nobody has it yet: a member takes it on; a coordinator asks someone (or changes who).
  if (open && ctx.canWrite && !a.ownerId && !ctx.isCoordinator) {
    add(li, h('div', {class: 'actions'}, actionButton(t('meetings.takeOn'),
      () => ctx.run({assignAction: {meetingId: m.id, actionId: a.id, ownerId: ctx.me}},
        label('label.takeOnAction', {title: a.description.slice(0, 60)})), {class: 'btn btn-small', fk: `take-${a.id}`})));
  }
  if (open && ctx.isCoordinator) {
    add(li, h('div', {class: 'actions'}, commandForm(ctx, a.ownerId ? t('meetings.reassign') : t('meetings.assign'), [
      {name: 'owner', label: t('meetings.owner'), type: 'select', required: true, options: [['', t('meetings.chooseOwner')],
        ...((ctx.views.get('members') || {members: []}).members.filter((x) => x.active && x.id !== a.ownerId
          && x.role !== 'ROLE_AUDITOR').map((x) => [x.id, x.name]))]},
    ], t('save'), (els) => [{assignAction: {meetingId: m.id, actionId: a.id, ownerId: els.owner.value}},
      label('label.assignAction', {title: a.description.slice(0, 60)})], {fk: `assign-${a.id}`, class: 'btn btn-small btn-secondary'})));
  }
  const mayRecord = ctx.canWrite && (ctx.isCoordinator || a.ownerId === ctx.me);
  if (mayRecord && outcome === 'ACTION_OUTCOME_OPEN') {
    add(li, h('div', {class: 'actions'},
      actionButton(t('meetings.done'), () => ctx.run({markActionDone: {meetingId: m.id, actionId: a.id}},
        label('label.actionDone', {title: a.description.slice(0, 60)})), {class: 'btn btn-small', fk: `adone-${a.id}`}),
      commandForm(ctx, t('meetings.notDone'), [
        {name: 'reason', label: t('meetings.why'), type: 'select', required: true,
          options: [['', t('meetings.chooseReason')], ...REASONS.map((r) => [r, t(`reason.${r}`)])]},
        {name: 'explanation', label: t('meetings.explanation'), type: 'textarea'},
      ], t('save'), (els) => [{markActionNotDone: {meetingId: m.id, actionId: a.id, reason: els.reason.value,
          explanation: els.explanation.value.trim()}},
        label('label.actionNotDone', {title: a.description.slice(0, 60)})],
      {fk: `anot-${a.id}`, class: 'btn btn-small btn-secondary'})));
  }
  return li;
}
