// Action items nobody has yet, and closing budget lines, against a real `rotonde serve` with
// the demo neighbourhood, in Debian's chromium. A coordinator adds an action with "Wie?" left
// on "nog niemand"; a member on another page sees it live, takes it on and marks it done; a
// coordinator asks someone for another action, then someone else; members are offered no
// take-on for an action someone has, and no assign form at all; the server's log holds the
// ActionItemAdded with no owner and each ActionItemAssigned. On the budget screen a member
// asks money, a coordinator approves it with the tally, records an expense below the amount
// and closes the line: it shows what came free, "Nog te verdelen" rises by exactly that on a
// member's page without reloading, and the expense form no longer offers the line. An
// organizer cancelling her initiative closes its approved line by itself. On a phone
// (390 px) neither screen scrolls sideways, and no page logs an error.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {scenario, budgetFigure as figure, plain, serverEvents, apiAs, PLATFORM} from './harness.mjs';
import {nl} from '../../web-client/js/strings-nl.js';

const MEETING = 'Kernteam winteroverleg';
const ACTION_FREE = 'Een kerstboom regelen voor het Kolenkitplein';
const ACTION_ASKED = 'De zaal van het buurthuis reserveren voor de nieuwjaarsborrel';
const PURPOSE_CLOSED = 'Grijpers en vuilniszakken voor de zwerfafvalochtend';
const CLOSE_REASON = 'Er waren nog grijpers over van de voorjaarsschoonmaak.';
const PURPOSE_CANCELLED = 'Koffie en zaalhuur bewonersavond portiekflats';
const CANCELLED_INITIATIVE = 'Bewonersavond renovatie portiekflats';

const scene = scenario();
const {add} = scene;
// carla is a coordinator; bram, dewi and sanne are plain members.
let carla; let bram; let dewi; let sanne;


// Amounts as the screen shows them (nl-NL, "€ 1.234,50"), with plain spaces.
const euro = (cents) => new Intl.NumberFormat('nl-NL', {style: 'currency', currency: 'EUR'})
  .format(Number(cents) / 100).replace(/\s/g, ' ');

async function go(p, screen, ready) {
  await p.page.locator(`nav a[data-nav="${screen}"]`).click();
  await p.page.locator(ready).first().waitFor();
}

// Clicks the disclosure button `name` inside `scope` (not a submit button of that name in a
// form it opened); -> the panel with its form.
async function openForm(scope, page, name) {
  const button = scope.getByRole('button', {name, exact: true}).and(scope.locator('[aria-controls]'));
  await button.click();
  assert.equal(await button.getAttribute('aria-expanded'), 'true', name);
  const panel = page.locator(`#${await button.getAttribute('aria-controls')}`);
  await panel.locator('form').waitFor();
  return panel;
}

// The labels of a select's options.
const optionLabels = (select) => select.locator('option').allInnerTexts();
const optionValues = (select) => select.locator('option').evaluateAll((os) => os.map((o) => o.value));

// The page is no wider than the phone it is on, and nothing it has logged was an error.
async function fitsPhone(p, where) {
  const found = await p.page.evaluate(() => ({vw: window.innerWidth,
    scrollWidth: document.documentElement.scrollWidth}));
  assert.equal(found.vw, 390, `${p.name} ${where}`);
  assert.ok(found.scrollWidth <= 390, `${p.name} ${where}: the page is ${found.scrollWidth} px wide`);
}

function noErrors() {
  for (const p of scene.people) assert.deepEqual([...p.errors, ...p.dialogs], [], p.name);
}

// ---- Meetings: actions without an owner -----------------------------------------------------

function meetingCard(p, id) {
  return p.page.locator(`details.meeting[data-meeting="${id}"]`);
}

async function openMeeting(p, id) {
  const card = meetingCard(p, id);
  await card.waitFor({timeout: 5000});
  if (!(await card.evaluate((d) => d.open))) await card.locator('summary').click();
  await p.page.waitForFunction((mid) => document.querySelector(`details[data-meeting="${mid}"]`).open, id);
  return card;
}

