// Initiatives: the board as a list, filtered by status and by a folded search.
import {h, add, patchList, setChildren} from '../dom.js';
import {t, lang} from '../i18n.js';
import {fold} from '../format.js';
import {loading, empty, badge, initiativeItem, statusBadge, noActiveOrganizer} from './common.js';

export const id = 'initiatives';
export const title = () => t('initiatives.title');
export const needs = () => ['board'];

export function mount(root, ctx) {
  let filter = 'active';
  let query = '';
  const list = h('ul', {class: 'cards', id: 'initiative-list'});
  const state = h('div', {role: 'status'});
  const filters = h('div', {class: 'segmented', role: 'group', 'aria-label': t('initiatives.filter')});
  const search = h('input', {type: 'search', id: 'initiative-search', autocomplete: 'off'});
  search.addEventListener('input', () => {
    query = fold(search.value).trim();
    update();
  });
  function renderFilters() {
    setChildren(filters, ['active', 'all'].map((f) => h('button', {type: 'button', class: 'seg',
      'aria-pressed': String(filter === f), 'data-fk': `filter-${f}`,
      onClick: () => {
        filter = f;
        renderFilters();
        update();
      }}, t(`initiatives.filter.${f}`))));
  }
  renderFilters();
  add(root, 
    h('div', {class: 'page-head'}, h('h1', null, t('initiatives.title')),
      ctx.canWrite ? h('a', {class: 'btn', href: '#/initiatives/new'}, t('initiative.new')) : null),
    h('div', {class: 'toolbar'}, filters,
      h('div', {class: 'field field-inline'}, h('label', {for: 'initiative-search'}, t('initiatives.search')), search)),
    state, list);

  function update() {
    const board = ctx.views.get('board');
    if (!board) return setChildren(state, loading());
    const shown = board.initiatives.filter((i) => (filter === 'all' || i.status === 'active')
      && (!query || fold(`${i.title} ${i.description} ${i.place ? i.place.text : ''}`).includes(query)));
    setChildren(state, shown.length ? t('initiatives.count', {n: shown.length}) : empty(t('initiatives.none')));
    state.className = shown.length ? 'meta' : '';
    initiativeCards(list, shown, ctx);
    return undefined;
  }
  return {update};
}

// Initiatives as cards into `list` (also the auditor's replay of the board).
export function initiativeCards(list, shown, ctx) {
  patchList(list, shown, (i) => i.id, (i) => initiativeItem(i, ctx, h('p', {class: 'badges'},
    statusBadge(i),
    noActiveOrganizer(i, ctx) ? badge(t('initiative.noOrganizer'), 'no') : null,
    i.openClashIds.length ? badge(t('clash.count', {n: i.openClashIds.length}), 'clash') : null,
    i.openTaskCount ? badge(t('tasks.openCount', {n: i.openTaskCount})) : null,
    i.organizerIds.includes(ctx.me) ? badge(t('initiative.youOrganize'), 'mine') : null)),
  (i) => JSON.stringify([i, lang(), i.organizerIds.map((m) => ctx.name(m)), noActiveOrganizer(i, ctx)]));
  return list;
}
