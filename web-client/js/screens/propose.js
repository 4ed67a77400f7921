// Propose an initiative. While the title is typed and the date picked, the board is searched
// for the same day and for similar plans, so that two neighbours who want the same thing
// find each other before either has sent anything. The draft survives a reload.
import {h, add, setChildren, patchList} from '../dom.js';
import {t, lang} from '../i18n.js';
import {fold, findLookalikes} from '../similarity.js';
import {fmtWhen, kindLabel} from '../format.js';
import {fieldFor, badge, names, actionButton, label} from './common.js';

export const id = 'propose';
export const title = () => t('propose.title');
export const needs = () => ['board'];

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

export function mount(root, ctx) {
  if (!ctx.canWrite) {
    add(root, h('h1', null, t('propose.title')), h('p', null, t('readOnly')));
    return {};
  }
  const f = initiativeForm(ctx, null, h('a', {href: '#/initiatives', class: 'btn btn-secondary'}, t('cancel')),
    async (values) => {
      const initiativeId = initiativeIdFor(values.title);
      const r = await ctx.run({proposeInitiative: {initiativeId, ...values}},
        label('label.proposeInitiative', {title: values.title}));
      if (r === 'failed') return;
      try {
        sessionStorage.removeItem(DRAFT_KEY);
      } catch {
        // Nothing kept.
      }
      ctx.navigate(r === 'ok' ? `#/initiatives/${encodeURIComponent(initiativeId)}` : '#/initiatives');
    });
  const {form, els} = f;
  add(root, h('h1', null, t('propose.title')), h('p', {class: 'lead'}, t('propose.lead')), form);

  // The draft is kept for this tab: a reload or a look at another initiative loses nothing.
  try {
    f.fill(JSON.parse(sessionStorage.getItem(DRAFT_KEY)));
  } catch {
    // No draft.
  }
  function saveDraft() {
    const draft = {};
    for (const [k, el] of Object.entries(els)) draft[k] = el.type === 'checkbox' ? el.checked : el.value;
    try {
      sessionStorage.setItem(DRAFT_KEY, JSON.stringify(draft));
    } catch {
      // Not kept.
    }
  }
  form.addEventListener('input', saveDraft);
  return f;
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

  let lastCount = -1;
  let timer = null;
  function check() {
    const board = ctx.views.get('board');
    if (!board) return;
    const draft = {title: els.title.value, description: els.description.value, kind: els.kind.value,
      startDate: els.ongoing.checked ? '' : els.startDate.value, endDate: els.endDate.value};
    const found = findLookalikes(board.initiatives.filter((x) => !ini || x.id !== ini.id), draft);
    panel.hidden = found.length === 0;
    submit.textContent = submitText(found.length);
    if (found.length !== lastCount) {
      lastCount = found.length;
      summary.textContent = found.length ? t('propose.found', {n: found.length}) : '';
    }
    patchList(lookList, found, (f) => f.initiative.id, (f) => lookalike(f, ctx),
      (f) => JSON.stringify([f.initiative, f.sameDay, f.sameWeekKind, f.shared, lang()]));
  }
  function onInput() {
    clearTimeout(timer);
    timer = setTimeout(check, 120);
  }
  form.addEventListener('input', onInput);
  form.addEventListener('change', onInput);

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
    submit.disabled = true;
    submit.setAttribute('aria-busy', 'true');
    error.textContent = (await onSubmit(values)) || '';
    error.hidden = !error.textContent;
    submit.disabled = false;
    submit.removeAttribute('aria-busy');
  });

  return {form, els, submit, update: check, destroy: () => clearTimeout(timer)};
}

function lookalike(f, ctx) {
  const ini = f.initiative;
  const why = [];
  if (f.sameDay) why.push(badge(t('propose.sameDay'), 'clash'));
  if (f.sameWeekKind) why.push(badge(t('propose.sameWeekKind'), 'clash'));
  if (f.similar) why.push(badge(f.shared.length ? t('propose.similarWords', {words: f.shared.join(', ')}) : t('propose.similar')));
  const organizer = ini.organizerIds.includes(ctx.me);
  return h('li', {class: 'card lookalike', 'data-initiative': ini.id},
    h('h3', {class: 'card-title'}, h('a', {href: `#/initiatives/${encodeURIComponent(ini.id)}`}, ini.title)),
    h('p', {class: 'badges'}, why),
    h('p', {class: 'meta'}, kindLabel(ini.kind), ' · ', fmtWhen(ini.when),
      ini.place && ini.place.text ? ` · ${ini.place.text}` : ''),
    h('p', {class: 'meta'}, t('initiative.organizers'), ': ', names(ini.organizerIds, ctx)),
    organizer ? badge(t('initiative.youOrganize'), 'mine')
      : actionButton(t('propose.joinInstead'), () => ctx.run({joinInitiative: {initiativeId: ini.id}},
        label('label.joinInitiative', {title: ini.title})), {class: 'btn btn-secondary', fk: `joinlike-${ini.id}`}));
}
