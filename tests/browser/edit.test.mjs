// Changing an initiative, against a real `rotonde serve` with the demo neighbourhood, in
// Debian's chromium: its organizer moves its date and place and a neighbour's open page follows
// live, with the clash it resolves and the one it makes on the samenwerkingsrotonde; the edit
// form warns of lookalikes as proposing does; two people changing it at once: the second sees
// both versions side by side and each choice does what it says; a member who does not organize
// it cannot change it; saving nothing new says so in Dutch. At 390 px, with the keyboard.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {scenario, screenshot, serverEvents, PLATFORM} from './harness.mjs';
import {nl} from '../../web-client/js/strings-nl.js';

const ID = 'i-bewonersavond-portiekflats';  // dewi organizes it; a residents' meeting on 25 June 2026
const TITLE = 'Bewonersavond renovatie portiekflats';
const OLD_CLASH = 'c-im5vrxowhjijo';  // with "Bewonersavond groen en spelen", 9 June: within 30 days
const GROEN = 'i-bewonersavond-groen';
const ZOMERFEEST = 'i-zomerfeest';

const scene = scenario();
let dewi; let sanne; let carla;  // dewi organizes it, sanne is a member, carla a coordinator

const plain = (s) => s.replace(/\s+/g, ' ').trim();

async function toInitiative(p) {
  await p.page.goto(`/#/initiatives/${ID}`);
  await p.page.locator('main dl.facts').waitFor();
}

// What the page says under "Wanneer" and "Waar".
async function facts(page) {
  return page.locator('main dl.facts').evaluate((dl) => {
    const out = {};
    for (const dt of dl.querySelectorAll('dt')) out[dt.textContent] = dt.nextElementSibling.textContent;
    return out;
  });
}

// Opens "Wijzigen" with the keyboard: focus moves into the form, whose every field has a label.
async function openEdit(page) {
  const button = page.getByRole('button', {name: 'Wijzigen', exact: true});
  await button.focus();
  await page.keyboard.press('Enter');
  assert.equal(await button.getAttribute('aria-expanded'), 'true');
  const panel = page.locator(`#${await button.getAttribute('aria-controls')}`);
  await panel.locator('form').waitFor();
  assert.ok(await panel.evaluate((el) => el.contains(document.activeElement)), 'focus in the form');
  assert.equal(await page.evaluate(() => document.activeElement.name), 'title');
  const unlabelled = await panel.evaluate((el) => [...el.querySelectorAll('input, select, textarea')]
    .filter((f) => !f.labels || !f.labels.length || !f.labels[0].textContent.trim()).map((f) => f.name));
  assert.deepEqual(unlabelled, []);
  return panel;
}

// The next clash preview (POST …/clash-preview) the page asks for whose draft satisfies
// `want`: {draft, answer}. Set up before what makes the form ask.
function nextPreview(page, want = () => true) {
  return page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith(`/platforms/${PLATFORM}/clash-preview`)
    && want(r.request().postDataJSON()), {timeout: 20000})
    .then(async (r) => ({draft: r.request().postDataJSON(), answer: await r.json()}));
}

// The form's hint as drawn: [initiative id, rule] per card, in order, once it is the answer's.
async function hintIs(panel, answer) {
  const want = answer.clashes.map((c) => [c.initiativeId, c.rule]);
  const cards = panel.locator('#lookalikes li[data-initiative]');
  const read = () => cards.evaluateAll((els) => els.map((e) => [e.dataset.initiative, e.dataset.rule]));
  for (let i = 0; i < 100 && JSON.stringify(await read()) !== JSON.stringify(want); i += 1) await panel.page().waitForTimeout(100);
  assert.deepEqual(await read(), want);
}

const ruleOf = (answer, id) => (answer.clashes.find((c) => c.initiativeId === id) || {}).rule;

