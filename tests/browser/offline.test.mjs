// The app without its server, against a real `rotonde serve` in Debian's chromium: a phone
// can put it on its home screen (the manifest, its icons); its service worker keeps the
// shell; a reload while the server is down opens the app on the screens' last state, marked
// as such, with the outbox (in IndexedDB) still holding what waits, sent once the server is
// back; a command the server refused says why and is put right where it was made
// ("Aanpassen") or let go ("Weggooien"), never retried as it was.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import {createRequire} from 'node:module';
import {scenario, startServer, fitsThePhone, screenshot, serverEvents, apiAs, PLATFORM} from './harness.mjs';
import {nl} from '../../web-client/js/strings-nl.js';
import {en} from '../../web-client/js/strings-en.js';

const scene = scenario();
let bram;
const AXE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

// axe-core's WCAG 2.1 AA violations on the page as it is (evaluated by the test's own
// channel, which the app's CSP does not govern).
async function axe(page) {
  await page.evaluate(AXE);
  const r = await page.evaluate(() => window.axe.run(document, {
    runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}}));
  return r.violations.map((v) => `${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

// The browser's own log of requests the stopped server (or the cut network) refused.
const REFUSED = /WebSocket connection to .* failed|ERR_CONNECTION_REFUSED|ERR_INTERNET_DISCONNECTED/;
function onlyRefusals(p) {
  assert.deepEqual(p.errors.filter((e) => !REFUSED.test(e)), []);
  p.errors.length = 0;
}

// A value the app keeps in its IndexedDB (js/offline.js), or null.
function kept(page, key) {
  return page.evaluate((k) => new Promise((resolve) => {
    const req = indexedDB.open('rotonde');
    req.onupgradeneeded = () => req.transaction.abort();  // not made yet: leave it to the app
    req.onerror = () => resolve(null);
    req.onsuccess = () => {
      const get = req.result.transaction('kv').objectStore('kv').get(k);
      get.onsuccess = () => {
        resolve(get.result === undefined ? null : get.result);
        req.result.close();
      };
    };
  }), key);
}

// Every key in it.
function keys(page) {
  return page.evaluate(() => new Promise((resolve) => {
    const req = indexedDB.open('rotonde');
    req.onupgradeneeded = () => req.transaction.abort();
    req.onerror = () => resolve([]);
    req.onsuccess = () => {
      const all = req.result.transaction('kv').objectStore('kv').getAllKeys();
      all.onsuccess = () => {
        resolve(all.result.map(String));
        req.result.close();
      };
    };
  }));
}

async function until(what, fn, ms = 10000) {
  const end = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const outboxKey = 'rotonde.outbox.m-bram';
const failed = () => bram.page.locator('#outbox li.outbox-failed');

test('the manifest is linked and valid, its icons there; the service worker keeps the shell and controls the page', {timeout: 60000}, async () => {
  bram = await scene.add('bram');
  const {page} = bram;
  const href = await page.locator('link[rel="manifest"]').getAttribute('href');
  assert.equal(href, 'manifest.webmanifest');
  const res = await page.request.get(`/${href}`);
  assert.equal(res.status(), 200);
  assert.match(res.headers()['content-type'], /^application\/manifest\+json/);
  const m = await res.json();
  assert.equal(m.short_name, 'Rotonde');
  assert.match(m.name, /^Rotonde/);
  assert.equal(m.display, 'standalone');
  assert.equal(m.start_url, './');
  assert.equal(m.theme_color, await page.locator('meta[name="theme-color"]').getAttribute('content'));
  assert.equal(m.theme_color, '#1d4e5f');
  assert.equal(m.lang, 'nl');
  // Each icon is there, of the size it says; a PNG of 192 and one of 512, and the SVG.
  for (const icon of m.icons) {
    const r = await page.request.get(`/${icon.src}`);
    assert.equal(r.status(), 200, icon.src);
    assert.equal(r.headers()['content-type'], icon.type, icon.src);
    if (icon.type === 'image/png') {
      const png = await r.body();
      assert.equal(png.subarray(1, 4).toString(), 'PNG');
      assert.equal(`${png.readUInt32BE(16)}x${png.readUInt32BE(20)}`, icon.sizes, icon.src);
    }
  }
  assert.deepEqual(m.icons.filter((i) => i.type === 'image/png').map((i) => i.sizes).sort(), ['192x192', '512x512', '512x512']);
  assert.ok(m.icons.some((i) => i.src === 'icon.svg'));
  // As the browser reads it: no errors, and nothing stands in the way of installing it.
  const cdp = await bram.context.newCDPSession(page);
  const read = await cdp.send('Page.getAppManifest');
  assert.deepEqual(read.errors, []);
  assert.ok(read.url.endsWith('/manifest.webmanifest'));

  // The service worker: registered after the first screen, then in control, the shell kept.
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, {timeout: 30000});
  const sw = await page.evaluate(async () => {
    const reg = await navigator.serviceWorker.ready;
    const cache = await caches.open('rotonde-shell-v1');
    return {script: reg.active.scriptURL, scope: reg.scope, files: (await cache.keys()).map((r) => new URL(r.url).pathname)};
  });
  assert.match(sw.script, /\/sw\.js$/);
  assert.equal(new URL(sw.scope).pathname, '/');
  for (const f of ['/index.html', '/css/app.css', '/js/app.js', '/js/screens/tasks.js', '/js/strings-nl.js',
    '/js/strings-en.js', '/icon.svg', '/manifest.webmanifest']) {
    assert.ok(sw.files.includes(f), `${f} kept: ${sw.files.join(' ')}`);
  }
  assert.deepEqual(sw.files.filter((f) => f.startsWith('/api/')), [], 'nothing of the API');
  // Installable, but for the test's own browser being incognito.
  const installable = await cdp.send('Page.getInstallabilityErrors');
  assert.deepEqual(installable.installabilityErrors.filter((e) => e.errorId !== 'in-incognito'), []);
  await cdp.detach();
});

test('a reload while the server is down: the last state, marked as such, and the outbox; back within 2 s, the queued command sent once', {timeout: 120000}, async () => {
  const {page} = bram;
  await page.locator('nav a[data-nav="tasks"]').click();
  const open = page.locator('#tasks-open li[data-task]');
  await open.first().waitFor();
  const openBefore = await open.evaluateAll((els) => els.map((e) => e.dataset.task));
  const task = openBefore[0];
  // The screens' views are kept on the device as they come.
  for (const view of ['tasks', 'board', 'members', 'clashes', 'figures']) {
    await until(`${view} kept`, async () => (await kept(page, `view|m-bram|${PLATFORM}|${view}`)) !== null);
  }

  const listen = new URL(scene.server.url).host;
  await scene.server.stop({keepData: true});
  await page.locator('#conn[data-state="reconnecting"]').waitFor({timeout: 10000});
  // A claim while the server is away waits in the outbox.
  await page.locator(`#tasks-open li[data-task="${task}"]`).getByRole('button', {name: 'Ik doe het'}).click();
  await page.locator('#outbox', {hasText: nl['outbox.waiting']}).waitFor({timeout: 5000});

  await page.reload();
  // The app opens (its shell from the service worker) on the tasks as they were, marked.
  const note = page.locator('#offline-note');
  await note.waitFor({timeout: 10000});
  assert.match(await note.innerText(), /^Offline — je ziet de laatst bekende stand van \d{1,2} [a-z]{3}\.? \d{4}, \d{2}:\d{2}\.$/);
  assert.equal(await note.getAttribute('role'), 'status');
  await page.locator(`#tasks-open li[data-task="${task}"]`).waitFor();
  assert.deepEqual(await open.evaluateAll((els) => els.map((e) => e.dataset.task)), openBefore);
  const waiting = page.locator('#outbox li.outbox-queued');
  await waiting.waitFor();
  assert.match(await waiting.innerText(), /wacht op verbinding/);
  assert.match(await page.locator('#tools').innerText(), /Bram Jansen/, 'still signed in, as the device last knew');
  await fitsThePhone(page);
  assert.deepEqual(await axe(page), []);
  await screenshot(page, 'offline-tasks-390');
  await page.setViewportSize({width: 1280, height: 900});
  await screenshot(page, 'offline-tasks-1280');
  await page.setViewportSize({width: 390, height: 844});
  // Every screen kept opens too: the rotonde, from its own views.
  await page.locator('nav a[data-nav="home"]').click();
  await page.locator('#clashes li[data-clash]').first().waitFor();
  assert.match(await note.innerText(), /^Offline — je ziet de laatst bekende stand van/);
  await fitsThePhone(page);
  await screenshot(page, 'offline-home-390');
  // A screen never opened here says so instead of loading for ever.
  await page.locator('nav a[data-nav="budget"]').click();
  await page.locator('#offline-note', {hasText: 'nog niets bewaard'}).waitFor();
  // In English too (its texts from the service worker's copy).
  await page.getByRole('button', {name: 'Switch to English'}).click();
  await page.locator('nav a[data-nav="tasks"]').click();
  await page.locator('#offline-note', {hasText: en['offline.banner'].split('{time}')[0]}).waitFor();
  await page.getByRole('button', {name: 'Overschakelen naar Nederlands'}).click();
  await page.locator('#offline-note', {hasText: /^Offline — je ziet/}).waitFor();

  // The server is back: within two seconds the page is online, sends what waited (once),
  // and the screen is the server's again.
  scene.server = await startServer({data: scene.server.data, listen});
  const back = Date.now();
  await page.locator('#conn[data-state="online"]').waitFor({timeout: 2000});
  console.log(`# back online ${Date.now() - back} ms after the server listened (the page started offline)`);
  await page.locator('#outbox').waitFor({state: 'hidden', timeout: 10000});
  await page.locator(`#tasks-mine li[data-task="${task}"]`).waitFor({timeout: 5000});
  await note.waitFor({state: 'hidden', timeout: 5000});
  const claims = (await serverEvents(page)).filter((e) => /TaskClaimed$/.test(e.type) && JSON.stringify(e.event).includes(`"${task}"`));
  assert.equal(claims.length, 1);
  onlyRefusals(bram);
});

