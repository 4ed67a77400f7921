// Accessibility of every screen, checked by axe-core against WCAG 2.1 A and AA (labels,
// names, contrast, landmarks, ARIA use) at phone width; and the keyboard: every control is
// reached by Tab and shows where the focus is.
import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {createRequire} from 'node:module';
import {startServer, launch, PASSWORD} from './harness.mjs';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');

let server;
let browser;
let context;
let page;
const errors = [];

before(async () => {
  server = await startServer();
  browser = await launch();
  // bypassCSP only so that the test can inject axe-core; the app itself never needs it.
  context = await browser.newContext({baseURL: server.url, viewport: {width: 390, height: 844},
    bypassCSP: true, locale: 'nl-NL', timezoneId: 'Europe/Amsterdam'});
  context.setDefaultTimeout(10000);
  page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
}, {timeout: 90000});

after(async () => {
  if (browser) await browser.close().catch(() => {});
  if (server) await server.stop();
});

async function axe(name, on = page) {
  await on.addScriptTag({path: AXE});
  const result = await on.evaluate(() => window.axe.run(document, {
    runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
  }));
  return result.violations.map((v) => `${name}: ${v.id} (${v.impact}) ${v.help} — ${v.nodes.slice(0, 3)
    .map((n) => n.target.join(' ')).join(' | ')}`);
}

test('every screen meets WCAG 2.1 AA as axe-core checks it', {timeout: 120000}, async () => {
  const found = [];
  await page.goto('/#/login');
  await page.getByLabel('Gebruikersnaam').waitFor();
  found.push(...await axe('login'));

  await page.getByLabel('Gebruikersnaam').fill('carla');
  await page.getByLabel('Wachtwoord').fill(PASSWORD);
  await page.getByRole('button', {name: 'Inloggen'}).click();
  await page.locator('#conn[data-state="online"]').waitFor({timeout: 15000});

  for (const s of ['home', 'initiatives', 'calendar', 'tasks', 'meetings', 'budget', 'members', 'audit']) {
    await page.locator(`nav a[data-nav="${s}"]`).click();
    await page.locator('main h1').waitFor();
    await page.locator('main .loading').first().waitFor({state: 'detached', timeout: 10000}).catch(() => {});
    found.push(...await axe(s));
  }
  // The proposal form with its warning open, and a clash's dismiss form open.
  await page.goto('/#/initiatives/new');
  await page.getByLabel('Naam van het initiatief').fill('Zomerfeest in het park');
  await page.getByLabel('Datum').fill('2026-06-27');
  await page.locator('#lookalikes li').first().waitFor();
  found.push(...await axe('propose'));
  await page.locator('nav a[data-nav="home"]').click();
  await page.locator('#clashes li[data-clash]').first().getByRole('button', {name: 'Bewust apart'}).click();
  found.push(...await axe('home-dismiss-open'));
  // And in English.
  await page.getByRole('button', {name: 'Switch to English'}).click();
  await page.locator('nav a[data-nav="home"]', {hasText: 'Roundabout'}).waitFor();
  found.push(...await axe('home-en'));
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  await page.getByRole('button', {name: 'Overschakelen naar Nederlands'}).click();
  await page.locator('nav a[data-nav="home"]', {hasText: 'Rotonde'}).waitFor();

  assert.deepEqual(found, []);
  assert.deepEqual(errors, []);
});

test('the keyboard reaches every control, and focus is always visible', {timeout: 60000}, async () => {
  await page.locator('nav a[data-nav="home"]').click();
  await page.locator('main h1').waitFor();
  const controls = await page.evaluate(() => document.querySelectorAll(
    'a[href], button:not([disabled]):not([hidden]), select, input, textarea').length);
  const seen = new Set();
  let withoutOutline = [];
  for (let i = 0; i < controls + 5; i += 1) {
    await page.keyboard.press('Tab');
    const info = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      const style = getComputedStyle(el);
      const visible = el.matches(':focus-visible') && (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2);
      if (!el.dataset.kbd) el.dataset.kbd = String(Math.random());
      return {key: el.dataset.kbd, visible, what: `${el.tagName.toLowerCase()} ${el.textContent.trim().slice(0, 30)}`};
    });
    if (!info) continue;
    seen.add(info.key);
    if (!info.visible) withoutOutline.push(info.what);
  }
  withoutOutline = [...new Set(withoutOutline)];
  assert.deepEqual(withoutOutline, [], 'focus visible on every control');
  assert.ok(seen.size >= 10, `${seen.size} controls reached`);
  assert.deepEqual(errors, []);
});

