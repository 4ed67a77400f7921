// Notifications against a real `rotonde serve` with the demo neighbourhood and mail on (its
// SMTP server the sink of smtp-sink.mjs, digests every 3 s), in Debian's chromium: a clash
// with Bram's initiative arrives live in his bell and inbox, without a reload, told as a
// sentence; opening it marks it read on every page of his; "Alles gelezen"; the mail settings
// set through the screen (the server's refusal of an address shown in Dutch), one mail at
// once naming both initiatives whose link opens the initiative (signed in, and signed out
// through the sign-in form), a digest carrying two notifications in one mail, the unsubscribe
// link of a mail's footer used without a session; a server that sends no mail says so; a link
// into a platform the account is no member of, and into another of its platforms (switched to
// first); axe-core, 390 and 1280 px, English.
import {test, after} from 'node:test';
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {createRequire} from 'node:module';
import {scenario, person, startServer, signIn, fitsThePhone, screenshot, apiAs, plain, rotondeBinary, PLATFORM} from './harness.mjs';
import {startSmtpSink} from './smtp-sink.mjs';
import {nl} from '../../web-client/js/strings-nl.js';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

const sink = await startSmtpSink();
after(() => sink.close());
const scene = scenario({extraArgs: ['--smtp-url', sink.url, '--mail-from', 'buurt@example.nl',
  '--mail-digest-every', '3']});

const BRAM_MAIL = 'bram@example.org';
const DEWI_MAIL = 'dewi@example.org';
// Days nothing else happens on in the demo (after its last initiative, 27 June), so each
// clash below is the only one.
const D1 = '2026-08-01';
const D2 = '2026-08-15';
const D3 = '2026-09-05';

let bram; let bramLaptop; let asBram; let asDewi;
let bramsMail;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function market(as, title, date, place = 'Kolenkitplein') {
  const r = await as('POST', `/api/v1/platforms/${PLATFORM}/commands`, {commandId: `c-${title.replace(/\W+/g, '-')}-${Date.now()}`,
    proposeInitiative: {kind: 'INITIATIVE_KIND_STREET_MARKET', title, when: {startDate: date}, place: {text: place}}});
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.events.find((e) => e.type.endsWith('InitiativeProposed')).event.initiativeProposed.initiativeId;
}

const unread = async (p) => Number(await p.page.locator('#bell').getAttribute('data-unread'));

async function unreadBecomes(p, n, timeout = 10000) {
  await p.page.locator(`#bell[data-unread="${n}"]`).waitFor({timeout});
}

// A page of `p`'s account that axe-core can be injected into: check(hash, ready) gives the
// violations of WCAG 2.1 A and AA on that screen.
async function axe(p) {
  // bypassCSP only so that the test can inject axe-core; the app itself never needs it.
  const context = await scene.browser.newContext({baseURL: scene.server.url, viewport: {width: 390, height: 844},
    bypassCSP: true, locale: 'nl-NL', timezoneId: 'Europe/Amsterdam', storageState: await p.context.storageState()});
  context.setDefaultTimeout(10000);
  const page = await context.newPage();
  scene.people.push({context, page, errors: [], dialogs: [], name: 'axe'});
  return async (hash, ready) => {
    await page.goto(`/${hash}`);
    await page.locator(ready).first().waitFor({timeout: 15000});
    await page.addScriptTag({path: AXE});
    return page.evaluate(async () => (await window.axe.run(document, {
      runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
    })).violations.map((v) => `${v.id}: ${v.help} (${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')})`));
  };
}

// Expected browser errors (a refused request shows in the console): taken off the list.
function expectErrors(p, pattern, n = 1) {
  const hits = p.errors.filter((e) => pattern.test(e));
  assert.equal(hits.length, n, p.errors.join('\n'));
  p.errors.splice(0, Infinity, ...p.errors.filter((e) => !pattern.test(e)));
}

const mailsTo = (address) => sink.messages.filter((m) => m.to.includes(address));