// Who an action is with, as its card says (the first part of its meta line).
async function ownerText(p, meetingId, actionId) {
  const meta = meetingCard(p, meetingId).locator(`li[data-action="${actionId}"] > p.meta`);
  return plain(await meta.innerText()).split(' · ')[0];
}

async function waitOwner(p, meetingId, actionId, want) {
  await p.page.waitForFunction(({mid, aid, want}) => {
    const meta = document.querySelector(`details[data-meeting="${mid}"] li[data-action="${aid}"] > p.meta`);
    return meta && meta.textContent.replace(/\s+/g, ' ').trim().split(' · ')[0] === want;
  }, {mid: meetingId, aid: actionId, want}, {timeout: 5000});
}

// A coordinator adds an action to the meeting's card, leaving "Wie?" as it opens; -> its id.
async function addAction(p, card, description, due) {
  const panel = await openForm(card, p.page, nl['meetings.addAction']);
  await panel.getByLabel(nl['meetings.actionDescription']).fill(description);
  const owner = panel.getByLabel(nl['meetings.owner']);
  assert.equal(await owner.inputValue(), '', 'Wie? opens on nobody');
  assert.equal(plain(await owner.locator('option:checked').innerText()), nl['meetings.nobody']);
  await panel.getByLabel(nl['meetings.due']).fill(due);
  await panel.getByRole('button', {name: nl.add, exact: true}).click();
  await panel.locator('form').waitFor({state: 'detached'});
  const item = card.locator('li[data-action]', {hasText: description});
  await item.waitFor({timeout: 5000});
  return item.getAttribute('data-action');
}