// The open clashes on the server between this initiative and another: {other id: rule}.
async function openClashes(page) {
  const view = await page.evaluate(async (p) => (await (await fetch(`/api/v1/platforms/${p}/views/clashes`)).json()).view, PLATFORM);
  const out = {};
  for (const c of view.open) {
    if (c.initiativeA === ID) out[c.initiativeB] = c.rule;
    else if (c.initiativeB === ID) out[c.initiativeA] = c.rule;
  }
  return out;
}

// The form closed and the focus is back on "Wijzigen".
async function closed(page, panel) {
  await panel.locator('form').waitFor({state: 'detached'});
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Wijzigen');
  assert.equal(await page.getByRole('button', {name: 'Wijzigen', exact: true}).getAttribute('aria-expanded'), 'false');
}

// This initiative's InitiativeUpdated events on the server, oldest first.
async function updates(page) {
  return (await serverEvents(page)).filter((e) => /InitiativeUpdated$/.test(e.type)
    && e.event.initiativeUpdated.initiativeId === ID);
}

async function save(panel) {
  await panel.getByRole('button', {name: 'Opslaan', exact: true}).click();
}

// No sideways scrolling, and no visible text in main below 12 px.
async function phoneCheck(page, who) {
  const found = await page.evaluate(() => {
    const small = [];
    let texts = 0;
    for (const el of document.querySelectorAll('main *')) {
      const own = [...el.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.textContent).join('').trim();
      const r = el.getBoundingClientRect();
      if (!own || r.width <= 1 || r.height <= 1) continue;
      texts += 1;
      const px = parseFloat(getComputedStyle(el).fontSize);
      if (px < 12) small.push(`${el.tagName} "${own.slice(0, 30)}" ${px} px`);
    }
    return {vw: window.innerWidth, width: document.documentElement.scrollWidth, small, texts};
  });
  assert.equal(found.vw, 390, who);
  assert.ok(found.width <= 390, `${who}: the page is ${found.width} px wide`);
  assert.ok(found.texts >= 30, `${who}: ${found.texts} texts`);
  assert.deepEqual(found.small, [], `${who}: text below 12 px`);
}

test('a member who does not organize it sees no "Wijzigen"', {timeout: 60000}, async () => {
  sanne = await scene.add('sanne');
  await toInitiative(sanne);
  // The page drew its actions (she may join)...
  await sanne.page.getByRole('button', {name: 'Ik organiseer mee'}).waitFor();
  // ...but offers no change.
  assert.equal(await sanne.page.getByRole('button', {name: 'Wijzigen'}).count(), 0);
  assert.equal(await sanne.page.locator('#propose-form').count(), 0);
});

