// Coming in: sign in with a login and password, or join through an invite link
// (#/invite/<token>) with a new account or the one signed in.
import {h, add, setChildren} from '../dom.js';
import {t} from '../i18n.js';
import {api, paths} from '../api.js';
import {fmtTimestamp, roleLabel} from '../format.js';
import {loading, smallForm} from './common.js';

export const login = {id: 'login', title: () => t('login.title'), mount: mountLogin};
export const invite = {id: 'invite', title: () => t('invite.title'), mount: mountInvite};

function mountLogin(root, ctx) {
  const form = smallForm([
    {name: 'login', label: t('login.login'), required: true, autocomplete: 'username'},
    {name: 'password', label: t('login.password'), type: 'password', required: true, autocomplete: 'current-password'},
  ], t('login.submit'), async (els) => {
    try {
      const session = await api.post(paths.session, {login: els.login.value.trim().toLowerCase(),
        password: els.password.value});
      await ctx.signedIn(session, true);
      return null;
    } catch (e) {
      els.password.value = '';
      return ctx.errorText(e);
    }
  }, {class: 'login-form'});
  form.id = 'login-form';
  add(root, h('div', {class: 'narrow'},
    h('h1', null, t('login.title')),
    // Why this device was signed out (the account deleted with the person's data).
    ctx.signedOutNote ? h('p', {class: 'notice', role: 'alert', id: 'signed-out-note'}, ctx.signedOutNote) : null,
    h('p', {class: 'lead'}, t('login.lead')),
    form,
    h('p', {class: 'hint'}, t('login.invite'))));
  return {};
}

function mountInvite(root, ctx, params) {
  const box = h('div', {class: 'narrow'}, h('h1', null, t('invite.title')), loading());
  add(root, box);
  let gone = false;
  api.get(paths.invite(params.token)).then((inv) => {
    if (gone) return;
    const intro = [
      h('h1', null, t('invite.title')),
      h('p', {class: 'lead'}, t('invite.offer', {platform: inv.platformName || inv.platform, role: roleLabel(inv.role)})),
      inv.note ? h('p', {class: 'note'}, inv.note) : null,
      inv.founding ? h('p', null, t('invite.founding')) : null,
      inv.expiresAt ? h('p', {class: 'meta'}, t('invite.expires', {when: fmtTimestamp(inv.expiresAt)})) : null,
    ];
    const accept = async (body) => {
      try {
        const session = await api.post(paths.acceptInvite(params.token), body);
        await ctx.signedIn(session, true);
        if (location.hash.startsWith('#/invite')) ctx.navigate('#/');
        return null;
      } catch (e) {
        return ctx.errorText(e);
      }
    };
    const forms = [];
    if (ctx.session) {
      forms.push(h('h2', null, t('invite.asYou', {name: ctx.session.account.displayName})), smallForm([
        {name: 'displayName', label: t('invite.displayName'), required: true, value: ctx.session.account.displayName, maxlength: 100},
      ], t('invite.join'), (els) => accept({displayName: els.displayName.value.trim()})));
    } else {
      const form = smallForm([
        {name: 'displayName', label: t('invite.displayName'), required: true, maxlength: 100, autocomplete: 'name',
          hint: t('invite.displayNameHint')},
        {name: 'login', label: t('invite.login'), required: true, autocomplete: 'username', hint: t('invite.loginHint'),
          maxlength: 32},
        {name: 'password', label: t('invite.password'), type: 'password', required: true, autocomplete: 'new-password',
          hint: t('invite.passwordHint')},
      ], t('invite.create'), (els) => {
        if (els.password.value.length < 10) return t('err.weak_password');
        return accept({displayName: els.displayName.value.trim(), login: els.login.value.trim().toLowerCase(),
          password: els.password.value});
      });
      form.id = 'invite-form';
      forms.push(form, h('p', {class: 'hint'}, t('invite.haveAccount'), ' ',
        h('a', {href: '#/login'}, t('login.title'))));
    }
    setChildren(box, intro, forms);
  }, (e) => {
    if (gone) return;
    setChildren(box, h('h1', null, t('invite.title')), h('p', {class: 'form-error', role: 'alert'}, ctx.errorText(e)));
  });
  return {
    destroy() {
      gone = true;
    },
  };
}
