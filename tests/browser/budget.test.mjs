// The buurtbudget's money coming in, against a real `rotonde serve` with the demo
// neighbourhood, in Debian's chromium: a coordinator records an allocation and sets the
// overhead cap while a volunteer watches the balance change live; a member has no such forms;
// a refused cap is said in Dutch next to its form and changes nothing; on a phone (390 px)
// every figure is in view and no text is below 12 px; a new platform shows its founder where
// to begin.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {scenario, budgetFigure as figure, plain, person, screenshot, serverEvents, rotondeBinary, PASSWORD, PLATFORM}
  from './harness.mjs';

const SOURCE = 'Fonds Samen Sterk, bijdrage buurtkrant';

const scene = scenario();
const {add} = scene;
let carla; let bram;  // carla is the coordinator, bram a member


async function toBudget(p) {
  await p.page.locator('nav a[data-nav="budget"]').click();
  await p.page.locator('#budget-totals').waitFor();
}

// The budget view as the server has it now, read with the page's session.
async function budgetView(page, platform = PLATFORM) {
  return page.evaluate(async (pid) => {
    const res = await fetch(`/api/v1/platforms/${pid}/views/budget`);
    return (await res.json()).view;
  }, platform);
}

// Amounts as the screen shows them (nl-NL, "€ 1.234,50"), with plain spaces.
const euro = (cents) => new Intl.NumberFormat('nl-NL', {style: 'currency', currency: 'EUR'})
  .format(Number(cents) / 100).replace(/\s/g, ' ');


async function waitFigure(page, term, want) {
  await page.waitForFunction(({term, want}) => [...document.querySelectorAll('#budget-totals .total')].some((x) =>
    x.querySelector('dt').textContent === term && x.querySelector('dd').textContent.replace(/\s+/g, ' ').includes(want)),
  {term, want}, {timeout: 5000});
}

// Opens a form's button with the keyboard; -> the form's panel.
async function openWithKeyboard(page, name) {
  const button = page.getByRole('button', {name, exact: true});
  await button.focus();
  await page.keyboard.press('Enter');
  assert.equal(await button.getAttribute('aria-expanded'), 'true');
  const panel = page.locator(`#${await button.getAttribute('aria-controls')}`);
  await panel.locator('form').waitFor();
  // Focus moved into the form, and every field in it has a label.
  assert.ok(await panel.evaluate((el) => el.contains(document.activeElement)), `${name}: focus in the form`);
  const unlabelled = await panel.evaluate((el) => [...el.querySelectorAll('input, select, textarea')]
    .filter((f) => !f.labels || !f.labels.length || !f.labels[0].textContent.trim()).map((f) => f.name));
  assert.deepEqual(unlabelled, []);
  return panel;
}

test('a member sees the figures but not the forms for money coming in', {timeout: 60000}, async () => {
  bram = await add('bram');
  await toBudget(bram);
  // The screen built its forms (a member may ask for money)...
  await bram.page.getByRole('button', {name: 'Geld aanvragen'}).waitFor();
  // ...but neither of the coordinators'.
  assert.equal(await bram.page.getByRole('button', {name: 'Toekenning vastleggen', exact: true}).count(), 0);
  assert.equal(await bram.page.getByRole('button', {name: 'Overheadplafond instellen', exact: true}).count(), 0);
  assert.equal(await bram.page.locator('#budget-start').count(), 0);
});