test('the organizer moves the date and place; a neighbour sees it live, and the rotonde too', {timeout: 90000}, async () => {
  dewi = await scene.add('dewi');
  await toInitiative(dewi);
  await sanne.page.evaluate(() => { window.notReloaded = true; });
  const before = await facts(sanne.page);
  assert.match(before.Waar, /Basisschool De Horizon, aula/);
  assert.match(before.Wanneer, /25 jun 2026/);

  const opened = nextPreview(dewi.page, (d) => d.initiativeId === ID);
  const panel = await openEdit(dewi.page);
  // The form opens with the initiative as it is.
  assert.equal(await panel.getByLabel('Naam van het initiatief').inputValue(), TITLE);
  assert.equal(await panel.getByLabel('Soort').inputValue(), 'INITIATIVE_KIND_RESIDENTS_MEETING');
  assert.equal(await panel.getByLabel('Datum').inputValue(), '2026-06-25');
  assert.equal(await panel.getByLabel('Begintijd').inputValue(), '19:30');
  assert.equal(await panel.getByLabel('Eindtijd').inputValue(), '21:30');
  assert.equal(await panel.getByLabel('Plek').inputValue(), 'Basisschool De Horizon, aula');
  assert.ok((await panel.getByLabel('Wat ga je doen?').inputValue()).length > 20);
  // The hint is asked as the change it would be (with its id), so it is no lookalike of
  // itself; and it names the clash the rotonde has open now, by the same rule.
  const {draft, answer} = await opened;
  assert.equal(draft.when.startDate, '2026-06-25');
  assert.ok(!answer.clashes.some((c) => c.initiativeId === ID), JSON.stringify(answer));
  await hintIs(panel, answer);
  assert.equal(ruleOf(answer, GROEN), 'CLASH_RULE_DUPLICATE_CHANNEL');
  assert.equal((await openClashes(dewi.page))[GROEN], 'CLASH_RULE_DUPLICATE_CHANNEL');
  assert.match(plain(await panel.locator(`#lookalikes li[data-initiative="${GROEN}"]`).innerText()),
    /tweede bewonersavond/);
  await phoneCheck(dewi.page, 'dewi with the form open');
  await screenshot(dewi.page, 'edit-390');

  // 16 July: more than 30 days after the other residents' meeting, so that clash no longer holds.
  await panel.getByLabel('Datum').fill('2026-07-16');
  await panel.getByLabel('Plek').fill('Buurthuis De Kolenkit, zaal 2');
  await save(panel);
  await closed(dewi.page, panel);

  // Sanne's open page follows without reloading.
  await sanne.page.locator('main dl.facts dd', {hasText: 'Buurthuis De Kolenkit, zaal 2'}).waitFor({timeout: 5000});
  const after = await facts(sanne.page);
  assert.match(after.Wanneer, /16 jul 2026/);
  assert.match(after.Wanneer, /19:30–21:30/);
  assert.equal(await sanne.page.evaluate(() => window.notReloaded), true);
  assert.deepEqual(await facts(dewi.page), after);

  const [made] = await updates(dewi.page);
  assert.equal(made.actor, 'm-dewi');
  const u = made.event.initiativeUpdated;
  assert.deepEqual([...u.changed].sort(), ['place', 'when']);
  assert.equal(u.when.startDate, '2026-07-16');
  assert.equal(u.when.startTime, '19:30');
  assert.equal(u.place.text, 'Buurthuis De Kolenkit, zaal 2');
  assert.equal(u.title, TITLE);
  // The clash it no longer has is resolved in the same change, and leaves the rotonde.
  const events = await serverEvents(dewi.page);
  assert.ok(events.some((e) => /ClashResolved$/.test(e.type) && e.stream.endsWith(`/clash/${OLD_CLASH}`)
    && e.correlationId === made.correlationId), 'the old clash resolved by the change');
  await sanne.page.locator('nav a[data-nav="home"]').click();
  await sanne.page.locator('#clashes').waitFor();
  await sanne.page.locator(`#clashes li[data-clash="${OLD_CLASH}"]`).waitFor({state: 'detached', timeout: 5000});
  assert.equal(await sanne.page.locator('#clashes li[data-clash]', {hasText: TITLE}).count(), 0);
  // Nothing waits or failed in the outbox.
  assert.equal(await dewi.page.locator('#outbox li').count(), 0);
});

