// The web client against a real `rotonde serve` with the demo neighbourhood, in Debian's
// chromium: two volunteers who plan the same braderie find each other and join forces live;
// the auditor replays the log to before the merge and checks the chain; the calendar draws
// again when a clash's details come late; a phone that loses its connection catches up with
// nothing missing or doubled and its offline action sent exactly once; a hostile title stays
// text; every screen at phone and laptop width.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import {spawnSync} from 'node:child_process';
import {scenario, fitsThePhone, startServer, person, signIn, screenshot, serverEvents, apiAs, tamperBinary, PLATFORM}
  from './harness.mjs';
import {nl} from '../../web-client/js/strings-nl.js';

const Z = '2027-05-22';  // a Saturday nobody in the demo has plans for
const TITLE_A = 'Voorjaarsbraderie op het Kolenkitplein';
const TITLE_B = 'Lentebraderie aan de Bos en Lommerweg';
const PLACE_B = 'Bos en Lommerweg, bij de metro';
const HOSTILE = '<img src=x onerror=alert(1)>';

const scene = scenario();
const {add} = scene;
let anna; let bram; let dewi; let carla;  // bram and dewi are the volunteers A and B


async function propose(p, {title, kind, date, place}) {
  const {page} = p;
  await page.locator('nav a[data-nav="initiatives"]').click();
  await page.getByRole('link', {name: 'Nieuw initiatief'}).click();
  await page.getByLabel('Naam van het initiatief').fill(title);
  await page.getByLabel('Soort').selectOption(kind);
  await page.getByLabel('Datum').fill(date);
  if (place) await page.getByLabel('Plek').fill(place);
}

async function toHome(p) {
  await p.page.locator('nav a[data-nav="home"]').click();
  await p.page.locator('h1', {hasText: 'Samenwerkingsrotonde'}).waitFor();
}

// The next clash preview (POST …/clash-preview) the page asks for whose draft satisfies
// `want`: {draft, answer}.
function nextPreview(page, want = () => true) {
  return page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith(`/platforms/${PLATFORM}/clash-preview`)
    && want(r.request().postDataJSON()), {timeout: 20000})
    .then(async (r) => ({draft: r.request().postDataJSON(), answer: await r.json()}));
}

// The form's hint as drawn: [initiative id, rule] per card, in order, once it is `want`.
async function hintsAre(page, want) {
  const cards = page.locator('#lookalikes li[data-initiative]');
  const read = () => cards.evaluateAll((els) => els.map((e) => [e.dataset.initiative, e.dataset.rule]));
  for (let i = 0; i < 100 && JSON.stringify(await read()) !== JSON.stringify(want); i += 1) await page.waitForTimeout(100);
  assert.deepEqual(await read(), want);
}

function clashCard(p) {
  return p.page.locator('#clashes li[data-clash]', {hasText: TITLE_A}).filter({hasText: TITLE_B});
}

test('two volunteers planning the same braderie find each other and join forces, live', {timeout: 120000}, async () => {
  bram = await add('bram');
  dewi = await add('dewi');

  // A proposes a braderie on Z.
  await propose(bram, {title: TITLE_A, kind: 'INITIATIVE_KIND_STREET_MARKET', date: Z, place: 'Kolenkitplein'});
  await bram.page.locator('#propose-submit').click();
  await bram.page.locator('h1', {hasText: TITLE_A}).waitFor();
  await toHome(bram);
  // A keyboard user rests on A's initiative in "coming up" while the news comes in.
  const mine = bram.page.locator('#upcoming a', {hasText: TITLE_A});
  await mine.focus();

  // B starts another and is warned while typing, before sending anything: by the server, whose
  // rules will raise the clash (POST clash-preview), so the hint and the rotonde agree.
  const asked = [];
  const onRequest = (r) => {
    if (r.method() === 'POST' && r.url().endsWith('/clash-preview')) asked.push(r.postDataJSON());
  };
  dewi.page.on('request', onRequest);
  await dewi.page.locator('nav a[data-nav="initiatives"]').click();
  await dewi.page.getByRole('link', {name: 'Nieuw initiatief'}).click();
  const title = dewi.page.getByLabel('Naam van het initiatief');
  // Two letters and no date: nothing to ask about yet.
  await title.pressSequentially('Le');
  await dewi.page.waitForTimeout(800);
  assert.deepEqual(asked, []);
  // Typed on: asked once the typing pauses, not at every key; before a date, what looks alike.
  const undated = nextPreview(dewi.page, (d) => d.title === TITLE_B);
  await title.pressSequentially(TITLE_B.slice(2), {delay: 20});
  const alike = await undated;
  assert.ok(asked.length < 10, `${asked.length} previews for ${TITLE_B.length - 2} keys`);
  assert.equal(alike.draft.when.startDate, '');
  assert.equal(alike.draft.initiativeId, undefined, 'a new initiative has no id yet');
  assert.ok(alike.answer.clashes.length > 0, JSON.stringify(alike.answer));
  assert.deepEqual([...new Set(alike.answer.clashes.map((c) => c.rule))], ['similar']);
  await hintsAre(dewi.page, alike.answer.clashes.map((c) => [c.initiativeId, 'similar']));
  // Why: the words both use, as the server found them.
  const words = alike.answer.clashes[0].sharedTerms;
  assert.ok(words.length > 0, JSON.stringify(alike.answer.clashes[0]));
  const first = dewi.page.locator('#lookalikes li[data-initiative]').first();
  assert.ok((await first.innerText()).includes(`lijkt erop: ${words.join(', ')}`), await first.innerText());

  // On Z, at another place: the same day as A's, the rule the rotonde will use.
  const dated = nextPreview(dewi.page, (d) => d.when.startDate === Z && d.place && d.place.text === PLACE_B);
  await dewi.page.getByLabel('Soort').selectOption('INITIATIVE_KIND_STREET_MARKET');
  await dewi.page.getByLabel('Datum').fill(Z);
  await dewi.page.getByLabel('Plek').fill(PLACE_B);
  const {answer} = await dated;
  const hinted = answer.clashes[0];
  assert.equal(hinted.title, TITLE_A, JSON.stringify(answer));
  assert.equal(hinted.rule, 'CLASH_RULE_SAME_DAY');
  assert.equal(hinted.day, Z);
  await hintsAre(dewi.page, answer.clashes.map((c) => [c.initiativeId, c.rule]));
  const warning = dewi.page.locator(`#lookalikes li[data-initiative="${hinted.initiativeId}"]`);
  assert.match(await warning.innerText(), /zelfde dag/);
  assert.match(await warning.innerText(), new RegExp(TITLE_A));
  assert.match(await dewi.page.locator('#lookalike-status').innerText(), /lijk/);
  await screenshot(dewi.page, 'propose-warning-390');
  dewi.page.off('request', onRequest);

  // B submits anyway: both dashboards show the clash within seconds, without a reload.
  await dewi.page.getByRole('button', {name: 'Toch apart voorstellen'}).click();
  await clashCard(bram).waitFor({timeout: 5000});
  // The clash the rules raised is the one the hint named, by the same rule.
  const shown = clashCard(bram);
  assert.equal(await shown.locator(`a[href="#/initiatives/${hinted.initiativeId}"]`).count(), 1);
  const rule = nl[`rule.${hinted.rule}`];
  assert.equal((await shown.locator('.meta').first().innerText()).split(' · ')[0], rule);
  // A's screen reader hears it; A's focus stayed where it was, though the item changed.
  await bram.page.locator('#announcer').filter({hasText: 'Botsing:'}).filter({hasText: TITLE_A}).waitFor({timeout: 3000});
  await bram.page.locator('#upcoming li', {hasText: TITLE_A}).locator('.badge-clash').waitFor();
  assert.equal(await bram.page.evaluate(() => document.activeElement.textContent), TITLE_A);
  await dewi.page.locator('h1', {hasText: TITLE_B}).waitFor();
  await toHome(dewi);
  await clashCard(dewi).waitFor({timeout: 2000});
  await screenshot(bram.page, 'rotonde-clash-390');

  // B proposes to join forces (continuing as A's, proposed first); A says yes.
  await clashCard(dewi).getByRole('button', {name: 'Samen doen'}).click();
  const yes = clashCard(bram).getByRole('button', {name: 'Ja, samen verder'});
  await yes.waitFor({timeout: 5000});
  await yes.click();
  await clashCard(bram).waitFor({state: 'detached', timeout: 5000});
  await clashCard(dewi).waitFor({state: 'detached', timeout: 5000});

  // Both see one initiative with both organizers.
  for (const p of [bram, dewi]) {
    await p.page.locator('nav a[data-nav="initiatives"]').click();
    const list = p.page.locator('#initiative-list');
    const survivor = list.locator('li[data-initiative]', {hasText: TITLE_A});
    await survivor.waitFor();
    assert.equal(await list.locator('li[data-initiative]', {hasText: TITLE_B}).count(), 0);
    const text = await survivor.innerText();
    assert.match(text, /Bram Jansen/);
    assert.match(text, /Dewi Soebagio/);
  }
});

