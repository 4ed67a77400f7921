// Tasks: mine, open ones, and who wants to learn what. Claim, release, done; ask to be shown
// how, or offer to show someone: the platform grows people, not only output.
import {h, add, patchList, setChildren} from '../dom.js';
import {t, lang} from '../i18n.js';
import {fmtDate} from '../format.js';
import {loading, badge, actionButton, label, names, commandForm} from './common.js';

export const id = 'tasks';
export const title = () => t('tasks.title');
export const needs = () => ['tasks', 'board'];

export function mount(root, ctx) {
  const lists = taskLists(ctx);
  add(root, h('h1', null, t('tasks.title')), lists.el);
  return {update: lists.update};
}

// The task lists (also the auditor's replay). Who cannot take tasks has no list of their own.
export function taskLists(ctx) {
  const mine = h('ul', {class: 'cards', id: 'tasks-mine'});
  const open = h('ul', {class: 'cards', id: 'tasks-open'});
  const learning = h('ul', {class: 'cards', id: 'tasks-learning'});
  const others = h('ul', {class: 'cards', id: 'tasks-others'});
  const loads = h('div');
  const learnSection = h('section', {'aria-labelledby': 'h-learn', hidden: true},
    h('h2', {id: 'h-learn'}, t('tasks.learning')), h('p', {class: 'hint'}, t('tasks.learningHint')), learning);
  const el = [
    h('section', {'aria-labelledby': 'h-mine', hidden: !ctx.canWrite}, h('h2', {id: 'h-mine'}, t('tasks.mine')), mine),
    learnSection,
    h('section', {'aria-labelledby': 'h-open'}, h('h2', {id: 'h-open'}, t('tasks.open')), open),
    h('section', {'aria-labelledby': 'h-others'}, h('h2', {id: 'h-others'}, t('tasks.others')),
      h('p', {class: 'hint'}, t('tasks.othersHint')), others),
    loads];

  function update() {
    const v = ctx.views.get('tasks');
    if (!v) {
      setChildren(open, h('li', null, loading()));
      return;
    }
    const byDue = (a, b) => (a.dueDate || '9999').localeCompare(b.dueDate || '9999');
    const myTasks = v.tasks.filter((x) => x.status === 'claimed' && x.claimedBy === ctx.me).sort(byDue);
    const waitingToLearn = v.tasks.filter((x) => x.status !== 'claimed' || x.claimedBy !== ctx.me)
      .filter((x) => x.learnersWaiting.includes(ctx.me) || x.learningPairs.some((p) => p.learnerId === ctx.me));
    const openTasks = v.tasks.filter((x) => x.status === 'open').sort(byDue);
    // Someone asked to be shown how: anyone who knows may offer; who does or did the task
    // first.
    const knows = (x) => Number(x.claimedBy === ctx.me || x.doneBy === ctx.me);
    const canTeach = v.tasks.filter((x) => x.learnersWaiting.some((l) => l !== ctx.me))
      .sort((a, b) => knows(b) - knows(a));
    const sig = (x) => JSON.stringify([x, lang(), ctx.lookups.initiative(x.initiativeId), ctx.name(x.claimedBy)]);
    const mineAll = [...myTasks, ...waitingToLearn];
    if (!mineAll.length) setChildren(mine, h('li', {class: 'empty'}, t('tasks.noneMine')));
    else patchList(mine, mineAll, (x) => x.id, (x) => taskCard(x, ctx), sig);
    if (!openTasks.length) setChildren(open, h('li', {class: 'empty'}, t('tasks.noneOpen')));
    else patchList(open, openTasks, (x) => x.id, (x) => taskCard(x, ctx), sig);
    const byOthers = v.tasks.filter((x) => x.status === 'claimed' && x.claimedBy !== ctx.me
      && !waitingToLearn.includes(x)).sort(byDue);
    if (!byOthers.length) setChildren(others, h('li', {class: 'empty'}, t('tasks.noneOthers')));
    else patchList(others, byOthers, (x) => x.id, (x) => taskCard(x, ctx), sig);
    learnSection.hidden = canTeach.length === 0;
    patchList(learning, canTeach, (x) => x.id, (x) => teachCard(x, ctx),
      (x) => JSON.stringify([x, lang(), x.learnersWaiting.map((l) => ctx.name(l))]));
    const heavy = v.loads.filter((l) => l.overloaded);
    setChildren(loads, heavy.length ? h('section', {'aria-labelledby': 'h-loads'},
      h('h2', {id: 'h-loads'}, t('tasks.loads')), h('p', {class: 'hint'}, t('tasks.loadsHint')),
      h('ul', {class: 'plain-list'}, heavy.map((l) => h('li', null,
        t('tasks.loadLine', {name: l.name || ctx.name(l.memberId), n: l.openTasks}))))) : null);
  }
  return {el, update};
}

