// The web client's pure modules, run in Node: JSON Patch, the Dutch similarity hint, money
// parsing, the outbox, when a screen draws again, the text tables; and a scan of the client for what the server's CSP
// forbids or what would turn data into markup.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const web = path.join(repo, 'web-client');

// A localStorage for Node, for the modules that keep things on the device.
class MemoryStorage {
  constructor() { this.m = new Map(); }
  getItem(k) { return this.m.has(k) ? this.m.get(k) : null; }
  setItem(k, v) { this.m.set(k, String(v)); }
  removeItem(k) { this.m.delete(k); }
}
globalThis.localStorage = new MemoryStorage();

const {applyPatch, PatchError} = await import(path.join(web, 'js/views.js'));
const sim = await import(path.join(web, 'js/similarity.js'));
const {parseEuros, eventTypeName} = await import(path.join(web, 'js/format.js'));
const {Outbox, newCommandId} = await import(path.join(web, 'js/live.js'));
const {updateScheduler} = await import(path.join(web, 'js/updates.js'));
const calendar = await import(path.join(web, 'js/screens/calendar.js'));
const members = await import(path.join(web, 'js/screens/members.js'));
const {nl} = await import(path.join(web, 'js/strings-nl.js'));
const {en} = await import(path.join(web, 'js/strings-en.js'));
const STRINGS = {nl, en};

test('json patch: add, remove, replace on objects and arrays, with escaped pointers', () => {
  const doc = {a: 1, list: [1, 2, 3], 'x/y': {'m~n': 0}};
  const out = applyPatch(doc, [
    {op: 'replace', path: '/a', value: 2},
    {op: 'add', path: '/list/1', value: 9},
    {op: 'remove', path: '/list/3'},
    {op: 'add', path: '/list/-', value: 4},
    {op: 'replace', path: '/x~1y/m~0n', value: 'ok'},
    {op: 'add', path: '/new', value: {deep: [1]}},
  ]);
  assert.deepEqual(out, {a: 2, list: [1, 9, 2, 4], 'x/y': {'m~n': 'ok'}, new: {deep: [1]}});
  assert.deepEqual(doc, {a: 1, list: [1, 2, 3], 'x/y': {'m~n': 0}}, 'the input is untouched');
});

test('json patch: a patch that does not apply throws and changes nothing', () => {
  const doc = {list: [1]};
  assert.throws(() => applyPatch(doc, [{op: 'remove', path: '/list/5'}]), PatchError);
  assert.throws(() => applyPatch(doc, [{op: 'replace', path: '/missing', value: 1}]), PatchError);
  assert.throws(() => applyPatch(doc, [{op: 'add', path: '/a/b', value: 1}]), PatchError);
  assert.throws(() => applyPatch(doc, [{op: 'move', from: '/list', path: '/x'}]), PatchError);
  assert.deepEqual(doc, {list: [1]});
});

test('json patch: replacing the root', () => {
  assert.deepEqual(applyPatch({a: 1}, [{op: 'replace', path: '', value: [1]}]), [1]);
});

test('similarity: Dutch folding, stop words, compounds', () => {
  assert.ok(sim.similarity('Kledingweggeefactie', 'Weggeefactie kleding') >= sim.TITLE_THRESHOLD);
  assert.ok(sim.similarity('Braderieën op het plein', 'Braderie plein') >= sim.TITLE_THRESHOLD);
  assert.ok(sim.similarity('Buurtkrant', 'Nieuwsbrief van de buurt') >= sim.TITLE_THRESHOLD);
  assert.ok(sim.similarity('Yoga in het park', 'Inzameling van kleding') < sim.TITLE_THRESHOLD);
  assert.equal(sim.similarity('de het een', 'Braderie'), 0);
  assert.equal(sim.similarity('Café', 'cafe'), 1);
});

test('similarity: on the labelled set, better than chance by a margin', () => {
  const tsv = fs.readFileSync(path.join(repo, 'tests/projections/similar_initiatives.tsv'), 'utf8');
  let tp = 0; let fp = 0; let fn = 0;
  for (const line of tsv.split('\n').slice(1)) {
    if (!line.trim()) continue;
    const c = line.split('\t');
    const truth = c[0] === 'match';
    const said = sim.similarity(c[1], c[3], c[2], c[4]) >= sim.TEXT_THRESHOLD;
    if (said && truth) tp += 1;
    else if (said) fp += 1;
    else if (truth) fn += 1;
  }
  const precision = tp / (tp + fp);
  const recall = tp / (tp + fn);
  assert.ok(precision >= 0.8, `precision ${precision}`);
  assert.ok(recall >= 0.7, `recall ${recall}`);
});