test('the auditor scrubs to before the merge and sees two initiatives; the chain holds', {timeout: 90000}, async () => {
  const olaf = await add('olaf', {width: 1280, height: 900});
  const {page} = olaf;
  await page.locator('nav a[data-nav="audit"]').click();
  await page.locator('#verify-result[data-state="ok"]').waitFor({timeout: 15000});
  await page.getByRole('button', {name: 'Opnieuw controleren'}).click();
  await page.locator('#verify-result[data-state="ok"]').waitFor({timeout: 15000});
  assert.match(await page.locator('#verify-result').innerText(), /De keten klopt/);

  await page.getByRole('button', {name: 'Alles laden'}).click();
  await page.getByRole('button', {name: 'Alles laden'}).waitFor({state: 'hidden', timeout: 20000});
  await page.getByLabel('Wat', {exact: true}).selectOption('InitiativesMerged');
  // The merge of this test (the demo has merges of its own).
  const row = page.locator('#event-log li[data-type="InitiativesMerged"]', {hasText: TITLE_A});
  await row.waitFor();
  const merged = Number(await row.getAttribute('data-position'));
  await row.locator('summary').click();
  await row.getByRole('button', {name: 'Bekijk vlak ervoor'}).click();
  const out = page.locator(`#scrub-out[data-at="${merged - 1}"][data-view="board"]`);
  await out.waitFor({timeout: 10000});
  const active = out.locator('li[data-status="active"]');
  assert.equal(await active.filter({hasText: TITLE_A}).count(), 1);
  assert.equal(await active.filter({hasText: TITLE_B}).count(), 1);

  await row.getByRole('button', {name: 'Bekijk vlak erna'}).click();
  const afterOut = page.locator(`#scrub-out[data-at="${merged}"][data-view="board"]`);
  await afterOut.waitFor({timeout: 10000});
  assert.equal(await afterOut.locator('li[data-status="active"]').filter({hasText: TITLE_B}).count(), 0);
  assert.equal(await afterOut.locator('li[data-status="merged"]').filter({hasText: TITLE_B}).count(), 1);
  await screenshot(page, 'audit-1280');

  // The export is the whole log as NDJSON: one line per event, in order, as the server has it.
  const [download] = await Promise.all([
    page.waitForEvent('download', {timeout: 20000}),
    page.getByRole('button', {name: 'Download het logboek'}).click(),
  ]);
  const text = fs.readFileSync(await download.path(), 'utf8');
  const lines = text.trim().split('\n').map((l) => JSON.parse(l));
  const events = await serverEvents(page);
  assert.deepEqual(lines.map((e) => Number(e.position)), events.map((e) => Number(e.position)));
  assert.ok(lines.length > 280);
});

// The demo's head: the platform's newest position.
async function headOf(page) {
  return Math.max(...(await serverEvents(page)).map((e) => Number(e.position)));
}

