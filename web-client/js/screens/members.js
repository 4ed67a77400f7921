// Members: who takes part, in which role, carrying what; and for coordinators and admins an
// invite link to pass on (by any messenger: the link works once).
import {h, add, patchList, setChildren} from '../dom.js';
import {t, lang} from '../i18n.js';
import {api, paths} from '../api.js';
import {roleLabel, fmtTimestamp} from '../format.js';
import {loading, badge, disclosure, smallForm} from './common.js';

export const id = 'members';
export const title = () => t('members.title');
export const needs = () => ['members'];

export function mount(root, ctx) {
  const members = memberList(ctx);
  const result = h('div', {id: 'invite-result', role: 'status'});
  const roles = ctx.role === 'ROLE_ADMIN'
    ? ['ROLE_MEMBER', 'ROLE_COORDINATOR', 'ROLE_AUDITOR', 'ROLE_ADMIN'] : ['ROLE_MEMBER', 'ROLE_COORDINATOR'];
  add(root, h('h1', null, t('members.title')),
    ctx.isCoordinator ? h('section', {'aria-labelledby': 'h-invite'},
      h('h2', {id: 'h-invite'}, t('members.invite')), h('p', {class: 'hint'}, t('members.inviteHint')),
      disclosure(t('members.makeLink'), (close) => smallForm([
        {name: 'role', label: t('members.role'), type: 'select', options: roles.map((r) => [r, roleLabel(r)])},
        {name: 'note', label: t('members.note'), hint: t('members.noteHint'), maxlength: 200},
        {name: 'days', label: t('members.days'), type: 'number', min: 1, max: 30, value: '7', inputmode: 'numeric'},
      ], t('members.makeLinkConfirm'), async (els) => {
        try {
          const days = Math.min(30, Math.max(1, Number(els.days.value) || 7));
          const res = await api.post(paths.invites(ctx.platform.id), {role: els.role.value,
            note: els.note.value.trim(), expiresInHours: days * 24});
          close();
          showLink(res);
          return null;
        } catch (e) {
          return ctx.errorText(e);
        }
      }, {onCancel: close}), {fk: 'invite', class: 'btn'}), result) : null,
    members.el);

  function showLink(res) {
    const input = h('input', {type: 'text', readonly: true, value: res.link, id: 'invite-link', class: 'feed-url'});
    const actions = h('div', {class: 'actions'},
      h('button', {type: 'button', class: 'btn', onClick: async () => {
        try {
          await navigator.clipboard.writeText(res.link);
          ctx.toast(t('calendar.copied'));
        } catch {
          input.select();
        }
      }}, t('calendar.copy')));
    if (navigator.share) {
      add(actions, h('button', {type: 'button', class: 'btn btn-secondary', onClick: () => {
        navigator.share({title: ctx.platform.name, text: t('members.shareText', {platform: ctx.platform.name}),
          url: res.link}).catch(() => {});
      }}, t('members.share')));
    }
    setChildren(result, h('div', {class: 'notice'},
      h('label', {for: 'invite-link'}, t('members.link')), input,
      h('p', {class: 'meta'}, t('members.linkOnce', {when: fmtTimestamp(res.expiresAt)})), actions));
    input.focus();
    input.select();
  }

  return {update: members.update};
}

// Who takes part, in which role, carrying what (also the auditor's replay).
export function memberList(ctx) {
  const list = h('ul', {class: 'plain-list', id: 'member-list'});
  const state = h('div');
  const el = h('section', {'aria-labelledby': 'h-members'}, h('h2', {id: 'h-members'}, t('members.list')), state, list);
  function update() {
    const v = ctx.views.get('members');
    if (!v) return setChildren(state, loading());
    setChildren(state, h('p', {class: 'meta'}, t('members.count', {n: v.members.filter((m) => m.active).length})));
    const shown = v.members.slice().sort((a, b) => (b.active - a.active) || a.name.localeCompare(b.name, 'nl'));
    patchList(list, shown, (m) => m.id, (m) => h('li', {'data-member': m.id, class: m.active ? '' : 'inactive'},
      h('strong', null, m.name), ' ', badge(roleLabel(m.role), m.role === 'ROLE_MEMBER' ? '' : 'mine'),
      m.active ? null : [' ', badge(t('members.left'))],
      m.id === ctx.me ? [' ', badge(t('members.you'), 'yes')] : null,
      h('span', {class: 'meta'}, ` · ${t('members.load', {organizing: m.organizing, tasks: m.openTasks})}`)),
    (m) => JSON.stringify([m, lang()]));
    return undefined;
  }
  return {el, update};
}