function taskCard(x, ctx) {
  const ini = ctx.lookups.initiative(x.initiativeId);
  const card = h('li', {class: ['card', 'task', `task-${x.status}`], 'data-task': x.id},
    h('h3', {class: 'card-title'}, x.title),
    h('p', {class: 'meta'},
      h('a', {href: `#/initiatives/${encodeURIComponent(x.initiativeId)}`}, ini || x.initiativeId),
      x.dueDate ? ` · ${t('tasks.due', {date: fmtDate(x.dueDate)})}` : ''),
    x.description ? h('p', null, x.description) : null,
    h('p', {class: 'badges'}, badge(t(`task.status.${x.status}`), x.status),
      x.overdue ? badge(t('tasks.overdue'), 'no') : null,
      x.claimedBy && x.claimedBy !== ctx.me ? h('span', {class: 'meta'}, ` ${t('tasks.by', {name: ctx.name(x.claimedBy)})}`) : null,
      x.learnersWaiting.includes(ctx.me) ? badge(t('tasks.youAsked'), 'mine') : null,
      ...x.learningPairs.filter((p) => p.learnerId === ctx.me).map((p) =>
        badge(t('tasks.showsYou', {name: ctx.name(p.mentorId)}), 'yes'))));
  if (!ctx.canWrite) return card;
  const actions = h('div', {class: 'actions'});
  if (x.status === 'open') {
    add(actions, actionButton(t('tasks.claim'), () => ctx.run({claimTask: {taskId: x.id}},
      label('label.claimTask', {title: x.title})), {class: 'btn btn-primary', fk: `claim-${x.id}`}));
  }
  if (x.status === 'claimed' && x.claimedBy === ctx.me) {
    add(actions, 
      actionButton(t('tasks.done'), () => ctx.run({completeTask: {taskId: x.id}},
        label('label.completeTask', {title: x.title})), {class: 'btn btn-primary', fk: `done-${x.id}`}),
      commandForm(ctx, t('tasks.release'), [{name: 'reason', label: t('tasks.releaseReason'), type: 'textarea'}],
        t('tasks.releaseConfirm'), (els) => [{releaseTask: {taskId: x.id, reason: els.reason.value.trim()}},
        label('label.releaseTask', {title: x.title})], {fk: `release-${x.id}`}));
  }
  const learner = x.learnersWaiting.includes(ctx.me) || x.learningPairs.some((p) => p.learnerId === ctx.me);
  if (!learner && x.claimedBy !== ctx.me && x.status !== 'done') {
    add(actions, actionButton(t('tasks.learn'), () => ctx.run({requestLearning: {taskId: x.id}},
      label('label.requestLearning', {title: x.title})), {class: 'btn btn-secondary', fk: `learn-${x.id}`}));
  }
  if (actions.childElementCount) card.appendChild(actions);
  return card;
}

function teachCard(x, ctx) {
  const waiting = x.learnersWaiting.filter((l) => l !== ctx.me);
  return h('li', {class: 'card', 'data-task': x.id},
    h('h3', {class: 'card-title'}, x.title),
    h('p', null, t('tasks.wantsToLearn', {names: names(waiting, ctx)})),
    ctx.canWrite ? h('div', {class: 'actions'}, waiting.map((l) => actionButton(
      t('tasks.teach', {name: ctx.name(l)}), () => ctx.run({offerToTeach: {taskId: x.id, learnerId: l}},
        label('label.offerToTeach', {title: x.title, name: ctx.name(l)})),
      {class: 'btn btn-secondary', fk: `teach-${x.id}-${l}`}))) : null);
}