test('a clash with his initiative arrives live in Bram’s bell and inbox; opening it marks it read on every page', {timeout: 120000}, async () => {
  bram = await scene.add('bram');
  bramLaptop = await scene.add('bram', {width: 1280, height: 900, name: 'bram-laptop'});
  asBram = await apiAs(scene.server.url, 'bram');
  asDewi = await apiAs(scene.server.url, 'dewi');
  const {page} = bram;
  await page.locator('#clashes').waitFor();
  await page.locator('#bell[data-unread]').waitFor();
  const before = await unread(bram);
  assert.equal(await page.getByRole('link', {name: `Meldingen, ${before} ongelezen`, exact: true}).count(), 1);
  await page.evaluate(() => {
    window.notReloaded = true;
  });

  const mine = await market(asBram, 'Braderie aan de Kolenkitbuurt', D1);
  await sleep(300);
  assert.equal(await unread(bram), before, 'his own initiative on a free day tells him nothing');
  const theirs = await market(asDewi, 'Rommelmarkt op het Erasmusplein', D1, 'Erasmusplein');
  await unreadBecomes(bram, before + 1);
  await unreadBecomes(bramLaptop, before + 1);
  assert.equal(await page.evaluate(() => window.notReloaded), true, 'no reload');
  assert.equal(plain(await page.locator('#bell-count').innerText()), String(before + 1));
  await page.getByRole('link', {name: `Meldingen, ${before + 1} ongelezen`, exact: true}).waitFor();
  await page.locator('#announcer', {hasText: '1 nieuwe melding'}).waitFor({timeout: 5000});

  await page.locator('#bell').click();
  await page.locator('main h1', {hasText: nl['inbox.title']}).waitFor();
  const first = page.locator('#inbox-list > li').first();
  const sentence = 'Mogelijke dubbeling: ‘Braderie aan de Kolenkitbuurt’ en ‘Rommelmarkt op het Erasmusplein’';
  assert.equal(plain(await first.locator('.inbox-text').innerText()), sentence);
  assert.equal(await first.getAttribute('data-read'), 'false');
  assert.equal(await first.getAttribute('data-kind'), 'clash_detected');
  // Unread is said in words (the badge, and to a screen reader in the link's name), not by colour alone.
  assert.equal(plain(await first.locator('.badge-new').innerText()), 'Nieuw');
  assert.equal(await page.getByRole('link', {name: `ongelezen: ${sentence}`}).count(), 1);
  assert.match(plain(await first.locator('time').innerText()), /^(zojuist|\d+ minuten? geleden)$/);
  assert.equal(plain(await page.locator('#inbox-count').innerText()), `${before + 1} ongelezen`);
  // Newest first.
  const positions = await page.locator('#inbox-list > li').evaluateAll((els) => els.map((e) => Number(e.dataset.position)));
  assert.deepEqual(positions, [...positions].sort((a, b) => b - a));
  await fitsThePhone(page);
  await screenshot(page, 'inbox-390');

  // Opened: the initiative, and it is read, here and on his laptop.
  await first.locator('a').click();
  await page.locator('main h1', {hasText: 'Braderie aan de Kolenkitbuurt'}).waitFor();
  assert.equal(new URL(page.url()).hash, `#/initiatives/${mine}`);
  await unreadBecomes(bram, before);
  await unreadBecomes(bramLaptop, before);
  await page.goBack();
  await page.locator(`#inbox-list > li[data-read="true"]`).first().waitFor();
  assert.equal(await page.locator('#inbox-list > li').first().getAttribute('data-read'), 'true');
  assert.equal(await page.locator('#inbox-list > li').first().locator('.badge-new').count(), 0);
  assert.ok(theirs);

  // On the laptop, in English.
  const laptop = bramLaptop.page;
  await laptop.locator('#bell').click();
  await laptop.locator('#inbox-list > li').first().waitFor();
  await screenshot(laptop, 'inbox-1280');
  await laptop.getByRole('button', {name: 'Switch to English'}).click();
  await laptop.locator('main h1', {hasText: 'Notifications'}).waitFor();
  assert.equal(plain(await laptop.locator('#inbox-list > li .inbox-text').first().innerText()),
    'Possible duplicate: ‘Braderie aan de Kolenkitbuurt’ and ‘Rommelmarkt op het Erasmusplein’');
  assert.equal(await laptop.getByRole('link', {name: /^Notifications, (\d+ unread|none unread)$/}).count(), 1);
  await laptop.locator('#tools button[lang="nl"]').click();
  await laptop.locator('main h1', {hasText: 'Meldingen'}).waitFor();

  // "Alles gelezen", by keyboard: everything read, on both pages; the focus stays on the button.
  if (before > 0) {
    const all = page.getByRole('button', {name: 'Alles gelezen'});
    await all.focus();
    await page.keyboard.press('Enter');
    await unreadBecomes(bram, 0);
    await unreadBecomes(bramLaptop, 0);
    await page.locator('#inbox-list > li[data-read="false"]').first().waitFor({state: 'detached'});
    assert.equal(await page.evaluate(() => document.activeElement.dataset.fk), 'all-read');
    assert.equal(await page.locator('#bell-count').isVisible(), false);
    assert.equal(await page.getByRole('link', {name: 'Meldingen, niets ongelezen', exact: true}).count(), 1);
  }
});