test('lookalikes: same day, similar title, same kind in the same week; only active ones', () => {
  const board = [
    {id: 'a', status: 'active', title: 'Braderie Kolenkitplein', kind: 'INITIATIVE_KIND_STREET_MARKET',
      when: {startDate: '2027-06-12'}},
    {id: 'b', status: 'active', title: 'Taalcafé', kind: 'INITIATIVE_KIND_OTHER', when: {startDate: '2027-06-14'}},
    {id: 'c', status: 'cancelled', title: 'Braderie', kind: 'INITIATIVE_KIND_STREET_MARKET', when: {startDate: '2027-06-12'}},
    {id: 'd', status: 'active', title: 'Rommelmarkt', kind: 'INITIATIVE_KIND_STREET_MARKET', when: {startDate: '2027-06-16'}},
    {id: 'e', status: 'active', title: 'Buurtkrant', kind: 'INITIATIVE_KIND_NEWSLETTER', when: {startDate: '2026-01-01', ongoing: true}},
  ];
  const found = sim.findLookalikes(board, {title: 'Zomerbraderie', kind: 'INITIATIVE_KIND_STREET_MARKET',
    startDate: '2027-06-14'});
  const ids = found.map((f) => f.initiative.id);
  assert.deepEqual(ids.slice(0, 1), ['b'], 'the same day comes first');
  assert.ok(ids.includes('a'), 'similar title');
  assert.ok(ids.includes('d'), 'same kind, same ISO week');
  assert.ok(!ids.includes('c'), 'not a cancelled one');
  assert.ok(!ids.includes('e'), 'an ongoing one does not share a day');
  assert.deepEqual(sim.findLookalikes(board, {title: '', startDate: ''}), []);
});

test('shared words: what two titles have in common, as people would say it', () => {
  assert.deepEqual(sim.sharedWords('Zomerbraderie', 'Voorjaarsbraderie op het Kolenkitplein'), ['braderie']);
  assert.deepEqual(sim.sharedWords('Kledingweggeefactie', 'Weggeefactie kleding'), ['weggeefactie', 'kleding']);
  assert.deepEqual(sim.sharedWords('Lentebraderie aan de Bos en Lommerweg', 'Braderie Kolenkitplein').slice(0, 1), ['braderie']);
  assert.deepEqual(sim.sharedWords('Yoga', 'Braderie'), []);
});

test('money: euros typed the Dutch or the English way become cents', () => {
  assert.equal(parseEuros('12,50'), 1250);
  assert.equal(parseEuros('12.50'), 1250);
  assert.equal(parseEuros('€ 1.234,5'), 123450);
  assert.equal(parseEuros('0,05'), 5);
  assert.equal(parseEuros('7'), 700);
  assert.ok(Number.isNaN(parseEuros('')));
  assert.ok(Number.isNaN(parseEuros('12,345')));
  assert.ok(Number.isNaN(parseEuros('abc')));
});

test('outbox: kept on the device; what was in flight is queued again on reload', () => {
  const key = 'rotonde.outbox.test';
  const box = new Outbox(key);
  const id = newCommandId();
  assert.match(id, /^[A-Za-z0-9._:-]{1,64}$/);
  assert.notEqual(newCommandId(), id);
  box.add({commandId: id, platform: 'p', command: {commandId: id, claimTask: {taskId: 't'}}, state: 'sent'});
  box.add({commandId: 'c-2', platform: 'p', command: {commandId: 'c-2'}, state: 'failed', error: {code: 'forbidden'}});
  const again = new Outbox(key);
  assert.equal(again.entries.length, 2);
  assert.equal(again.get(id).state, 'queued', 'sent but unanswered: send again, same commandId');
  assert.equal(again.get(id).command.commandId, id);
  assert.equal(again.get('c-2').state, 'failed');
  assert.deepEqual(again.pending().map((e) => e.commandId), [id]);
  again.remove(id);
  assert.equal(new Outbox(key).entries.length, 1);
});