test('a coordinator records an allocation and sets the cap; a volunteer sees the balance change live', {timeout: 90000}, async () => {
  carla = await add('carla', {width: 1280, height: 900});
  await toBudget(carla);
  const was = await budgetView(carla.page);
  assert.equal(await figure(bram.page, 'Saldo'), euro(was.balanceCents));
  await bram.page.evaluate(() => { window.notReloaded = true; });
  // An allocated platform shows no "where to begin".
  assert.equal(await carla.page.locator('#budget-start').count(), 0);

  const alloc = await openWithKeyboard(carla.page, 'Toekenning vastleggen');
  // An amount that is no amount is said next to the form, and nothing is sent.
  await alloc.getByLabel('Bron').fill(SOURCE);
  await alloc.getByLabel('Bedrag').fill('twaalf');
  await alloc.getByRole('button', {name: 'Vastleggen', exact: true}).click();
  assert.equal(plain(await alloc.locator('.form-error').innerText()), 'Vul een bedrag in, bijvoorbeeld 12,50.');
  // A Dutch amount: dots group thousands, the comma marks the cents.
  await alloc.getByLabel('Bedrag').fill('1.250,50');
  assert.equal(await alloc.getByLabel('Periode').inputValue(), String(new Date().getFullYear()));
  await alloc.getByLabel('Periode').fill('2027');
  await alloc.getByRole('button', {name: 'Vastleggen', exact: true}).click();
  await alloc.locator('form').waitFor({state: 'detached'});

  // The volunteer's page follows without reloading.
  const balance = euro(Number(was.balanceCents) + 125050);
  await waitFigure(bram.page, 'Saldo', balance);
  await waitFigure(bram.page, 'Toegekend', euro(Number(was.allocatedCents) + 125050));
  await waitFigure(bram.page, 'Nog te verdelen', euro(Number(was.uncommittedCents) + 125050));
  await bram.page.locator('#h-alloc').locator('xpath=..').locator('li', {hasText: SOURCE})
    .filter({hasText: '€ 1.250,50'}).filter({hasText: '2027'}).waitFor({timeout: 5000});
  assert.equal(await figure(carla.page, 'Saldo'), balance);
  const now = await budgetView(carla.page);
  const made = now.allocations.find((a) => a.source === SOURCE);
  assert.deepEqual({amountCents: made.amountCents, period: made.period}, {amountCents: '125050', period: '2027'});

  // The cap: the form opens with the cap in force; Enter in the field saves.
  const cap = await openWithKeyboard(carla.page, 'Overheadplafond instellen');
  const percent = cap.getByLabel('Overheadplafond (%)');
  assert.equal(await percent.inputValue(), String(was.overheadCapPercent));
  const hint = plain(await cap.locator('.hint').innerText());
  assert.ok(hint.includes(`Nu is ${euro(was.overheadApprovedCents)} aan overhead goedgekeurd.`), hint);
  await percent.fill('10');
  await percent.press('Enter');
  await cap.locator('form').waitFor({state: 'detached'});
  await waitFigure(bram.page, 'Overhead', '(maximaal 10%)');
  assert.equal((await budgetView(carla.page)).overheadCapPercent, 10);
  assert.equal(await bram.page.evaluate(() => window.notReloaded), true);
  // Nothing waits or failed in the outbox.
  assert.equal(await carla.page.locator('#outbox li').count(), 0);
});

