// Residents' proposals (verbetervoorstellen) against a real `rotonde serve` with the demo
// neighbourhood, in Debian's chromium: a resident without an account opens the platform's
// public form at /p/kolenkit/voorstel (the server sends them to the web client), sends a
// proposal and keeps the private link, which says "ontvangen"; an answer lost on the way is
// sent again without a second proposal; the hidden honeypot field filled in is refused; the
// server's refusals show in Dutch beside their fields; a coordinator sees the proposal arrive
// live under Voorstellen, records a discussion (the link then says besproken), adopts one as
// an initiative through the propose form (the link shows the initiative) and declines another
// with a reason (the link shows the reason); a plain member reads them, with no controls; the
// form sent by keyboard alone; axe-core on the public pages and the coordinators' screen;
// everything at 390 px.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {scenario, person, signIn, fitsThePhone, screenshot, serverEvents, apiAs, plain, axePerson, PLATFORM} from './harness.mjs';
import {nl} from '../../web-client/js/strings-nl.js';


const scene = scenario();
let carla; let bram; let resident;
const links = {};  // title -> the sender's private status link
const ids = {};  // title -> the proposal's id

const FIRST = 'Bankjes op het plein';
const SECOND = 'Een speeltuin achter de school';
const THIRD = 'Een ruilkast voor boeken';

// A person with no session at a phone.
async function visitor(name, opts = {}) {
  const p = await person(scene.browser, scene.server.url, {name, ...opts});
  scene.people.push(p);
  return p;
}

const card = (p, title) => p.page.locator('#proposals-open li[data-proposal], #proposals-done li[data-proposal]')
  .filter({has: p.page.locator('h3', {hasText: title})});

async function toProposals(p) {
  await p.page.locator('nav a[data-nav="proposals"]').click();
  await p.page.locator('#proposals-open li[data-proposal]').first().waitFor();
}

// The proposal's status as the sender's page shows it, read afresh.
async function statusOf(p, title) {
  await p.page.goto(links[title]);
  await p.page.reload();
  const box = p.page.locator('#voorstel-status');
  await box.waitFor();
  return box;
}

// Expected browser errors (a refused request shows in the console): taken off the list.
function expectErrors(p, pattern, n = 1) {
  const hits = p.errors.filter((e) => pattern.test(e));
  assert.equal(hits.length, n, p.errors.join('\n'));
  p.errors.splice(0, Infinity, ...p.errors.filter((e) => !pattern.test(e)));
}

async function fillForm(page, {name, contact, title, description}) {
  await page.getByLabel(nl['pub.name']).fill(name);
  await page.getByLabel(nl['pub.contact']).fill(contact);
  await page.getByLabel(nl['pub.title']).fill(title);
  await page.getByLabel(nl['pub.description']).fill(description);
}

const proposalEvents = async (page) => (await serverEvents(page)).filter((e) => /^Proposal/.test(e.type));

