// Pieces several screens share.
import {h, add, nextId} from '../dom.js';
import {t} from '../i18n.js';
import {api} from '../api.js';
import {fmtWhen, kindLabel, fmtTimestamp, eventType, eventTypeName} from '../format.js';

export function loading() {
  return h('p', {class: 'loading', role: 'status'}, t('loading'));
}

export function empty(text) {
  return h('p', {class: 'empty'}, text);
}

export function badge(text, kind = '') {
  return h('span', {class: ['badge', kind && `badge-${kind}`]}, text);
}

// An active initiative none of whose organizers is an active member any more (they left,
// or were erased): any member may take it over.
export function noActiveOrganizer(ini, ctx) {
  const v = ini.status === 'active' && ctx.views && ctx.views.get('members');
  if (!v) return false;
  return !(ini.organizerIds || []).some((id) => v.members.some((m) => m.id === id && m.active));
}

export function names(ids, ctx) {
  return (ids || []).map((id) => ctx.name(id)).join(', ');
}

// A button that runs an async action, disabled (and aria-busy) while it runs.
export function actionButton(label, action, opts = {}) {
  const btn = h('button', {type: 'button', class: opts.class || 'btn', 'data-fk': opts.fk,
    'aria-describedby': opts.describedby});
  btn.textContent = label;
  btn.addEventListener('click', async () => {
    if (btn.disabled) return;
    btn.disabled = true;
    btn.setAttribute('aria-busy', 'true');
    try {
      await action(btn);
    } finally {
      btn.disabled = false;
      btn.removeAttribute('aria-busy');
    }
  });
  return btn;
}

// A disclosure: a button that shows and hides a small form below it (aria-expanded), for
// actions that need a word more, like a reason.
export function disclosure(label, buildForm, opts = {}) {
  const id = nextId('disc');
  const panel = h('div', {id, class: 'disclosure-panel', hidden: true});
  const btn = h('button', {type: 'button', class: opts.class || 'btn btn-secondary',
    'aria-expanded': 'false', 'aria-controls': id, 'data-fk': opts.fk});
  btn.textContent = label;
  const close = () => {
    panel.hidden = true;
    btn.setAttribute('aria-expanded', 'false');
    panel.replaceChildren();
    btn.focus();
  };
  btn.addEventListener('click', () => {
    const open = panel.hidden;
    panel.hidden = !open;
    btn.setAttribute('aria-expanded', String(open));
    if (open) {
      panel.replaceChildren(buildForm(close));
      const first = panel.querySelector('input, textarea, select, button');
      if (first) first.focus();
    } else {
      panel.replaceChildren();
    }
  });
  return h('div', {class: 'disclosure'}, btn, panel);
}

// A small form with a submit handler that gets the form's elements; the submit button is
// busy while the handler runs. fields: [{name, label, type, required, options, value, hint}]
export function smallForm(fields, submitLabel, onSubmit, opts = {}) {
  const form = h('form', {class: ['small-form', opts.class], novalidate: true});
  const error = h('p', {class: 'form-error', role: 'alert', hidden: true});
  for (const f of fields) form.appendChild(fieldFor(f));
  const submit = h('button', {type: 'submit', class: 'btn'}, submitLabel);
  const actions = h('div', {class: 'form-actions'}, submit);
  if (opts.onCancel) {
    actions.appendChild(h('button', {type: 'button', class: 'btn btn-secondary', onClick: opts.onCancel}, t('cancel')));
  }
  add(form, error, actions);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (submit.disabled) return;
    error.hidden = true;
    for (const f of fields) {
      const el = form.elements[f.name];
      el.removeAttribute('aria-invalid');
      if (f.required && !String(el.value).trim()) {
        el.setAttribute('aria-invalid', 'true');
        error.textContent = t('form.required', {field: f.label});
        error.hidden = false;
        el.focus();
        return;
      }
    }
    submit.disabled = true;
    submit.setAttribute('aria-busy', 'true');
    try {
      const problem = await onSubmit(form.elements, form);
      if (problem) {
        error.textContent = problem;
        error.hidden = false;
      }
    } finally {
      submit.disabled = false;
      submit.removeAttribute('aria-busy');
    }
  });
  return form;
}

export function fieldFor(f) {
  const id = nextId('in');
  let input;
  if (f.type === 'textarea') {
    input = h('textarea', {id, name: f.name, rows: f.rows || 3, required: f.required, maxlength: f.maxlength});
    if (f.value) input.value = f.value;
  } else if (f.type === 'select') {
    input = h('select', {id, name: f.name, required: f.required},
      f.options.map(([value, label]) => h('option', {value, selected: value === f.value}, label)));
  } else if (f.type === 'checkbox') {
    input = h('input', {id, name: f.name, type: 'checkbox', checked: f.value});
    return h('div', {class: 'field field-check'}, input, h('label', {for: id}, f.label));
  } else {
    input = h('input', {id, name: f.name, type: f.type || 'text', required: f.required,
      value: f.value, inputmode: f.inputmode, autocomplete: f.autocomplete || 'off',
      min: f.min, max: f.max, maxlength: f.maxlength, pattern: f.pattern});
  }
  const hint = f.hint ? h('p', {class: 'hint', id: `${id}-hint`}, f.hint) : null;
  if (hint) input.setAttribute('aria-describedby', hint.id);
  const mark = f.required ? h('span', {class: 'req', 'aria-hidden': 'true'}, ' *') : null;
  return h('div', {class: 'field'}, h('label', {for: id}, f.label, mark), input, hint);
}