test('a refused command says why, with Aanpassen (the form filled in) and Weggooien, never the same again; the outbox outlives a reload', {timeout: 90000}, async () => {
  const {page, context} = bram;
  // Proposed offline with its last day before its first: the server refuses it once it is sent.
  await context.setOffline(true);
  await page.locator('#conn[data-state="offline"]').waitFor({timeout: 5000});
  await page.locator('nav a[data-nav="initiatives"]').click();
  await page.getByRole('link', {name: 'Nieuw initiatief'}).click();
  await page.getByLabel('Naam van het initiatief').fill('Rommelmarkt op het Kolenkitplein');
  await page.getByLabel('Soort').selectOption('INITIATIVE_KIND_STREET_MARKET');
  await page.getByLabel('Datum').fill('2027-06-12');
  await page.getByLabel('Tot en met').fill('2027-06-05');
  await page.getByLabel('Plek').fill('Kolenkitplein');
  await page.locator('#propose-submit').click();
  await page.locator('#outbox', {hasText: nl['outbox.waiting']}).waitFor({timeout: 5000});
  await context.setOffline(false);

  const item = failed();
  await item.waitFor({timeout: 30000});
  assert.match(await item.innerText(), new RegExp(`niet gelukt: ${nl['err.invalid_date']}`));
  await item.getByRole('button', {name: 'Aanpassen'}).waitFor();
  await item.getByRole('button', {name: 'Weggooien'}).waitFor();
  assert.equal(await item.getByRole('button', {name: 'Opnieuw proberen'}).count(), 0, 'the same again would be refused again');
  // Each button says which action it is about.
  const describedBy = await item.getByRole('button', {name: 'Aanpassen'}).getAttribute('aria-describedby');
  assert.match(await page.locator(`[id="${describedBy}"]`).innerText(), /Rommelmarkt op het Kolenkitplein/);
  await fitsThePhone(page);
  assert.deepEqual(await axe(page), []);
  await screenshot(page, 'outbox-refused-edit-390');

  // The outbox is in IndexedDB now, not localStorage, and outlives a reload.
  assert.equal(await page.evaluate((k) => localStorage.getItem(k), outboxKey), null);
  assert.equal((await kept(page, outboxKey)).filter((e) => e.state === 'failed').length, 1);
  await page.reload();
  await page.locator('#conn[data-state="online"]').waitFor({timeout: 15000});
  await item.waitFor();
  assert.match(await item.innerText(), new RegExp(`niet gelukt: ${nl['err.invalid_date']}`));

  // Aanpassen: the form, filled in with what was sent, and why it was refused.
  await item.getByRole('button', {name: 'Aanpassen'}).click();
  await page.locator('#from-refused', {hasText: nl['err.invalid_date']}).waitFor();
  assert.equal(await page.getByLabel('Naam van het initiatief').inputValue(), 'Rommelmarkt op het Kolenkitplein');
  assert.equal(await page.getByLabel('Soort').inputValue(), 'INITIATIVE_KIND_STREET_MARKET');
  assert.equal(await page.getByLabel('Datum').inputValue(), '2027-06-12');
  assert.equal(await page.getByLabel('Tot en met').inputValue(), '2027-06-05');
  assert.equal(await page.getByLabel('Plek').inputValue(), 'Kolenkitplein');
  assert.equal(await page.evaluate(() => document.activeElement.tagName), 'H1', 'a keyboard starts at the screen');
  await fitsThePhone(page);
  await screenshot(page, 'propose-from-refused-390');
  await page.getByLabel('Tot en met').fill('2027-06-13');
  await page.locator('#propose-submit').click();
  await page.locator('h1', {hasText: 'Rommelmarkt op het Kolenkitplein'}).waitFor({timeout: 10000});
  // Put right, the refused one has gone from the outbox.
  await page.locator('#outbox').waitFor({state: 'hidden', timeout: 5000});
  const proposed = (await serverEvents(page)).filter((e) => /InitiativeProposed$/.test(e.type)
    && e.event.initiativeProposed.title === 'Rommelmarkt op het Kolenkitplein');
  assert.equal(proposed.length, 1);
  assert.equal(proposed[0].event.initiativeProposed.when.endDate, '2027-06-13');

  // A change made offline while someone else changed the same initiative: refused, and
  // Aanpassen shows both side by side.
  const ini = proposed[0].event.initiativeProposed.initiativeId;
  await page.getByRole('button', {name: 'Wijzigen'}).click();
  await context.setOffline(true);
  await page.locator('#conn[data-state="offline"]').waitFor({timeout: 5000});
  await page.getByLabel('Naam van het initiatief').fill('Rommelmarkt met kinderkleding');
  await page.getByRole('button', {name: 'Opslaan'}).click();
  await page.locator('#outbox', {hasText: nl['outbox.waiting']}).waitFor({timeout: 5000});
  const anna = await apiAs(scene.server.url, 'anna');
  const board = (await anna('GET', `/api/v1/platforms/${PLATFORM}/views/board`)).body.view;
  const now = board.initiatives.find((x) => x.id === ini);
  const theirs = await anna('POST', `/api/v1/platforms/${PLATFORM}/commands`, {commandId: `offline-edit-${Date.now()}`,
    expectedVersion: String(now.version), updateInitiative: {initiativeId: ini, kind: now.kind, title: 'Rommelmarkt en ruilbeurs',
      description: now.description || '', when: now.when, place: now.place}});
  assert.equal(theirs.status, 200, JSON.stringify(theirs.body));
  await context.setOffline(false);
  await item.waitFor({timeout: 30000});
  assert.match(await item.innerText(), new RegExp(`niet gelukt: ${nl['err.wrong_expected_version']}`));
  await item.getByRole('button', {name: 'Aanpassen'}).click();
  const compare = page.locator('table.compare');
  await compare.waitFor();
  await page.locator('#edit-refused', {hasText: nl['err.wrong_expected_version']}).waitFor();
  assert.match(await compare.innerText(), /Rommelmarkt met kinderkleding/);
  assert.match(await compare.innerText(), /Rommelmarkt en ruilbeurs/);
  assert.equal(await page.evaluate(() => document.activeElement.textContent), nl['initiative.editConflict']);
  await fitsThePhone(page);
  await screenshot(page, 'edit-from-refused-390');
  await page.getByRole('button', {name: nl['initiative.editKeepMine']}).click();
  await page.locator('h1', {hasText: 'Rommelmarkt met kinderkleding'}).waitFor({timeout: 10000});
  await page.locator('#outbox').waitFor({state: 'hidden', timeout: 5000});

  // Weggooien: a claim made offline on a task someone else took meanwhile.
  await page.locator('nav a[data-nav="tasks"]').click();
  const task = await page.locator('#tasks-open li[data-task]').first().getAttribute('data-task');
  await context.setOffline(true);
  await page.locator('#conn[data-state="offline"]').waitFor({timeout: 5000});
  await page.locator(`#tasks-open li[data-task="${task}"]`).getByRole('button', {name: 'Ik doe het'}).click();
  const dewi = await apiAs(scene.server.url, 'dewi');
  const taken = await dewi('POST', `/api/v1/platforms/${PLATFORM}/commands`, {commandId: `offline-claim-${Date.now()}`,
    claimTask: {taskId: task}});
  assert.equal(taken.status, 200, JSON.stringify(taken.body));
  await context.setOffline(false);
  await item.waitFor({timeout: 30000});
  assert.match(await item.innerText(), new RegExp(`niet gelukt: ${nl['err.task_already_claimed']}`));
  await item.getByRole('button', {name: 'Weggooien'}).click();
  await page.locator('#outbox').waitFor({state: 'hidden'});
  assert.deepEqual(await kept(page, outboxKey), []);
  onlyRefusals(bram);
});