test('a resident with no account sends a proposal from the public form; the coordinator sees it arrive live', {timeout: 90000}, async () => {
  carla = await scene.add('carla');
  await toProposals(carla);
  const openBefore = await carla.page.locator('#proposals-open li[data-proposal]').count();
  assert.ok(openBefore >= 1, 'the demo has an open proposal');
  const badge = carla.page.locator('nav a[data-nav="proposals"] #nav-open');
  assert.equal(plain(await badge.innerText()), `${openBefore} open`);
  assert.equal(await carla.page.getByRole('link', {name: `Voorstellen ${openBefore} open`}).count(), 1);

  // The real path, as on a poster: the server redirects to the web client's form.
  resident = await visitor('resident');
  const {page} = resident;
  await page.goto(`/p/${PLATFORM}/voorstel`);
  await page.locator('main h1', {hasText: nl['pub.formTitle']}).waitFor();
  assert.equal(new URL(page.url()).hash, `#/p/${PLATFORM}/voorstel`);
  await page.locator('#platform-name', {hasText: 'Buurtplatform Kolenkitbuurt'}).waitFor();
  await page.getByText('De vrijwilligers van Buurtplatform Kolenkitbuurt zien je naam en hoe ze je bereiken.').waitFor();
  assert.equal(await page.locator('#nav').isHidden(), true, 'no members\' menu');
  assert.equal(await page.getByRole('button', {name: 'Uitloggen'}).count(), 0);
  assert.equal(await page.getByLabel('Gebruikersnaam').count(), 0, 'no sign-in form');

  // The honeypot: there, but for no person and no screen reader, and Tab skips it.
  const hp = page.locator('input[name="website"]');
  assert.equal(await hp.count(), 1);
  assert.deepEqual(await hp.evaluate((el) => [el.tabIndex, el.getAttribute('autocomplete'),
    Boolean(el.closest('[aria-hidden="true"]')), el.parentElement.getBoundingClientRect().width <= 1]), [-1, 'off', true, true]);
  assert.equal(await page.getByRole('textbox', {name: /website/i}).count(), 0);

  // Nothing filled in: said beside the first field, which gets the focus; nothing is sent.
  await page.getByRole('button', {name: nl['pub.send']}).click();
  const nameField = page.getByLabel(nl['pub.name']);
  await page.getByText('Vul “Je naam” in.').waitFor();
  assert.equal(await nameField.getAttribute('aria-invalid'), 'true');
  assert.equal(await nameField.evaluate((el) => el === document.activeElement), true);
  assert.match(await nameField.evaluate((el) => el.getAttribute('aria-describedby')
    .split(' ').map((id) => document.getElementById(id).textContent).join(' ')), /Vul “Je naam” in\./);

  await fillForm(page, {name: 'Fatima el Amrani', contact: 'fatima@example.nl', title: FIRST,
    description: 'Er is nergens een plek om even te zitten.\nTwee bankjes bij de fontein zouden mooi zijn.'});
  await fitsThePhone(page);
  await screenshot(page, 'voorstel-form-390');
  await page.getByRole('button', {name: nl['pub.send']}).click();

  // The confirmation, with the private link to keep.
  const sent = page.locator('#voorstel-sent');
  await sent.getByRole('heading', {name: nl['pub.sent']}).waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.textContent), nl['pub.sent']);
  await sent.getByText(nl['pub.keep']).waitFor();
  const link = await page.getByLabel(nl['pub.link']).inputValue();
  assert.match(link, new RegExp(`#/p/${PLATFORM}/voorstel/p-[^?]+\\?k=.+`));
  links[FIRST] = link;
  await fitsThePhone(page);
  await screenshot(page, 'voorstel-sent-390');

  // Carla's list has it at once, with the name, the contact and the date; the count follows.
  const mine = card(carla, FIRST);
  await mine.waitFor({timeout: 5000});
  assert.equal(await mine.getAttribute('data-status'), 'open');
  const text = plain(await mine.innerText());
  assert.match(text, /Van Fatima el Amrani · fatima@example\.nl · \d+ \w+\.? 20\d\d/);
  assert.match(text, /Twee bankjes bij de fontein/);
  assert.equal(await mine.getByRole('link', {name: 'fatima@example.nl'}).getAttribute('href'), 'mailto:fatima@example.nl');
  await carla.page.locator('nav a[data-nav="proposals"] #nav-open', {hasText: String(openBefore + 1)}).waitFor();

  // What the log holds: a ProposalSubmitted without an actor.
  const submitted = (await proposalEvents(carla.page)).filter((e) => e.type.endsWith('ProposalSubmitted')).pop();
  assert.equal(submitted.actor || '', '');
  assert.deepEqual([submitted.event.proposalSubmitted.title, submitted.event.proposalSubmitted.submitterName,
    submitted.event.proposalSubmitted.submitterContact], [FIRST, 'Fatima el Amrani', 'fatima@example.nl']);
  ids[FIRST] = submitted.event.proposalSubmitted.proposalId;
  assert.equal(await mine.getAttribute('data-proposal'), ids[FIRST]);
  assert.ok(link.includes(`/voorstel/${ids[FIRST]}?k=`), link);

  // The link says it arrived; a wrong key finds nothing.
  const box = await statusOf(resident, FIRST);
  assert.equal(await box.getAttribute('data-status'), 'open');
  await box.locator('.badge', {hasText: nl['pub.st.open']}).waitFor();
  await box.getByText(nl['pub.sx.open']).waitFor();
  await box.getByText(/Verstuurd door Fatima el Amrani op/).waitFor();
  assert.equal(await box.getByText('fatima@example.nl').count(), 0, 'the contact is not shown');
  await page.locator('#platform-name', {hasText: 'Buurtplatform Kolenkitbuurt'}).waitFor();
  await fitsThePhone(page);
  await screenshot(page, 'voorstel-status-390');
  await page.goto(link.replace(/k=[^&]+/, 'k=0000'));
  await page.getByText(nl['pub.notFound']).waitFor();
  expectErrors(resident, /404 \(Not Found\)/);
});