test('the edit form warns of a lookalike as proposing does; the clash the change makes shows on the rotonde', {timeout: 90000}, async () => {
  const opened = nextPreview(dewi.page, (d) => d.initiativeId === ID && d.when.startDate === '2026-07-16');
  const panel = await openEdit(dewi.page);
  const zomerfeest = panel.locator(`#lookalikes li[data-initiative="${ZOMERFEEST}"]`);
  const groen = panel.locator(`#lookalikes li[data-initiative="${GROEN}"]`);
  // On 16 July nothing clashes with it, as on the rotonde.
  const {answer: now} = await opened;
  await hintIs(panel, now);
  assert.deepEqual(now.clashes.filter((c) => c.rule !== 'similar'), []);
  assert.deepEqual(await openClashes(dewi.page), {});

  // The day of the Zomerfeest, elsewhere: the same day; and within 30 days of the other
  // residents' meeting, which the browser's own word lists never said but the rules do.
  const moved = nextPreview(dewi.page, (d) => d.when.startDate === '2026-06-27');
  await panel.getByLabel('Datum').fill('2026-06-27');
  const {answer: onTheDay} = await moved;
  await hintIs(panel, onTheDay);
  assert.equal(ruleOf(onTheDay, ZOMERFEEST), 'CLASH_RULE_SAME_DAY');
  assert.equal(ruleOf(onTheDay, GROEN), 'CLASH_RULE_DUPLICATE_CHANNEL');
  assert.match(plain(await zomerfeest.innerText()), /zelfde dag/);
  assert.match(plain(await groen.innerText()), /tweede bewonersavond/);
  assert.match(await dewi.page.locator('#lookalike-status').innerText(), /op jouw plan/);
  assert.equal(await panel.locator(`#lookalikes li[data-initiative="${ID}"]`).count(), 0);

  // Months later, with a title like the other meeting's: no rule holds, it only looks alike.
  const later = nextPreview(dewi.page, (d) => d.when.startDate === '2026-09-10' && /groen/.test(d.title));
  await panel.getByLabel('Datum').fill('2026-09-10');
  await panel.getByLabel('Naam van het initiatief').fill('Bewonersavond groen en spelen in de portiekflats');
  const {answer: alike} = await later;
  await hintIs(panel, alike);
  assert.equal(ruleOf(alike, GROEN), 'similar', JSON.stringify(alike));
  assert.match(plain(await groen.innerText()), /lijkt erop/);

  // Back to its title, on the Zomerfeest's day and at its place: what the form says last is
  // what the rotonde shows once saved, initiative by initiative and rule by rule.
  const last = nextPreview(dewi.page, (d) => d.title === TITLE && d.when.startDate === '2026-06-27'
    && d.place && /Erasmuspark/.test(d.place.text));
  await panel.getByLabel('Naam van het initiatief').fill(TITLE);
  await panel.getByLabel('Datum').fill('2026-06-27');
  await panel.getByLabel('Plek').fill('Erasmuspark, grasveld bij de speeltuin');
  const {answer: final} = await last;
  await hintIs(panel, final);
  assert.equal(ruleOf(final, ZOMERFEEST), 'CLASH_RULE_SAME_PLACE_SAME_DAY');
  assert.match(plain(await zomerfeest.innerText()), new RegExp(nl['rule.CLASH_RULE_SAME_PLACE_SAME_DAY']));
  await save(panel);
  await closed(dewi.page, panel);

  // The server found the clash, and the rotonde of a neighbour shows it.
  const card = sanne.page.locator('#clashes li[data-clash]', {hasText: TITLE}).filter({hasText: 'Zomerfeest Kolenkitbuurt'});
  await card.waitFor({timeout: 5000});
  const raised = Object.fromEntries(final.clashes.filter((c) => c.rule !== 'similar').map((c) => [c.initiativeId, c.rule]));
  assert.deepEqual(await openClashes(dewi.page), raised);
  await sanne.page.locator('#clashes li[data-clash]', {hasText: TITLE}).filter({hasText: 'Bewonersavond groen en spelen'})
    .waitFor({timeout: 5000});
  const [, second] = await updates(dewi.page);
  assert.equal(second.event.initiativeUpdated.when.startDate, '2026-06-27');
  // And the initiative's own page says so.
  await dewi.page.locator('main .notice-clash').waitFor({timeout: 5000});
});

test('saving nothing new says so in Dutch, next to the form, and changes nothing', {timeout: 60000}, async () => {
  const before = (await serverEvents(dewi.page)).length;
  const panel = await openEdit(dewi.page);
  await save(panel);
  const error = panel.locator('.form-error');
  await error.filter({hasText: 'Er is niets veranderd.'}).waitFor({timeout: 5000});
  assert.equal(plain(await error.innerText()), 'Er is niets veranderd.');
  assert.equal(await error.getAttribute('role'), 'alert');
  assert.equal((await serverEvents(dewi.page)).length, before);
  // Said here, so not waiting in the outbox as well.
  assert.equal(await dewi.page.locator('#outbox li').count(), 0);
  // Cancel: the form closes and the focus is back on "Wijzigen".
  await panel.getByRole('button', {name: 'Annuleren'}).click();
  await closed(dewi.page, panel);
});