test('a cap refused (below the approved overhead, or out of range) is said in Dutch and changes nothing', {timeout: 60000}, async () => {
  const was = await budgetView(carla.page);
  const overhead = Number(was.overheadApprovedCents);
  assert.ok(overhead > 0, 'the demo has approved overhead');
  const eventsBefore = (await serverEvents(carla.page)).length;
  const cap = await openWithKeyboard(carla.page, 'Overheadplafond instellen');
  const percent = cap.getByLabel('Overheadplafond (%)');
  const error = cap.locator('.form-error');

  // Out of range: said before anything is sent.
  for (const wrong of ['150', '-5', '7.5']) {
    await percent.fill(wrong);
    await cap.getByRole('button', {name: 'Opslaan', exact: true}).click();
    assert.equal(plain(await error.innerText()), 'Vul een heel getal van 0 tot en met 100 in.', wrong);
    assert.equal(await error.getAttribute('role'), 'alert');
  }

  // Below what is approved already: the server refuses, the form says why and stays open.
  const low = Math.floor(overhead * 100 / Number(was.allocatedCents)) - 1;
  assert.ok(low >= 0);
  await percent.fill(String(low));
  await cap.getByRole('button', {name: 'Opslaan', exact: true}).click();
  await error.filter({hasText: 'te laag'}).waitFor({timeout: 5000});
  assert.equal(plain(await error.innerText()), `Dat plafond is te laag: er is al ${euro(overhead)} aan overhead `
    + `goedgekeurd, meer dan ${low}% van het toegekende geld. Kies een hoger percentage.`);
  assert.ok(await error.isVisible());
  assert.equal(await percent.inputValue(), String(low), 'what was typed stays, to put right');
  // Nothing changed: not on the server, not in the figures, not in the log; and the refusal
  // does not wait in the outbox besides.
  const after = await budgetView(carla.page);
  assert.equal(after.overheadCapPercent, was.overheadCapPercent);
  assert.equal(await figure(bram.page, 'Overhead'), await figure(carla.page, 'Overhead'));
  assert.match(await figure(bram.page, 'Overhead'), new RegExp(`\\(maximaal ${was.overheadCapPercent}%\\)`));
  assert.equal((await serverEvents(carla.page)).length, eventsBefore);
  assert.equal(await carla.page.locator('#outbox li.outbox-failed').count(), 0);
  await cap.getByRole('button', {name: 'Annuleren'}).click();
  await cap.locator('form').waitFor({state: 'detached'});
});

// Everything shown in the budget screen of `page`: no sideways scrolling, the expenses'
// receipt numbers and amounts in view, and no visible text below 12 px (the chart's text as
// drawn: its font size times the SVG's scale).
async function phoneCheck(page, who) {
  const found = await page.evaluate(() => {
    const vw = window.innerWidth;
    const table = document.querySelector('#expenses-table');
    const heads = [...table.tHead.rows[0].cells].map((c) => c.textContent.trim());
    const cols = [heads.indexOf('Bonnummer'), heads.findIndex((x) => x.startsWith('Bedrag'))];
    const outside = [];
    let cells = 0;
    for (const row of table.tBodies[0].rows) {
      for (const i of cols) {
        const cell = row.cells[i];
        if (!cell || !cell.textContent.trim()) continue;
        cells += 1;
        const r = cell.getBoundingClientRect();
        if (r.width < 1 || r.left < 0 || r.right > vw) outside.push(`${heads[i]} "${cell.textContent}" ${r.left}-${r.right}`);
      }
    }
    for (const dd of document.querySelectorAll('#budget-totals dd')) {
      const r = dd.getBoundingClientRect();
      if (r.left < 0 || r.right > vw) outside.push(`total "${dd.textContent}" ${r.left}-${r.right}`);
    }
    const small = [];
    let texts = 0;
    let svgTexts = 0;
    for (const el of document.querySelectorAll('main *')) {
      const own = [...el.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.textContent).join('').trim();
      if (!own) continue;
      const r = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      if (r.width <= 1 || r.height <= 1 || style.visibility === 'hidden') continue;
      const scale = el instanceof SVGGraphicsElement ? el.getScreenCTM().a : 1;
      const px = parseFloat(style.fontSize) * scale;
      texts += 1;
      if (el instanceof SVGGraphicsElement) svgTexts += 1;
      if (px < 12) small.push(`${el.tagName} "${own.slice(0, 30)}" ${px.toFixed(1)} px`);
    }
    return {vw, scrollWidth: document.documentElement.scrollWidth, cols, cells, outside, small, texts, svgTexts};
  });
  assert.equal(found.vw, 390, who);
  assert.ok(found.scrollWidth <= 390, `${who}: the page is ${found.scrollWidth} px wide`);
  assert.ok(found.cols.every((i) => i >= 0), `${who}: Bonnummer and Bedrag columns`);
  assert.ok(found.cells >= 20, `${who}: ${found.cells} receipt and amount cells checked`);
  assert.deepEqual(found.outside, [], `${who}: out of view`);
  assert.ok(found.texts >= 50 && found.svgTexts >= 5, `${who}: ${found.texts} texts, ${found.svgTexts} in the chart`);
  assert.deepEqual(found.small, [], `${who}: text below 12 px`);
}

