// Dates, money and names as people read them. Dates on the wire are ISO dates in
// Europe/Amsterdam; they are formatted as calendar dates (UTC arithmetic), never shifted.
import {t, locale, has} from './i18n.js';

const formatters = new Map();
function fmt(key, options) {
  const k = `${locale()}|${key}`;
  let f = formatters.get(k);
  if (!f) {
    f = new Intl.DateTimeFormat(locale(), {timeZone: 'UTC', ...options});
    formatters.set(k, f);
  }
  return f;
}

export function parseIso(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || '');
  if (!m) return null;
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
}

export function isoOf(date) {
  return date.toISOString().slice(0, 10);
}

export function addDays(iso, n) {
  const d = parseIso(iso);
  d.setUTCDate(d.getUTCDate() + n);
  return isoOf(d);
}

// Today in Amsterdam, as an ISO date.
export function today() {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Europe/Amsterdam', year: 'numeric', month: '2-digit', day: '2-digit',
  }).format(new Date());
  return parts.slice(0, 10);
}

// Lower case without diacritics ("Café" -> "cafe", "Bram's" -> "brams"): for searching and
// for the ids made from titles.
export function fold(text) {
  return String(text || '').toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '')
    .replace(/'s\b/g, 's');
}

export function fmtDate(iso, style = 'medium') {
  const d = parseIso(iso);
  if (!d) return iso || '';
  if (style === 'long') {
    return fmt('long', {weekday: 'long', day: 'numeric', month: 'long', year: 'numeric'}).format(d);
  }
  if (style === 'short') return fmt('short', {day: 'numeric', month: 'short'}).format(d);
  return fmt('medium', {weekday: 'short', day: 'numeric', month: 'short', year: 'numeric'}).format(d);
}

export function fmtMonth(iso) {
  return fmt('month', {month: 'long', year: 'numeric'}).format(parseIso(iso));
}

export function fmtWeekday(iso) {
  return fmt('wd', {weekday: 'short'}).format(parseIso(iso));
}

export function fmtTimestamp(ts) {
  if (!ts) return '';
  const d = new Date(ts);
  if (Number.isNaN(d.getTime())) return String(ts);
  return new Intl.DateTimeFormat(locale(), {
    timeZone: 'Europe/Amsterdam', day: 'numeric', month: 'short', year: 'numeric',
    hour: '2-digit', minute: '2-digit',
  }).format(d);
}

// An initiative's When: "za 13 jun 2026, 10:00–17:00" or "vanaf 1 mrt 2026 (doorlopend)".
export function fmtWhen(when) {
  if (!when || !when.startDate) return t('when.none');
  const time = when.startTime ? ` ${when.startTime}${when.endTime ? `–${when.endTime}` : ''}` : '';
  if (when.ongoing) return t('when.ongoing', {date: fmtDate(when.startDate)}) + time;
  if (when.endDate && when.endDate !== when.startDate) {
    return `${fmtDate(when.startDate)} – ${fmtDate(when.endDate)}${time}`;
  }
  return fmtDate(when.startDate) + time;
}

const euro = new Map();
// Cents (a number or the string protobuf JSON gives an int64) as euros.
export function fmtMoney(cents) {
  let f = euro.get(locale());
  if (!f) {
    f = new Intl.NumberFormat(locale(), {style: 'currency', currency: 'EUR'});
    euro.set(locale(), f);
  }
  return f.format(Number(cents || 0) / 100);
}

// "12,50", "12.50", "€ 1.234,5" -> cents (integer) or NaN. A comma is the decimal mark when
// present; dots before it group thousands.
export function parseEuros(text) {
  let s = String(text || '').replace(/[€\s]/g, '');
  if (!s) return NaN;
  if (s.includes(',')) s = s.replace(/\./g, '').replace(',', '.');
  if (!/^\d+(\.\d{1,2})?$/.test(s)) return NaN;
  return Math.round(Number(s) * 100);
}

export function kindLabel(kind) {
  const key = `kind.${kind || 'INITIATIVE_KIND_UNSPECIFIED'}`;
  return has(key) ? t(key) : kind;
}

export function roleLabel(role) {
  const key = `role.${role}`;
  return has(key) ? t(key) : role;
}

export function num(x) {
  return Number(x || 0);
}

// Events (EventRecord JSON, docs/api.md) told as sentences for the "since your last visit"
// list and the screen reader's live announcements.

// "rotonde.v1.InitiativeProposed" and "InitiativeProposed" are the same type.
export function eventType(record) {
  const type = String(record.type || '');
  const dot = type.lastIndexOf('.');
  return dot >= 0 ? type.slice(dot + 1) : type;
}

// A type's name for people ("taak opgepakt" for TaskClaimed); a type this client does not know
// yet keeps its own name.
export function eventTypeName(type) {
  const key = `evtype.${type}`;
  return has(key) ? t(key) : type;
}

export function payload(record) {
  const ev = record.event;
  if (!ev || typeof ev !== 'object') return {};
  const values = Object.values(ev);
  return values.length && values[0] && typeof values[0] === 'object' ? values[0] : {};
}

// lookups: {name(memberId), initiative(id) -> title, task(id) -> title, clash(id) -> clash,
// meeting(id) -> title, spending(id) -> purpose}
export function eventText(record, look) {
  const type = eventType(record);
  const p = payload(record);
  const ini = (id) => look.initiative(id) || id || '';
  const vars = {
    actor: look.name(record.actor),
    name: look.name(p.memberId || p.learnerId || record.actor),
    title: p.title || ini(p.initiativeId),
    initiative: ini(p.initiativeId),
    task: look.task(p.taskId) || p.taskId || '',
    meeting: look.meeting(p.meetingId) || p.meetingId || '',
    role: roleLabel(p.role),
    amount: fmtMoney(p.amountCents),
    purpose: p.purpose || look.spending(p.spendingId) || p.spendingId || '',
    source: p.source || '',
    mentor: look.name(p.mentorId),
    learner: look.name(p.learnerId),
    owner: look.name(p.ownerId),
    participants: p.participants || 0,
    attendees: p.attendees || 0,
    receipt: p.receiptReference || '',
    reason: p.reason || '',
    survivor: ini(p.survivingInitiativeId),
    absorbed: ini(p.absorbedInitiativeId),
    date: p.date ? fmtDate(p.date) : '',
    percent: p.percent,
    description: p.description || p.text || '',
    decision: p.approved ? t('spending.approved') : t('spending.rejected'),
  };
  if (type.startsWith('Clash') || type.startsWith('Merge') || type === 'InitiativesMerged') {
    const clash = look.clash(p.clashId);
    vars.a = ini(p.initiativeA || (clash && clash.initiativeA));
    vars.b = ini(p.initiativeB || (clash && clash.initiativeB));
    vars.side = ini(p.initiativeId);
  }
  // An action given to someone by a coordinator is not one they took on themselves.
  const key = type === 'ActionItemAssigned' && p.ownerId !== record.actor ? 'ev.ActionItemAsked' : `ev.${type}`;
  return has(key) ? t(key, vars) : t('ev.other', {type: eventTypeName(type), actor: vars.actor});
}

// Event types that concern the samenwerkingsrotonde, worth a spoken announcement.
export function isClashNews(record) {
  const type = eventType(record);
  return type === 'ClashDetected' || type === 'ClashReopened' || type === 'MergeProposed'
    || type === 'InitiativesMerged' || type === 'MergeDeclined';
}