// Dewi and carla open the form at once; carla saves first (a new title), then dewi (a new
// description): dewi is refused and sees both side by side. -> {panel, was (the title dewi's
// form has), carlaTitle, dewiText}.
async function together(round) {
  const mine = await openEdit(dewi.page);
  const was = await mine.getByLabel('Naam van het initiatief').inputValue();
  const theirs = await openEdit(carla.page);
  const carlaTitle = `${TITLE} (ronde ${round})`;
  const dewiText = `Ronde ${round}: we bespreken de planning van de renovatie met de corporatie.`;
  await theirs.getByLabel('Naam van het initiatief').fill(carlaTitle);
  await save(theirs);
  await closed(carla.page, theirs);
  await dewi.page.locator('main h1', {hasText: carlaTitle}).waitFor({timeout: 5000});
  // Dewi's open form stayed as she left it while the page changed around it.
  assert.equal(await mine.getByLabel('Naam van het initiatief').inputValue(), was);
  await mine.getByLabel('Wat ga je doen?').fill(dewiText);
  await save(mine);
  await mine.locator('table.compare').waitFor({timeout: 5000});
  return {panel: mine, was, carlaTitle, dewiText};
}

// The comparison as shown: per field, [what dewi wrote, what is there now, marked differing].
async function comparison(panel) {
  const rows = await panel.locator('table.compare tr').evaluateAll((trs) => trs.map((tr) => [tr.cells[0].textContent,
    tr.cells[1].textContent, tr.cells[2].textContent, tr.classList.contains('differs')]));
  assert.deepEqual(rows[0], ['', 'Wat jij schreef', 'Wat er nu staat', false]);
  const fields = {'Naam van het initiatief': 'title', Soort: 'kind', Wanneer: 'when', Waar: 'place', Toelichting: 'description'};
  const out = {};
  for (const [head, mine, now, differs] of rows.slice(1)) {
    // A differing field says so in words, not by its colour alone.
    assert.equal(head.endsWith(' verschilt'), differs, head);
    out[fields[head.replace(/ verschilt$/, '')]] = [mine, now, differs];
  }
  assert.deepEqual(Object.keys(out), Object.values(fields));
  return out;
}

test('two at once: the second sees both versions side by side and may edit further from theirs', {timeout: 90000}, async () => {
  carla = await scene.add('carla', {width: 1280, height: 900});
  await toInitiative(carla);
  const before = (await updates(dewi.page)).length;
  const {panel, carlaTitle, dewiText} = await together(1);

  const shown = await comparison(panel);
  assert.deepEqual(shown.title, [TITLE, carlaTitle, true]);
  assert.equal(shown.description[0], dewiText);
  assert.equal(shown.description[2], true);
  assert.deepEqual(shown.kind, ['bewonersavond', 'bewonersavond', false]);
  assert.equal(shown.when[2], false);
  assert.deepEqual(shown.place, ['Erasmuspark, grasveld bij de speeltuin', 'Erasmuspark, grasveld bij de speeltuin', false]);
  const said = 'Iemand anders heeft dit initiatief intussen gewijzigd. Vergelijk en kies wat blijft.';
  await panel.getByRole('heading', {name: said}).waitFor();
  // The focus is on what happened; the form waits behind the choice.
  assert.equal(await dewi.page.evaluate(() => document.activeElement.textContent), said);
  assert.equal(await panel.locator('form').isVisible(), false);
  // Refused, and said here: not in the outbox.
  assert.equal(await dewi.page.locator('#outbox li').count(), 0);
  assert.equal((await updates(dewi.page)).length, before + 1);
  await phoneCheck(dewi.page, 'dewi choosing');
  await screenshot(dewi.page, 'edit-conflict-390');

  // Edit further: her form as she left it, the comparison still in view, the choice gone.
  await panel.getByRole('button', {name: 'Verder aanpassen'}).click();
  assert.equal(await dewi.page.evaluate(() => document.activeElement.name), 'title');
  assert.equal(await panel.getByLabel('Wat ga je doen?').inputValue(), dewiText);
  assert.ok(await panel.locator('table.compare').isVisible());
  assert.equal(await panel.getByRole('button', {name: 'Mijn versie opslaan'}).count(), 0);
  // She takes carla's title after all, and saves: as of the version she has now seen.
  await panel.getByLabel('Naam van het initiatief').fill(carlaTitle);
  await save(panel);
  await closed(dewi.page, panel);
  const list = await updates(dewi.page);
  assert.equal(list.length, before + 2);
  const last = list.at(-1);
  assert.equal(last.actor, 'm-dewi');
  assert.deepEqual(last.event.initiativeUpdated.changed, ['description']);
  assert.equal(last.event.initiativeUpdated.title, carlaTitle);
  assert.equal(last.event.initiativeUpdated.description, dewiText);
  assert.equal(Number(last.version), Number(list.at(-2).version) + 1);
});

