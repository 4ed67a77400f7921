// E-mail about notifications: the settings (#/meldingen: address, at once / a daily digest /
// none, the mail's language; the account's, for all its platforms), and the page a mail's
// unsubscribe link opens (#/afmelden/<token>), which works without a session. And a member's
// own data on the platform (#/gegevens): the inzage as a download, and erasing it.
import {h, add, setChildren, nextId} from '../dom.js';
import {t} from '../i18n.js';
import {api, paths} from '../api.js';
import {loading, actionButton, eraseStep} from './common.js';

const MODES = ['instant', 'digest', 'off'];
const LANGS = ['nl', 'en'];

// A group of radio buttons with its legend.
function choices(name, legend, values, current, labelOf, attrs = () => null) {
  return h('fieldset', {class: 'choices'}, h('legend', null, legend), values.map((v) => {
    const id = nextId(name);
    return h('div', {class: 'field-check'},
      h('input', {type: 'radio', id, name, value: v, checked: v === current}),
      h('label', {for: id, ...attrs(v)}, labelOf(v)));
  }));
}

function errorOf(e, ctx) {
  return e.code === 'invalid_contact' ? t('mail.badAddress') : ctx.errorText(e);
}

export const settings = {
  id: 'mail-settings',
  title: () => t('mail.title'),
  mount(root, ctx) {
    const box = h('div', {class: 'mail-settings'}, loading());
    add(root, h('h1', null, t('mail.title')), h('p', {class: 'lead'}, t('mail.lead')), box);
    let gone = false;
    api.get(paths.mailSettings).then((s) => {
      if (!gone) draw(s);
    }, (e) => {
      if (!gone) setChildren(box, h('p', {class: 'form-error', role: 'alert'}, ctx.errorText(e)));
    });

    function draw(s) {
      const addrId = nextId('mail');
      const address = h('input', {id: addrId, name: 'address', type: 'email', autocomplete: 'email',
        value: s.address || '', 'aria-describedby': `${addrId}-hint`, maxlength: 254});
      const error = h('p', {class: 'form-error', role: 'alert', hidden: true});
      const saved = h('p', {class: 'saved', role: 'status', id: 'mail-saved'});
      const submit = h('button', {type: 'submit', class: 'btn'}, t('save'));
      const form = h('form', {class: 'small-form mail-form', id: 'mail-form', novalidate: true},
        h('div', {class: 'field'}, h('label', {for: addrId}, t('mail.address')), address,
          h('p', {class: 'hint', id: `${addrId}-hint`}, t('mail.addressHint'))),
        choices('mode', t('mail.mode'), MODES, s.mode || 'off', (m) => t(`mail.${m}`)),
        choices('language', t('mail.language'), LANGS, s.language || 'nl', (l) => t(`mail.${l}`),
          (l) => ({lang: l})),
        error, h('div', {class: 'form-actions'}, submit), saved);
      const fail = (text) => {
        error.textContent = text;
        error.hidden = false;
        saved.textContent = '';
      };
      form.addEventListener('input', () => {
        saved.textContent = '';
      });
      form.addEventListener('submit', async (e) => {
        e.preventDefault();
        if (submit.disabled) return;
        error.hidden = true;
        address.removeAttribute('aria-invalid');
        const body = {address: address.value.trim(), mode: form.elements.mode.value,
          language: form.elements.language.value};
        if (body.mode !== 'off' && !body.address) {
          address.setAttribute('aria-invalid', 'true');
          address.focus();
          fail(t('mail.needAddress'));
          return;
        }
        submit.disabled = true;
        submit.setAttribute('aria-busy', 'true');
        try {
          await api.post(paths.mailSettings, body);
          saved.textContent = t('mail.saved');
        } catch (err) {
          if (err.code === 'invalid_contact') {
            address.setAttribute('aria-invalid', 'true');
            address.focus();
          }
          fail(errorOf(err, ctx));
        } finally {
          submit.disabled = false;
          submit.removeAttribute('aria-busy');
        }
      });
      setChildren(box,
        s.serverSendsMail ? null : h('p', {class: 'notice', id: 'mail-off-server'}, t('mail.noServer')),
        form,
        ctx.platform ? h('p', null, h('a', {href: '#/inbox'}, t('mail.toInbox'))) : null,
        ctx.platform ? h('p', null, h('a', {href: '#/gegevens'}, t('priv.toMine'))) : null);
    }
    return {
      destroy() {
        gone = true;
      },
    };
  },
};

export const unsubscribe = {
  id: 'unsubscribe',
  title: () => t('unsub.title'),
  mount(root, ctx, params) {
    const box = h('div', {class: 'narrow'});
    const result = h('div', {id: 'unsub-result'});
    const button = actionButton(t('unsub.button'), async () => {
      try {
        await api.post(paths.unsubscribe(params.token));
      } catch (e) {
        setChildren(result, h('p', {class: 'form-error', role: 'alert'}, ctx.errorText(e)));
        return;
      }
      const done = h('p', {class: 'notice notice-ok', tabindex: '-1'}, t('unsub.done'));
      setChildren(box, h('h1', null, t('unsub.title')), done, h('p', null, t('unsub.again')),
        h('p', null, h('a', {href: '#/meldingen'}, t('unsub.settings'))));
      done.focus();
    }, {fk: 'unsubscribe'});
    add(root, add(box, h('h1', null, t('unsub.title')), h('p', {class: 'lead'}, t('unsub.lead')),
      h('div', {class: 'actions'}, button), result));
    return {};
  },
};

export const mine = {
  id: 'my-data',
  title: () => t('priv.mine'),
  mount(root, ctx) {
    const p = ctx.platform;
    const place = h('div', {id: 'my-erase'});
    const download = h('a', {class: 'btn', href: paths.myData(p.id), download: `rotonde-${p.id}.json`,
      id: 'my-data-download', 'aria-describedby': 'my-data-hint'}, t('priv.download'));
    add(root, h('h1', null, t('priv.mine')), h('p', {class: 'lead'}, t('priv.mineLead', {platform: p.name})),
      h('div', {class: 'actions'}, download), h('p', {class: 'hint', id: 'my-data-hint'}, t('priv.downloadHint')),
      place);
    let last = null;
    function update() {
      const v = ctx.views.get('members');
      const admins = v ? v.members.filter((m) => m.active && m.role === 'ROLE_ADMIN') : [];
      const only = admins.length === 1 && admins[0].id === ctx.me;
      if (last === only) return;
      last = only;
      setChildren(place, only ? h('p', {class: 'hint'}, t('priv.eraseMineLast'))
        : eraseStep(t('priv.eraseMine'), t('priv.eraseMine'), t('priv.eraseMineWarn', {platform: p.name}),
          () => ctx.eraseSelf(), 'erase-me'));
    }
    return {update};
  },
};
