// One initiative: what, when, where, who organizes it, its tasks, budget lines, clashes and
// its history (who did what, at which log position).
import {h, add, setChildren, patchList} from '../dom.js';
import {t, lang} from '../i18n.js';
import {api, paths} from '../api.js';
import {fmtWhen, fmtMoney, kindLabel, fmtDate, num} from '../format.js';
import {loading, badge, names, actionButton, label, statusBadge, empty, commandForm, eventLine, disclosure,
  noActiveOrganizer} from './common.js';
import {initiativeForm} from './propose.js';

export const id = 'initiative';
export const title = () => t('initiative.title');
export const needs = () => ['board', 'tasks', 'budget', 'clashes'];

export function mount(root, ctx, params) {
  const iniId = params.id;
  const head = h('div');
  const body = h('div');
  const tasksList = h('ul', {class: 'cards', id: 'initiative-tasks'});
  const taskTools = h('div');
  const budgetBox = h('div');
  const historyBox = h('div');
  const editBox = h('div', {class: 'actions'});  // not redrawn with `body`: an open form stays
  add(root, head, body, editBox,
    h('section', {'aria-labelledby': 'h-itasks'}, h('h2', {id: 'h-itasks'}, t('nav.tasks')), tasksList, taskTools),
    h('section', {'aria-labelledby': 'h-ibudget'}, h('h2', {id: 'h-ibudget'}, t('initiative.budget')), budgetBox),
    h('section', {'aria-labelledby': 'h-ihistory'}, h('h2', {id: 'h-ihistory'}, t('initiative.history')), historyBox));

  let history = null;
  let historyTimer = null;
  let destroyed = false;
  async function loadHistory() {
    if (navigator.onLine === false) return;
    try {
      const res = await api.get(paths.view(ctx.platform.id, 'history',
        {entity: `${ctx.platform.id}/initiative/${iniId}`}));
      if (destroyed) return;
      history = res.view;
    } catch (e) {
      if (destroyed) return;
      history = {error: ctx.errorText(e)};
    }
    renderHistory();
  }
  loadHistory();

  let lastSig = '';
  function update() {
    const board = ctx.views.get('board');
    if (!board) {
      setChildren(head, h('h1', null, t('initiative.title')), loading());
      return;
    }
    const ini = board.initiatives.find((i) => i.id === iniId);
    if (!ini) {
      setChildren(head, h('h1', null, t('initiative.notFound')),
        h('p', null, h('a', {href: '#/initiatives'}, t('initiatives.back'))));
      body.replaceChildren();
      editBox.replaceChildren();
      return;
    }
    document.title = `${ini.title} · Rotonde`;
    const organizer = ini.organizerIds.includes(ctx.me);
    const orphan = noActiveOrganizer(ini, ctx);
    const sig = JSON.stringify([ini, lang(), ini.organizerIds.map((m) => ctx.name(m)), orphan]);
    if (sig !== lastSig) {
      lastSig = sig;
      const hadH1 = head.querySelector('h1');
      const focused = hadH1 && document.activeElement === hadH1;
      setChildren(head,
        h('p', {class: 'crumbs'}, h('a', {href: '#/initiatives'}, t('initiatives.title'))),
        h('h1', {tabindex: '-1'}, ini.title),
        h('p', {class: 'badges'}, badge(kindLabel(ini.kind)), statusBadge(ini),
          organizer ? badge(t('initiative.youOrganize'), 'mine') : null));
      if (focused) head.querySelector('h1').focus();
      const merged = ini.status === 'merged' && ini.mergedInto ? ctx.initiative(ini.mergedInto) : null;
      setChildren(body,
        merged ? h('p', {class: 'notice'}, t('initiative.mergedInto'), ' ',
          h('a', {href: `#/initiatives/${encodeURIComponent(merged.id)}`}, merged.title)) : null,
        h('dl', {class: 'facts'},
          fact(t('initiative.when'), fmtWhen(ini.when)),
          fact(t('initiative.where'), ini.place && ini.place.text ? ini.place.text : '—'),
          fact(t('initiative.organizers'), orphan ? [names(ini.organizerIds, ctx), ' ',
            h('span', {class: 'badge badge-no', id: 'no-organizer'}, t('initiative.noOrganizer'))]
            : names(ini.organizerIds, ctx)),
          ini.participants ? fact(t('initiative.participants'), String(ini.participants)) : null,
          ini.absorbedIds.length ? fact(t('initiative.absorbed'),
            ini.absorbedIds.map((a) => ctx.lookups.initiative(a) || a).join(', ')) : null),
        ini.description ? h('p', {class: 'description'}, ini.description) : null,
        clashesOf(ini),
        actions(ini, organizer, orphan));
    }
    if (!ctx.canWrite || ini.status !== 'active' || !(organizer || ctx.isCoordinator)) editBox.replaceChildren();
    else if (!editBox.firstChild) add(editBox, disclosure(t('initiative.edit'), editForm, {fk: 'edit'}));
    if (editFrom && editBox.firstChild) openRefused();
    renderTasks(ini, organizer);
    renderBudget(ini);
  }

  // #/initiatives/<id>?edit=c-...: a change the server refused, from the outbox: the edit
  // form opens with its values (and, if someone changed the initiative meanwhile, both side
  // by side), once the outbox is read.
  let editFrom = params.edit;
  let refusedEdit = null;
  function openRefused() {
    const commandId = editFrom;
    editFrom = null;
    ctx.live.outbox.ready.then(() => {
      const e = ctx.live.outbox.get(commandId);
      const button = editBox.querySelector('[data-fk="edit"]');
      const u = e && e.command.updateInitiative;
      if (destroyed || !u || u.initiativeId !== iniId || !button) return;
      refusedEdit = e;
      if (button.getAttribute('aria-expanded') === 'true') button.click();
      button.click();
      const heading = editBox.querySelector('h2[tabindex]');
      if (heading) heading.focus();
    });
  }

  // A change names the version the form opened on: one made meanwhile by someone else is
  // refused, and both are then shown side by side to choose from.
  function editForm(close) {
    const was = ctx.initiative(iniId);
    let version = was.version || 0;
    const compare = h('div');
    const from = refusedEdit;
    refusedEdit = null;
    // Keeping what is there now lets a refused change go, too.
    const takeNow = () => {
      if (from) ctx.live.discard(from.commandId);
      close();
    };
    const f = initiativeForm(ctx, was, h('button', {type: 'button', class: 'btn btn-secondary', onClick: close},
      t('cancel')), async (values) => {
      if (values.place && was.place && values.place.text === was.place.text) values.place = was.place;
      const c = {expectedVersion: String(version), updateInitiative: {initiativeId: iniId, ...values}};
      const outcome = await ctx.run(c, label('label.updateInitiative', {title: values.title}));
      if (from) ctx.live.discard(from.commandId);  // put right by this one
      if (outcome !== 'failed') return close();
      // Said here, so not left in the outbox as well.
      const refused = ctx.live.outbox.entries.find((x) => x.command.updateInitiative === c.updateInitiative);
      if (!refused) return null;
      ctx.live.discard(refused.commandId);
      const now = refused.error.code === 'wrong_expected_version' && await api.get(paths.view(ctx.platform.id, 'board'))
        .then((r) => r.view.initiatives.find((x) => x.id === iniId), () => null);
      if (!now) return ctx.errorText(refused.error);
      version = now.version || 0;
      conflict(values, now);
      return null;
    });
    function conflict(values, now) {
      const shown = (x) => [x.title, kindLabel(x.kind), fmtWhen(x.when), x.place && x.place.text, x.description]
        .map((v) => v || '—');
      const [mine, theirs] = [shown(values), shown(now)];
      const choices = h('div', {class: 'form-actions'},
        h('button', {type: 'button', class: 'btn btn-primary', onClick: () => {
          compare.replaceChildren();
          f.form.hidden = false;
          f.submit.focus();
          f.form.requestSubmit();
        }}, t('initiative.editKeepMine')),
        h('button', {type: 'button', class: 'btn btn-secondary', onClick: takeNow}, t('initiative.editTakeNow')),
        h('button', {type: 'button', class: 'btn btn-secondary', onClick: () => {
          choices.remove();
          f.form.hidden = false;
          f.els.title.focus();
        }}, t('initiative.editFurther')));
      f.form.hidden = true;
      setChildren(compare, h('h2', {tabindex: -1}, t('initiative.editConflict')),
        h('table', {class: 'data compare'}, h('tr', null, h('td'), h('th', null, t('initiative.editMine')),
          h('th', null, t('initiative.editNow'))),
        ['propose.titleField', 'propose.kind', 'initiative.when', 'initiative.where', 'tasks.description'].map((key, i) => {
          const differs = mine[i] !== theirs[i];
          return h('tr', {class: differs && 'differs'}, h('th', {scope: 'row'}, t(key),
            differs && [' ', badge(t('initiative.editDiffers'), 'clash')]), h('td', null, mine[i]), h('td', null, theirs[i]));
        })), choices);
      if (compare.isConnected) compare.firstChild.focus();
    }
    let note = null;
    if (from) {
      const u = from.command.updateInitiative;
      f.fill({...u.when, ...u, place: u.place && u.place.text});
      note = h('p', {class: 'notice notice-clash', id: 'edit-refused'},
        t('initiative.editRefused', {reason: ctx.errorText(from.error || {})}));
      if (from.error && from.error.code === 'wrong_expected_version') conflict(u, was);
    }
    f.update();
    return h('div', null, note, compare, f.form);
  }

  function clashesOf(ini) {
    const v = ctx.views.get('clashes');
    if (!v || !ini.openClashIds.length) return null;
    const open = v.open.filter((c) => ini.openClashIds.includes(c.id));
    if (!open.length) return null;
    return h('div', {class: 'notice notice-clash'},
      h('p', null, h('strong', null, t('initiative.clashes'))),
      h('ul', null, open.map((c) => h('li', null, lang() === 'en' ? c.reasonEn : c.reasonNl))),
      h('p', null, h('a', {href: '#/'}, t('initiative.toRotonde'))));
  }

  function actions(ini, organizer, orphan) {
    if (!ctx.canWrite || ini.status !== 'active') return null;
    const box = h('div', {class: 'actions'});
    if (!organizer) {
      // Nobody organizes it any more: joining is taking it over.
      const join = actionButton(t(orphan ? 'initiative.takeOver' : 'initiative.join'), () => ctx.run(
        {joinInitiative: {initiativeId: ini.id}},
        orphan ? label('label.takeOver', {title: ini.title}) : label('label.joinInitiative', {title: ini.title})),
      {fk: orphan ? 'take-over' : 'join', class: 'btn btn-primary'});
      if (orphan) join.setAttribute('aria-label', t('initiative.takeOverLabel', {title: ini.title}));
      add(box, join);
    }
    if (organizer || ctx.isCoordinator) {
      add(box, commandForm(ctx, t('initiative.held'), [
        {name: 'participants', label: t('initiative.participantsCount'), type: 'number', min: 0, inputmode: 'numeric'},
        {name: 'notes', label: t('initiative.notes'), type: 'textarea'},
      ], t('initiative.heldConfirm'), (els) => [{markInitiativeHeld: {initiativeId: ini.id,
          participants: Number(els.participants.value || 0), notes: els.notes.value.trim()}},
        label('label.markHeld', {title: ini.title})], {fk: 'held'}));
      add(box, commandForm(ctx, t('initiative.cancel'), [
        {name: 'reason', label: t('initiative.cancelReason'), type: 'textarea', required: true},
      ], t('initiative.cancelConfirm'), (els) => [{cancelInitiative: {initiativeId: ini.id, reason: els.reason.value.trim()}},
        label('label.cancelInitiative', {title: ini.title})], {fk: 'cancel'}));
    }
    return box;
  }

  function renderTasks(ini, organizer) {
    const v = ctx.views.get('tasks');
    if (!v) return setChildren(tasksList, h('li', null, loading()));
    const list = v.tasks.filter((x) => x.initiativeId === ini.id);
    if (!list.length) setChildren(tasksList, h('li', {class: 'empty'}, t('tasks.none')));
    else {
      patchList(tasksList, list, (x) => x.id, (x) => h('li', {class: 'card'},
        h('h3', {class: 'card-title'}, x.title),
        h('p', {class: 'meta'}, t(`task.status.${x.status}`),
          x.claimedBy ? ` · ${ctx.name(x.claimedBy)}` : '',
          x.dueDate ? ` · ${t('tasks.due', {date: fmtDate(x.dueDate, 'short')})}` : ''),
        x.description ? h('p', null, x.description) : null),
      (x) => JSON.stringify([x, lang(), ctx.name(x.claimedBy)]));
    }
    if (ctx.canWrite && ini.status === 'active' && (organizer || ctx.isCoordinator)) {
      if (!taskTools.firstChild) {
        add(taskTools, commandForm(ctx, t('tasks.add'), [
          {name: 'title', label: t('tasks.titleField'), required: true, maxlength: 200},
          {name: 'description', label: t('tasks.description'), type: 'textarea'},
          {name: 'due', label: t('tasks.dueField'), type: 'date'},
        ], t('tasks.addConfirm'), (els) => [{createTask: {initiativeId: ini.id, title: els.title.value.trim(),
            description: els.description.value.trim(), dueDate: els.due.value}},
        label('label.createTask', {title: els.title.value.trim()})], {fk: 'add-task'}));
      }
    } else {
      taskTools.replaceChildren();
    }
    return undefined;
  }

  function renderBudget(ini) {
    const v = ctx.views.get('budget');
    if (!v) return setChildren(budgetBox, loading());
    const lines = v.spending.filter((s) => s.initiativeId === ini.id);
    if (!lines.length) return setChildren(budgetBox, empty(t('initiative.noBudget')));
    setChildren(budgetBox,
      h('p', null, t('initiative.budgetSummary', {approved: fmtMoney(ini.budgetApprovedCents),
        spent: fmtMoney(ini.budgetSpentCents)})),
      h('ul', {class: 'plain-list'}, lines.map((s) => h('li', null,
        h('span', null, s.purpose), ' · ', h('span', null, fmtMoney(s.amountCents)), ' · ',
        badge(t(`spending.${s.status}`), s.status),
        num(s.spentCents) ? h('span', {class: 'meta'}, ` · ${t('budget.spentOf', {spent: fmtMoney(s.spentCents)})}`) : null))));
    return undefined;
  }

  function renderHistory() {
    if (!history) return setChildren(historyBox, loading());
    if (history.error) return setChildren(historyBox, h('p', {class: 'form-error'}, history.error));
    setChildren(historyBox, h('ol', {class: 'history'}, history.entries.slice().reverse().map((e) => h('li', null,
      eventLine(e, ctx)))));
    return undefined;
  }

  return {
    update,
    onEvent(record) {
      // The history grows with events of this initiative, its tasks and clashes: refetch, at
      // most every second.
      if (!record) return;
      const stream = String(record.stream || '');
      const concerns = stream.endsWith(`/initiative/${iniId}`) || stream.includes('/clash/')
        || stream.includes('/task/') || JSON.stringify(record.event || {}).includes(iniId);
      if (!concerns) return;
      clearTimeout(historyTimer);
      historyTimer = setTimeout(loadHistory, 1000);
    },
    destroy() {
      destroyed = true;
      clearTimeout(historyTimer);
    },
  };
}

function fact(term, value) {
  return [h('dt', null, term), h('dd', null, value)];
}