test('an answer lost on the way: sent again, the proposal arrives once', {timeout: 60000}, async () => {
  const {page} = resident;
  await page.goto(`/#/p/${PLATFORM}/voorstel`);
  await page.getByLabel(nl['pub.name']).waitFor();
  const before = (await proposalEvents(carla.page)).length;
  // The server gets the first request; its answer never reaches the page.
  let lost = 0;
  await page.route('**/api/v1/public/platforms/*/proposals', async (route) => {
    if (route.request().method() !== 'POST' || lost) return route.continue();
    lost += 1;
    await route.fetch();
    return route.abort('connectionreset');
  });
  await fillForm(page, {name: 'Sem de Wit', contact: '06 1234 5678', title: SECOND,
    description: 'De kinderen spelen nu op straat.'});
  await page.getByRole('button', {name: nl['pub.send']}).click();
  await page.getByText(nl['pub.network']).waitFor();
  await page.getByRole('button', {name: nl['pub.send']}).click();
  await page.locator('#voorstel-sent').waitFor();
  links[SECOND] = await page.getByLabel(nl['pub.link']).inputValue();
  await page.unrouteAll();
  expectErrors(resident, /ERR_CONNECTION_RESET|net::ERR_FAILED|Failed to fetch/);
  const events = (await proposalEvents(carla.page)).slice(before);
  assert.deepEqual(events.map((e) => e.event.proposalSubmitted && e.event.proposalSubmitted.title), [SECOND]);
  await card(carla, SECOND).waitFor();
  assert.match(plain(await card(carla, SECOND).innerText()), /06 1234 5678/);
});

