// Erasure and inzage (the AVG's right to be forgotten and right of access) against a real
// `rotonde serve` with the demo neighbourhood, in Debian's chromium: the admin erases a
// member through the members screen, after a confirmation that says what happens; every
// open page shows "verwijderd lid" live where the member was (the list, an initiative they
// organized), the board still lists their initiatives, and an initiative nobody organizes
// any more can be taken over; the erased member's own page signs out, saying the account
// was deleted; the auditor's browser still finds the chain intact; neither a page nor the
// events feed holds the name any more. A member downloads their data and erases it
// themself; a resident downloads and erases theirs through their proposal's status link;
// the admin erases a resident sender on the proposals screen. Phone and laptop width.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import {scenario, fitsThePhone, screenshot, serverEvents, apiAs, plain, signIn, axePerson, PLATFORM} from './harness.mjs';
import {nl} from '../../web-client/js/strings-nl.js';

const scene = scenario();
const {add} = scene;
let anna; let bram; let dewi; let olaf;
let shared;  // an active initiative Bram organized with others

const ERASED = 'verwijderd lid';
const row = (p, id) => p.page.locator(`li[data-member="${id}"]`);
const eraseButton = (p, name) => p.page.getByRole('button', {name: `Persoonsgegevens van ${name} wissen`});
// The element with the focus: a member's row by id, a button by its name, else its class.
const focused = (p) => p.page.evaluate(() => {
  const el = document.activeElement;
  return el.dataset.member || el.getAttribute('aria-label') || (el.tagName === 'BUTTON' ? el.textContent : '')
    || el.className || el.tagName;
});
const pageText = (p) => p.page.evaluate(() => document.body.innerText);

async function toMembers(p) {
  await p.page.locator('nav a[data-nav="members"]').click();
  await p.page.locator('#member-list li[data-member="m-anna"]').waitFor();
}

// A resident sends a proposal through the public form's API: its id and private status link.
async function residentProposal(title, name, contact) {
  const res = await fetch(new URL(`/api/v1/public/platforms/${PLATFORM}/proposals`, scene.server.url), {
    method: 'POST', headers: {'Content-Type': 'application/json'},
    body: JSON.stringify({requestId: `r-${Math.random().toString(16).slice(2)}`, name, contact, title,
      description: 'Een idee voor de buurt.', website: ''})});
  const body = await res.json();
  assert.equal(res.status, 201, JSON.stringify(body));
  const url = new URL(body.statusUrl);
  const id = /voorstel\/([^?]+)/.exec(url.hash)[1];
  return {id, link: `/${url.hash}`};
}

// A download the page starts by a click: its file, parsed as JSON.
async function download(page, locator) {
  const [file] = await Promise.all([page.waitForEvent('download'), locator.click()]);
  return JSON.parse(fs.readFileSync(await file.path(), 'utf8'));
}

// Expected browser errors (a request the server refused shows in the console): taken off.
function dropErrors(p, pattern) {
  p.errors.splice(0, Infinity, ...p.errors.filter((e) => !pattern.test(e)));
}