test('two at once: "De huidige houden" closes the form and sends nothing', {timeout: 90000}, async () => {
  const before = (await serverEvents(dewi.page)).length;
  const {panel, carlaTitle} = await together(2);
  const position = (await serverEvents(dewi.page)).length;
  assert.equal(position, before + 1, 'carla\'s change only');
  await panel.getByRole('button', {name: 'De huidige houden'}).click();
  await closed(dewi.page, panel);
  await dewi.page.waitForTimeout(1000);
  assert.equal((await serverEvents(dewi.page)).length, position);
  assert.equal(await dewi.page.locator('#outbox li').count(), 0);
  assert.equal(plain(await dewi.page.locator('main h1').innerText()), carlaTitle);
  const last = (await updates(dewi.page)).at(-1);
  assert.equal(last.actor, 'm-carla');
});

test('two at once: "Mijn versie opslaan" sends hers again, as of the version now there', {timeout: 90000}, async () => {
  const before = await updates(dewi.page);
  const {panel, was, carlaTitle, dewiText} = await together(3);
  const shown = await comparison(panel);
  assert.deepEqual(shown.title, [was, carlaTitle, true]);
  await panel.getByRole('button', {name: 'Mijn versie opslaan'}).click();
  await closed(dewi.page, panel);
  const list = await updates(dewi.page);
  assert.equal(list.length, before.length + 2);
  const [theirs, mine] = list.slice(-2);
  assert.equal(theirs.actor, 'm-carla');
  assert.equal(theirs.event.initiativeUpdated.title, carlaTitle);
  // The kept version: a second InitiativeUpdated with what dewi wrote, field by field.
  assert.equal(mine.actor, 'm-dewi');
  const u = mine.event.initiativeUpdated;
  assert.equal(u.title, was);
  assert.equal(u.description, dewiText);
  assert.equal(u.kind, 'INITIATIVE_KIND_RESIDENTS_MEETING');
  assert.equal(u.when.startDate, '2026-06-27');
  assert.equal(u.place.text, 'Erasmuspark, grasveld bij de speeltuin');
  assert.deepEqual([...u.changed].sort(), ['description', 'title']);
  assert.equal(Number(mine.version), Number(theirs.version) + 1);
  // Both pages show hers.
  for (const p of [dewi, carla]) {
    await p.page.locator('main h1').filter({hasText: new RegExp(`^${was.replace(/[()]/g, '\\$&')}$`)}).waitFor({timeout: 5000});
    await p.page.locator('main p.description', {hasText: dewiText}).waitFor({timeout: 5000});
  }
  assert.equal(await dewi.page.locator('#outbox li').count(), 0);
});
