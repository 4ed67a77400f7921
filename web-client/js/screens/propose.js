// Propose an initiative. While the title is typed and the date picked, the server says what
// the draft would clash with (the deciders' own rules) and what only looks like it, so that two
// neighbours who want the same thing find each other before either has sent anything. The
// draft survives a reload.
import {h, add, patchList} from '../dom.js';
import {t, lang, has} from '../i18n.js';
import {api, paths} from '../api.js';
import {fold, fmtWhen, kindLabel} from '../format.js';
import {fieldFor, badge, names, actionButton, label} from './common.js';

export const id = 'propose';
export const title = () => t('propose.title');
export const needs = (params) => (params && params.proposal ? ['board', 'proposals'] : ['board']);

const KINDS = ['INITIATIVE_KIND_STREET_MARKET', 'INITIATIVE_KIND_GIVE_AWAY',
  'INITIATIVE_KIND_STREET_PARTY', 'INITIATIVE_KIND_CLEAN_UP', 'INITIATIVE_KIND_NEWSLETTER',
  'INITIATIVE_KIND_RESIDENTS_MEETING', 'INITIATIVE_KIND_ACTION_GROUP', 'INITIATIVE_KIND_OTHER'];

const DRAFT_KEY = 'rotonde.draft.initiative';

function initiativeIdFor(title) {
  const slug = fold(title).replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40)
    .replace(/-+$/, '') || 'initiatief';
  const bytes = new Uint8Array(3);
  crypto.getRandomValues(bytes);
  return `i-${slug}-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

export function mount(root, ctx, params = {}) {
  // #/initiatives/new?proposal=p-...: a resident's proposal becomes this initiative.
  let proposalId = params.proposal;
  const draftKey = proposalId ? `${DRAFT_KEY}.${proposalId}` : DRAFT_KEY;
  // #/initiatives/new?from=c-...: a proposal the server refused, from the outbox, to put right.
  const from = params.from;
  if (!ctx.canWrite) {
    add(root, h('h1', null, t('propose.title')), h('p', null, t('readOnly')));
    return {};
  }
  const f = initiativeForm(ctx, null, h('a', {href: proposalId ? '#/proposals' : '#/initiatives',
    class: 'btn btn-secondary'}, t('cancel')),
    async (values) => {
      const initiativeId = initiativeIdFor(values.title);
      const r = await ctx.run({proposeInitiative: {initiativeId, ...values, proposalId}},
        label('label.proposeInitiative', {title: values.title}));
      // The refused one is put right by this one (refused in its turn, it waits in the outbox).
      if (from) ctx.live.discard(from);
      if (r === 'failed') return;
      try {
        sessionStorage.removeItem(draftKey);
      } catch {
        // Nothing kept.
      }
      ctx.navigate(r === 'ok' ? `#/initiatives/${encodeURIComponent(initiativeId)}` : '#/initiatives');
    });
  const {form, els} = f;
  const note = h('p', {class: 'notice', id: 'from-proposal', hidden: true});
  const refused = h('p', {class: 'notice notice-clash', id: 'from-refused', hidden: true});
  add(root, h('h1', null, t('propose.title')), h('p', {class: 'lead'}, t('propose.lead')), note, refused, form);

  // The draft is kept for this tab: a reload or a look at another initiative loses nothing.
  try {
    f.fill(JSON.parse(sessionStorage.getItem(draftKey)));
  } catch {
    // No draft.
  }
  function saveDraft() {
    const draft = {};
    for (const [k, el] of Object.entries(els)) draft[k] = el.type === 'checkbox' ? el.checked : el.value;
    try {
      sessionStorage.setItem(draftKey, JSON.stringify(draft));
    } catch {
      // Not kept.
    }
  }
  form.addEventListener('input', saveDraft);
  // The refused proposal's values, and why it was refused, once the outbox is read.
  if (from) {
    ctx.live.outbox.ready.then(() => {
      const e = ctx.live.outbox.get(from);
      const p = e && e.command.proposeInitiative;
      if (!p || !form.isConnected) return;
      proposalId ||= p.proposalId;
      f.fill({...p.when, ...p, place: p.place && p.place.text});
      refused.textContent = t('propose.refused', {reason: ctx.errorText(e.error || {})});
      refused.hidden = false;
      f.update();
    });
  }
  // The proposal's title and description, once its view is here (unless a draft has them).
  let pending = Boolean(proposalId);
  function adopt() {
    const v = pending && ctx.views.get('proposals');
    const x = v && (v.proposals || []).find((y) => y.id === proposalId);
    if (!x) return;
    pending = false;
    note.textContent = t('pr.adopting', {title: x.title});
    note.hidden = false;
    if (!els.title.value) {
      els.title.value = x.title;
      els.description.value = x.description || '';
    }
  }
  return {...f, update() {
    adopt();
    f.update();
  }};
}

