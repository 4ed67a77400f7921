// Residents' proposals (verbetervoorstellen), live: every member reads them, with who sent
// them and how to reach them; coordinators and admins record a discussion, decline one (the
// sender sees the reason) or adopt one as an initiative (the propose form, filled in); an
// admin erases a resident sender's name and contact (the proposal stays, "verwijderd lid").
import {h, add, patchList, setChildren} from '../dom.js';
import {t, lang} from '../i18n.js';
import {fmtTimestamp} from '../format.js';
import {paths} from '../api.js';
import {loading, empty, badge, disclosure, smallForm, label, eraseStep, eraseBy} from './common.js';

export const id = 'proposals';
export const title = () => t('pr.title');
export const needs = () => ['proposals'];

const ERASED = 'verwijderd lid';  // the name the server gives an erased sender
const BADGE = {discussed: 'mine', adopted: 'yes', declined: 'no'};
const paras = (text) => String(text || '').split(/\n+/).filter((x) => x.trim()).map((x) => h('p', null, x));

export function mount(root, ctx) {
  const state = h('div');
  const open = h('ul', {class: 'cards', id: 'proposals-open'});
  const done = h('ul', {class: 'cards', id: 'proposals-done'});
  const donePart = h('section', {'aria-labelledby': 'h-pr-done', hidden: true},
    h('h2', {id: 'h-pr-done'}, t('pr.done')), done);
  const form = `${location.origin}/p/${encodeURIComponent(ctx.platform.id)}/voorstel`;
  add(root, h('h1', null, t('pr.title')), h('p', {class: 'lead'}, t('pr.lead'), ' ', h('a', {href: form}, t('pr.form'))),
    h('section', {'aria-labelledby': 'h-pr-open'}, h('h2', {id: 'h-pr-open'}), state, open), donePart);

  // A command about a proposal; then the focus rests on its card, wherever it went.
  async function act(x, command, what, close) {
    await ctx.run(command, what);
    if (close) close();
    const card = root.querySelector(`[data-fk="pr-${CSS.escape(x.id)}"]`);
    if (card && !card.contains(document.activeElement)) card.focus();
  }

  function tools(x) {
    const discuss = disclosure(t('pr.discuss'), (close) => smallForm([{name: 'notes', label: t('pr.notesField'),
      type: 'textarea', required: true, maxlength: 5000}], t('save'), (els) => act(x,
      {recordProposalDiscussion: {proposalId: x.id, notes: els.notes.value.trim()}},
      label('pr.discussFor', {title: x.title}), close), {onCancel: close}), {fk: `discuss-${x.id}`});
    const decline = disclosure(t('pr.decline'), (close) => smallForm([{name: 'reason', label: t('pr.reason'),
      type: 'textarea', required: true, maxlength: 5000}], t('pr.decline'), (els) => act(x,
      {declineProposal: {proposalId: x.id, reason: els.reason.value.trim()}},
      label('pr.declineFor', {title: x.title}), close), {onCancel: close}), {fk: `decline-${x.id}`});
    discuss.firstChild.setAttribute('aria-label', t('pr.discussFor', {title: x.title}));
    decline.firstChild.setAttribute('aria-label', t('pr.declineFor', {title: x.title}));
    return h('div', {class: 'actions'},
      h('a', {class: 'btn', href: `#/initiatives/new?proposal=${encodeURIComponent(x.id)}`, 'data-fk': `adopt-${x.id}`,
        'aria-label': t('pr.adoptFor', {title: x.title})}, t('pr.adopt')),
      discuss, decline);
  }

  // A resident's name and contact, erased by an admin; then the focus rests on the card.
  function eraseSender(x) {
    return h('div', {class: 'actions'}, eraseStep(t('priv.sender'), t('priv.senderLabel', {title: x.title}),
      t('priv.senderWarn'), eraseBy(ctx, paths.erase(ctx.platform.id, x.submitterId || `resident-${x.id}`),
        () => root.querySelector(`[data-fk="pr-${CSS.escape(x.id)}"]`)), `erase-${x.id}`));
  }

  function card(x) {
    const who = x.submitterName === ERASED ? t('priv.erased') : x.submitterName || ctx.name(x.submittedBy);
    const contact = x.submitterContact || '';
    const href = contact.includes('@') ? `mailto:${contact}` : /^[+\d][\d\s()-]+$/.test(contact)
      ? `tel:${contact.replace(/[^\d+]/g, '')}` : '';
    const notes = x.notes || [];
    return h('li', {class: 'card', 'data-proposal': x.id, 'data-status': x.status, 'data-fk': `pr-${x.id}`, tabindex: '-1'},
      h('h3', {class: 'card-title'}, x.title),
      h('p', {class: 'badges'}, badge(t(`pub.st.${x.status}`, {n: notes.length}), BADGE[x.status])),
      h('p', {class: 'meta'}, `${t('pr.from')} ${who}`, contact ? [' · ', href ? h('a', {href}, contact) : contact] : null,
        ' · ', h('time', {datetime: x.submittedAt}, fmtTimestamp(x.submittedAt))),
      paras(x.description),
      notes.length ? [h('p', null, h('strong', null, t('pr.notes'))),
        h('ul', {class: 'plain-list'}, notes.map((n) => h('li', null, n)))] : null,
      x.status === 'adopted' && x.initiativeId ? h('p', null, `${t('pr.became')}: `,
        h('a', {href: `#/initiatives/${encodeURIComponent(x.initiativeId)}`}, x.initiativeTitle || x.initiativeId)) : null,
      x.status === 'declined' ? h('p', null, h('strong', null, t('pr.declined')), ' ', x.declineReason) : null,
      ctx.isCoordinator && (x.status === 'open' || x.status === 'discussed') ? tools(x) : null,
      ctx.role === 'ROLE_ADMIN' && !x.submittedBy && (x.submitterName !== ERASED || contact) ? eraseSender(x) : null);
  }

  function update() {
    const v = ctx.views.get('proposals');
    if (!v) return setChildren(state, loading());
    const all = v.proposals || [];
    const waiting = all.filter((x) => x.status === 'open' || x.status === 'discussed');
    root.querySelector('#h-pr-open').textContent = t('pr.open', {n: waiting.length});
    setChildren(state, all.length ? null : empty(t('pr.none')));
    const sig = (x) => JSON.stringify([x, lang(), ctx.name(x.submittedBy)]);
    // One dealt with moves to the other list; the focus in its card goes to the card there.
    const active = document.activeElement;
    const was = root.contains(active) && active.closest('[data-proposal]');
    patchList(open, waiting, (x) => x.id, card, sig);
    patchList(done, all.filter((x) => !waiting.includes(x)), (x) => x.id, card, sig);
    if (was && !root.contains(document.activeElement)) {
      const again = root.querySelector(`[data-fk="${CSS.escape(was.dataset.fk)}"]`);
      if (again) again.focus({preventScroll: true});
    }
    donePart.hidden = !done.firstChild;
    return undefined;
  }
  return {update};
}