test('an action nobody has yet: a member takes it on live, a coordinator asks someone', {timeout: 120000}, async () => {
  carla = await add('carla');
  bram = await add('bram');
  dewi = await add('dewi');
  for (const p of [carla, bram, dewi]) await go(p, 'meetings', '#meeting-list details.meeting');

  // A meeting to come, planned through the screen (the demo's meetings are all past now).
  const date = new Date(Date.now() + 40 * 86400000).toISOString().slice(0, 10);
  const due = new Date(Date.now() + 30 * 86400000).toISOString().slice(0, 10);
  const plan = await openForm(carla.page.locator('main'), carla.page, nl['meetings.schedule']);
  await plan.getByLabel(nl['meetings.titleField']).fill(MEETING);
  await plan.getByLabel(nl['meetings.date']).fill(date);
  await plan.getByLabel(nl['meetings.time']).fill('20:00');
  await plan.getByLabel(nl['meetings.place']).fill('Buurthuis De Kolenkit, zaal 2');
  await plan.getByRole('button', {name: nl['meetings.scheduleConfirm'], exact: true}).click();
  const planned = carla.page.locator('details.meeting', {hasText: MEETING});
  await planned.waitFor({timeout: 5000});
  const mid = await planned.getAttribute('data-meeting');
  const card = await openMeeting(carla, mid);
  const bramCard = await openMeeting(bram, mid);
  const dewiCard = await openMeeting(dewi, mid);
  for (const p of [bram, dewi]) await p.page.evaluate(() => { window.notReloaded = true; });
  const eventsBefore = (await serverEvents(carla.page)).length;

  // Two actions, "Wie?" left on "nog niemand".
  const free = await addAction(carla, card, ACTION_FREE, due);
  const asked = await addAction(carla, card, ACTION_ASKED, due);
  assert.equal(await ownerText(carla, mid, free), nl['meetings.nobody']);
  assert.equal(await ownerText(carla, mid, asked), nl['meetings.nobody']);

  // The members' pages follow without reloading: nobody has them, and they may take them on.
  const bramFree = bramCard.locator(`li[data-action="${free}"]`);
  const bramAsked = bramCard.locator(`li[data-action="${asked}"]`);
  const takeOn = {name: nl['meetings.takeOn'], exact: true};
  await bramAsked.waitFor({timeout: 5000});
  assert.equal(await ownerText(bram, mid, free), nl['meetings.nobody']);
  assert.equal(await ownerText(bram, mid, asked), nl['meetings.nobody']);
  assert.equal(await bramFree.getByRole('button', takeOn).count(), 1);
  assert.equal(await bramAsked.getByRole('button', takeOn).count(), 1);
  await dewiCard.locator(`li[data-action="${asked}"]`).getByRole('button', takeOn).waitFor({timeout: 5000});
  // A member records no outcome of an action that is not theirs, and asks nobody else.
  assert.equal(await bramFree.getByRole('button', {name: nl['meetings.done'], exact: true}).count(), 0);
  for (const p of [bram, dewi]) {
    for (const name of [nl['meetings.assign'], nl['meetings.reassign'], nl['meetings.addAction']]) {
      assert.equal(await p.page.getByRole('button', {name, exact: true}).count(), 0, `${p.name}: ${name}`);
    }
  }
  // A coordinator asks someone instead of taking it on.
  const carlaFree = card.locator(`li[data-action="${free}"]`);
  const carlaAsked = card.locator(`li[data-action="${asked}"]`);
  assert.equal(await card.getByRole('button', takeOn).count(), 0);
  assert.equal(await carlaFree.getByRole('button', {name: nl['meetings.assign'], exact: true}).count(), 1);

  // Carla is writing the minutes meanwhile: the live change to the card keeps her draft.
  const minutes = await openForm(card, carla.page, nl['meetings.addMinutes']);
  const draft = 'Opening door de voorzitter.\nPunt 1: de braderie.';
  await minutes.locator('textarea').fill(draft);

  // Bram takes the first on: both pages name him, live.
  await bramFree.getByRole('button', takeOn).click();
  await waitOwner(bram, mid, free, 'Bram Jansen');
  await waitOwner(carla, mid, free, 'Bram Jansen');
  const kept = card.getByRole('button', {name: nl['meetings.addMinutes'], exact: true}).and(card.locator('[aria-controls]'));
  assert.equal(await kept.getAttribute('aria-expanded'), 'true', 'the minutes form is still open');
  const keptPanel = carla.page.locator(`#${await kept.getAttribute('aria-controls')}`);
  assert.equal(await keptPanel.locator('textarea').inputValue(), draft);
  assert.equal(await carla.page.evaluate(() => document.activeElement.tagName), 'TEXTAREA', 'typing goes on');
  await kept.click();  // closes it unsent
  await waitOwner(dewi, mid, free, 'Bram Jansen');
  assert.equal(await bramFree.getByRole('button', takeOn).count(), 0);
  assert.equal(await dewiCard.locator(`li[data-action="${free}"]`).getByRole('button', takeOn).count(), 0,
    'dewi: not on an action Bram has');
  assert.equal(await carlaFree.getByRole('button', {name: nl['meetings.reassign'], exact: true}).count(), 1);
  // Now it is his, he marks it done.
  await bramFree.getByRole('button', {name: nl['meetings.done'], exact: true}).click();
  await carlaFree.locator('.badge-yes', {hasText: nl['outcome.ACTION_OUTCOME_DONE']}).waitFor({timeout: 5000});
  await bramFree.locator('.badge-yes', {hasText: nl['outcome.ACTION_OUTCOME_DONE']}).waitFor({timeout: 5000});

  // Carla asks Sanne for the second; the auditor is not offered.
  let panel = await openForm(carlaAsked, carla.page, nl['meetings.assign']);
  let who = panel.getByLabel(nl['meetings.owner']);
  let names = await optionLabels(who);
  assert.equal(names[0], nl['meetings.chooseOwner']);
  assert.ok(names.includes('Sanne Visser') && names.includes('Bram Jansen'), names.join(', '));
  assert.ok(!names.includes('Olaf Brinkman'), 'the auditor takes nothing on');
  await who.selectOption({label: 'Sanne Visser'});
  await panel.getByRole('button', {name: nl.save, exact: true}).click();
  await waitOwner(carla, mid, asked, 'Sanne Visser');
  await waitOwner(bram, mid, asked, 'Sanne Visser');
  await waitOwner(dewi, mid, asked, 'Sanne Visser');
  // Someone has it: no member is offered to take it on any more.
  assert.equal(await bramAsked.getByRole('button', takeOn).count(), 0);
  assert.equal(await dewiCard.locator(`li[data-action="${asked}"]`).getByRole('button', takeOn).count(), 0);
  assert.equal(await bramAsked.getByRole('button', {name: nl['meetings.done'], exact: true}).count(), 0);

  // And asked again, of someone else: Sanne is not offered twice.
  panel = await openForm(carlaAsked, carla.page, nl['meetings.reassign']);
  who = panel.getByLabel(nl['meetings.owner']);
  names = await optionLabels(who);
  assert.ok(!names.includes('Sanne Visser'), names.join(', '));
  await who.selectOption({label: 'Dewi Soebagio'});
  await panel.getByRole('button', {name: nl.save, exact: true}).click();
  await waitOwner(bram, mid, asked, 'Dewi Soebagio');
  await waitOwner(dewi, mid, asked, 'Dewi Soebagio');
  // Now it is Dewi's, she may record it; Bram still may not.
  await dewiCard.locator(`li[data-action="${asked}"]`).getByRole('button', {name: nl['meetings.done'], exact: true})
    .waitFor({timeout: 5000});
  assert.equal(await bramAsked.getByRole('button', {name: nl['meetings.done'], exact: true}).count(), 0);
  await bram.page.waitForFunction((mid) => document.querySelector(`details[data-meeting="${mid}"] .review`)
    .textContent.includes('1 gedaan, 0 niet gedaan, 1 open'), mid, {timeout: 5000});

  // Sent anyway, over the API: a member cannot take over an action someone has.
  const asBram = await apiAs(scene.server.url, 'bram');
  const refused = await asBram('POST', `/api/v1/platforms/${PLATFORM}/commands`,
    {commandId: `jobs-take-${Date.now()}`, assignAction: {meetingId: mid, actionId: asked, ownerId: 'm-bram'}});
  assert.equal(refused.body.code, 'action_taken', JSON.stringify(refused.body));

  // The log: the actions added with no owner, then each assignment, by whom.
  const events = (await serverEvents(carla.page)).slice(eventsBefore);
  const ofMeeting = events.filter((e) => JSON.stringify(e.event).includes(mid));
  const added = ofMeeting.filter((e) => e.type === 'ActionItemAdded');
  assert.deepEqual(added.map((e) => [e.event.actionItemAdded.actionId, e.event.actionItemAdded.ownerId ?? '', e.actor]),
    [[free, '', 'm-carla'], [asked, '', 'm-carla']]);
  const assigned = ofMeeting.filter((e) => e.type === 'ActionItemAssigned');
  assert.deepEqual(assigned.map((e) => [e.event.actionItemAssigned.actionId, e.event.actionItemAssigned.ownerId, e.actor]),
    [[free, 'm-bram', 'm-bram'], [asked, 'm-sanne', 'm-carla'], [asked, 'm-dewi', 'm-carla']]);
  assert.ok(Number(assigned[0].position) > Number(added[0].position));
  const done = ofMeeting.filter((e) => e.type === 'ActionItemDone');
  assert.deepEqual(done.map((e) => [e.event.actionItemDone.actionId, e.actor]), [[free, 'm-bram']]);
  assert.ok(Number(done[0].position) > Number(assigned[0].position));

  for (const p of [bram, dewi]) assert.equal(await p.page.evaluate(() => window.notReloaded), true, p.name);
  for (const p of [carla, bram, dewi]) await fitsPhone(p, 'meetings');
  // With a form open on a card, too.
  panel = await openForm(carlaAsked, carla.page, nl['meetings.reassign']);
  await fitsPhone(carla, 'meetings, assign form open');
  await panel.getByRole('button', {name: nl.cancel, exact: true}).click();
  noErrors();
});