// A screen on screen as app.js keeps it, recording the updates it gets; and frames the test
// turns over by hand.
function onScreen(def) {
  const updates = [];
  return {def, params: {}, ctx: {}, instance: {update: (changed) => updates.push(changed)}, updates};
}

function frames() {
  const waiting = [];
  return {next: (fn) => waiting.push(fn), run: () => waiting.splice(0).forEach((fn) => fn())};
}

test('screen updates: what changes within a frame comes as one update that names every view', () => {
  const frame = frames();
  const screen = onScreen({needs: () => ['tasks', 'budget']});
  const changed = updateScheduler(() => screen, frame.next);
  changed('tasks');
  changed('budget');
  changed('members');
  changed('tasks');
  assert.deepEqual(screen.updates, [], 'not before the frame');
  frame.run();
  assert.deepEqual(screen.updates, [new Set(['tasks', 'budget', 'members'])]);
  changed('budget');
  frame.run();
  assert.deepEqual(screen.updates.slice(1), [new Set(['budget'])], 'the next frame starts afresh');
});

test("screen updates: only for the views a screen shows, its needs and the shell's names and titles", () => {
  const frame = frames();
  const cal = onScreen(calendar);
  let current = cal;
  const changed = updateScheduler(() => current, frame.next);
  // The calendar names the reason of each clash from the clashes view.
  changed('clashes');
  frame.run();
  changed('calendar');
  changed('meetings');
  frame.run();
  changed('meetings');
  frame.run();
  assert.deepEqual(cal.updates, [new Set(['clashes']), new Set(['calendar'])]);
  // Every screen shows names (members) and initiative titles (board) through its ctx.
  const list = onScreen(members);
  current = list;
  changed('board');
  frame.run();
  changed('tasks');
  frame.run();
  assert.deepEqual(list.updates, [new Set(['board'])]);
  // A screen that does not draw again (the sign-in form) is left alone.
  current = {def: {}, params: {}, ctx: {}, instance: {}};
  changed('members');
  frame.run();
});

test('screen updates: the screen on screen when the frame comes gets them', () => {
  const frame = frames();
  const left = onScreen({needs: () => ['tasks']});
  const opened = onScreen({needs: () => ['budget']});
  let current = left;
  const changed = updateScheduler(() => current, frame.next);
  changed('tasks');
  current = opened;  // navigated: it drew itself in full when it was mounted
  changed('budget');
  frame.run();
  assert.deepEqual(left.updates, []);
  assert.deepEqual(opened.updates, [new Set(['budget'])]);
});

