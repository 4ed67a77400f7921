// Members: who takes part, in which role, carrying what; for coordinators and admins an
// invite link to pass on (by any messenger: the link works once) and removing a member, for
// admins their roles and erasing a member's personal data (present or gone; the erased are
// listed as "verwijderd lid"). The only admin is offered neither another role, removal nor
// erasure.
import {h, add, patchList, setChildren, keepFocus} from '../dom.js';
import {t, lang} from '../i18n.js';
import {api, paths} from '../api.js';
import {roleLabel, fmtTimestamp} from '../format.js';
import {loading, badge, disclosure, smallForm, actionButton, label, eraseStep,
  eraseBy} from './common.js';

export const id = 'members';
export const title = () => t('members.title');
export const needs = () => ['members'];

const ROLES = ['ROLE_MEMBER', 'ROLE_COORDINATOR', 'ROLE_AUDITOR', 'ROLE_ADMIN'];

export function mount(root, ctx) {
  const members = memberList(ctx, true);
  const result = h('div', {id: 'invite-result', role: 'status'});
  const roles = ctx.role === 'ROLE_ADMIN' ? ROLES : ROLES.slice(0, 2);
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

  return members;
}

// Who takes part, in which role, carrying what (also the auditor's replay); who left, apart.
// `manage`: the controls the viewer's role allows, by their role in the view now, and beside
// a member what the server refused about them (while it is in the outbox).
export function memberList(ctx, manage) {
  const list = h('ul', {class: 'plain-list', id: 'member-list'});
  const former = h('ul', {class: 'plain-list', id: 'former-list'});
  const formerPart = h('div', {hidden: true}, h('h3', null, t('members.former')), former);
  const state = h('div');
  const el = h('section', {'aria-labelledby': 'h-members'}, h('h2', {id: 'h-members'}, t('members.list')), state, list,
    formerPart);
  const refused = (mid) => {
    const e = manage && ctx.live.outbox.entries.filter((x) => x.platform === ctx.platform.id && x.state === 'failed'
      && (x.command.grantRole || x.command.leavePlatform || {}).memberId === mid).pop();
    return e ? ctx.errorText(e.error || {}) : '';
  };

  // A command about a member; then the focus rests on their row, wherever it went.
  async function act(m, command, what, close) {
    await ctx.run(command, what);
    if (close) close();
    const row = el.querySelector(`[data-fk="m-${CSS.escape(m.id)}"]`);
    if (row) row.focus();
  }

  // Erased by the admin: the confirmation says what happens; then the focus rests on the
  // member's row (among the former members once the view says so).
  function erase(m) {
    return eraseStep(t('priv.erase'), t('priv.eraseLabel', {name: m.name}), t('priv.eraseWarn', {name: m.name}),
      eraseBy(ctx, paths.erase(ctx.platform.id, m.id), () => el.querySelector(`[data-fk="m-${CSS.escape(m.id)}"]`)),
      `erase-${m.id}`);
  }

  function tools(m, mine, only) {
    if (only) return mine === 'ROLE_ADMIN' ? h('p', {class: 'hint'}, t('members.onlyAdmin')) : null;
    // A former member: only their data to erase.
    if (!m.active) return mine === 'ROLE_ADMIN' ? h('div', {class: 'actions'}, erase(m)) : null;
    const out = h('div', {class: 'actions'});
    if (mine === 'ROLE_ADMIN') {
      const select = h('select', {id: `role-${m.id}`, 'data-fk': `role-${m.id}`},
        ROLES.map((r) => h('option', {value: r, selected: r === m.role}, roleLabel(r))));
      const save = actionButton(t('save'), () => select.value !== m.role && act(m, {grantRole: {memberId: m.id,
        role: select.value}}, label('members.grantLabel', {name: m.name, role: roleLabel(select.value)})),
      {fk: `save-${m.id}`, class: 'btn btn-secondary'});
      save.setAttribute('aria-label', t('members.saveRole', {name: m.name}));
      add(out, h('div', {class: 'field field-inline'}, h('label', {for: select.id}, t('members.newRole'),
        h('span', {class: 'sr-only'}, ` ${t('members.of', {name: m.name})}`)), select), save);
    }
    if (m.id !== ctx.me && (mine === 'ROLE_ADMIN' || mine === 'ROLE_COORDINATOR')) {
      const remove = disclosure(t('members.remove'), (close) => {
        const form = smallForm([{name: 'reason', label: t('members.reason'), type: 'textarea', maxlength: 1500}],
          t('members.removeConfirm'), async (els) => {
            await act(m, {leavePlatform: {memberId: m.id, reason: els.reason.value.trim()}},
              label('members.removeLabel', {name: m.name}), close);
          }, {onCancel: close});
        form.prepend(h('p', {id: `warn-${m.id}`}, t('members.removeWarn', {name: m.name})));
        form.elements.reason.setAttribute('aria-describedby', `warn-${m.id}`);
        return form;
      }, {fk: `remove-${m.id}`});
      remove.firstChild.setAttribute('aria-label', t('members.removeLabel', {name: m.name}));
      add(out, remove);
    }
    if (m.id !== ctx.me && mine === 'ROLE_ADMIN') add(out, erase(m));
    return out.firstChild ? out : null;
  }

  function row(m, mine, only, problem) {
    if (m.erased) {
      return h('li', {'data-member': m.id, 'data-fk': `m-${m.id}`, tabindex: '-1', class: 'inactive erased'},
        h('span', null, t('priv.erased')), ' ', badge(t('priv.erasedBadge')));
    }
    return h('li', {'data-member': m.id, 'data-fk': `m-${m.id}`, tabindex: '-1', class: m.active ? '' : 'inactive'},
      h('strong', null, m.name), ' ', badge(roleLabel(m.role), m.role === 'ROLE_MEMBER' ? '' : 'mine'),
      m.active ? null : [' ', badge(t('members.left'))],
      m.id === ctx.me ? [' ', badge(t('members.you'), 'yes')] : null,
      h('span', {class: 'meta'}, ` · ${t('members.load', {organizing: m.organizing, tasks: m.openTasks})}`),
      problem ? h('p', {class: 'form-error', role: 'alert'}, problem) : null,
      mine && (m.active || m.id !== ctx.me) ? tools(m, mine, only) : null);
  }

  function update() {
    const v = ctx.views.get('members');
    if (!v) return setChildren(state, loading());
    const me = v.members.find((m) => m.id === ctx.me);
    const mine = manage && me && me.active ? me.role : '';
    const admins = v.members.filter((m) => m.active && m.role === 'ROLE_ADMIN').length;
    setChildren(state, me && !me.active ? h('p', {class: 'notice'}, t('members.gone')) : null,
      h('p', {class: 'meta'}, t('members.count', {n: v.members.filter((m) => m.active).length})));
    const shown = v.members.slice().sort((a, b) => a.name.localeCompare(b.name, 'nl'))
      .map((m) => ({m, only: m.active && m.role === 'ROLE_ADMIN' && admins === 1, problem: refused(m.id)}));
    // One who leaves moves to the other list, and the focus on their row goes along.
    keepFocus(el, () => {
      for (const [ul, active] of [[list, true], [former, false]]) {
        patchList(ul, shown.filter((x) => x.m.active === active), (x) => x.m.id,
          (x) => row(x.m, mine, x.only, x.problem), (x) => JSON.stringify([x, lang(), mine]));
      }
    });
    formerPart.hidden = !former.firstChild;
    return undefined;
  }
  return {el, update, destroy: manage ? ctx.live.outbox.onChange(() => update()) : null};
}