// ---- The buurtbudget: closing lines ------------------------------------------------------------

async function budgetView(page) {
  return page.evaluate(async (pid) => {
    const res = await fetch(`/api/v1/platforms/${pid}/views/budget`);
    return (await res.json()).view;
  }, PLATFORM);
}


async function waitFigure(page, term, want) {
  await page.waitForFunction(({term, want}) => [...document.querySelectorAll('#budget-totals .total')].some((x) =>
    x.querySelector('dt').textContent === term && x.querySelector('dd').textContent.replace(/\s+/g, ' ').trim() === want),
  {term, want}, {timeout: 5000});
}

const UNCOMMITTED = nl['budget.uncommitted'];

// A member asks money for an initiative on the budget screen; -> the line's id, as the
// coordinator's page shows it.
async function askMoney(p, initiativeId, amount, purpose) {
  const panel = await openForm(p.page.locator('main'), p.page, nl['budget.propose']);
  await panel.getByLabel(nl['budget.forInitiative'], {exact: true}).selectOption(initiativeId);
  await panel.getByLabel(nl['budget.amount']).fill(amount);
  await panel.getByLabel(nl['budget.purpose']).fill(purpose);
  await panel.getByRole('button', {name: nl['budget.proposeConfirm'], exact: true}).click();
  await panel.locator('form').waitFor({state: 'detached'});
  const line = carla.page.locator('#spending li[data-spending]', {hasText: purpose});
  await line.waitFor({timeout: 5000});
  return line.getAttribute('data-spending');
}