// An initiative's fields and the lookalikes of what is typed: a new one (ini null) or a change
// to `ini` (its values filled in; itself no lookalike). onSubmit(fields) may say what is wrong.
export function initiativeForm(ctx, ini, cancel, onSubmit) {
  const fields = [
    {name: 'title', label: t('propose.titleField'), required: true, maxlength: 200},
    {name: 'kind', label: t('propose.kind'), type: 'select', required: true,
      options: [['', t('propose.kindChoose')], ...KINDS.map((k) => [k, kindLabel(k)])]},
    {name: 'startDate', label: t('propose.date'), type: 'date', required: true},
    {name: 'endDate', label: t('propose.endDate'), type: 'date', hint: t('propose.endDateHint')},
    {name: 'ongoing', label: t('propose.ongoing'), type: 'checkbox'},
    {name: 'startTime', label: t('propose.startTime'), type: 'time'},
    {name: 'endTime', label: t('propose.endTime'), type: 'time'},
    {name: 'place', label: t('propose.place'), maxlength: 200, hint: t('propose.placeHint')},
    {name: 'description', label: t('propose.description'), type: 'textarea', rows: 4, maxlength: 5000},
  ];
  const form = h('form', {class: 'propose-form', id: 'propose-form', novalidate: true});
  const els = {};
  for (const f of fields) {
    const wrap = fieldFor(f);
    form.appendChild(wrap);
    els[f.name] = wrap.querySelector('input, select, textarea');
  }
  const times = h('div', {class: 'row-2'}, els.startTime.parentNode, els.endTime.parentNode);
  form.insertBefore(times, els.place.parentNode);
  const dates = h('div', {class: 'row-2'}, els.startDate.parentNode, els.endDate.parentNode);
  form.insertBefore(dates, els.ongoing.parentNode);

  const summary = h('p', {class: 'lookalike-summary', role: 'status', id: 'lookalike-status'});
  const lookList = h('ul', {class: 'cards lookalikes'});
  const panel = h('section', {class: 'lookalike-panel', id: 'lookalikes', 'aria-labelledby': 'h-look', hidden: true},
    h('h2', {id: 'h-look'}, t('propose.lookalikes')), h('p', {class: 'hint'}, t('propose.lookalikesHint')), lookList);
  const error = h('p', {class: 'form-error', role: 'alert', hidden: true});
  const submitText = (n) => (ini ? t('save') : n ? t('propose.submitAnyway') : t('propose.submit'));
  const submit = h('button', {type: 'submit', class: 'btn btn-primary', id: 'propose-submit'}, submitText(0));
  add(form, error, h('div', {class: 'form-actions'}, submit, cancel));

  // Right under the date, where the eyes are while typing: on a phone a panel below the form
  // would only be seen after sending.
  form.insertBefore(h('div', {class: 'lookalike-slot'}, summary, panel), els.ongoing.parentNode);

  function fill(values) {
    for (const [k, v] of Object.entries(values || {})) {
      if (!els[k]) continue;
      if (els[k].type === 'checkbox') els[k].checked = Boolean(v);
      else els[k].value = v;
    }
  }
  if (ini) fill({...ini.when, ...ini, place: ini.place && ini.place.text});

  // The fields as the command has them.
  function valuesOf() {
    const when = {startDate: els.startDate.value};
    if (els.endDate.value && !els.ongoing.checked) when.endDate = els.endDate.value;
    if (els.ongoing.checked) when.ongoing = true;
    if (els.startTime.value) {
      when.startTime = els.startTime.value;
      if (els.endTime.value) when.endTime = els.endTime.value;
      when.timeZone = 'Europe/Amsterdam';
    }
    const values = {kind: els.kind.value, title: els.title.value.trim(), description: els.description.value.trim(), when};
    if (els.place.value.trim()) values.place = {text: els.place.value.trim()};
    return values;
  }

  // The hint is the server's (POST clash-preview, docs/api.md): the rules that will raise the
  // clash on the rotonde, so the two agree. Asked 250 ms after the last change; only the
  // latest answer counts; an error or no connection keeps the last hint (a clash is a
  // suggestion, never a block). A change of the board asks again.
  let found = [];
  let lastCount = -1;
  let timer = null;
  let seq = 0;
  let inflight = null;
  let lastKey = '';
  let lastBoard;
  let destroyed = false;
  function draft() {
    const v = valuesOf();
    if (v.title.length < 3 && !v.when.startDate) return null;
    if (!v.kind) delete v.kind;
    return ini ? {initiativeId: ini.id, ...v} : v;
  }
  function render() {
    panel.hidden = found.length === 0;
    submit.textContent = submitText(found.length);
    if (found.length !== lastCount) {
      lastCount = found.length;
      summary.textContent = found.length ? t('propose.found', {n: found.length}) : '';
    }
    patchList(lookList, found, (c) => c.initiativeId, (c) => lookalike(c, ctx),
      (c) => {
        const x = ctx.initiative(c.initiativeId);
        return JSON.stringify([c, x && x.kind, x && x.organizerIds, lang()]);
      });
  }
  async function ask() {
    if (destroyed || !form.isConnected) return;
    const body = draft();
    const board = ctx.views.get('board');
    if (!body) {
      // Too little to go on: no hint, and no answer still on its way counts.
      if (inflight) inflight.abort();
      seq += 1;
      lastKey = '';
      found = [];
      render();
      return;
    }
    const key = JSON.stringify(body);
    if ((key === lastKey && board === lastBoard) || navigator.onLine === false) return;
    if (inflight) inflight.abort();
    const mine = ++seq;
    lastKey = key;
    lastBoard = board;
    const ctl = new AbortController();
    inflight = ctl;
    try {
      const r = await api.post(paths.clashPreview(ctx.platform.id), body, ctl.signal);
      if (mine !== seq || destroyed) return;
      found = (r && Array.isArray(r.clashes) ? r.clashes : []).filter((c) => !ini || c.initiativeId !== ini.id);
      render();
    } catch {
      // Aborted for a newer draft, or not answered: the last hint stays; the next change asks again.
      if (mine === seq) lastKey = '';
    } finally {
      if (inflight === ctl) inflight = null;
    }
  }
  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(ask, 250);
  }
  form.addEventListener('input', schedule);
  form.addEventListener('change', schedule);
  function update() {
    render();
    const body = draft();
    if ((body ? JSON.stringify(body) : '') !== lastKey || ctx.views.get('board') !== lastBoard) schedule();
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (submit.disabled) return;
    error.hidden = true;
    for (const el of Object.values(els)) el.removeAttribute('aria-invalid');
    const missing = fields.find((f) => f.required && !String(els[f.name].value).trim());
    if (missing) {
      els[missing.name].setAttribute('aria-invalid', 'true');
      error.textContent = t('form.required', {field: missing.label});
      error.hidden = false;
      els[missing.name].focus();
      return;
    }
    const values = valuesOf();
    submit.disabled = true;
    submit.setAttribute('aria-busy', 'true');
    error.textContent = (await onSubmit(values)) || '';
    error.hidden = !error.textContent;
    submit.disabled = false;
    submit.removeAttribute('aria-busy');
  });

  return {form, els, submit, update, fill, destroy() {
    destroyed = true;
    clearTimeout(timer);
    if (inflight) inflight.abort();
  }};
}