test('the admin erases a member: every open page shows "verwijderd lid" live, and the member is signed out', {timeout: 120000}, async () => {
  // Bram's initiatives, as the board has them: one shared, one only his.
  const asAnna = await apiAs(scene.server.url, 'anna');
  const board = (await asAnna('GET', `/api/v1/platforms/${PLATFORM}/views/board`)).body.view.initiatives;
  // The braderie: Bram and Joost organize it.
  shared = board.find((i) => i.status === 'active' && i.organizerIds.includes('m-bram'));
  assert.deepEqual(shared.organizerIds, ['m-bram', 'm-joost']);

  bram = await add('bram');
  dewi = await add('dewi');
  await dewi.page.goto(`/#/initiatives/${encodeURIComponent(shared.id)}`);
  const organizers = dewi.page.locator('dl.facts dd').nth(2);
  await organizers.getByText(/Bram Jansen/).waitFor();
  // The auditor's browser checks the log before the erasure, and keeps that checkpoint.
  olaf = await add('olaf');
  await olaf.page.locator('nav a[data-nav="audit"]').click();
  await olaf.page.locator('#verify-result[data-state="ok"]').waitFor({timeout: 20000});

  anna = await add('anna');
  await toMembers(anna);
  const erase = eraseButton(anna, 'Bram Jansen');
  // The confirmation says plainly what happens, is read first, and can be cancelled.
  await erase.click();
  assert.equal(await erase.getAttribute('aria-expanded'), 'true');
  const confirm = row(anna, 'm-bram').locator('form.erase-form');
  const warning = confirm.locator('.erase-warn');
  assert.equal(plain(await warning.innerText()), nl['priv.eraseWarn'].replaceAll('{name}', 'Bram Jansen'));
  assert.match(await warning.innerText(), /ook in de geschiedenis/);
  assert.match(await warning.innerText(), /niet ongedaan/);
  assert.equal(await focused(anna), 'erase-warn');
  await fitsThePhone(anna.page);
  await screenshot(anna.page, 'privacy-confirm-390');
  const head = (await serverEvents(anna.page)).length;
  await confirm.getByRole('button', {name: nl.cancel}).click();
  assert.equal(await erase.getAttribute('aria-expanded'), 'false');
  assert.equal(await focused(anna), 'Persoonsgegevens van Bram Jansen wissen');
  assert.equal((await serverEvents(anna.page)).length, head, 'cancelled: nothing sent');

  // With the keyboard: open, Tab to the confirmation's button, Enter.
  await erase.focus();
  await anna.page.keyboard.press('Enter');
  await warning.waitFor();
  await anna.page.keyboard.press('Tab');
  assert.equal(await anna.page.evaluate(() => document.activeElement.textContent), nl['priv.eraseConfirm']);
  await anna.page.keyboard.press('Enter');

  // Anna's list: Bram is among the former members, as "verwijderd lid", muted, without
  // controls; her focus rests on his row.
  const erased = anna.page.locator('#former-list li[data-member="m-bram"]');
  await erased.waitFor({timeout: 5000});
  assert.equal(plain(await erased.innerText()), `${ERASED} gewist`);
  assert.match(await erased.getAttribute('class'), /erased/);
  assert.equal(await erased.locator('button, select, form').count(), 0);
  await anna.page.locator('#member-list li[data-member="m-bram"]').waitFor({state: 'detached'});
  await anna.page.waitForFunction(() => document.activeElement.dataset.member === 'm-bram');
  const event = (await serverEvents(anna.page)).filter((e) => /PersonErased$/.test(e.type)).pop();
  assert.deepEqual([event.actor, event.event.personErased.personId], ['m-anna', 'm-bram']);

  // Dewi's page, live: the organizer is "verwijderd lid"; the board still lists his
  // initiatives.
  await organizers.getByText(ERASED).waitFor({timeout: 5000});
  await dewi.page.locator('nav a[data-nav="initiatives"]').click();
  await dewi.page.locator('[data-fk="filter-all"]').click();
  for (const ini of board.filter((i) => i.organizerIds.includes('m-bram'))) {
    await dewi.page.locator(`#initiative-list li[data-initiative="${ini.id}"]`).waitFor();
  }
  await fitsThePhone(dewi.page);

  // The name is nowhere any more: not on the pages, not in the events feed.
  for (const p of [anna, dewi]) assert.ok(!(await pageText(p)).includes('Bram Jansen'), `${p.name}'s page`);
  const feed = JSON.stringify(await serverEvents(anna.page));
  assert.ok(!feed.includes('Bram Jansen'), 'the events feed');
  assert.ok(feed.includes(ERASED));

  // Bram's page, on his next action: signed out, told his account was deleted.
  await bram.page.locator('nav a[data-nav="members"]').click({timeout: 3000}).catch(() => {});
  const note = bram.page.locator('#signed-out-note');
  await note.waitFor({timeout: 15000});
  assert.equal(await note.innerText(), nl['priv.accountDeleted']);
  await bram.page.getByLabel('Gebruikersnaam').waitFor();
  assert.ok(!(await pageText(bram)).includes('Bram Jansen'));
  await fitsThePhone(bram.page);
  await screenshot(bram.page, 'privacy-signed-out-390');
  const signIn = await fetch(new URL('/api/v1/session', scene.server.url), {method: 'POST',
    headers: {'Content-Type': 'application/json'}, body: JSON.stringify({login: 'bram', password: 'rotonde-demo'})});
  assert.equal(signIn.status, 401, 'the account is gone');
  // His page's requests after the erasure were refused (401, 404): the browser logs those.
  dropErrors(bram, /status of (401|404)/);

  // The auditor's browser checks the log again: the chain still holds, and extends what it
  // checked before.
  await olaf.page.reload();
  const verdict = olaf.page.locator('#verify-result[data-state="ok"]');
  await verdict.waitFor({timeout: 20000});
  assert.match(await verdict.innerText(), /De keten klopt/);
  assert.match(await verdict.innerText(), /verlengt het checkpoint/);
  // Its replay of the members at the head draws them as the live screen does.
  const last = Math.max(...JSON.parse(feed).map((e) => Number(e.position)));
  await olaf.page.getByLabel('Overzicht').selectOption('members');
  const replay = olaf.page.locator(`#scrub-out[data-at="${last}"][data-view="members"]`);
  await replay.waitFor({timeout: 10000});
  assert.equal(plain(await replay.locator('li[data-member="m-bram"]').innerText()), `${ERASED} gewist`);
  assert.match(await replay.locator('li[data-member="m-anna"]').innerText(), /^Anna de Vries/);

  // The members screen after the erasure, at phone and laptop width.
  await fitsThePhone(anna.page);
  await screenshot(anna.page, 'privacy-members-390');
  await anna.page.setViewportSize({width: 1280, height: 900});
  await fitsThePhone(anna.page);
  await screenshot(anna.page, 'privacy-members-1280');
  await anna.page.setViewportSize({width: 390, height: 844});
});

