// The audit screen's check of a platform's log, done in this browser by docs/verification.md
// and never asked of the server: the server's signed checkpoint, the hash chain of every
// event up to it, and that the log extends the checkpoint this browser verified before (kept
// per origin in localStorage); and its verdict drawn. Loaded with verify.js only when an
// auditor or admin opens the audit screen, so a volunteer's phone never fetches either.
import {h, setChildren} from './dom.js';
import {t} from './i18n.js';
import {fmtTimestamp} from './format.js';
import {api, paths, ApiError} from './api.js';
import {verifyNote, parseVerifierKey, verifyChain, checkHead, checkExtends} from './verify.js';

const PAGE = 10000;  // the events feed's most per request
const pinKey = (origin) => `rotonde.checkpoint.${origin}`;

function pinOf(origin) {
  try {
    const pin = JSON.parse(localStorage.getItem(pinKey(origin)));
    return pin && Number.isSafeInteger(pin.size) && typeof pin.hash === 'string'
      && typeof pin.publicKey === 'string' ? pin : null;
  } catch {
    return null;
  }
}

// The events after `from` up to `to`, page by page, each line read as it arrives; a page
// that comes short ends them (the chain then falls short of the checkpoint).
async function* events(p, from, to, signal) {
  while (from < to) {
    const limit = Math.min(PAGE, to - from);
    const res = await fetch(paths.events(p, from, limit), {credentials: 'same-origin', signal});
    if (!res.ok) {
      const err = await res.json().catch(() => ({}));
      throw new ApiError(res.status, err.code || `http_${res.status}`, err.message, err.details);
    }
    const reader = res.body.getReader();
    const dec = new TextDecoder();
    let buf = '';
    let got = 0;
    try {
      for (let done = false; !done;) {
        const chunk = await reader.read();
        done = chunk.done;
        buf += dec.decode(chunk.value, {stream: !done});
        const lines = buf.split('\n');
        buf = done ? '' : lines.pop();
        for (const line of lines) {
          if (!line.trim()) continue;
          const e = JSON.parse(line);
          if (e.next !== undefined && e.id === undefined) continue;  // the page's last line
          got += 1;
          yield e;
        }
      }
    } finally {
      reader.cancel().catch(() => {});  // the chain stopped early: the rest is not needed
    }
    if (got < limit) return;
    from += limit;
  }
}

// Checks platform p's log up to the server's checkpoint now. Resolves the verdict:
// {state: 'ok', position, hash, server, key, extended (the pinned size, or null)};
// {state: 'bad', position (the first bad one, or null), what, problem, ...its details};
// {state: 'unsupported'} when this browser cannot check Ed25519 signatures. Rejects when
// the server cannot be read. onProgress(done, size) as the events are checked.
// A server that refuses to sign because its log no longer extends a note it signed
// (checkpoint_conflict) is an alarm: the log is checked against that note, to name where.
export async function checkLog(p, {signal, onProgress = () => {}} = {}) {
  if (!globalThis.crypto?.subtle) return {state: 'unsupported'};
  let cp;
  let conflict = null;
  try {
    cp = await api.get(paths.checkpoint(p), signal);
  } catch (e) {
    if (e.code !== 'checkpoint_conflict' || !Number.isSafeInteger(e.details.size)) throw e;
    conflict = e.details.size;
    cp = await api.get(`${paths.checkpoint(p)}?size=${conflict}`, signal);
  }
  let key;
  try {
    key = await parseVerifierKey(cp.publicKey);
  } catch (e) {
    return {state: 'bad', position: null, what: 'note', problem: `the key: ${e.message}`};
  }
  const origin = `${key.name}/${p}`;
  const note = await verifyNote(cp.note, cp.publicKey, origin);
  if (note.unsupported) return {state: 'unsupported'};
  if (!note.ok) return {state: 'bad', position: null, what: 'note', problem: note.problem};
  const pinned = pinOf(origin);
  const bad = (what, position, problem, more) => ({state: 'bad', what, position, problem, size: note.size,
    pinned: pinned && pinned.size, conflict, ...more});
  if (pinned && pinned.publicKey !== cp.publicKey) {
    return bad('key', null, 'the server signs with another key', {before: pinned.publicKey.split('+')[1]});
  }
  if (pinned && note.size < pinned.size) {
    return bad('shrunk', note.size + 1, `the log shrank from ${pinned.size} events to ${note.size}`);
  }

  let done = 0;
  onProgress(0, note.size);
  const chain = await verifyChain(p, (async function* counted() {
    for await (const e of events(p, 0, note.size, signal)) {
      yield e;
      if (++done % 256 === 0) onProgress(done, note.size);
    }
  })(), {keep: pinned ? [pinned.size] : []});
  onProgress(chain.size, note.size);
  if (!chain.ok) return bad('event', chain.firstBadPosition, chain.problem);
  for (const [what, check] of [['head', checkHead(note, chain)],
    ['pin', pinned ? checkExtends(pinned, chain) : {ok: true}]]) {
    if (!check.ok) return bad(what, check.firstBadPosition, check.problem);
  }
  if (conflict !== null) return bad('conflict', null, `checkpoint_conflict at ${conflict}`);
  try {
    localStorage.setItem(pinKey(origin), JSON.stringify({publicKey: cp.publicKey, size: note.size, hash: note.hash}));
  } catch {
    // Storage full or refused: the next visit checks from nothing.
  }
  return {state: 'ok', position: note.size, hash: note.hash, server: key.name, key: key.hash,
    extended: pinned ? pinned.size : null};
}