test('the auditor replays a view as its own screen draws it, marked with its position', {timeout: 90000}, async () => {
  const olaf = await add('olaf', {name: 'olaf-replay'});
  const {page} = olaf;
  await page.locator('nav a[data-nav="audit"]').click();
  const head = await headOf(page);
  // The views as they stood at the head; no JSON.
  const replay = async (view, item) => {
    await page.getByLabel('Overzicht').selectOption(view);
    const out = page.locator(`#scrub-out[data-at="${head}"][data-view="${view}"]`);
    await out.waitFor({timeout: 10000});
    assert.match(await page.locator('#scrub-as-of').innerText(), new RegExp(`^Zo stond het er bij positie ${head} voor`));
    assert.doesNotMatch(await out.innerText(), /\{"|":/, view);
    await out.locator(item).first().waitFor();
    return out.locator(item).first().innerText();
  };
  const task = await replay('tasks', 'li[data-task="t-actie-handtekeningen"]');
  assert.match(task, /^Handtekeningen verzamelen bij de metro\n/);
  await screenshot(page, 'audit-replay-tasks-390');
  const meeting = await replay('meetings', 'details[data-meeting="mt-raad-voorjaar-2026"] summary');
  const member = await replay('members', 'li[data-member="m-anna"]');
  const figures = await replay('figures', '.figure-list');
  assert.match(figures, /keer samen verder gegaan/);
  // Exactly as on their own screens.
  for (const [screen, item, text] of [['tasks', 'li[data-task="t-actie-handtekeningen"]', task],
    ['meetings', 'details[data-meeting="mt-raad-voorjaar-2026"] summary', meeting],
    ['members', 'li[data-member="m-anna"]', member], ['home', '.figure-list', figures]]) {
    await page.locator(`nav a[data-nav="${screen}"]`).click();
    assert.equal(await page.locator(`main ${item}`).innerText(), text, `as the ${screen} screen draws it`);
  }
});

test('the auditor\'s log on a phone: newest first, each type named in Dutch, with its date and time', {timeout: 90000}, async () => {
  const olaf = await add('olaf', {name: 'olaf-log'});
  const {page} = olaf;
  await page.locator('nav a[data-nav="audit"]').click();
  const head = await headOf(page);
  assert.ok(head > 200, 'the demo alone has more than a page of events');

  // It opens at the newest page, newest first.
  const rows = page.locator('#event-log li.event-row');
  const positions = () => rows.evaluateAll((els) => els.map((e) => Number(e.dataset.position)));
  const newest = (n) => Array.from({length: Math.min(n, head)}, (_, i) => head - i);
  await page.locator(`#event-log li.event-row[data-position="${head - 199}"]`).waitFor({timeout: 10000});
  assert.deepEqual(await positions(), newest(200));

  // Every row: its type's Dutch name, and its date and time in Amsterdam.
  const amsterdam = new Intl.DateTimeFormat('nl-NL', {timeZone: 'Europe/Amsterdam', day: 'numeric',
    month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit'});
  const lines = await rows.evaluateAll((els) => els.map((e) => ({type: e.dataset.type,
    name: e.querySelector('summary strong').textContent, time: e.querySelector('summary time').textContent,
    at: e.querySelector('summary time').getAttribute('datetime')})));
  for (const l of lines) {
    assert.equal(l.name, nl[`evtype.${l.type}`], `the name of ${l.type}`);
    assert.doesNotMatch(l.name, /[a-z][A-Z]/);
    assert.match(l.time, /^\d{1,2} [a-z]{3}\.? \d{4}, \d{2}:\d{2}$/);
    assert.equal(l.time, amsterdam.format(new Date(l.at)));
  }

  // "Meer laden" brings the page before, below.
  await page.getByRole('button', {name: 'Meer laden'}).click();
  await page.locator(`#event-log li.event-row[data-position="${Math.max(1, head - 399)}"]`).waitFor({timeout: 10000});
  assert.deepEqual(await positions(), newest(400));
  await screenshot(page, 'audit-log-390');
});

// The platform's signed checkpoint as the server gives it to an auditor.
async function checkpointOf(url) {
  const r = await (await apiAs(url, 'olaf'))('GET', `/api/v1/platforms/${PLATFORM}/checkpoint`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
}
// A verdict's text, one line a paragraph.
const textOf = async (locator) => (await locator.innerText()).replace(/\n+/g, '\n');
const pinKey = (cp) => `rotonde.checkpoint.${cp.origin}`;
const pinOf = (page, cp) => page.evaluate((k) => JSON.parse(localStorage.getItem(k)), pinKey(cp));

test('the auditor\'s browser checks the log itself under the server\'s signed checkpoint; next time, that the log extended it', {timeout: 90000}, async () => {
  const olaf = await add('olaf', {name: 'olaf-verify'});
  const {page} = olaf;
  const asked = [];
  page.on('request', (r) => asked.push(new URL(r.url()).pathname));
  await page.locator('nav a[data-nav="audit"]').click();
  const verdict = page.locator('#verify-result[data-state="ok"]');
  await verdict.waitFor({timeout: 20000});
  const events = await serverEvents(page);
  const head = events.at(-1);
  const cp = await checkpointOf(scene.server.url);
  const [name, keyHash] = cp.publicKey.split('+');
  assert.equal(Number(await verdict.getAttribute('data-position')), head.position);
  const text = await textOf(verdict);
  assert.match(text, /^De keten klopt: niets is achteraf veranderd of weggehaald\.\n/);
  assert.ok(text.includes(`Geverifieerd in je eigen browser tot en met positie ${head.position} van Buurtplatform `
    + `Kolenkitbuurt, onder een checkpoint ondertekend met sleutel ${keyHash} van server ${name}.`), text);
  assert.match(text, /Deze browser onthoudt dit checkpoint/);
  assert.ok(text.includes(head.hash));
  // The server was asked for its signed checkpoint and the events, never for a verdict.
  assert.ok(asked.includes(`/api/v1/platforms/${PLATFORM}/checkpoint`));
  assert.ok(asked.includes(`/api/v1/platforms/${PLATFORM}/events`));
  assert.ok(!asked.some((p) => p.endsWith('/verify')), asked.join(' '));
  assert.deepEqual(await pinOf(page, cp), {publicKey: cp.publicKey, size: head.position, hash: head.hash});
  await screenshot(page, 'audit-verified-390');

  // The log grows by an invite; the next visit proves the log now extends the pinned checkpoint.
  const invite = await (await apiAs(scene.server.url, 'carla'))('POST', `/api/v1/platforms/${PLATFORM}/invites`,
    {role: 'ROLE_MEMBER', note: 'voor de kascommissie'});
  assert.equal(invite.status, 200, JSON.stringify(invite.body));
  assert.ok(invite.body.position > head.position);
  await page.setViewportSize({width: 1280, height: 900});
  await page.reload();
  const again = page.locator(`#verify-result[data-state="ok"][data-position="${invite.body.position}"]`);
  await again.waitFor({timeout: 20000});
  assert.match(await textOf(again), new RegExp(`\\nHet logboek verlengt het checkpoint dat je eerder controleerde \\(positie ${head.position}\\): wat je toen zag, staat er nog precies zo\\.\\n`));
  assert.equal((await pinOf(page, cp)).size, invite.body.position);
  await screenshot(page, 'audit-verified-1280');
});

// The checkpoint this browser keeps, put there as if an earlier check had seen another log;
// then a check again.
async function checkWithPin(page, cp, pin) {
  await page.evaluate(([k, v]) => localStorage.setItem(k, JSON.stringify(v)), [pinKey(cp), pin]);
  await page.getByRole('button', {name: 'Opnieuw controleren'}).click();
  const alarm = page.getByRole('alert');
  await alarm.waitFor({timeout: 20000});
  assert.equal(await alarm.getAttribute('data-state'), 'bad');
  // A bad verdict pins nothing.
  assert.deepEqual(await pinOf(page, cp), pin);
  return alarm;
}

test('against the pinned checkpoint: a rewritten log, a shorter log and another key are red alarms', {timeout: 90000}, async () => {
  const olaf = await add('olaf', {name: 'olaf-pin'});
  const {page} = olaf;
  await page.locator('nav a[data-nav="audit"]').click();
  await page.locator('#verify-result[data-state="ok"]').waitFor({timeout: 20000});
  const cp = await checkpointOf(scene.server.url);
  const good = await pinOf(page, cp);

  const rewritten = await checkWithPin(page, cp, {...good, size: 100, hash: 'ab'.repeat(32)});
  assert.equal(await rewritten.getAttribute('data-position'), '100');
  assert.match(await textOf(rewritten), /^Alarm: de keten klopt niet!\nDe eerste fout zit bij positie 100:[^\n]*\nHet logboek is op of vóór positie 100 herschreven: het verlengt je eerder gecontroleerde checkpoint niet\.\nWat de controle vond: the hash at 100 is not the pinned one/);

  const shorter = await checkWithPin(page, cp, {...good, size: good.size + 50});
  assert.match(await textOf(shorter), new RegExp(`Het logboek is korter geworden: eerder ${good.size + 50} posities, nu ${good.size}\\.`));
  // Its first missing position is not in the log to be shown.
  assert.equal(await shorter.getByRole('button').count(), 0);

  const [name, , key] = good.publicKey.split('+');
  const other = {...good, publicKey: `${name}+0badc0de+${key}`};
  const rekeyed = await checkWithPin(page, cp, other);
  assert.match(await textOf(rekeyed), /De server tekent met een andere sleutel dan bij je vorige controle \(toen 0badc0de\)\./);
  assert.equal(await rekeyed.getAttribute('data-position'), null);

  // The checkpoint it really verified holds again.
  await page.evaluate(([k, v]) => localStorage.setItem(k, JSON.stringify(v)), [pinKey(cp), good]);
  await page.getByRole('button', {name: 'Opnieuw controleren'}).click();
  await page.locator('#verify-result[data-state="ok"]').waitFor({timeout: 20000});
});

test('events changed on their way to the browser: a red alarm naming the first bad position, marked in the log', {timeout: 90000}, async () => {
  const olaf = await add('olaf', {name: 'olaf-alarm'});
  const {page} = olaf;
  // Every event page as the server sends it, but position 137's body with one bit flipped.
  await olaf.context.route(/\/api\/v1\/platforms\/kolenkit\/events\?/, async (route) => {
    const res = await route.fetch();
    const lines = (await res.text()).split('\n').map((l) => {
      if (!l.includes('"position":137,')) return l;
      const e = JSON.parse(l);
      const body = Buffer.from(e.body, 'base64');
      body[body.length - 1] ^= 1;
      return JSON.stringify({...e, body: body.toString('base64')});
    });
    await route.fulfill({response: res, body: lines.join('\n')});
  });
  await page.locator('nav a[data-nav="audit"]').click();
  const alarm = page.getByRole('alert').filter({hasText: 'Alarm: de keten klopt niet!'});
  await alarm.waitFor({timeout: 20000});
  assert.equal(await alarm.getAttribute('id'), 'verify-result');
  assert.equal(await alarm.getAttribute('data-position'), '137');
  assert.match(await textOf(alarm), /De eerste fout zit bij positie 137: .*\nDie gebeurtenis is achteraf veranderd, weggehaald of ertussen gezet\.\nWat de controle vond: hash does not recompute/);
  const [color, border] = await alarm.evaluate((el) => [getComputedStyle(el).color, getComputedStyle(el).borderTopColor]);
  assert.equal(color, 'rgb(143, 29, 29)', 'red');
  assert.equal(border, color);
  await showsFirstBad(page, 137);
});

// The alarm's button brings the first bad position into the log: loaded, marked, focused.
async function showsFirstBad(page, pos) {
  await page.getByRole('button', {name: `Toon positie ${pos} in het logboek`}).click();
  const row = page.locator(`#event-log li.event-row[data-position="${pos}"]`);
  await row.locator('summary:focus').waitFor({timeout: 10000});
  assert.equal(await row.getAttribute('data-bad'), '');
  assert.match(await row.locator('summary').innerText(), /^eerste fout/);
  assert.equal(await page.locator('#event-log li[data-bad]').count(), 1);
}

test('a browser that cannot check Ed25519 signatures, or has no WebCrypto, says so and shows no green', {timeout: 90000}, async () => {
  for (const [name, lack] of [['olaf-no-ed25519', () => {
    const subtle = globalThis.crypto.subtle;
    const importKey = subtle.importKey.bind(subtle);
    subtle.importKey = (format, key, alg, ...rest) => ((alg === 'Ed25519' || alg?.name === 'Ed25519')
      ? Promise.reject(new DOMException('Unrecognized name.', 'NotSupportedError')) : importKey(format, key, alg, ...rest));
  }], ['olaf-no-webcrypto', () => {
    Object.defineProperty(globalThis.crypto, 'subtle', {get: () => undefined});
  }]]) {
    const p = await person(scene.browser, scene.server.url, {name});
    scene.people.push(p);
    await p.context.addInitScript(lack);
    await signIn(p, 'olaf');
    await p.page.locator('nav a[data-nav="audit"]').click();
    const verdict = p.page.locator('#verify-result[data-state="unsupported"]');
    await verdict.waitFor({timeout: 20000});
    assert.match(await textOf(verdict), /^Deze browser kan de keten niet zelf controleren\.\nDaarvoor zijn WebCrypto en Ed25519 nodig/);
    assert.equal(await p.page.locator('#verify-result[data-state="ok"], [role="alert"]').count(), 0);
    assert.equal(await p.page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('rotonde.checkpoint.')).length), 0);
  }
});

test('an event altered on the server\'s disk: the restarted server serves, the auditor\'s browser raises the alarm at its position', {timeout: 120000}, async () => {
  const first = await startServer();
  await first.stop({keepData: true});
  let tampered;
  let olaf;
  try {
    const r = spawnSync(tamperBinary(), [first.data, PLATFORM, '10'], {encoding: 'utf8', timeout: 30000});
    assert.equal(r.status, 0, `rotonde-tamper: ${r.stderr}${r.error || ''}`);
    tampered = await startServer({data: first.data});
    olaf = await person(scene.browser, tampered.url, {name: 'olaf-tampered'});
    scene.people.push(olaf);
    await signIn(olaf, 'olaf');
    const {page} = olaf;
    await page.locator('nav a[data-nav="audit"]').click();
    const alarm = page.getByRole('alert').filter({hasText: 'Alarm: de keten klopt niet!'});
    await alarm.waitFor({timeout: 20000});
    assert.equal(await alarm.getAttribute('data-position'), '10');
    assert.match(await textOf(alarm), /De eerste fout zit bij positie 10: .*\nDie gebeurtenis is achteraf veranderd, weggehaald of ertussen gezet\./);
    assert.equal(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('rotonde.checkpoint.')).length), 0);
    await screenshot(page, 'audit-tampered-390');
    await showsFirstBad(page, 10);
    await page.setViewportSize({width: 1280, height: 900});
    await page.locator('#h-verify').scrollIntoViewIfNeeded();
    await screenshot(page, 'audit-tampered-1280');
  } finally {
    if (olaf) await olaf.context.close();
    if (tampered) await tampered.stop();
    else fs.rmSync(first.data, {recursive: true, force: true});
  }
});