test('the mail settings through the screen; a clash mailed at once, its link opening the initiative', {timeout: 120000}, async () => {
  const {page} = bram;
  await page.goto('/#/inbox');
  await page.getByRole('link', {name: nl['inbox.settings']}).click();
  await page.locator('main h1', {hasText: nl['mail.title']}).waitFor();
  await page.locator('#mail-form').waitFor();
  assert.equal(await page.locator('#mail-off-server').count(), 0, 'this server sends mail');
  // The server refuses what is no address, said in Dutch beside the form.
  await page.getByLabel(nl['mail.address']).fill('bram-at-home');
  await page.getByLabel(nl['mail.instant']).check();
  await page.getByRole('button', {name: nl.save}).click();
  await page.locator('#mail-form .form-error', {hasText: nl['mail.badAddress']}).waitFor();
  assert.equal(await page.getByLabel(nl['mail.address']).getAttribute('aria-invalid'), 'true');
  expectErrors(bram, /status of 400/);
  await page.getByLabel(nl['mail.address']).fill(BRAM_MAIL);
  await page.getByLabel('Nederlands').check();
  await page.getByRole('button', {name: nl.save}).click();
  await page.locator('#mail-saved', {hasText: nl['mail.saved']}).waitFor();
  assert.deepEqual((await asBram('GET', '/api/v1/mail/settings')).body,
    {address: BRAM_MAIL, mode: 'instant', language: 'nl', serverSendsMail: true});
  // Read back as saved.
  await page.reload();
  await page.locator('#mail-form').waitFor();
  assert.equal(await page.getByLabel(nl['mail.address']).inputValue(), BRAM_MAIL);
  assert.equal(await page.getByLabel(nl['mail.instant']).isChecked(), true);
  await fitsThePhone(page);
  await screenshot(page, 'mail-settings-390');
  await bramLaptop.page.goto('/#/meldingen');
  await bramLaptop.page.locator('#mail-form').waitFor();
  await screenshot(bramLaptop.page, 'mail-settings-1280');

  const already = mailsTo(BRAM_MAIL).length;
  const mine = await market(asBram, 'Zomermarkt Kolenkit', D2);
  const theirs = await market(asDewi, 'Tweedehandsmarkt De Wijk', D2, 'Erasmusplein');
  await sink.waitFor(() => mailsTo(BRAM_MAIL).length > already, 10000);
  await sleep(1500);  // and no second one
  const mails = mailsTo(BRAM_MAIL).slice(already);
  assert.equal(mails.length, 1, mails.map((m) => m.subject).join('\n'));
  [bramsMail] = mails;
  for (const title of ['Zomermarkt Kolenkit', 'Tweedehandsmarkt De Wijk']) {
    assert.ok(bramsMail.subject.includes(title), bramsMail.subject);
    assert.ok(bramsMail.text.includes(title), bramsMail.text);
  }
  assert.deepEqual(bramsMail.parts, ['text/plain', 'text/html']);
  const link = /(https?:\/\/\S+\/#\/p\/kolenkit\/initiatives\/(\S+))/.exec(bramsMail.text);
  assert.ok(link, bramsMail.text);
  assert.ok([mine, theirs].includes(link[2]), link[2]);
  const expected = link[2] === mine ? 'Zomermarkt Kolenkit' : 'Tweedehandsmarkt De Wijk';

  // Opened in a fresh page of Bram's, signed in: the initiative, on its platform.
  const reader = await scene.add('bram', {name: 'bram-mail'});
  await reader.page.goto(link[1]);
  await reader.page.locator('main h1', {hasText: expected}).waitFor();
  assert.equal(new URL(reader.page.url()).hash, `#/initiatives/${link[2]}`);
  await reader.page.locator('nav a[data-nav="initiatives"]').waitFor();

  // Signed out: the sign-in form first, then the initiative.
  const visitor = await person(scene.browser, scene.server.url, {name: 'signed-out'});
  scene.people.push(visitor);
  await visitor.page.goto(link[1]);
  await visitor.page.getByLabel('Gebruikersnaam').fill('bram');
  await visitor.page.getByLabel('Wachtwoord').fill('rotonde-demo');
  await visitor.page.getByRole('button', {name: 'Inloggen'}).click();
  await visitor.page.locator('main h1', {hasText: expected}).waitFor({timeout: 15000});
  assert.equal(new URL(visitor.page.url()).hash, `#/initiatives/${link[2]}`);

  // The inbox and budget links of mails too; and a platform the account is no member of.
  await reader.page.goto(`${scene.server.url}/#/p/${PLATFORM}/inbox`);
  await reader.page.locator('main h1', {hasText: nl['inbox.title']}).waitFor();
  assert.equal(new URL(reader.page.url()).hash, '#/inbox');
  await reader.page.goto(`${scene.server.url}/#/p/${PLATFORM}/budget`);
  await reader.page.locator('#budget-totals').waitFor();
  await reader.page.goto(`${scene.server.url}/#/p/elders/initiatives`);
  await reader.page.locator('main h1', {hasText: nl['notMember.title']}).waitFor();
  // The resident's public form keeps its own route.
  await reader.page.goto(`${scene.server.url}/#/p/${PLATFORM}/voorstel`);
  await reader.page.getByLabel(nl['pub.title']).waitFor();
});

test('a digest: two notifications in one mail', {timeout: 90000}, async () => {
  // Dewi's two markets on one day (a clash of her own, before she asks for mail).
  await market(asDewi, 'Boekenmarkt Dewi', D3, 'Bibliotheek');
  await market(asDewi, 'Plantjesmarkt Dewi', D3, 'Erasmuspark');
  const dewi = await scene.add('dewi');
  await dewi.page.goto('/#/meldingen');
  await dewi.page.locator('#mail-form').waitFor();
  await dewi.page.getByLabel(nl['mail.address']).fill(DEWI_MAIL);
  await dewi.page.getByLabel(nl['mail.digest']).check();
  await dewi.page.getByRole('button', {name: nl.save}).click();
  await dewi.page.locator('#mail-saved', {hasText: nl['mail.saved']}).waitFor();
  // A digest round (every 3 s) goes by, with whatever was waiting.
  await sleep(4000);
  const already = mailsTo(DEWI_MAIL).length;
  // One market of Bram's that day: two notifications for Dewi, one for each of hers.
  await market(asBram, 'Vlooienmarkt Bram', D3, 'Kolenkitplein');
  await sink.waitFor(() => mailsTo(DEWI_MAIL).length > already, 10000);
  await sleep(4000);  // the next round sends nothing more
  const mails = mailsTo(DEWI_MAIL).slice(already);
  assert.equal(mails.length, 1, mails.map((m) => `${m.subject}\n${m.text}`).join('\n---\n'));
  const [digest] = mails;
  for (const title of ['Boekenmarkt Dewi', 'Plantjesmarkt Dewi']) assert.ok(digest.text.includes(title), digest.text);
  assert.equal(digest.text.split('Vlooienmarkt Bram').length - 1, 2, digest.text);
  assert.equal((digest.text.match(/\/#\/p\/kolenkit\/initiatives\//g) || []).length, 2, digest.text);
  // Her inbox has them too.
  await dewi.page.locator('#bell').click();
  await dewi.page.locator('#inbox-list > li', {hasText: 'Vlooienmarkt Bram'}).nth(1).waitFor();
});

test('the unsubscribe link of a mail, without a session', {timeout: 60000}, async () => {
  const link = /(https?:\/\/\S+\/#\/afmelden\/(\S+))/.exec(bramsMail.text);
  assert.ok(link, bramsMail.text);
  const visitor = await person(scene.browser, scene.server.url, {name: 'unsubscriber'});
  scene.people.push(visitor);
  const {page} = visitor;
  await page.goto(link[1]);
  await page.locator('main h1', {hasText: nl['unsub.title']}).waitFor();
  assert.equal(await page.locator('#conn').isVisible(), false, 'no session here');
  await fitsThePhone(page);
  await screenshot(page, 'unsubscribe-390');
  await page.getByRole('button', {name: nl['unsub.button']}).click();
  await page.getByText(nl['unsub.done']).waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.textContent), nl['unsub.done']);
  await page.getByRole('link', {name: nl['unsub.settings']}).waitFor();
  const settings = (await asBram('GET', '/api/v1/mail/settings')).body;
  assert.equal(settings.mode, 'off');
  // A link that is not right: said so, in Dutch.
  await page.goto(`${scene.server.url}/#/afmelden/m-bram.0000`);
  await page.getByRole('button', {name: nl['unsub.button']}).click();
  await page.getByRole('alert').filter({hasText: nl['err.invalid_link']}).waitFor();
  expectErrors(visitor, /status of 404/);
});

test('the inbox and the mail settings meet WCAG 2.1 AA (axe-core)', {timeout: 60000}, async () => {
  const check = await axe(bram);
  const found = [
    ...await check('#/inbox', '#inbox-list > li'),
    ...await check('#/meldingen', '#mail-form'),
    ...await check('#/afmelden/x', 'main h1'),
  ];
  assert.deepEqual(found, []);
});

test('a server that sends no mail says so on the settings screen', {timeout: 90000}, async () => {
  const server = await startServer();
  try {
    const p = await person(scene.browser, server.url, {name: 'no-mail'});
    try {
      await signIn(p, 'anna', '#/meldingen');
      await p.page.locator('#mail-off-server').waitFor();
      assert.equal(plain(await p.page.locator('#mail-off-server').innerText()), nl['mail.noServer']);
      // The form is there all the same; the inbox works.
      await p.page.locator('#mail-form').waitFor();
      await p.page.locator('#bell').click();
      await p.page.locator('main h1', {hasText: nl['inbox.title']}).waitFor();
      assert.deepEqual([...p.errors, ...p.dialogs], []);
    } finally {
      await p.context.close();
    }
  } finally {
    await server.stop();
  }
});

test('a mail’s link into another platform of the account switches to it first', {timeout: 90000}, async () => {
  const made = spawnSync(rotondeBinary(), ['admin', 'create-platform', '--data', scene.server.data, '--platform', 'noord',
    '--name', 'Buurtplatform Noord', '--neighbourhood', 'Banne Buiksloot'], {encoding: 'utf8', timeout: 30000});
  assert.equal(made.status, 0, made.stderr);
  const invite = /#\/invite\/[0-9a-f]{64}/.exec(made.stdout);
  assert.ok(invite, made.stdout);
  const p = await scene.add('bram', {name: 'bram-two-platforms'});
  const {page} = p;
  await page.goto(`/${invite[0]}`);
  await page.getByRole('button', {name: nl['invite.join']}).click();
  await page.locator('select.platform-select').waitFor({timeout: 15000});
  // From kolenkit to noord's inbox, and back to an initiative of kolenkit.
  await page.locator('select.platform-select').selectOption('kolenkit');
  await page.locator('main h1').waitFor();
  await page.goto(`${scene.server.url}/#/p/noord/inbox`);
  await page.locator('main h1', {hasText: nl['inbox.title']}).waitFor();
  await page.locator('#inbox-list, main .empty').first().waitFor();
  assert.equal(new URL(page.url()).hash, '#/inbox');
  assert.equal(await page.locator('select.platform-select').inputValue(), 'noord');
  assert.equal(plain(await page.locator('main .empty').innerText()), nl['inbox.none']);
  const board = (await asBram('GET', `/api/v1/platforms/${PLATFORM}/views/board`)).body.view;
  const ini = board.initiatives.find((i) => i.title === 'Zomermarkt Kolenkit');
  await page.goto(`${scene.server.url}/#/p/${PLATFORM}/initiatives/${ini.id}`);
  await page.locator('main h1', {hasText: 'Zomermarkt Kolenkit'}).waitFor();
  assert.equal(await page.locator('select.platform-select').inputValue(), PLATFORM);
  assert.equal(new URL(page.url()).hash, `#/initiatives/${ini.id}`);
});