test('the hidden field filled in is refused and recorded nowhere; the server\'s refusals show in Dutch', {timeout: 60000}, async () => {
  const {page} = resident;
  await page.getByRole('button', {name: nl['pub.another']}).click();
  assert.equal(await page.evaluate(() => document.activeElement.name), 'name');
  const before = (await proposalEvents(carla.page)).length;
  await fillForm(page, {name: 'Bot', contact: 'bot@example.com', title: 'Cheap pills', description: 'buy now'});
  await page.locator('input[name="website"]').evaluate((el) => {
    el.value = 'http://spam.example';
  });
  await page.getByRole('button', {name: nl['pub.send']}).click();
  await page.locator('#voorstel-error', {hasText: nl['err.spam_suspected']}).waitFor();
  expectErrors(resident, /400 \(Bad Request\)/);
  assert.equal((await proposalEvents(carla.page)).length, before, 'nothing recorded');

  // Neither an e-mail address nor a phone number: said beside the field.
  await page.locator('input[name="website"]').evaluate((el) => {
    el.value = '';
  });
  const contact = page.getByLabel(nl['pub.contact']);
  await contact.fill('bij de bakker');
  await page.getByRole('button', {name: nl['pub.send']}).click();
  await page.locator(`#${await contact.getAttribute('id')}-err`, {hasText: nl['err.invalid_contact']}).waitFor();
  assert.equal(await contact.getAttribute('aria-invalid'), 'true');
  assert.equal(await contact.evaluate((el) => el === document.activeElement), true);
  expectErrors(resident, /400 \(Bad Request\)/);
  await contact.fill('bot@example.com');
  assert.equal(await contact.getAttribute('aria-invalid'), null, 'typing takes the error back');
  // A name of 60 letters that is over 100 bytes: the server names the field, and the page
  // says it beside it.
  const name = page.getByLabel(nl['pub.name']);
  await name.fill('é'.repeat(60));
  await page.getByRole('button', {name: nl['pub.send']}).click();
  await page.locator(`#${await name.getAttribute('id')}-err`,
    {hasText: nl['pub.tooLong'].replace('{field}', nl['pub.name'])}).waitFor();
  assert.equal(await name.getAttribute('aria-invalid'), 'true');
  expectErrors(resident, /400 \(Bad Request\)/);
  await name.fill('Bot');

  // Refusals the page cannot foresee, as the server words them (docs/api.md), in Dutch.
  const refusals = [
    [429, {code: 'rate_limited', message: 'slow down', details: {retryAfterSeconds: 1740}}, '#voorstel-error',
      'Er zijn net veel voorstellen verstuurd. Probeer het over 29 minuten opnieuw.'],
    [400, {code: 'missing_field', message: 'contact is required', details: {field: 'contact'}},
      `#${await page.getByLabel(nl['pub.contact']).getAttribute('id')}-err`, 'Vul “E-mail of telefoon” in.'],
    [400, {code: 'too_long', message: 'title too long', details: {field: 'title'}},
      `#${await page.getByLabel(nl['pub.title']).getAttribute('id')}-err`, '“Titel van je voorstel” is te lang. Maak het korter.'],
    [413, {code: 'too_large', message: 'too large', details: {}},
      `#${await page.getByLabel(nl['pub.description']).getAttribute('id')}-err`, nl['pub.tooLarge']],
    [404, {code: 'platform_not_found', message: 'no', details: {}}, '#voorstel-error', nl['pub.noPlatform']],
  ];
  for (const [status, body, where, said] of refusals) {
    await page.route('**/api/v1/public/platforms/*/proposals', (route) => route.fulfill({status,
      contentType: 'application/json', body: JSON.stringify(body)}));
    await page.getByRole('button', {name: nl['pub.send']}).click();
    await page.locator(where, {hasText: said}).waitFor();
    await page.unrouteAll();
  }
  expectErrors(resident, /Failed to load resource/, refusals.length);
  assert.equal((await proposalEvents(carla.page)).length, before, 'nothing recorded');
});

test('the coordinator records a discussion; the sender\'s link says besproken', {timeout: 60000}, async () => {
  const mine = card(carla, FIRST);
  const open = carla.page.getByRole('button', {name: `Bespreking vastleggen: ${FIRST}`});
  await open.click();
  assert.equal(await open.getAttribute('aria-expanded'), 'true');
  const notes = mine.getByLabel('Wat is er besproken of afgesproken?');
  assert.equal(await notes.evaluate((el) => el === document.activeElement), true);
  await notes.fill('Gebeld met Fatima: twee bankjes bij de fontein, zij vraagt de buren.');
  await fitsThePhone(carla.page);
  await screenshot(carla.page, 'proposals-390');
  await mine.getByRole('button', {name: 'Opslaan'}).click();
  await mine.locator('.badge', {hasText: 'besproken (1 keer)'}).waitFor({timeout: 5000});
  await mine.getByText('Gebeld met Fatima: twee bankjes bij de fontein').waitFor();
  await carla.page.waitForFunction(() => document.activeElement.dataset.proposal !== undefined
    || document.activeElement.closest('[data-proposal]'));
  const discussed = (await proposalEvents(carla.page)).pop();
  assert.equal(discussed.type.replace(/^.*\./, ''), 'ProposalDiscussed');
  assert.equal(discussed.actor, 'm-carla');

  const box = await statusOf(resident, FIRST);
  assert.equal(await box.getAttribute('data-status'), 'discussed');
  await box.locator('.badge', {hasText: 'besproken (1 keer)'}).waitFor();
  assert.equal(await box.getByText('Gebeld met Fatima').count(), 0, 'the coordinators\' notes stay with them');
});