test('a log restored from an older backup and grown again: the server signs nothing more, the browser names where the log left its checkpoint', {timeout: 120000}, async () => {
  const fresh = await startServer();
  await fresh.stop({keepData: true});
  const {data} = fresh;
  const backup = `${data}-backup`;
  fs.cpSync(data, backup, {recursive: true});
  let server1;
  let server2;
  let olaf;
  try {
    // The log grows to N and the server signs N; then the store (events and the views' own
    // checkpoints) comes back from the backup, the server's notes and accounts stay.
    const invite = async (url, note) => (await apiAs(url, 'carla'))('POST',
      `/api/v1/platforms/${PLATFORM}/invites`, {role: 'ROLE_MEMBER', note});
    server1 = await startServer({data});
    const grown = (await invite(server1.url, 'voor de flyergroep')).body.position;
    assert.equal((await checkpointOf(server1.url)).size, grown);
    await server1.stop({keepData: true});
    for (const entry of fs.readdirSync(data)) {
      if (!['notes', 'auth', 'signing-key'].includes(entry)) fs.rmSync(`${data}/${entry}`, {recursive: true});
    }
    for (const entry of fs.readdirSync(backup)) {
      if (!['notes', 'auth', 'signing-key'].includes(entry)) fs.cpSync(`${backup}/${entry}`, `${data}/${entry}`, {recursive: true});
    }
    server2 = await startServer({data});
    assert.equal((await invite(server2.url, 'voor de kascommissie')).body.position, grown);
    const refused = await (await apiAs(server2.url, 'olaf'))('GET', `/api/v1/platforms/${PLATFORM}/checkpoint`);
    assert.equal(refused.status, 409);
    assert.equal(refused.body.code, 'checkpoint_conflict');

    olaf = await person(scene.browser, server2.url, {name: 'olaf-restored'});
    scene.people.push(olaf);
    await signIn(olaf, 'olaf');
    await olaf.page.locator('nav a[data-nav="audit"]').click();
    const alarm = olaf.page.getByRole('alert').filter({hasText: 'Alarm: de keten klopt niet!'});
    await alarm.waitFor({timeout: 20000});
    assert.equal(await alarm.getAttribute('data-position'), String(grown));
    assert.match(await textOf(alarm), new RegExp(`De eerste fout zit bij positie ${grown}: .*\\n`
      + `De keten eindigt niet bij het ondertekende checkpoint \\(positie ${grown}\\)\\.\\n`
      + `De server weigert zelf nog een checkpoint te tekenen: zijn logboek verlengt het checkpoint van positie ${grown} `));
    await showsFirstBad(olaf.page, grown);
    // The browser logs the refusal it was given, and nothing else.
    const expected = /^olaf-restored console: Failed to load resource: .* 409 \(Conflict\)$/;
    assert.equal(olaf.errors.filter((e) => expected.test(e)).length, 1, olaf.errors.join('\n'));
    olaf.errors.splice(0, Infinity, ...olaf.errors.filter((e) => !expected.test(e)));
  } finally {
    if (olaf) await olaf.context.close();
    for (const up of [server1, server2]) if (up) await up.stop({keepData: true});
    fs.rmSync(data, {recursive: true, force: true});
    fs.rmSync(backup, {recursive: true, force: true});
  }
});