// The verdict as checkLog gives it (with `when`), or {state: 'pending'} or {state: 'error',
// message}; `platform` its name, `show(position)` what brings a bad position into sight. A
// broken chain is an alarm; a browser that cannot check says so, never green.
export function renderVerification(s, platform, show) {
  const bad = s.state === 'bad';
  const pos = s.position;
  return h('div', {id: 'verify-result', class: `verify verify-${s.state}`, 'data-state': s.state,
    'data-position': pos, role: bad && 'alert'},
  h('p', {class: 'verify-head'}, t(`audit.verify.${s.state}`)),
  s.state === 'ok' && [h('p', null, t('audit.chainOkDetail', {pos, platform, server: s.server, key: s.key})),
    h('p', null, s.extended === null ? t('audit.pinnedNow') : t('audit.extended', {pos: s.extended})),
    h('p', {class: 'meta'}, t('audit.checkedAt', {when: fmtTimestamp(s.when)})),
    h('p', {class: 'meta'}, t('audit.hash'), ': ', h('code', {class: 'hash'}, s.hash))],
  bad && [pos && h('p', {class: 'verify-where'}, t('audit.chainBadDetail', {pos})),
    s.what !== 'conflict' && h('p', null, t(`audit.bad.${s.what}`, s)),
    s.conflict && h('p', null, t('audit.conflict', s)),
    h('p', {class: 'meta'}, t('audit.found'), ': ', h('code', null, s.problem)),
    pos && show && s.what !== 'shrunk' && h('div', {class: 'actions'}, h('button', {type: 'button', class: 'btn btn-small',
      'data-fk': 'show-bad', onClick: () => show(pos)}, t('audit.showBad', {pos})))],
  s.state === 'unsupported' && h('p', null, t('audit.unsupported')),
  s.message && h('p', null, s.message));
}


// The check on the audit screen: `el` (the verdict, and a progress bar while it runs),
// run() to check (again; a run still going is dropped), stop(). onBad(position or null)
// after every verdict, for the log to mark it.
export function checkPanel(ctx, {show, onBad}) {
  const verdict = h('div', {'aria-live': 'polite'});
  const bar = h('progress', {id: 'verify-progress', 'aria-labelledby': 'verify-done'});
  const done = h('span', {id: 'verify-done'});
  const progress = h('p', {class: 'meta verify-progress', hidden: true}, bar, ' ', done);
  const platform = ctx.platform.name || ctx.platform.id;
  let running = null;
  const stop = () => {
    if (running) running.abort();
    running = null;
  };
  async function run() {
    stop();
    const me = running = new AbortController();
    setChildren(verdict, renderVerification({state: 'pending'}));
    let s;
    try {
      s = await checkLog(ctx.platform.id, {signal: me.signal, onProgress(n, size) {
        progress.hidden = me !== running || !size;
        bar.max = size;
        bar.value = n;
        done.textContent = t('audit.progress', {done: n, size});
      }});
    } catch (e) {
      s = {state: 'error', message: ctx.errorText(e)};
    }
    if (me !== running) return;
    running = null;
    progress.hidden = true;
    setChildren(verdict, renderVerification({...s, when: new Date()}, platform, show));
    onBad(s.state === 'bad' ? s.position : null);
  }
  return {el: [verdict, progress], run, stop};
}