// A second one of a kind there should be one of (the rule CLASH_RULE_DUPLICATE_CHANNEL).
const SECOND = {INITIATIVE_KIND_NEWSLETTER: 'propose.secondNewsletter',
  INITIATIVE_KIND_ACTION_GROUP: 'propose.secondActionGroup',
  INITIATIVE_KIND_RESIDENTS_MEETING: 'propose.secondMeeting'};

// Why the server names it: the rule the clash would be raised by, or that it only looks alike.
function reason(c, kind) {
  const words = c.sharedTerms || [];
  if (c.rule === 'similar' || !has(`rule.${c.rule}`)) {
    return [badge(words.length ? t('propose.similarWords', {words: words.join(', ')}) : t('propose.similar'))];
  }
  const said = c.rule === 'CLASH_RULE_DUPLICATE_CHANNEL' && SECOND[kind] ? t(SECOND[kind]) : t(`rule.${c.rule}`);
  return [badge(said, 'clash'), words.length ? ` ${t('clash.shared', {words: words.join(', ')})}` : null];
}

// c: one of the preview's clashes; the board adds its kind and organizers.
function lookalike(c, ctx) {
  const id = c.initiativeId;
  const ini = ctx.initiative(id);
  const organizer = ini && ini.organizerIds.includes(ctx.me);
  return h('li', {class: 'card lookalike', 'data-initiative': id, 'data-rule': c.rule},
    h('h3', {class: 'card-title'}, h('a', {href: `#/initiatives/${encodeURIComponent(id)}`}, c.title)),
    h('p', {class: 'badges'}, reason(c, ini && ini.kind)),
    h('p', {class: 'meta'}, ini ? `${kindLabel(ini.kind)} · ` : '', fmtWhen(c.when || {}),
      c.place ? ` · ${c.place}` : ''),
    ini ? h('p', {class: 'meta'}, t('initiative.organizers'), ': ', names(ini.organizerIds, ctx)) : null,
    organizer ? badge(t('initiative.youOrganize'), 'mine')
      : actionButton(t('propose.joinInstead'), () => ctx.run({joinInitiative: {initiativeId: id}},
        label('label.joinInitiative', {title: c.title})), {class: 'btn btn-secondary', fk: `joinlike-${id}`}));
}