// From the calendar's month (the machine's clock) to June 2026, where the demo has its clashes.
async function toJune2026(page) {
  const [year, month] = new Intl.DateTimeFormat('en-CA', {timeZone: 'Europe/Amsterdam', year: 'numeric',
    month: '2-digit'}).format(new Date()).split('-').map(Number);
  const steps = (year - 2026) * 12 + month - 6;
  for (let i = 0; i < Math.abs(steps); i += 1) {
    const shown = await page.locator('#cal-title').innerText();
    await page.getByRole('button', {name: steps > 0 ? 'Vorige' : 'Volgende'}).click();
    await page.locator('#cal-title').filter({hasNotText: shown}).waitFor();
  }
  assert.equal(await page.locator('#cal-title').innerText(), 'juni 2026');
}

test('the calendar marks clashes, shows a week, and gives a link for a phone calendar', {timeout: 60000}, async () => {
  const {page} = dewi;
  await page.locator('nav a[data-nav="calendar"]').click();
  await toJune2026(page);
  await page.locator('td[data-date="2026-06-20"].has-clash').waitFor();
  assert.equal(await page.locator('td[data-date="2026-06-13"].has-clash').count(), 0);
  await page.locator('li.day.has-clash[data-date="2026-06-20"]', {hasText: 'Buitenspeelmiddag'}).waitFor();
  await page.getByRole('button', {name: 'Week', exact: true}).click();
  await page.locator('li.day[data-date]').first().waitFor();
  assert.equal(await page.locator('li.day[data-date]').count(), 7);
  await screenshot(page, 'calendar-week-390');

  await page.getByRole('button', {name: 'Link voor je agenda maken'}).click();
  const url = await page.locator('#feed-url').inputValue();
  assert.match(url, /\/api\/v1\/platforms\/kolenkit\/calendar\.ics\?key=[0-9a-f]+$/);
  // The link works on its own, without the session: as a phone's calendar app fetches it.
  const ics = await (await fetch(url)).text();
  assert.match(ics, /^BEGIN:VCALENDAR\r\n/);
  assert.match(ics, /SUMMARY:Voorjaarsbraderie op het Kolenkitplein/);
});

test('the calendar names a clash when its details come after the days', {timeout: 60000}, async () => {
  // mei opens the calendar first thing; the clashes view reaches her phone only once the month
  // is drawn, as on a slow connection. The calendar draws again when it comes.
  const mei = await person(scene.browser, scene.server.url, {name: 'mei'});
  scene.people.push(mei);
  let release;
  const held = new Promise((resolve) => {
    release = resolve;
  });
  await mei.context.routeWebSocket(/\/api\/v1\/ws$/, (ws) => {
    const upstream = ws.connectToServer();
    ws.onMessage((m) => upstream.send(m));
    upstream.onMessage(async (m) => {
      const msg = JSON.parse(String(m));
      if (msg.type === 'view' && msg.view === 'clashes') await held;
      ws.send(m);
    });
  });
  // The same view over HTTP, asked for while the socket is still connecting.
  await mei.context.route(/\/api\/v1\/platforms\/kolenkit\/views\/clashes(\?|$)/, async (route) => {
    await held;
    await route.continue();
  });
  await signIn(mei, 'mei', '#/calendar');
  await mei.page.locator('h1', {hasText: 'Agenda'}).waitFor();
  await toJune2026(mei.page);
  const day = mei.page.locator('li.day.has-clash[data-date="2026-06-20"]');
  await day.filter({hasText: 'Buitenspeelmiddag'}).waitFor();
  assert.equal(await day.locator('.clash-reasons li').count(), 0, 'the clashes are held back');
  release();
  await day.locator('.clash-reasons li', {hasText: 'Twee activiteiten op zaterdag 20 juni op dezelfde plek'})
    .waitFor({timeout: 5000});
  await screenshot(mei.page, 'calendar-clash-reasons-390');
  await mei.page.setViewportSize({width: 1280, height: 900});
  await screenshot(mei.page, 'calendar-clash-reasons-1280');
});

