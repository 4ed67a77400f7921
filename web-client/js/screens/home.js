// The samenwerkingsrotonde: where two groups plan the same thing apart, with one-tap ways
// to join forces or to keep them apart on purpose; then what is coming up, open tasks and
// what happened since the last visit.
import {h, add, patchList, setChildren} from '../dom.js';
import {t, lang} from '../i18n.js';
import {fmtWhen, fmtDate, today, fmtMoney} from '../format.js';
import {loading, empty, badge, names, actionButton, label, commandForm} from './common.js';

export const id = 'home';
export const title = () => t('home.title');
export const needs = () => ['clashes', 'tasks', 'figures'];

export function mount(root, ctx) {
  const clashList = h('ul', {class: 'cards clash-list', 'aria-live': 'polite', id: 'clashes'});
  const clashState = h('div');
  const feedList = h('ol', {class: 'feed', id: 'feed'});
  const feedHead = h('div', {class: 'section-head'});
  const upcoming = h('ul', {class: 'plain-list', id: 'upcoming'});
  const tasks = h('ul', {class: 'plain-list', id: 'open-tasks'});
  const figures = h('div', {class: 'figures'});

  add(root, 
    h('div', {class: 'page-head'},
      h('h1', null, t('home.title')),
      ctx.canWrite ? h('a', {class: 'btn', href: '#/initiatives/new'}, t('initiative.new')) : null),
    h('p', {class: 'lead'}, t('home.lead')),
    h('section', {'aria-labelledby': 'h-clashes'},
      h('h2', {id: 'h-clashes'}, t('home.clashes')), clashState, clashList),
    h('section', {'aria-labelledby': 'h-feed', class: 'since'}, feedHead, feedList),
    h('div', {class: 'two-col'},
      h('section', {'aria-labelledby': 'h-upcoming'},
        h('h2', {id: 'h-upcoming'}, t('home.upcoming')), upcoming,
        h('p', null, h('a', {href: '#/initiatives'}, t('home.allInitiatives')))),
      h('section', {'aria-labelledby': 'h-tasks'},
        h('h2', {id: 'h-tasks'}, t('home.openTasks')), tasks,
        h('p', null, h('a', {href: '#/tasks'}, t('home.allTasks'))))),
    figures,
  );

  function update() {
    drawClashes(clashState, clashList, ctx);
    renderFeed();
    renderUpcoming(ctx.views.get('board'));
    renderTasks();
    renderFigures();
  }

  function renderFeed() {
    const mark = ctx.visitMark();
    const items = ctx.feed().filter((r) => r.position > mark).slice().reverse();
    if (items.length) ctx.markSeen(items[0].position);
    setChildren(feedHead,
      h('h2', {id: 'h-feed'}, t('home.since'), ' ', items.length ? badge(String(items.length)) : null),
      items.length ? actionButton(t('home.markRead'), () => {
        ctx.markAllRead();
        renderFeed();
      }, {class: 'btn btn-small btn-secondary', fk: 'mark-read'}) : null);
    if (!items.length) {
      setChildren(feedList, h('li', {class: 'empty'}, t('home.nothingNew')));
      return;
    }
    patchList(feedList, items.slice(0, 50), (r) => r.position, (r) => h('li',
      {'data-position': String(r.position), class: 'feed-item'},
      h('span', {class: 'feed-text'}, ctx.eventText(r)),
      h('span', {class: 'feed-time'}, ctx.when(r))), (r) => `${r.position}|${lang()}|${ctx.eventText(r)}`);
  }

  function renderUpcoming(board) {
    if (!board) return setChildren(upcoming, h('li', null, loading()));
    const now = today();
    const list = board.initiatives.filter((i) => i.status === 'active' && i.when && !i.when.ongoing
      && (i.when.endDate || i.when.startDate) >= now)
      .sort((a, b) => a.when.startDate.localeCompare(b.when.startDate)).slice(0, 6);
    if (!list.length) return setChildren(upcoming, h('li', {class: 'empty'}, t('home.noUpcoming')));
    patchList(upcoming, list, (i) => i.id, (i) => h('li', null,
      h('a', {href: `#/initiatives/${encodeURIComponent(i.id)}`, 'data-fk': `up-${i.id}`}, i.title),
      h('span', {class: 'meta'}, ` · ${fmtWhen(i.when)}`),
      i.openClashIds.length ? h('span', null, ' ', badge(t('clash.badge'), 'clash')) : null),
    (i) => JSON.stringify([i, lang()]));
    return undefined;
  }

  function renderTasks() {
    const v = ctx.views.get('tasks');
    if (!v) return setChildren(tasks, h('li', null, loading()));
    const list = v.tasks.filter((x) => x.status === 'open')
      .sort((a, b) => (a.dueDate || '9999').localeCompare(b.dueDate || '9999')).slice(0, 5);
    if (!list.length) return setChildren(tasks, h('li', {class: 'empty'}, t('tasks.noneOpen')));
    patchList(tasks, list, (x) => x.id, (x) => h('li', null,
      h('span', null, x.title),
      h('span', {class: 'meta'}, ` · ${ctx.lookups.initiative(x.initiativeId)}`,
        x.dueDate ? ` · ${t('tasks.due', {date: fmtDate(x.dueDate, 'short')})}` : ''),
      x.overdue ? [' ', badge(t('tasks.overdue'), 'no')] : null),
    (x) => JSON.stringify([x, lang(), ctx.lookups.initiative(x.initiativeId)]));
    return undefined;
  }

  function renderFigures() {
    const f = ctx.views.get('figures');
    if (!f) return setChildren(figures);
    setChildren(figures, h('h2', {class: 'sr-only'}, t('figures.title')), figureList(f));
    return undefined;
  }

  // A backlog arrives as many events at once: draw the list once a frame, not per event.
  let feedFrame = 0;
  return {
    update,
    onEvent() {
      if (feedFrame) return;
      feedFrame = requestAnimationFrame(() => {
        feedFrame = 0;
        renderFeed();
      });
    },
    destroy() {
      cancelAnimationFrame(feedFrame);
    },
  };
}