test('with the keyboard alone: skip to the content, propose an initiative', {timeout: 60000}, async () => {
  await page.goto('/#/');
  await page.reload();
  await page.locator('main h1').waitFor();
  // The first Tab reaches the skip link; Enter puts the focus on the content.
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'skip');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'main');

  await page.goto('/#/initiatives/new');
  await page.locator('#propose-form').waitFor();
  // The heading has the focus after navigating; the form follows in reading order.
  await page.keyboard.press('Tab');
  await page.keyboard.type('Voorleesmiddag in de bibliotheek');
  await page.keyboard.press('Tab');
  await page.keyboard.press('ArrowDown');  // the first kind after the prompt
  await page.keyboard.press('Tab');
  // A date field takes its digits in the order the browser's language shows the parts:
  // day first in a Dutch browser, month first in an American one.
  await page.keyboard.type('14032027');
  if (await page.getByLabel('Datum').inputValue() !== '2027-03-14') {
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.type('03142027');
  }
  assert.equal(await page.getByLabel('Datum').inputValue(), '2027-03-14');
  await page.keyboard.press('Enter');
  await page.locator('main h1', {hasText: 'Voorleesmiddag in de bibliotheek'}).waitFor({timeout: 10000});
  assert.deepEqual(errors, []);
});

test('the auditor\'s screen as the auditor has it: the verdict, every replayed view, an opened event, the alarm', {timeout: 90000}, async () => {
  const own = await browser.newContext({baseURL: server.url, viewport: {width: 390, height: 844},
    bypassCSP: true, locale: 'nl-NL', timezoneId: 'Europe/Amsterdam'});
  own.setDefaultTimeout(10000);
  const olaf = await own.newPage();
  olaf.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await olaf.goto('/#/audit');
  await olaf.getByLabel('Gebruikersnaam').fill('olaf');
  await olaf.getByLabel('Wachtwoord').fill(PASSWORD);
  await olaf.getByRole('button', {name: 'Inloggen'}).click();
  await olaf.locator('#verify-result[data-state="ok"]').waitFor({timeout: 15000});
  await olaf.locator('#event-log li.event-row summary').first().click();
  await olaf.locator('#event-log pre').first().waitFor();
  const found = [];
  for (const view of await olaf.locator('#scrub-view option').evaluateAll((os) => os.map((o) => o.value))) {
    await olaf.locator('#scrub-view').selectOption(view);
    await olaf.locator(`#scrub-out[data-view="${view}"]`).waitFor();
    found.push(...await axe(`audit-${view}`, olaf));
  }
  // The alarm, and the log's row it points at: as if this browser had verified another log
  // before (a pin at position 100 with another hash).
  await olaf.evaluate(() => {
    const key = Object.keys(localStorage).find((k) => k.startsWith('rotonde.checkpoint.'));
    localStorage.setItem(key, JSON.stringify({...JSON.parse(localStorage.getItem(key)), size: 100, hash: 'ab'.repeat(32)}));
  });
  await olaf.getByRole('button', {name: 'Opnieuw controleren'}).click();
  await olaf.locator('#verify-result[data-state="bad"]').waitFor({timeout: 15000});
  await olaf.getByRole('button', {name: 'Toon positie 100 in het logboek'}).click();
  await olaf.locator('#event-log li[data-bad] summary:focus').waitFor();
  found.push(...await axe('audit-alarm', olaf));
  await own.close();
  assert.deepEqual(found, []);
  assert.deepEqual(errors, []);
});