test('a phone that loses its connection catches up: nothing missing, nothing doubled, its own action sent once', {timeout: 120000}, async () => {
  const a = bram;
  const b = dewi;
  // Screens visited online keep working offline.
  await a.page.locator('nav a[data-nav="tasks"]').click();
  await a.page.locator('#tasks-open li[data-task]').first().waitFor();
  const openTasks = await a.page.locator('#tasks-open li[data-task]').evaluateAll((els) => els.map((e) => e.dataset.task));
  assert.ok(openTasks.length >= 2, 'the demo has open tasks');
  const [mine, theirs] = openTasks;
  const before = Number(await a.page.locator('#conn').getAttribute('data-position'));

  await a.context.setOffline(true);
  await a.page.locator('#conn[data-state="offline"]').waitFor({timeout: 5000});

  // A acts offline: the command waits in the outbox.
  await a.page.locator(`#tasks-open li[data-task="${mine}"]`).getByRole('button', {name: 'Ik doe het'}).click();
  await a.page.locator('#outbox', {hasText: 'wacht op verbinding'}).waitFor({timeout: 5000});

  // B acts meanwhile.
  await propose(b, {title: 'Burendag in de Kolenkit', kind: 'INITIATIVE_KIND_STREET_PARTY', date: '2027-09-25'});
  await b.page.locator('#propose-submit').click();
  await b.page.locator('h1', {hasText: 'Burendag in de Kolenkit'}).waitFor();
  await b.page.locator('nav a[data-nav="tasks"]').click();
  await b.page.locator(`#tasks-open li[data-task="${theirs}"]`).getByRole('button', {name: 'Ik doe het'}).click();
  await b.page.locator(`#tasks-mine li[data-task="${theirs}"]`).waitFor();

  // The cut is real: nothing of B's reached A while offline.
  assert.equal(Number(await a.page.locator('#conn').getAttribute('data-position')), before);
  assert.equal(await a.page.locator('#conn').getAttribute('data-state'), 'offline');

  await a.context.setOffline(false);
  await a.page.locator('#conn[data-state="online"]').waitFor({timeout: 30000});
  await a.page.locator('#outbox').waitFor({state: 'hidden', timeout: 15000});
  await a.page.locator(`#tasks-mine li[data-task="${mine}"]`).waitFor({timeout: 5000});
  assert.equal(await a.page.locator(`#tasks-open li[data-task="${theirs}"]`).count(), 0, 'B\'s claim reached A');

  // Exactly once: one TaskClaimed for A's task, whatever was re-sent.
  const events = await serverEvents(a.page);
  const claims = events.filter((e) => /TaskClaimed$/.test(e.type) && JSON.stringify(e.event).includes(`"${mine}"`));
  assert.equal(claims.length, 1);

  // Nothing missing or doubled: A's feed holds every event after the cut, once.
  const head = Math.max(...events.map((e) => Number(e.position)));
  await a.page.locator(`#conn[data-position="${head}"]`).waitFor({timeout: 5000});
  await toHome(a);
  const feed = await a.page.locator('#feed li[data-position]').evaluateAll((els) => els.map((e) => Number(e.dataset.position)));
  assert.equal(new Set(feed).size, feed.length, 'no event twice');
  const missed = events.map((e) => Number(e.position)).filter((p) => p > before && !feed.includes(p));
  assert.deepEqual(missed, []);
  // And the views caught up too: B's initiative is on A's board.
  await a.page.locator('nav a[data-nav="initiatives"]').click();
  await a.page.locator('#initiative-list li[data-initiative]', {hasText: 'Burendag in de Kolenkit'}).waitFor({timeout: 5000});
});

test('an answer lost on the way: the command is sent again with its id and applied once', {timeout: 60000}, async () => {
  // sanne's socket passes through the test: the first command's answer is dropped and the
  // connection cut, as a train going into a tunnel would.
  const sanne = await person(scene.browser, scene.server.url, {name: 'sanne'});
  scene.people.push(sanne);
  const sent = [];
  const results = [];
  let dropNext = true;
  await sanne.context.routeWebSocket(/\/api\/v1\/ws$/, (ws) => {
    const upstream = ws.connectToServer();
    ws.onMessage((m) => {
      const msg = JSON.parse(String(m));
      if (msg.type === 'command') sent.push(msg);
      upstream.send(m);
    });
    upstream.onMessage((m) => {
      const msg = JSON.parse(String(m));
      if (msg.type === 'result') results.push(msg);
      if (msg.type === 'result' && dropNext) {
        dropNext = false;
        ws.close({code: 4000, reason: 'test: answer lost'});
        return;
      }
      ws.send(m);
    });
  });
  await signIn(sanne, 'sanne');
  await sanne.page.locator('nav a[data-nav="initiatives"]').click();
  await sanne.page.locator('#initiative-list li[data-initiative]', {hasText: TITLE_A}).getByRole('link').click();
  await sanne.page.getByRole('button', {name: 'Ik organiseer mee'}).click();
  await sanne.page.locator('.badges', {hasText: 'jij organiseert mee'}).waitFor({timeout: 20000});
  await sanne.page.locator('#conn[data-state="online"]').waitFor({timeout: 20000});
  await sanne.page.locator('#outbox').waitFor({state: 'hidden', timeout: 10000});

  assert.equal(sent.length, 2, 'sent, then sent again after the reconnect');
  assert.equal(sent[1].id, sent[0].id);
  assert.equal(sent[1].command.commandId, sent[0].command.commandId);
  assert.deepEqual(results.map((r) => r.repeated), [false, true], 'the server answered the repeat with the first outcome');
  const events = await serverEvents(sanne.page);
  const joins = events.filter((e) => /InitiativeJoined$/.test(e.type) && e.event.initiativeJoined.memberId === 'm-sanne');
  assert.equal(joins.length, 1);
});