test('an outbox kept in localStorage by the previous version is moved to IndexedDB and sent, once', {timeout: 60000}, async () => {
  const {page} = bram;
  const anna = await apiAs(scene.server.url, 'anna');
  const board = (await anna('GET', `/api/v1/platforms/${PLATFORM}/views/board`)).body.view;
  const ini = board.initiatives.find((x) => x.status === 'active' && !x.organizerIds.includes('m-bram'));
  // What the previous version left: a join queued, under the same key.
  const commandId = `c-upgrade-${Date.now()}`;
  await page.evaluate(({key, entry}) => localStorage.setItem(key, JSON.stringify([entry])), {key: outboxKey,
    entry: {commandId, platform: PLATFORM, command: {commandId, joinInitiative: {initiativeId: ini.id}},
      label: {key: 'label.joinInitiative', vars: {title: ini.title}}, state: 'sent', at: Date.now()}});
  await page.reload();
  await page.locator('#conn[data-state="online"]').waitFor({timeout: 15000});
  // Moved (the old key gone once IndexedDB has it), then sent and answered.
  await until('moved', async () => (await page.evaluate((k) => localStorage.getItem(k), outboxKey)) === null);
  await page.locator('#toast', {hasText: 'Alsnog verstuurd: Meedoen met'}).waitFor({timeout: 5000});
  await until('the outbox empty', async () => JSON.stringify(await kept(page, outboxKey)) === '[]');
  const joins = (await serverEvents(page)).filter((e) => /InitiativeJoined$/.test(e.type)
    && e.event.initiativeJoined.initiativeId === ini.id && e.event.initiativeJoined.memberId === 'm-bram');
  assert.equal(joins.length, 1);
});

test('signing out takes the account\'s last state off the device: a reload without the server then asks to sign in', {timeout: 60000}, async () => {
  const {page} = bram;
  await until('views kept', async () => (await keys(page)).some((k) => k.startsWith('view|m-bram|')));
  await page.getByRole('button', {name: 'Uitloggen'}).click();
  await page.getByRole('button', {name: 'Inloggen'}).waitFor();
  await until('forgotten', async () => !(await keys(page)).some((k) => /^(view|seen)\|m-bram\||^session$/.test(k)));
  await scene.server.stop({keepData: true});
  await page.reload();
  await page.getByRole('button', {name: 'Inloggen'}).waitFor();
  assert.equal(await page.locator('#offline-note').isHidden(), true);
  assert.equal(await page.locator('#tools').innerText().then((t) => t.includes('Bram')), false);
  onlyRefusals(bram);
});
