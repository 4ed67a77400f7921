// Dutch-aware similarity for the "this looks like …" hint while proposing: folded case and
// diacritics, no stop words, synonyms, stems, free word order, compounds matched by 4-grams.
// The server decides real clashes (docs/domain.md); this only warns before anything is sent.

const STOP = new Set((
  // function words
  'aan al alle alles als bij dan dat de deze die dit door een en er geen heb het hier hij hoe '
  + 'hun ik in is je jij kan kun maar me mee meer met mijn na naar niet nog nu of om onder ons '
  + 'onze ook op over per te ten ter tegen tot tussen u uit van vanaf veel via voor waar wat we '
  + 'wel wie wij wil zal ze zij zijn zo zonder zich '
  // words any initiative may carry: the neighbourhood, tone, time, the call to join in
  + 'buurt wijk bewoner bewoners buren mensen iedereen samen gezellig gezellige leuk leuke mooi '
  + 'mooie groot grote hele nieuw nieuwe welkom kom komt meedoen aanmelden activiteit actie '
  + 'acties dag ochtend middag avond week weekend maand jaar zomer winter lente herfst voorjaar '
  + 'najaar maandag dinsdag woensdag donderdag vrijdag zaterdag zondag januari februari maart '
  + 'april mei juni juli augustus september oktober november december euro gratis '
  + 'the a an and or of in on at to for with'
).split(' '));

// Variants of one meaning, as whole words or as the head (SYNONYMS) or modifier of a compound.
const SYNONYMS = [
  ['nieuwsbrief', 'krant'], ['buurtblad', 'krant'], ['wijkblad', 'krant'],
  ['vergadering', 'bijeenkomst'], ['overleg', 'bijeenkomst'], ['bewonersavond', 'bijeenkomst'],
  ['buurtavond', 'bijeenkomst'], ['informatieavond', 'bijeenkomst'],
  ['straatmarkt', 'braderie'], ['rommelmarkt', 'braderie'], ['vlooienmarkt', 'braderie'],
  ['vrijmarkt', 'braderie'], ['weggeefmarkt', 'weggeef'], ['geefmarkt', 'weggeef'],
  ['weggeven', 'weggeef'], ['kleertjes', 'kleding'], ['kinderen', 'kind'], ['kids', 'kind'],
  ['repareren', 'reparatie'], ['diner', 'maaltijd'], ['cursus', 'les'], ['workshop', 'les'],
  ['lessen', 'les'], ['moestuin', 'groentetuin'], ['bioscoop', 'film'], ['schoonmaken', 'opschoon'],
  ['opruimen', 'opschoon'], ['opschonen', 'opschoon'], ['buurtwacht', 'preventie'],
];
const MODIFIER_SYNONYMS = [
  ['schoonmaak', 'opschoon'], ['opruim', 'opschoon'], ['zwerfafval', 'opschoon'],
  ['zwerfvuil', 'opschoon'], ['kleren', 'kleding'], ['kinder', 'kind'], ['ouderen', 'senior'],
  ['senioren', 'senior'], ['repair', 'reparatie'], ['bbq', 'barbecue'], ['geef', 'weggeef'],
];
const GENERIC_MODIFIERS = ['bewoners', 'buurt', 'wijk', 'voorjaars', 'najaars', 'zomer', 'winter'];
const KEEP_WHOLE = new Set(['buurthuis', 'buurtcentrum', 'wijkcentrum']);
// Heads naming when, or just "an action", dropped; heads naming the form, split off.
const TIME_HEADS = ['ochtend', 'middag', 'avond', 'actie', 'dag'];
const FORM_HEADS = ['cafe', 'les', 'groep'];

export function fold(text) {
  return String(text || '').toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '')
    .replace(/'s\b/g, 's');
}

function stem(word) {
  let w = word;
  if (w.length > 5) w = w.replace(/(etjes|pjes|tjes|etje|pje|tje|jes|je)$/, '');
  if (w.length > 4) w = w.replace(/en$/, '').replace(/([aeiouy]|er|el|em)s$/, '$1');
  if (w.length > 4 && /([^aeiou])\1$/.test(w)) w = w.slice(0, -1);  // kramm -> kram
  return w;
}

function whole(word) {
  for (const [variant, canon] of SYNONYMS) if (word === variant) return canon;
  return null;
}

// One folded word -> one or two terms.
function canonical(word) {
  if (KEEP_WHOLE.has(word)) return [word];
  const direct = whole(word);
  if (direct) return [direct];
  let w = word;
  for (const m of GENERIC_MODIFIERS) {
    if (w.startsWith(m) && w.length - m.length >= 4) {
      w = w.slice(m.length);
      break;
    }
  }
  for (const head of TIME_HEADS) {
    if (w.endsWith(head) && w.length - head.length >= 4) {
      w = w.slice(0, -head.length);
      break;
    }
  }
  const again = whole(w);
  if (again) return [again];
  for (const [variant, canon] of SYNONYMS) {
    if (w.endsWith(variant) && w.length - variant.length >= 3) {
      w = w.slice(0, w.length - variant.length) + canon;
      break;
    }
  }
  for (const [variant, canon] of MODIFIER_SYNONYMS) {
    if (w.startsWith(variant)) {
      w = canon + w.slice(variant.length);
      break;
    }
  }
  for (const head of FORM_HEADS) {
    if (w.endsWith(head) && w.length - head.length >= 3) {
      return [stem(w.slice(0, -head.length)), head];
    }
  }
  return [stem(w)];
}