test('a refused command is shown as not done, with why, to put right or discard (never the same again)', {timeout: 60000}, async () => {
  const a = bram;
  const b = dewi;
  await b.page.locator('nav a[data-nav="initiatives"]').click();
  await b.page.locator('#initiative-list li[data-initiative]', {hasText: TITLE_A}).getByRole('link').click();
  // B adds a task to the joint braderie; A and B both want it.
  await b.page.getByRole('button', {name: 'Taak toevoegen'}).click();
  await b.page.getByLabel('Wat moet er gebeuren?').fill('Kramen tellen');
  await b.page.getByRole('button', {name: 'Toevoegen', exact: true}).click();
  await a.page.locator('nav a[data-nav="tasks"]').click();
  const task = a.page.locator('#tasks-open li[data-task]', {hasText: 'Kramen tellen'});
  await task.waitFor({timeout: 5000});

  await a.context.setOffline(true);
  await a.page.locator('#conn[data-state="offline"]').waitFor({timeout: 5000});
  await task.getByRole('button', {name: 'Ik doe het'}).click();
  await b.page.locator('nav a[data-nav="tasks"]').click();
  await b.page.locator('#tasks-open li[data-task]', {hasText: 'Kramen tellen'}).getByRole('button', {name: 'Ik doe het'}).click();
  await b.page.locator('#tasks-mine li[data-task]', {hasText: 'Kramen tellen'}).waitFor();
  await a.context.setOffline(false);

  const failed = a.page.locator('#outbox li.outbox-failed');
  await failed.waitFor({timeout: 30000});
  assert.match(await failed.innerText(), /niet gelukt: Iemand anders heeft deze taak net opgepakt/);
  await failed.getByRole('button', {name: 'Aanpassen'}).waitFor();
  assert.equal(await failed.getByRole('button', {name: 'Opnieuw proberen'}).count(), 0);
  await screenshot(a.page, 'outbox-refused-390');
  await failed.getByRole('button', {name: 'Weggooien'}).click();
  await a.page.locator('#outbox').waitFor({state: 'hidden'});
});