async function approve(sid, votes) {
  const line = carla.page.locator(`#spending li[data-spending="${sid}"]`);
  const panel = await openForm(line, carla.page, nl['budget.decide']);
  await panel.getByLabel(nl['budget.decision']).selectOption('yes');
  await panel.getByLabel(nl['budget.votesFor']).fill(String(votes[0]));
  await panel.getByLabel(nl['budget.votesAgainst']).fill(String(votes[1]));
  await panel.getByLabel(nl['budget.votesAbstained']).fill(String(votes[2]));
  await panel.getByRole('button', {name: nl.save, exact: true}).click();
  await line.locator('.badge', {hasText: nl['spending.approved']}).waitFor({timeout: 5000});
}

// The lines the expense form offers, by id (the form reads them when it opens).
async function expenseChoices() {
  const panel = await openForm(carla.page.locator('main'), carla.page, nl['budget.expense']);
  const values = await optionValues(panel.getByLabel(nl['budget.line']));
  await panel.getByRole('button', {name: nl.cancel, exact: true}).click();
  return values;
}

test('a coordinator closes an approved line: what it did not spend comes free, live', {timeout: 120000}, async () => {
  sanne = await add('sanne');
  for (const p of [carla, sanne, dewi]) await go(p, 'budget', '#budget-totals');
  let was = await budgetView(carla.page);
  // Room for the two lines asked here, or money recorded first.
  if (Number(was.uncommittedCents) < 15000 + 8000) {
    const alloc = await openForm(carla.page.locator('main'), carla.page, nl['budget.allocate']);
    await alloc.getByLabel(nl['budget.source']).fill('Fonds Samen Sterk, winterbijdrage');
    await alloc.getByLabel(nl['budget.amount']).fill('1000');
    await alloc.getByRole('button', {name: nl['budget.expenseConfirm'], exact: true}).click();
    await alloc.locator('form').waitFor({state: 'detached'});
    await waitFigure(sanne.page, UNCOMMITTED, euro(Number(was.uncommittedCents) + 100000));
    was = await budgetView(carla.page);
  }
  assert.equal(await figure(sanne.page, UNCOMMITTED), euro(was.uncommittedCents));
  await sanne.page.evaluate(() => { window.notReloaded = true; });

  // Sanne asks € 150 for her clean-up; Carla approves it with the tally.
  const sid = await askMoney(sanne, 'i-zwerfafval-erasmuspark', '150', PURPOSE_CLOSED);
  await approve(sid, [7, 1, 2]);
  const mine = sanne.page.locator(`#spending li[data-spending="${sid}"]`);
  await mine.filter({hasText: nl['spending.approved']}).filter({hasText: '7 voor · 1 tegen · 2 onthouden'})
    .waitFor({timeout: 5000});
  const committed = Number(was.uncommittedCents) - 15000;
  await waitFigure(sanne.page, UNCOMMITTED, euro(committed));

  // An expense of € 42,50 against it, chosen from the approved lines.
  let panel = await openForm(carla.page.locator('main'), carla.page, nl['budget.expense']);
  const lineSelect = panel.getByLabel(nl['budget.line']);
  assert.ok((await optionValues(lineSelect)).includes(sid), 'the approved line is offered');
  await lineSelect.selectOption(sid);
  await panel.getByLabel(nl['budget.amount']).fill('42,50');
  await panel.getByLabel(nl['budget.receipt']).fill('bon 2026-041');
  await panel.getByLabel(nl['budget.paidTo']).fill('Bouwmarkt Bos en Lommer');
  await panel.getByRole('button', {name: nl['budget.expenseConfirm'], exact: true}).click();
  await panel.locator('form').waitFor({state: 'detached'});
  await mine.filter({hasText: `${euro(4250)} uitgegeven`}).waitFor({timeout: 5000});
  assert.equal(await mine.locator('.closed-line').count(), 0);
  assert.equal(await figure(sanne.page, UNCOMMITTED), euro(committed), 'an expense commits nothing more');

  // Carla closes the line with a reason: € 107,50 was not spent.
  const line = carla.page.locator(`#spending li[data-spending="${sid}"]`);
  panel = await openForm(line, carla.page, nl['budget.close']);
  const confirm = panel.locator('button[type="submit"]');
  assert.equal(plain(await confirm.innerText()), `Sluiten; ${euro(10750)} komt vrij`);
  await panel.getByLabel(nl['budget.closeReason']).fill(CLOSE_REASON);
  await confirm.click();

  // Sanne's page follows without reloading: closed, what came free, and the figure rises by
  // exactly the unspent part.
  await waitFigure(sanne.page, UNCOMMITTED, euro(committed + 10750));
  await mine.locator('.badge', {hasText: nl['spending.closed']}).waitFor({timeout: 5000});
  assert.equal(plain(await mine.locator('.closed-line').innerText()),
    `${nl['budget.closedBy']} ${euro(10750)} kwam vrij. ${CLOSE_REASON}`);
  assert.equal(await figure(sanne.page, nl['budget.approved']), euro(Number(was.approvedCents) + 4250));
  assert.equal(await figure(sanne.page, nl['budget.balance']), euro(Number(was.balanceCents) - 4250));
  assert.equal(await sanne.page.evaluate(() => window.notReloaded), true);
  await line.locator('.badge', {hasText: nl['spending.closed']}).waitFor({timeout: 5000});
  assert.equal(await line.getByRole('button', {name: nl['budget.close'], exact: true}).count(), 0);

  // No longer offered for expenses; other approved lines still are.
  const choices = await expenseChoices();
  assert.ok(!choices.includes(sid), choices.join(', '));
  assert.ok(choices.includes('sp-jaarverslag'), choices.join(', '));

  // On the server: closed, € 107,50 released, with the reason.
  const now = (await budgetView(carla.page)).spending.find((s) => s.id === sid);
  assert.deepEqual([now.status, now.releasedCents, now.closeReason, now.spentCents, Boolean(now.closedByCancellation)],
    ['closed', '10750', CLOSE_REASON, '4250', false]);
  const closed = (await serverEvents(carla.page)).filter((e) => e.type === 'SpendingClosed');
  assert.deepEqual(closed.map((e) => [e.event.spendingClosed.spendingId, e.event.spendingClosed.releasedCents,
    e.event.spendingClosed.reason, Boolean(e.event.spendingClosed.initiativeCancelled), e.actor]),
  [[sid, '10750', CLOSE_REASON, false, 'm-carla']]);
  noErrors();
});