test('texts: Dutch and English have the same keys, and every key the code asks for exists', () => {
  const nl = Object.keys(STRINGS.nl).sort();
  const en = Object.keys(STRINGS.en).sort();
  assert.deepEqual(nl.filter((k) => !STRINGS.en[k]), [], 'missing in English');
  assert.deepEqual(en.filter((k) => !STRINGS.nl[k]), [], 'missing in Dutch');
  const used = new Set();
  for (const file of walk(path.join(web, 'js'))) {
    const src = fs.readFileSync(file, 'utf8');
    for (const m of src.matchAll(/\bt\(\s*'([a-zA-Z0-9_.]+)'/g)) used.add(m[1]);
    for (const m of src.matchAll(/\blabel\(\s*'([a-zA-Z0-9_.]+)'/g)) used.add(m[1]);
  }
  const missing = [...used].filter((k) => STRINGS.nl[k] === undefined);
  assert.deepEqual(missing, []);
});

// The event types as the schema has them: the members of DomainEvent's oneof.
function eventTypes() {
  const proto = fs.readFileSync(path.join(repo, 'proto/rotonde/v1/events.proto'), 'utf8');
  const oneof = /message DomainEvent\s*\{\s*oneof event\s*\{([^}]*)\}/.exec(proto);
  assert.ok(oneof, 'events.proto has DomainEvent and its oneof');
  return [...oneof[1].matchAll(/^\s*([A-Z]\w*)\s+\w+\s*=\s*\d+;/gm)].map((m) => m[1]);
}

test('texts: every event type in events.proto has a name and a sentence in Dutch and English', () => {
  const types = eventTypes();
  assert.ok(types.length >= 40, `${types.length} event types read from events.proto`);
  for (const [lang, table] of Object.entries(STRINGS)) {
    const name = (x) => table[`evtype.${x}`];
    // A name is words for people: not empty, not the type itself, no CamelCase.
    assert.deepEqual(types.filter((x) => typeof name(x) !== 'string' || !name(x).trim() || /[a-z][A-Z]/.test(name(x))),
      [], `event types without a name in ${lang}`);
    assert.deepEqual(types.filter((x) => table[`ev.${x}`] === undefined), [], `event types without a sentence in ${lang}`);
    // Each type its own name, or the auditor's filter could not tell two apart.
    const names = types.map(name);
    assert.deepEqual(names.filter((n, i) => names.indexOf(n) !== i), [], `names used twice in ${lang}`);
    // And no names for types that do not exist.
    assert.deepEqual(Object.keys(table).filter((k) => /^evtypes?\./.test(k) && !types.includes(k.split('.')[1])), [],
      `names of unknown types in ${lang}`);
  }
  assert.equal(eventTypeName('SpendingDecided'), nl['evtype.SpendingDecided']);
  assert.equal(eventTypeName('SomethingNew'), 'SomethingNew', 'a type the client does not know keeps its own name');
});

test('the client never turns data into markup and has nothing the CSP forbids', () => {
  for (const file of walk(web)) {
    if (!/\.(js|html|css)$/.test(file)) continue;
    const src = fs.readFileSync(file, 'utf8');
    const rel = path.relative(web, file);
    assert.doesNotMatch(src, /innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function\(/, rel);
    if (file.endsWith('.html')) {
      assert.doesNotMatch(src, /<script(?![^>]*\bsrc=)[^>]*>/i, `${rel}: inline script`);
      assert.doesNotMatch(src, /\son[a-z]+\s*=/i, `${rel}: inline event handler`);
      assert.doesNotMatch(src, /\sstyle\s*=/i, `${rel}: inline style`);
    }
    if (file.endsWith('.js')) {
      assert.doesNotMatch(src, /setAttribute\(\s*['"]style['"]|cssText|\.style\s*=[^=]/, `${rel}: style from a string`);
    }
  }
});

// The budget: the first screen small for a slow phone, and every screen (in one language;
// the other loads only when chosen) not much more. Each file counts gzipped on its own, as
// HTTP compression would send it.
test('the client is small: first screen and everything, gzipped', async () => {
  const zlib = await import('node:zlib');
  const gz = (rel) => zlib.gzipSync(fs.readFileSync(path.join(web, rel)), {level: 9}).length;
  const first = ['index.html', 'icon.svg', 'css/app.css', ...firstScreenModules()];
  const firstBytes = first.reduce((sum, rel) => sum + gz(rel), 0);
  let all = 0;
  for (const file of walk(web)) {
    if (!file.endsWith('strings-en.js') && !file.endsWith('.md')) all += gz(path.relative(web, file));
  }
  console.log(`# web client: first screen ${firstBytes} B, everything ${all} B gzipped`);
  assert.ok(firstBytes < 45 * 1024, `first screen ${firstBytes} B`);
  assert.ok(all < 70 * 1024, `everything ${all} B`);
});

test('every module links: what it imports is exported', async () => {
  for (const file of walk(path.join(web, 'js'))) {
    if (file.endsWith('app.js')) continue;  // it starts the app; the browser tests load it
    await import(file);
  }
});

// js/app.js and every module it imports statically: what the first screen loads.
function firstScreenModules() {
  const seen = new Set();
  const visit = (rel) => {
    if (seen.has(rel)) return;
    seen.add(rel);
    const src = fs.readFileSync(path.join(web, rel), 'utf8');
    for (const m of src.matchAll(/^import [^;]*? from '([^']+)';/gms)) {
      visit(path.relative(web, path.resolve(path.dirname(path.join(web, rel)), m[1])));
    }
  };
  visit('js/app.js');
  return [...seen].sort();
}

test("index.html preloads exactly the first screen's modules", () => {
  const html = fs.readFileSync(path.join(web, 'index.html'), 'utf8');
  const preloaded = [...html.matchAll(/<link rel="modulepreload" href="([^"]+)">/g)].map((m) => m[1]).sort();
  assert.deepEqual(preloaded, firstScreenModules());
});

function* walk(dir) {
  for (const entry of fs.readdirSync(dir, {withFileTypes: true})) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(p);
    else yield p;
  }
}