test('a member downloads their data, and may erase it themself', {timeout: 90000}, async () => {
  // Dewi's own place: her name in the top bar.
  await dewi.page.locator('#tools a.who').click();
  await dewi.page.getByRole('heading', {name: nl['priv.mine']}).waitFor();
  const data = await download(dewi.page, dewi.page.getByRole('link', {name: nl['priv.download']}));
  assert.equal(data.format, 'rotonde-inzage-1');
  assert.equal(data.personId, 'm-dewi');
  assert.equal(data.platform, PLATFORM);
  assert.ok(data.account, 'her account');
  assert.ok(Array.isArray(data.events) && data.events.length > 0, 'her events');
  assert.ok(JSON.stringify(data).includes('Dewi Soebagio'));
  await fitsThePhone(dewi.page);
  await screenshot(dewi.page, 'privacy-mine-390');

  // Joost erases his own data: the confirmation first; then, his account gone, he is
  // signed out here and told so.
  const joost = await add('joost');
  await joost.page.goto('/#/gegevens');
  const mine = joost.page.getByRole('button', {name: nl['priv.eraseMine']});
  await mine.click();
  const warning = joost.page.locator('#my-erase .erase-warn');
  assert.match(await warning.innerText(), /Je naam en contactgegevens worden overal gewist, ook in de geschiedenis/);
  assert.match(await warning.innerText(), /wordt je account verwijderd/);
  assert.equal(await focused(joost), 'erase-warn');
  await fitsThePhone(joost.page);
  await joost.page.getByRole('button', {name: nl['priv.eraseConfirm']}).click();
  const note = joost.page.locator('#signed-out-note');
  await note.waitFor({timeout: 10000});
  assert.equal(await note.innerText(), nl['priv.accountDeleted']);
  await joost.page.getByLabel('Gebruikersnaam').waitFor();
  dropErrors(joost, /status of (401|404)/);
  await row(anna, 'm-joost').getByText(ERASED).waitFor({timeout: 5000});
  assert.ok(!(await pageText(anna)).includes('Joost van Dam'));

  // The only admin is not offered it.
  const asKwame = await apiAs(scene.server.url, 'kwame');
  const res = await asKwame('POST', `/api/v1/platforms/${PLATFORM}/commands`,
    {commandId: 'privacy-kwame-steps-back', grantRole: {memberId: 'm-kwame', role: 'ROLE_MEMBER'}});
  assert.equal(res.status, 200, JSON.stringify(res.body));
  await anna.page.goto('/#/gegevens');
  await anna.page.getByText(nl['priv.eraseMineLast']).waitFor({timeout: 5000});
  assert.equal(await anna.page.getByRole('button', {name: nl['priv.eraseMine']}).count(), 0);
  await toMembers(anna);
  await row(anna, 'm-anna').getByText(nl['members.onlyAdmin']).waitFor();
  assert.equal(await eraseButton(anna, 'Anna de Vries').count(), 0);
});