// One initiative as a line in a list: title (link), when, place, kind.
export function initiativeItem(ini, ctx, extra) {
  const meta = [kindLabel(ini.kind), fmtWhen(ini.when)];
  if (ini.place && ini.place.text) meta.push(ini.place.text);
  return h('li', {class: 'card initiative-item', 'data-initiative': ini.id, 'data-status': ini.status},
    h('h3', {class: 'card-title'}, h('a', {href: `#/initiatives/${encodeURIComponent(ini.id)}`,
      'data-fk': `ini-${ini.id}`}, ini.title)),
    h('p', {class: 'meta'}, meta.join(' · ')),
    ini.organizerIds && ini.organizerIds.length
      ? h('p', {class: 'meta'}, t('initiative.organizers'), ': ', names(ini.organizerIds, ctx)) : null,
    extra || null);
}

// An event as a line in a list (the auditor's log, an initiative's history): its position,
// what happened, who did it, and when, in Amsterdam time.
export function eventLine(e, ctx) {
  return [h('span', {class: 'pos'}, `#${e.position}`), ' ', h('strong', null, eventTypeName(eventType(e))),
    ' · ', ctx.name(e.actor) || t('actor.none'), ' · ', h('time', {datetime: e.recordedAt}, fmtTimestamp(e.recordedAt))];
}

export function statusBadge(ini) {
  if (ini.status === 'active') return null;
  return badge(t(`status.${ini.status}`), ini.status);
}

// A label for outbox entries and announcements: a key and its vars, translated when shown.
export function label(key, vars) {
  return {key, vars: vars || {}};
}

// A button that opens a small form whose submit runs one command: build(els) gives
// [command, label], or a string saying what is wrong. The form closes once the command is
// sent or waits in the outbox; a refusal leaves it open.
// `fields` may be a function, for a form whose choices are read when it opens.
export function commandForm(ctx, buttonText, fields, submitText, build, opts) {
  return disclosure(buttonText, (close) => smallForm(typeof fields === 'function' ? fields() : fields,
    submitText, async (els) => {
    const made = build(els);
    if (typeof made === 'string') return made;
    if ((await ctx.run(made[0], made[1])) !== 'failed') close();
    return null;
  }, {onCancel: close}), opts);
}

// Erasing someone's personal data: a button that opens a confirmation saying plainly what
// happens (`warning`), read first; confirm(close) resolves to null once done, or to the
// refusal's text, shown in the confirmation.
export function eraseStep(buttonText, ariaLabel, warning, confirm, fk) {
  const step = disclosure(buttonText, (close) => {
    const form = smallForm([], t('priv.eraseConfirm'), () => confirm(close), {onCancel: close, class: 'erase-form'});
    const warn = h('p', {class: 'erase-warn', id: nextId('warn'), tabindex: '-1'}, warning);
    form.prepend(warn);
    form.querySelector('button[type="submit"]').setAttribute('aria-describedby', warn.id);
    // The warning is what one reads first, not the button that erases.
    queueMicrotask(() => warn.focus());
    return form;
  }, {fk, class: 'btn btn-secondary btn-danger'});
  named(step.firstChild, buttonText, ariaLabel);
  return step;
}

// A button whose name says more than its text ("Persoonsgegevens van Anna wissen" for
// "Persoonsgegevens wissen"): the more as hidden text between what shows, so the name still
// holds the text as one sees it; else as its aria-label.
function named(btn, text, name) {
  if (name === text) return;
  let i = 0;
  while (i < text.length && text[i] === name[i]) i += 1;
  let j = 0;
  while (j < text.length - i && text[text.length - 1 - j] === name[name.length - 1 - j]) j += 1;
  if (i + j < text.length) {
    btn.setAttribute('aria-label', name);
    return;
  }
  btn.replaceChildren(name.slice(0, i), h('span', {class: 'sr-only'}, name.slice(i, name.length - j)),
    name.slice(name.length - j));
}

// eraseStep's confirm for an admin's erasure: POST `path`; then the focus goes to target().
export function eraseBy(ctx, path, target) {
  return async (close) => {
    try {
      await api.post(path);
    } catch (e) {
      return ctx.errorText(e);
    }
    close();
    ctx.announce(t('priv.erasedDone'));
    const el = target();
    if (el) el.focus();
    return null;
  };
}