// The open clashes as cards into `list`, and in `state` whether there are any (also the
// auditor's replay).
export function drawClashes(state, list, ctx) {
  const clashes = ctx.views.get('clashes');
  const board = ctx.views.get('board');
  if (!clashes || !board) return setChildren(state, loading());
  setChildren(state, clashes.open.length ? null : empty(t('home.noClashes')));
  patchList(list, clashes.open, (c) => c.id, (c) => clashCard(c, ctx),
    (c) => JSON.stringify([c, lang(), sideSig(c, ctx)]));
  return undefined;
}

// The platform in figures (also the auditor's replay).
export function figureList(f) {
  const figure = (value, text) => h('li', null, h('strong', null, String(value)), ' ', h('span', null, text));
  return h('ul', {class: 'figure-list'},
    figure(f.joinedForces, t('figures.joinedForces')),
    figure(f.initiativesHeld, t('figures.held')),
    figure(f.residentsInvolved, t('figures.residents')),
    figure(f.learningPairs, t('figures.learning')),
    figure(fmtMoney(f.budgetSpentCents), t('figures.spent')));
}

// What a clash card shows from elsewhere (titles, dates, names): part of its signature.
function sideSig(c, ctx) {
  return [c.initiativeA, c.initiativeB].map((id) => {
    const i = ctx.initiative(id);
    return i ? [i.title, i.when, i.organizerIds.map((m) => ctx.name(m))] : null;
  });
}