test('an initiative whose organizers are all erased says so, and a member takes it over', {timeout: 60000}, async () => {
  // Bram and Joost, the braderie's organizers, are both erased now.
  const solo = shared;
  await dewi.page.goto(`/#/initiatives/${encodeURIComponent(solo.id)}`);
  const note = dewi.page.locator('#no-organizer');
  await note.waitFor();
  assert.equal(await note.innerText(), nl['initiative.noOrganizer']);
  assert.equal(plain(await dewi.page.locator('dl.facts dd').nth(2).innerText()),
    `${ERASED}, ${ERASED} ${nl['initiative.noOrganizer']}`);
  await fitsThePhone(dewi.page);
  await screenshot(dewi.page, 'privacy-no-organizer-390');
  const take = dewi.page.getByRole('button', {name: `“${solo.title}” overnemen als organisator`});
  assert.equal(await take.innerText(), nl['initiative.takeOver']);
  await take.click();
  await dewi.page.locator('.badge', {hasText: nl['initiative.youOrganize']}).waitFor({timeout: 5000});
  await note.waitFor({state: 'detached'});
  const joined = (await serverEvents(dewi.page)).filter((e) => /InitiativeJoined$/.test(e.type)).pop();
  assert.deepEqual([joined.actor, joined.event.initiativeJoined.initiativeId], ['m-dewi', solo.id]);
});