test('the coordinator adopts a proposal as an initiative; the sender\'s link shows it', {timeout: 90000}, async () => {
  await toProposals(carla);
  await carla.page.getByRole('link', {name: `Overnemen als initiatief: ${FIRST}`}).click();
  const {page} = carla;
  await page.locator('#propose-form').waitFor();
  assert.match(new URL(page.url()).hash, /^#\/initiatives\/new\?proposal=p-/);
  await page.locator('#from-proposal', {hasText: `Je neemt het voorstel “${FIRST}” over.`}).waitFor();
  assert.equal(await page.getByLabel('Naam van het initiatief').inputValue(), FIRST);
  assert.match(await page.getByLabel('Wat ga je doen?').inputValue(), /Twee bankjes bij de fontein/);
  await page.getByLabel('Soort').selectOption('INITIATIVE_KIND_OTHER');
  await page.getByLabel('Datum').fill('2027-04-12');
  await page.getByLabel('Plek').fill('Kolenkitplein, bij de fontein');
  await fitsThePhone(page);
  await page.locator('#propose-submit').click();
  await page.locator('main h1', {hasText: FIRST}).waitFor({timeout: 10000});

  const events = await serverEvents(page);
  const proposed = events.filter((e) => e.type.endsWith('InitiativeProposed')).pop();
  const adopted = events.filter((e) => e.type.endsWith('ProposalAdopted')).pop();
  assert.equal(proposed.event.initiativeProposed.proposalId, ids[FIRST]);
  assert.equal(adopted.event.proposalAdopted.proposalId, ids[FIRST]);
  assert.equal(adopted.event.proposalAdopted.initiativeId, proposed.event.initiativeProposed.initiativeId);

  // Under Voorstellen: dealt with, a link to the initiative, no controls.
  await toProposals(carla);
  const done = carla.page.locator('#proposals-done li[data-proposal]').filter({has: carla.page.locator('h3', {hasText: FIRST})});
  await done.waitFor();
  assert.equal(await done.getAttribute('data-status'), 'adopted');
  assert.equal(await done.getByRole('link', {name: FIRST}).getAttribute('href'),
    `#/initiatives/${proposed.event.initiativeProposed.initiativeId}`);
  assert.equal(await done.locator('button, a.btn, form').count(), 0);

  const box = await statusOf(resident, FIRST);
  assert.equal(await box.getAttribute('data-status'), 'adopted');
  await box.locator('.badge', {hasText: nl['pub.st.adopted']}).waitFor();
  const ini = box.locator('#voorstel-initiative');
  assert.match(plain(await ini.innerText()), new RegExp(`Initiatief ${FIRST} Wanneer .*12 apr\\.? 2027 Waar Kolenkitplein, bij de fontein`));
  await fitsThePhone(resident.page);
  await screenshot(resident.page, 'voorstel-adopted-390');
});

test('the coordinator declines a proposal with a reason; the sender\'s link shows the reason', {timeout: 60000}, async () => {
  const mine = card(carla, SECOND);
  await carla.page.getByRole('button', {name: `Afwijzen: ${SECOND}`}).click();
  const form = mine.locator('form');
  // The reason is required: the sender sees it.
  await form.getByRole('button', {name: 'Afwijzen', exact: true}).click();
  await form.getByText('Vul “Reden (de indiener ziet die)” in.').waitFor();
  const reason = 'Het schoolplein is van de school; we hebben je voorstel doorgestuurd naar de directie.';
  await form.getByLabel('Reden (de indiener ziet die)').fill(reason);
  await form.getByRole('button', {name: 'Afwijzen', exact: true}).click();
  const done = carla.page.locator('#proposals-done li[data-proposal]').filter({has: carla.page.locator('h3', {hasText: SECOND})});
  await done.waitFor({timeout: 5000});
  await done.getByText(reason).waitFor();
  assert.equal(await done.getAttribute('data-status'), 'declined');
  await carla.page.waitForFunction((t) => document.activeElement.closest('[data-proposal]')
    && document.activeElement.closest('[data-proposal]').querySelector('h3').textContent === t, SECOND);
  const declined = (await proposalEvents(carla.page)).pop();
  assert.deepEqual([declined.type.replace(/^.*\./, ''), declined.actor, declined.event.proposalDeclined.reason],
    ['ProposalDeclined', 'm-carla', reason]);

  const box = await statusOf(resident, SECOND);
  assert.equal(await box.getAttribute('data-status'), 'declined');
  await box.locator('.badge', {hasText: nl['pub.st.declined']}).waitFor();
  assert.equal(plain(await box.locator('#voorstel-reason').innerText()), reason);
  await fitsThePhone(resident.page);
  await screenshot(resident.page, 'voorstel-declined-390');
});

test('a plain member reads the proposals, with no controls; the count is in the menu', {timeout: 60000}, async () => {
  bram = await scene.add('bram');
  await toProposals(bram);
  await card(bram, FIRST).waitFor();
  await card(bram, SECOND).waitFor();
  assert.equal(await bram.page.locator('main').locator('li[data-proposal] button, li[data-proposal] form, li[data-proposal] a.btn').count(), 0);
  const asBram = await apiAs(scene.server.url, 'bram');
  const view = await asBram('GET', `/api/v1/platforms/${PLATFORM}/views/proposals`);
  assert.equal(view.status, 200);
  const open = view.body.view.open || 0;
  assert.equal(await bram.page.locator('#proposals-open li[data-proposal]').count(), open);
  assert.equal(plain(await bram.page.locator('#nav-open').innerText()), `${open} open`);
  assert.equal(plain(await bram.page.locator('#h-pr-open').innerText()), open === 1 ? '1 open voorstel' : `${open} open voorstellen`);
  // The server refuses a member who tries anyway.
  const res = await asBram('POST', `/api/v1/platforms/${PLATFORM}/commands`, {commandId: 'proposals-bram-declines',
    declineProposal: {proposalId: await card(bram, FIRST).getAttribute('data-proposal'), reason: 'nee'}});
  assert.deepEqual([res.status, res.body.code], [403, 'forbidden'], JSON.stringify(res.body));
  await fitsThePhone(bram.page);
  await screenshot(bram.page, 'proposals-member-390');
});

test('the public form sent with the keyboard alone; the honeypot never gets the focus', {timeout: 60000}, async () => {
  const kb = await visitor('keyboard');
  const {page} = kb;
  await page.goto(`/p/${PLATFORM}/voorstel`);
  await page.getByLabel(nl['pub.name']).waitFor();
  const focus = () => page.evaluate(() => document.activeElement.name || document.activeElement.id
    || document.activeElement.textContent.trim());
  const visited = [];
  for (let i = 0; i < 8 && (await focus()) !== 'name'; i += 1) {
    await page.keyboard.press('Tab');
    visited.push(await focus());
  }
  assert.equal(await focus(), 'name', visited.join(' > '));
  await page.keyboard.type('Mees');
  await page.keyboard.press('Tab');
  assert.equal(await focus(), 'contact');
  await page.keyboard.type('mees@example.nl');
  await page.keyboard.press('Tab');
  await page.keyboard.type(THIRD);
  await page.keyboard.press('Tab');
  assert.equal(await focus(), 'description');
  await page.keyboard.type('In de hal van de bibliotheek.');
  await page.keyboard.press('Tab');
  assert.equal(await focus(), nl['pub.send'], 'from the text straight to the button, past the hidden field');
  await page.keyboard.press('Enter');
  await page.locator('#voorstel-sent').waitFor();
  await card(carla, THIRD).waitFor({timeout: 5000});
});

test('axe-core finds nothing to fault in the public form, its status page and the coordinators\' screen', {timeout: 90000}, async () => {
  const {p, axe} = await axePerson(scene);
  const found = [];
  await p.page.goto(`/#/p/${PLATFORM}/voorstel`);
  await p.page.locator('#platform-name', {hasText: 'Buurtplatform Kolenkitbuurt'}).waitFor();
  await p.page.getByRole('button', {name: nl['pub.send']}).click();
  await p.page.getByText('Vul “Je naam” in.').waitFor();
  found.push(...await axe('form'));
  await p.page.goto(links[SECOND]);
  await p.page.reload();
  await p.page.locator('#voorstel-status').waitFor();
  found.push(...await axe('status'));
  await signIn(p, 'carla');
  await toProposals(p);
  await p.page.locator('#proposals-open li[data-proposal] button[aria-expanded]').first().click();
  found.push(...await axe('proposals'));
  assert.deepEqual(found, []);
});