function clashCard(c, ctx) {
  const a = ctx.initiative(c.initiativeA);
  const b = ctx.initiative(c.initiativeB);
  const mine = [a, b].filter((i) => i && i.organizerIds.includes(ctx.me));
  const reason = lang() === 'en' ? (c.reasonEn || c.reasonNl) : (c.reasonNl || c.reasonEn);
  const card = h('li', {class: ['card', 'clash', `clash-${c.status}`], 'data-clash': c.id},
    h('h3', {class: 'card-title'}, reason),
    h('p', {class: 'meta'}, t(`rule.${c.rule}`), c.date ? ` · ${fmtDate(c.date)}` : '',
      c.sharedTerms && c.sharedTerms.length ? ` · ${t('clash.shared', {words: c.sharedTerms.join(', ')})}` : ''),
    h('div', {class: 'sides'}, side(a, c.initiativeA, c, ctx), side(b, c.initiativeB, c, ctx)));

  if (c.status === 'merge_proposed') {
    const survivor = ctx.initiative(c.survivingInitiativeId);
    card.appendChild(h('p', {class: 'merge-note'},
      t('clash.mergeProposed', {title: survivor ? survivor.title : c.survivingInitiativeId})));
  }
  if (!ctx.canWrite) return card;

  const actions = h('div', {class: 'actions'});
  const canSteer = mine.length > 0 || ctx.isCoordinator;
  if (c.status === 'open' && canSteer) {
    // Proposing is saying yes for one's own side; the other side still decides.
    const first = [a, b].filter(Boolean).sort((x, y) => Number(x.proposedAt) - Number(y.proposedAt))[0];
    const keep = h('select', {'aria-label': t('clash.keepName'), class: 'keep-select', 'data-fk': `keep-${c.id}`},
      [a, b].filter(Boolean).map((i) => h('option', {value: i.id, selected: first && i.id === first.id},
        t('clash.continueAs', {title: i.title}))));
    add(actions, 
      actionButton(t('clash.join'), () => ctx.run(
        {proposeMerge: {clashId: c.id, survivingInitiativeId: keep.value}},
        label('label.proposeMerge', {title: reason})), {fk: `join-${c.id}`, class: 'btn btn-primary'}),
      keep);
  }
  if (c.status === 'merge_proposed') {
    const pending = mine.filter((i) => !c.acceptedInitiativeIds.includes(i.id));
    if (pending.length) {
      add(actions, 
        actionButton(t('clash.accept'), () => ctx.run({acceptMerge: {clashId: c.id}},
          label('label.acceptMerge', {title: reason})), {fk: `accept-${c.id}`, class: 'btn btn-primary'}),
        commandForm(ctx, t('clash.decline'), [{name: 'reason', label: t('clash.declineReason'), type: 'textarea'}],
          t('clash.decline'), (els) => [{declineMerge: {clashId: c.id, reason: els.reason.value.trim()}},
        label('label.declineMerge', {title: reason})], {fk: `decline-${c.id}`}));
    } else if (mine.length) {
      add(actions, h('p', {class: 'meta'}, t('clash.waitingOther')));
    }
  }
  if (canSteer) {
    add(actions, commandForm(ctx, t('clash.dismiss'), [{name: 'reason', label: t('clash.dismissReason'),
      type: 'textarea', required: true, hint: t('clash.dismissHint')}], t('clash.dismissConfirm'),
      (els) => [{dismissClash: {clashId: c.id, reason: els.reason.value.trim()}},
        label('label.dismissClash', {title: reason})], {fk: `dismiss-${c.id}`}));
  } else {
    add(actions, h('p', {class: 'meta'}, t('clash.organizersDecide')));
  }
  card.appendChild(actions);
  return card;
}

function side(ini, id, clash, ctx) {
  if (!ini) return h('div', {class: 'side'}, id);
  const accepted = clash.acceptedInitiativeIds.includes(ini.id);
  const mine = ini.organizerIds.includes(ctx.me);
  return h('div', {class: 'side'},
    h('a', {href: `#/initiatives/${encodeURIComponent(ini.id)}`, class: 'side-title',
      'data-fk': `side-${clash.id}-${ini.id}`}, ini.title),
    h('span', {class: 'meta'}, fmtWhen(ini.when)),
    ini.place && ini.place.text ? h('span', {class: 'meta'}, ini.place.text) : null,
    h('span', {class: 'meta'}, t('initiative.organizers'), ': ', names(ini.organizerIds, ctx)),
    mine ? badge(t('clash.yours'), 'mine') : null,
    accepted ? badge(t('clash.saidYes'), 'yes') : null);
}