test('a newcomer joins with an invite link', {timeout: 60000}, async () => {
  anna = await add('anna', {width: 390});
  // A coordinator or admin makes the link in the app and passes it on.
  await anna.page.locator('nav a[data-nav="members"]').click();
  await anna.page.getByRole('button', {name: 'Uitnodigingslink maken'}).click();
  await anna.page.getByLabel('Notitie').fill('voor de flyergroep');
  await anna.page.getByRole('button', {name: 'Link maken', exact: true}).click();
  const link = await anna.page.locator('#invite-link').inputValue();
  assert.match(link, /#\/invite\/[0-9a-f]{64}$/);
  const newcomer = await person(scene.browser, scene.server.url, {name: 'newcomer'});
  scene.people.push(newcomer);
  const {page} = newcomer;
  await page.goto(`/${link.slice(link.indexOf('#'))}`);
  await page.getByText('Je bent uitgenodigd voor Buurtplatform Kolenkitbuurt, als lid.').waitFor();
  await page.getByText('voor de flyergroep').waitFor();
  await page.getByLabel('Je naam').fill('Priya Ramdin');
  await page.getByLabel('Gebruikersnaam').fill('priya');
  await page.getByLabel('Wachtwoord').fill('een-lang-wachtwoord');
  await page.getByRole('button', {name: 'Account maken en meedoen'}).click();
  await page.locator('#conn[data-state="online"]').waitFor({timeout: 15000});
  await page.locator('h1', {hasText: 'Samenwerkingsrotonde'}).waitFor();
  assert.match(await page.locator('#tools').innerText(), /Priya Ramdin/);
  // Everyone sees the new member arrive.
  await anna.page.locator('#member-list li', {hasText: 'Priya Ramdin'}).waitFor({timeout: 5000});
  // The link works once.
  await page.getByRole('button', {name: 'Uitloggen'}).click();
  await page.getByRole('button', {name: 'Inloggen'}).waitFor();
  await page.goto(`/${link.slice(link.indexOf('#'))}`);
  await page.getByText('Deze uitnodiging is al gebruikt.').waitFor();
  // The browser itself logs the refused request (410); that one is expected here.
  assert.deepEqual(newcomer.errors, ['newcomer console: Failed to load resource: the server responded with a status of 410 (Gone)']);
  newcomer.errors.length = 0;
});

test('a hostile title is shown as text and runs nothing', {timeout: 60000}, async () => {
  await propose(dewi, {title: HOSTILE, kind: 'INITIATIVE_KIND_OTHER', date: '2027-10-02'});
  await dewi.page.locator('#propose-submit').click();
  await dewi.page.locator('h1', {hasText: HOSTILE}).waitFor();
  const {page} = bram;
  await page.locator('nav a[data-nav="initiatives"]').click();
  await page.locator('#initiative-list li[data-initiative]', {hasText: HOSTILE}).waitFor({timeout: 5000});
  const titles = await page.locator('#initiative-list li[data-initiative] h3').allInnerTexts();
  assert.ok(titles.includes(HOSTILE));
  await toHome(bram);
  await page.locator('#feed li', {hasText: HOSTILE}).waitFor({timeout: 5000});
  for (const p of [bram, dewi]) {
    assert.equal(await p.page.locator('img[src="x"]').count(), 0);
    assert.equal(await p.page.evaluate(() => document.querySelectorAll('img').length), 0);
  }
});

test('every screen at phone and laptop width', {timeout: 120000}, async () => {
  const screens = ['home', 'initiatives', 'calendar', 'tasks', 'meetings', 'budget', 'members', 'audit'];
  const wide = await add('carla', {width: 1280, height: 900});
  carla = wide;
  for (const [p, width] of [[bram, 390], [wide, 1280]]) {
    for (const s of screens) {
      await p.page.locator(`nav a[data-nav="${s}"]`).click();
      await p.page.locator('main h1').waitFor();
      await p.page.locator('main .loading').first().waitFor({state: 'detached', timeout: 10000}).catch(() => {});
      await screenshot(p.page, `${s}-${width}`);
      // Its key figures at the phone's width, without sideways scrolling, in text a phone reads.
      if (width === 390) await fitsThePhone(p.page);
      // Nothing of the program's own shows through: no "null", "undefined", "NaN", no raw keys.
      const text = await p.page.locator('main').innerText();
      assert.doesNotMatch(text, /\b(null|undefined|NaN)\b|\b[a-z]+\.[a-z]+[A-Z]\w*\b/, `${s} at ${width}`);
    }
    await p.page.goto('/#/initiatives/new');
    await p.page.locator('#propose-form').waitFor();
    await screenshot(p.page, `propose-${width}`);
  }
  // The English switch, remembered.
  await wide.page.getByRole('button', {name: 'Switch to English'}).click();
  await wide.page.locator('nav a[data-nav="home"]', {hasText: 'Roundabout'}).waitFor();
  await wide.page.reload();
  await wide.page.locator('nav a[data-nav="home"]', {hasText: 'Roundabout'}).waitFor();
  await wide.page.locator('nav a[data-nav="home"]').click();
  await screenshot(wide.page, 'home-1280-en');
  await anna.page.locator('nav a[data-nav="budget"]').click();
  await anna.page.locator('#spend-chart').waitFor();
  // The accountability report as CSV, as Dutch spreadsheets read it.
  const csv = await anna.page.request.get(await anna.page.locator('#report-csv').getAttribute('href'));
  assert.equal(csv.status(), 200);
  assert.match(await csv.text(), /^\uFEFFVerantwoording buurtbudget/);
});

test('a volunteer asks to be shown how; the one doing it offers', {timeout: 60000}, async () => {
  // dewi claimed "Kramen tellen" earlier; bram wants to learn it.
  await dewi.page.locator('nav a[data-nav="tasks"]').click();
  await bram.page.locator('nav a[data-nav="tasks"]').click();
  const task = bram.page.locator('#tasks-others li[data-task]', {hasText: 'Kramen tellen'});
  await task.getByRole('button', {name: 'Laat me zien hoe'}).click();
  await bram.page.locator('#tasks-mine li[data-task]', {hasText: 'Kramen tellen'})
    .filter({hasText: 'jij wilt dit leren'}).waitFor({timeout: 5000});
  const teach = dewi.page.locator('#tasks-learning li[data-task]', {hasText: 'Kramen tellen'});
  await teach.getByRole('button', {name: 'Ik laat Bram Jansen zien hoe'}).click();
  await bram.page.locator('#tasks-mine li[data-task]', {hasText: 'Kramen tellen'})
    .filter({hasText: 'Dewi Soebagio laat het je zien'}).waitFor({timeout: 5000});
});

test('a coordinator keeps the action review and the books; a volunteer sees it live', {timeout: 90000}, async () => {
  // carla switched to English before; back to Dutch.
  await carla.page.getByRole('button', {name: 'Overschakelen naar Nederlands'}).click();
  await carla.page.locator('nav a[data-nav="home"]', {hasText: 'Rotonde'}).waitFor();
  // The action review: carla records why an action was not done; bram watches the meeting.
  await bram.page.locator('nav a[data-nav="meetings"]').click();
  await carla.page.locator('nav a[data-nav="meetings"]').click();
  const spring = carla.page.locator('details[data-meeting="mt-raad-voorjaar-2026"]');
  await spring.locator('summary').click();
  const action = spring.locator('li[data-action="ac-schoolplein"]');
  await action.getByRole('button', {name: 'Niet gedaan'}).click();
  await action.getByLabel('Waarom niet?').selectOption('NOT_DONE_REASON_CAPACITY_LOST');
  await action.getByLabel('Toelichting').fill('Iedereen stond bij de kledingweggeefactie.');
  await action.getByRole('button', {name: 'Opslaan', exact: true}).click();
  await action.locator('.badge-no').waitFor({timeout: 5000});
  await bram.page.waitForFunction(() => {
    const review = document.querySelector('details[data-meeting="mt-raad-voorjaar-2026"] .review');
    return review && review.textContent.includes('4 niet gedaan, 0 open');
  }, null, {timeout: 5000});

  // The books: bram asks money for the braderie; carla decides with the tally and records
  // the expense with its receipt; bram sees each step without reloading.
  await bram.page.locator('nav a[data-nav="budget"]').click();
  await carla.page.locator('nav a[data-nav="budget"]').click();
  await bram.page.getByRole('button', {name: 'Geld aanvragen'}).click();
  await bram.page.getByLabel('Voor', {exact: true}).selectOption({label: TITLE_A});
  await bram.page.getByLabel('Bedrag').fill('45,50');
  await bram.page.getByLabel('Waarvoor').fill('Kraamhuur voorjaarsbraderie');
  await bram.page.getByRole('button', {name: 'Aanvragen', exact: true}).click();
  const line = carla.page.locator('#spending li[data-spending]', {hasText: 'Kraamhuur voorjaarsbraderie'});
  await line.waitFor({timeout: 5000});
  assert.match(await line.innerText(), /€\s?45,50[\s\S]*aangevraagd/);
  const spendingId = await line.getAttribute('data-spending');
  await line.getByRole('button', {name: 'Besluit vastleggen'}).click();
  await line.getByLabel('Besluit').selectOption('yes');
  await line.getByLabel('Stemmen voor').fill('6');
  await line.getByLabel('Stemmen tegen').fill('1');
  await line.getByRole('button', {name: 'Opslaan', exact: true}).click();
  const mine = bram.page.locator(`#spending li[data-spending="${spendingId}"]`);
  await mine.filter({hasText: 'goedgekeurd'}).filter({hasText: '6 voor · 1 tegen · 0 onthouden'}).waitFor({timeout: 5000});

  await carla.page.getByRole('button', {name: 'Uitgave vastleggen'}).click();
  await carla.page.getByLabel('Goedgekeurde aanvraag').selectOption(spendingId);
  await carla.page.getByLabel('Bedrag').fill('40');
  await carla.page.getByLabel('Bonnummer').fill('bon 2027-001');
  await carla.page.getByLabel('Betaald aan').fill('Marktkramen Noord');
  await carla.page.getByRole('button', {name: 'Vastleggen', exact: true}).click();
  await bram.page.locator('#expenses-table tr', {hasText: 'bon 2027-001'}).filter({hasText: 'Marktkramen Noord'}).waitFor({timeout: 5000});
  await mine.filter({hasText: '€ 40,00 uitgegeven'}).waitFor({timeout: 5000});
  await bram.page.locator('#spend-chart').waitFor();
});

test('the server restarts: the phone reconnects by itself and sends what waited, once', {timeout: 90000}, async () => {
  const {page} = bram;
  await toHome(bram);
  const listen = new URL(scene.server.url).host;
  await scene.server.stop({keepData: true});
  await page.locator('#conn[data-state="reconnecting"]').waitFor({timeout: 10000});
  assert.equal(await page.locator('#conn').innerText(), 'opnieuw verbinden…');

  // A proposal made while the server is away waits in the outbox.
  await propose(bram, {title: 'Snoeiochtend in het Erasmuspark', kind: 'INITIATIVE_KIND_CLEAN_UP', date: '2027-03-13'});
  await page.locator('#propose-submit').click();
  await page.locator('#outbox', {hasText: 'wacht op verbinding'}).waitFor({timeout: 5000});

  // Away long enough for the WebSocket's backoff to grow; the page still comes back within
  // two seconds of the server listening (it asks /readyz every 0.4–1 s while away).
  await page.waitForTimeout(6000);
  scene.server = await startServer({data: scene.server.data, listen});
  const back = Date.now();
  await page.locator('#conn[data-state="online"]').waitFor({timeout: 2000});
  console.log(`# back online ${Date.now() - back} ms after the server listened`);
  await page.locator('#outbox').waitFor({state: 'hidden', timeout: 15000});
  await page.locator('nav a[data-nav="initiatives"]').click();
  await page.locator('#initiative-list li[data-initiative]', {hasText: 'Snoeiochtend'}).waitFor({timeout: 5000});
  const events = await serverEvents(page);
  assert.equal(events.filter((e) => /InitiativeProposed$/.test(e.type) && e.event.initiativeProposed.title === 'Snoeiochtend in het Erasmuspark').length, 1);

  // While the server was away the browsers themselves logged the refused connections of
  // every open page; nothing else.
  for (const p of scene.people) {
    // The browser's failed check for a newer service worker, when one fell in the restart, too.
    assert.deepEqual(p.errors.filter((e) => !/WebSocket connection to .* failed|ERR_CONNECTION_REFUSED|An unknown error occurred when fetching the script/.test(e)), []);
    p.errors.length = 0;
  }
});