test('an organizer cancels her initiative: its approved line closes by itself', {timeout: 120000}, async () => {
  const was = await budgetView(carla.page);
  const sid = await askMoney(dewi, 'i-bewonersavond-portiekflats', '80', PURPOSE_CANCELLED);
  await approve(sid, [5, 0, 0]);
  const committed = Number(was.uncommittedCents) - 8000;
  await waitFigure(sanne.page, UNCOMMITTED, euro(committed));
  const line = carla.page.locator(`#spending li[data-spending="${sid}"]`);
  const watched = sanne.page.locator(`#spending li[data-spending="${sid}"]`);
  await watched.locator('.badge', {hasText: nl['spending.approved']}).waitFor({timeout: 5000});
  assert.equal(await line.getByRole('button', {name: nl['budget.close'], exact: true}).count(), 1);
  assert.ok((await expenseChoices()).includes(sid));

  // Dewi cancels it on its own screen.
  await go(dewi, 'initiatives', '#initiative-list');
  await dewi.page.locator('#initiative-list li[data-initiative="i-bewonersavond-portiekflats"]')
    .getByRole('link', {name: CANCELLED_INITIATIVE}).click();
  await dewi.page.locator('main h1', {hasText: CANCELLED_INITIATIVE}).waitFor();
  const own = dewi.page.locator('section[aria-labelledby="h-ibudget"] li', {hasText: PURPOSE_CANCELLED});
  await own.locator('.badge', {hasText: nl['spending.approved']}).waitFor({timeout: 5000});
  const panel = await openForm(dewi.page.locator('main'), dewi.page, nl['initiative.cancel']);
  await panel.getByLabel(nl['initiative.cancelReason']).fill('De corporatie heeft de renovatie uitgesteld tot het voorjaar.');
  await panel.getByRole('button', {name: nl['initiative.cancelConfirm'], exact: true}).click();
  await dewi.page.locator('main .badge', {hasText: nl['status.cancelled']}).waitFor({timeout: 5000});
  await own.locator('.badge', {hasText: nl['spending.closed']}).waitFor({timeout: 5000});

  // The budget follows on the other pages, without a coordinator closing anything.
  await waitFigure(sanne.page, UNCOMMITTED, euro(committed + 8000));
  await watched.locator('.badge', {hasText: nl['spending.closed']}).waitFor({timeout: 5000});
  assert.equal(plain(await watched.locator('.closed-line').innerText()),
    `${nl['budget.closedCancelled']} ${euro(8000)} kwam vrij.`);
  await line.locator('.badge', {hasText: nl['spending.closed']}).waitFor({timeout: 5000});
  assert.equal(await line.getByRole('button', {name: nl['budget.close'], exact: true}).count(), 0);
  assert.ok(!(await expenseChoices()).includes(sid));
  assert.equal(await sanne.page.evaluate(() => window.notReloaded), true);

  // One decision: the cancellation and the line it closed.
  const events = await serverEvents(carla.page);
  const cancelled = events.filter((e) => e.type === 'InitiativeCancelled'
    && e.event.initiativeCancelled.initiativeId === 'i-bewonersavond-portiekflats');
  const closed = events.filter((e) => e.type === 'SpendingClosed' && e.event.spendingClosed.spendingId === sid);
  assert.equal(cancelled.length, 1);
  assert.equal(closed.length, 1);
  assert.deepEqual([closed[0].event.spendingClosed.releasedCents, closed[0].event.spendingClosed.initiativeCancelled,
    closed[0].actor, closed[0].correlationId], ['8000', true, 'm-dewi', cancelled[0].correlationId]);

  // On a phone, the budget screen does not scroll sideways.
  await go(dewi, 'budget', '#budget-totals');
  for (const p of [carla, sanne, dewi]) await fitsPhone(p, 'budget');
  noErrors();
});