test('on a phone every figure of the budget is in view, and no text is below 12 px', {timeout: 60000}, async () => {
  // Laptop width first, for the record.
  await carla.page.locator('#spend-chart').waitFor();
  await screenshot(carla.page, 'budget-1280');

  await bram.page.locator('#spend-chart').waitFor();
  await phoneCheck(bram.page, 'bram at 390');
  await screenshot(bram.page, 'budget-390');

  // The coordinator's laptop window made narrow: the chart draws itself again at its new width.
  await carla.page.setViewportSize({width: 390, height: 844});
  await carla.page.waitForFunction(() => {
    const chart = document.querySelector('#spend-chart');
    return chart && chart.getScreenCTM().a > 0.95 && chart.getBoundingClientRect().right <= 390;
  }, null, {timeout: 5000});
  const alloc = await openWithKeyboard(carla.page, 'Toekenning vastleggen');
  await phoneCheck(carla.page, 'carla at 390, with a form open');
  await alloc.getByRole('button', {name: 'Annuleren'}).click();
});

test('a new platform shows its founder where to begin: the allocation form', {timeout: 90000}, async () => {
  const made = spawnSync(rotondeBinary(), ['admin', 'create-platform', '--data', scene.server.data, '--platform', 'noord',
    '--name', 'Buurtplatform Noord', '--neighbourhood', 'Banne Buiksloot'], {encoding: 'utf8', timeout: 30000});
  assert.equal(made.status, 0, made.stderr);
  const link = /#\/invite\/[0-9a-f]{64}/.exec(made.stdout);
  assert.ok(link, made.stdout);
  const founder = await person(scene.browser, scene.server.url, {name: 'founder'});
  scene.people.push(founder);
  const {page} = founder;
  await page.goto(`/${link[0]}`);
  await page.getByLabel('Je naam').fill('Noor Bakker');
  await page.getByLabel('Gebruikersnaam').fill('noor');
  await page.getByLabel('Wachtwoord').fill(PASSWORD);
  await page.getByRole('button', {name: 'Account maken en meedoen'}).click();
  await page.locator('#conn[data-state="online"]').waitFor({timeout: 15000});
  await toBudget(founder);

  const start = page.locator('#budget-start');
  await start.waitFor();
  assert.match(plain(await start.innerText()), /^Er is nog geen geld toegekend\. Begin met “Toekenning vastleggen” hieronder/);
  // The button it names is the first control after it.
  const button = page.getByRole('button', {name: 'Toekenning vastleggen', exact: true});
  assert.ok(await start.evaluate((el, b) => el.parentElement.nextElementSibling.querySelector('button') === b,
    await button.elementHandle()));
  assert.equal(await figure(page, 'Saldo'), euro(0));

  const alloc = await openWithKeyboard(page, 'Toekenning vastleggen');
  await alloc.getByLabel('Bron').fill('Stadsdeel Noord, buurtbudget 2027');
  await alloc.getByLabel('Bedrag').fill('5000');
  await alloc.getByRole('button', {name: 'Vastleggen', exact: true}).click();
  await waitFigure(page, 'Saldo', euro(500000));
  await start.waitFor({state: 'detached'});
  const v = await budgetView(page, 'noord');
  assert.deepEqual(v.allocations.map((a) => [a.source, a.amountCents]), [['Stadsdeel Noord, buurtbudget 2027', '500000']]);
  // The first cap on the new platform: no overhead approved, any percentage will do.
  const cap = await openWithKeyboard(page, 'Overheadplafond instellen');
  assert.equal(await cap.getByLabel('Overheadplafond (%)').inputValue(), '');
  await cap.getByLabel('Overheadplafond (%)').fill('8');
  await cap.getByRole('button', {name: 'Opslaan', exact: true}).click();
  await waitFigure(page, 'Overhead', '(maximaal 8%)');
});