test('a resident downloads and erases their data through the status link; the admin erases another sender', {timeout: 90000}, async () => {
  const first = await residentProposal('Meer groen op het plein', 'Henk Brouwer', 'henk@example.nl');
  const second = await residentProposal('Een buurtbieb bij de metro', 'Lotte Smit', '06 1234 5678');
  await anna.page.locator('nav a[data-nav="proposals"]').click();
  const card = (id) => anna.page.locator(`li[data-proposal="${id}"]`);
  await card(first.id).getByText(/Henk Brouwer/).waitFor();

  // The resident, on the status page behind the private link.
  const resident = await scene.browser.newContext({baseURL: scene.server.url, viewport: {width: 390, height: 844},
    locale: 'nl-NL', timezoneId: 'Europe/Amsterdam'});
  const r = {context: resident, page: await resident.newPage(), errors: [], dialogs: [], name: 'resident'};
  r.page.on('console', (m) => m.type() === 'error' && r.errors.push(`resident console: ${m.text()}`));
  r.page.on('pageerror', (e) => r.errors.push(`resident: ${e.message}`));
  scene.people.push(r);
  await r.page.goto(first.link);
  await r.page.locator('#voorstel-status').getByText(/Verstuurd door Henk Brouwer/).waitFor();
  const data = await download(r.page, r.page.getByRole('link', {name: nl['priv.download']}));
  assert.equal(data.format, 'rotonde-inzage-1');
  assert.equal(data.personId, `resident-${first.id}`);
  assert.ok(data.events.length >= 1);
  assert.ok(JSON.stringify(data).includes('henk@example.nl'));
  await fitsThePhone(r.page);
  await screenshot(r.page, 'privacy-voorstel-390');

  await r.page.getByRole('button', {name: nl['priv.eraseMine']}).click();
  assert.match(await r.page.locator('#voorstel-mine .erase-warn').innerText(), /niet ongedaan/);
  await r.page.getByRole('button', {name: nl['priv.eraseConfirm']}).click();
  const done = r.page.locator('#voorstel-erased');
  await done.waitFor({timeout: 10000});
  assert.equal(await done.innerText(), nl['priv.pubErased']);
  await r.page.waitForFunction(() => document.activeElement.id === 'voorstel-erased');
  await r.page.locator('#voorstel-status').getByText(new RegExp(`Verstuurd door ${ERASED}`)).waitFor();
  assert.equal(await r.page.getByRole('button', {name: nl['priv.eraseMine']}).count(), 0);
  // Anna's screen, live: the sender is "verwijderd lid", without a contact.
  await card(first.id).getByText(new RegExp(`Van ${ERASED}`)).waitFor({timeout: 5000});
  assert.ok(!(await card(first.id).innerText()).includes('henk@example.nl'));

  // The admin erases the other sender on the proposals screen.
  const erase = anna.page.getByRole('button', {name: 'Gegevens van de indiener van “Een buurtbieb bij de metro” wissen'});
  assert.equal(await erase.evaluate((b) => [...b.childNodes].filter((n) => n.nodeType === 3)
    .map((n) => n.textContent).join('')), nl['priv.sender'], 'what shows');
  await erase.click();
  await card(second.id).getByText(nl['priv.senderWarn']).waitFor();
  await fitsThePhone(anna.page);
  await screenshot(anna.page, 'privacy-proposals-390');
  await card(second.id).getByRole('button', {name: nl['priv.eraseConfirm']}).click();
  await card(second.id).getByText(new RegExp(`Van ${ERASED}`)).waitFor({timeout: 5000});
  await anna.page.waitForFunction((id) => document.activeElement.dataset.proposal === id, second.id);
  assert.equal(await erase.count(), 0, 'not offered again');

  const feed = JSON.stringify(await serverEvents(anna.page));
  for (const gone of ['Henk Brouwer', 'henk@example.nl', 'Lotte Smit', '06 1234 5678']) {
    assert.ok(!feed.includes(gone), gone);
    assert.ok(!(await pageText(anna)).includes(gone), gone);
  }
  await anna.page.setViewportSize({width: 1280, height: 900});
  await fitsThePhone(anna.page);
  await anna.page.setViewportSize({width: 390, height: 844});
});

test('the erasure\'s controls, each confirmation open, meet WCAG 2.1 AA as axe-core checks them', {timeout: 60000}, async () => {
  const {p, axe} = await axePerson(scene);
  const found = [];
  await signIn(p, 'anna');
  await toMembers(p);
  await eraseButton(p, 'Carla Mendes').click();
  await row(p, 'm-carla').locator('.erase-warn').waitFor();
  found.push(...await axe('members'));
  await p.page.goto('/#/gegevens');
  await p.page.getByRole('heading', {name: nl['priv.mine']}).waitFor();
  found.push(...await axe('mine'));
  const {link} = await residentProposal('Een watertappunt', 'Kees Mol', 'kees@example.nl');
  await p.page.goto(link);
  await p.page.getByRole('button', {name: nl['priv.eraseMine']}).click();
  await p.page.locator('#voorstel-mine .erase-warn').waitFor();
  found.push(...await axe('status page'));
  assert.deepEqual(found, []);
});
