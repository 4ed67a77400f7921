// A resident's proposal, without an account: the platform's public form (#/p/{p}/voorstel),
// and the proposal's status behind the private link the sender got (#/p/{p}/voorstel/{id}?k=).
// Neither needs a session; the top bar shows only the platform's name. The status page lets
// the sender download what is kept about them, and erase their name and contact.
import {h, add, setChildren} from '../dom.js';
import {t} from '../i18n.js';
import {api} from '../api.js';
import {fmtDate, fmtTimestamp} from '../format.js';
import {fieldFor, loading, badge, eraseStep} from './common.js';

const base = (p) => `/api/v1/public/platforms/${encodeURIComponent(p)}`;

function requestId() {
  const bytes = new Uint8Array(9);
  crypto.getRandomValues(bytes);
  return `r-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

// Text with line breaks as paragraphs.
const paras = (text) => String(text || '').split(/\n+/).filter((x) => x.trim()).map((x) => h('p', null, x));

const FIELDS = [
  {name: 'name', label: 'pub.name', required: true, maxlength: 100, autocomplete: 'name'},
  {name: 'contact', label: 'pub.contact', required: true, maxlength: 200, autocomplete: 'email', hint: 'pub.contactHint'},
  {name: 'title', label: 'pub.title', required: true, maxlength: 200},
  {name: 'description', label: 'pub.description', type: 'textarea', rows: 6, maxlength: 5000},
];

export const form = {
  id: 'voorstel',
  title: () => t('pub.formTitle'),
  mount(root, ctx, params) {
    const p = params.platform;
    const lead = h('p', {class: 'lead'});
    const privacy = h('p', {class: 'hint', id: 'voorstel-privacy'});
    const body = h('div');
    add(root, h('h1', null, t('pub.formTitle')), lead, body);
    const show = (name) => {
      lead.textContent = t('pub.lead', {platform: name});
      privacy.textContent = t('pub.privacy', {platform: name});
      ctx.shellName(name);
    };
    show(p);
    api.get(base(p)).then((res) => show(res.name || p), (e) => {
      if (e.code === 'platform_not_found') setChildren(body, h('p', {class: 'notice', role: 'alert'}, t('pub.noPlatform')));
    });

    function fill() {
      // One id per filled-in form: sending it again after a lost answer records nothing new.
      let rid = requestId();
      const f = h('form', {class: 'propose-form', id: 'voorstel-form', novalidate: true});
      const els = {};
      const errs = {};
      for (const x of FIELDS) {
        const wrap = fieldFor({...x, label: t(x.label), hint: x.hint && t(x.hint)});
        const el = wrap.querySelector('input, textarea');
        // What is wrong with it, beside it (empty when nothing is).
        errs[x.name] = add(wrap, h('p', {class: 'form-error', id: `${el.id}-err`, hidden: true})).lastChild;
        el.setAttribute('aria-describedby', `${el.getAttribute('aria-describedby') || ''} ${el.id}-err`.trim());
        els[x.name] = add(f, wrap) && el;
      }
      // The honeypot: no person sees it, no screen reader reads it, Tab skips it.
      const hp = h('input', {id: 'voorstel-website', name: 'website', type: 'text', tabindex: '-1', autocomplete: 'off'});
      const error = h('p', {class: 'form-error', role: 'alert', id: 'voorstel-error', hidden: true});
      const submit = h('button', {type: 'submit', class: 'btn btn-primary'}, t('pub.send'));
      add(f, h('div', {class: 'sr-only', 'aria-hidden': 'true'}, h('label', {for: hp.id}, t('pub.website')), hp),
        privacy,
        error, h('div', {class: 'form-actions'}, submit));

      // Beside its field when there is one, else above the button.
      function problem(text, field) {
        const el = els[field];
        if (!el) {
          error.textContent = text;
          error.hidden = false;
          return;
        }
        errs[field].textContent = text;
        errs[field].hidden = false;
        el.setAttribute('aria-invalid', 'true');
        el.focus();
      }
      const labelOf = (k) => t(FIELDS.find((x) => x.name === k).label);

      const fine = (k) => {
        errs[k].hidden = true;
        errs[k].textContent = '';
        els[k].removeAttribute('aria-invalid');
      };
      // Typing in a field takes back what was said about it.
      f.addEventListener('input', (e) => errs[e.target.name] && fine(e.target.name));
      f.addEventListener('submit', async (e) => {
        e.preventDefault();
        if (submit.disabled) return;
        error.hidden = true;
        Object.keys(els).forEach(fine);
        const missing = FIELDS.find((x) => x.required && !els[x.name].value.trim());
        if (missing) return problem(t('form.required', {field: t(missing.label)}), missing.name);
        submit.disabled = true;
        submit.setAttribute('aria-busy', 'true');
        try {
          const res = await api.post(`${base(p)}/proposals`, {requestId: rid, name: els.name.value.trim(),
            contact: els.contact.value.trim(), title: els.title.value.trim(), description: els.description.value.trim(),
            website: hp.value});
          rid = requestId();
          sent(res);
        } catch (err) {
          const d = err.details || {};
          const field = els[d.field] ? d.field : '';
          const m = Math.max(1, Math.ceil((Number(d.retryAfterSeconds) || 60) / 60));
          const long = field ? t('pub.tooLong', {field: labelOf(field)}) : t('err.text_too_long');
          const text = {
            missing_field: field ? t('form.required', {field: labelOf(field)}) : err.message || t('err.missing_field'),
            too_long: long,
            text_too_long: long,
            too_large: t('pub.tooLarge'),
            rate_limited: t('pub.rateLimited', {m}),
            spam_suspected: t('err.spam_suspected'),
            platform_not_found: t('pub.noPlatform'),
            network: t('pub.network'),
          }[err.code] || ctx.errorText(err);
          problem(text, err.code === 'too_large' ? 'description' : field);
        } finally {
          submit.disabled = false;
          submit.removeAttribute('aria-busy');
        }
        return undefined;
      });
      setChildren(body, f);
      return f;
    }

    function sent(res) {
      const url = res.statusUrl;
      const input = h('input', {type: 'text', readonly: true, value: url, id: 'voorstel-link', class: 'feed-url',
        'aria-describedby': 'voorstel-keep'});
      const head = h('h2', {tabindex: '-1', id: 'voorstel-sent-h'}, t('pub.sent'));
      setChildren(body, h('section', {class: 'notice', id: 'voorstel-sent', 'aria-labelledby': 'voorstel-sent-h'},
        head, h('p', {id: 'voorstel-keep'}, t('pub.keep')),
        h('label', {for: input.id}, t('pub.link')), input,
        h('div', {class: 'actions'},
          h('button', {type: 'button', class: 'btn', onClick: async () => {
            try {
              await navigator.clipboard.writeText(url);
              ctx.toast(t('calendar.copied'));
            } catch {
              input.select();
            }
          }}, t('calendar.copy')),
          h('a', {class: 'btn btn-secondary', href: url}, t('pub.view')),
          h('button', {type: 'button', class: 'btn btn-secondary', onClick: () => fill().elements[0].focus()},
            t('pub.another')))));
      head.focus();
    }

    fill();
    return {};
  },
};

export const status = {
  id: 'voorstel-status',
  title: () => t('pub.statusTitle'),
  mount(root, ctx, params, query) {
    const p = params.platform;
    const body = h('div', null, loading());
    add(root, h('h1', null, t('pub.statusTitle')), body);
    ctx.shellName(p);
    const link = (what) => `${base(p)}/proposals/${encodeURIComponent(params.id)}${what}?key=${
      encodeURIComponent(query.get('k') || '')}`;
    // The sender's own data: a download, and erasing their name and contact (not once done).
    function mine(x, erasedNow) {
      const done = erasedNow ? h('p', {class: 'notice notice-ok', id: 'voorstel-erased', tabindex: '-1'},
        t('priv.pubErased')) : null;
      const section = h('section', {'aria-labelledby': 'h-voorstel-mine', id: 'voorstel-mine'},
        h('h2', {id: 'h-voorstel-mine'}, t('priv.pubMine')), done,
        h('p', null, t('priv.pubLead')),
        h('div', {class: 'actions'}, h('a', {class: 'btn btn-secondary', href: link('/data'),
          download: `voorstel-${params.id}.json`, id: 'voorstel-download'}, t('priv.download')),
        x.submitterName === 'verwijderd lid' ? null : eraseStep(t('priv.eraseMine'), t('priv.eraseMine'),
          t('priv.pubWarn'), async () => {
            try {
              await api.post(link('/erase'));
            } catch (e) {
              return ctx.errorText(e);
            }
            load(true);
            return null;
          }, 'voorstel-erase')));
      if (done) queueMicrotask(() => done.focus());
      return section;
    }
    const load = (erasedNow) => api.get(link(''))
      .then((res) => {
        ctx.shellName(res.platformName || p);
        const x = res.proposal;
        const st = x.status in {discussed: 1, adopted: 1, declined: 1} ? x.status : 'open';
        const ini = x.initiative;
        setChildren(body, h('article', {class: 'card', id: 'voorstel-status', 'data-status': st},
          h('h2', {class: 'card-title'}, x.title),
          h('p', {class: 'badges'}, h('strong', null, `${t('pub.status')}:`),
            badge(t(`pub.st.${st}`, {n: Number(x.discussions) || 0}),
              {adopted: 'yes', declined: 'no', discussed: 'mine'}[st])),
          h('p', null, t(`pub.sx.${st}`)),
          st === 'declined' ? h('div', {class: 'notice', id: 'voorstel-reason'}, paras(x.declineReason)) : null,
          ini ? h('dl', {class: 'facts', id: 'voorstel-initiative'},
            h('dt', null, t('initiative.title')), h('dd', null, ini.title),
            ini.startDate ? [h('dt', null, t('initiative.when')), h('dd', null, fmtDate(ini.startDate))] : null,
            ini.place ? [h('dt', null, t('initiative.where')), h('dd', null, ini.place.text || ini.place)] : null) : null,
          h('p', {class: 'meta'}, t('pub.sentBy', {name: x.submitterName === 'verwijderd lid' ? t('priv.erased')
            : x.submitterName, when: fmtTimestamp(x.submittedAt)})),
          paras(x.description)),
        mine(x, erasedNow),
        h('p', null, h('a', {href: `#/p/${encodeURIComponent(p)}/voorstel`}, t('pub.another'))));
      }, (e) => setChildren(body, h('p', {class: 'notice', role: 'alert'},
        e.status === 404 ? t('pub.notFound') : ctx.errorText(e))));
    load(false);
    return {};
  },
};