// The comparable terms of a text, in order, without duplicates: [{term, name}]. A name is a
// word written with a capital after the first word (a place, an organisation): sharing one
// says little about being the same plan.
export function termsOf(text) {
  const out = [];
  const words = String(text || '').split(/[^\p{L}\p{N}']+/u).filter(Boolean);
  words.forEach((raw, i) => {
    const word = fold(raw).replace(/[^a-z0-9]/g, '');
    if (word.length < 2 || STOP.has(word) || /^\d+$/.test(word)) return;
    const name = i > 0 && /^\p{Lu}/u.test(raw);
    for (const c of canonical(word)) {
      if (c.length >= 2 && !STOP.has(c) && !out.some((x) => x.term === c)) out.push({term: c, name});
    }
  });
  return out;
}

export function terms(text) {
  return termsOf(text).map((x) => x.term);
}

function grams(term) {
  const padded = `^${term}$`;
  const out = [];
  if (padded.length <= 4) return [padded];
  for (let i = 0; i + 4 <= padded.length; i += 1) out.push(padded.slice(i, i + 4));
  return out;
}

// How much of side a is on side b: per term, the share of its 4-grams b has; titles weigh 2.
function coverage(a, bGrams) {
  let sum = 0;
  let weight = 0;
  for (const {term, w} of a) {
    const g = grams(term);
    let found = 0;
    for (const x of g) if (bGrams.has(x)) found += 1;
    sum += w * (found / g.length);
    weight += w;
  }
  return weight ? sum / weight : 0;
}

function side(title, description) {
  const list = termsOf(title).map(({term, name}) => ({term, w: name ? 0.5 : 2}));
  for (const {term, name} of termsOf(description)) {
    if (!list.some((x) => x.term === term)) list.push({term, w: name ? 0.25 : 1});
  }
  const all = new Set();
  for (const {term} of list) for (const g of grams(term)) all.add(g);
  return {list, all};
}

// 0..1, symmetric: the mean of how much of each side the other covers.
export function similarity(titleA, titleB, descriptionA = '', descriptionB = '') {
  const a = side(titleA, descriptionA);
  const b = side(titleB, descriptionB);
  if (a.list.length === 0 || b.list.length === 0) return 0;
  return (coverage(a.list, b.all) + coverage(b.list, a.all)) / 2;
}

// Words of either title (folded) mostly found in the other, to say why two look alike:
// "braderie" for "Lentebraderie" and "Braderie Kolenkitplein". Names come last.
export function sharedWords(a, b) {
  const found = [];
  const one = (from, to) => {
    const toAll = side(to, '').all;
    String(from || '').split(/[^\p{L}\p{N}']+/u).filter(Boolean).forEach((raw, i) => {
      const word = fold(raw).replace(/[^a-z0-9]/g, '');
      if (word.length < 3 || STOP.has(word)) return;
      const canon = canonical(word)[0];
      const g = grams(canon);
      // "zomerbraderie" is shown as what it shares: "braderie".
      const shown = word.endsWith(canon) && GENERIC_MODIFIERS.some((m) => word.startsWith(m)) ? canon : word;
      if (g.filter((x) => toAll.has(x)).length / g.length >= 0.75
        && !found.some((f) => f.word === shown)) found.push({word: shown, name: i > 0 && /^\p{Lu}/u.test(raw)});
    });
  };
  one(a, b);
  one(b, a);
  // A word inside a longer one found too says nothing more ("braderie" in "zomerbraderie").
  const words = found.filter((f) => !found.some((o) => o !== f && o.word.length < f.word.length
    && f.word.includes(o.word)));
  return words.sort((x, y) => x.name - y.name).slice(0, 3).map((f) => f.word);
}

function mondayOf(iso) {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  return d.toISOString().slice(0, 10);
}

function daysOverlap(aStart, aEnd, bStart, bEnd) {
  return aStart <= (bEnd || bStart) && bStart <= (aEnd || aStart);
}

// Chosen on tests/projections/similar_initiatives.tsv: titles alone reach precision 0.77 and
// recall 0.69 at 0.45; with both descriptions, 0.88 and 0.80 at 0.35.
export const TITLE_THRESHOLD = 0.45;
export const TEXT_THRESHOLD = 0.35;

// Active initiatives sharing a day with the draft {title, description, kind, startDate,
// endDate}, looking like it, or of its kind in its ISO week (the server's week rule):
// [{initiative, sameDay, sameWeekKind, similar, score, shared}], same day first.
export function findLookalikes(initiatives, draft) {
  const out = [];
  const title = (draft.title || '').trim();
  const description = (draft.description || '').trim();
  for (const ini of initiatives || []) {
    if (ini.status !== 'active') continue;
    const w = ini.when || {};
    const sameDay = Boolean(draft.startDate && w.startDate && !w.ongoing
      && daysOverlap(draft.startDate, draft.endDate, w.startDate, w.endDate));
    let score = 0;
    let similar = false;
    if (title.length >= 3 && description) {
      score = similarity(title, ini.title, description, ini.description);
      similar = score >= TEXT_THRESHOLD;
    } else if (title.length >= 3) {
      score = similarity(title, ini.title);
      similar = score >= TITLE_THRESHOLD;
    }
    const sameWeekKind = Boolean(!sameDay && draft.startDate && w.startDate && !w.ongoing
      && draft.kind && draft.kind === ini.kind && draft.kind !== 'INITIATIVE_KIND_OTHER'
      && mondayOf(draft.startDate) === mondayOf(w.startDate));
    if (sameDay || similar || sameWeekKind) {
      out.push({initiative: ini, sameDay, sameWeekKind, similar, score,
        shared: sharedWords(title, ini.title)});
    }
  }
  out.sort((x, y) => (y.sameDay - x.sameDay) || (y.sameWeekKind - x.sameWeekKind)
    || (y.score - x.score));
  return out.slice(0, 8);
}
