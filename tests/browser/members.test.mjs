// The members screen against a real `rotonde serve` with the demo neighbourhood, in Debian's
// chromium: a plain member and the auditor see no controls; the admin makes a member
// coordinator and takes it back, and the member's own page follows live; the admin removes a
// member, everyone's list drops them live, and the removed member is told so, in Dutch, on
// their next action; the platform's only admin is offered neither another role nor removal,
// and the server refuses both when asked anyway; a refusal the page could not foresee shows
// beside the member; axe-core finds nothing to fault in the controls; phone and laptop width.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {createRequire} from 'node:module';
import {scenario, fitsThePhone, signIn, screenshot, serverEvents, apiAs, PLATFORM} from './harness.mjs';
import {nl} from '../../web-client/js/strings-nl.js';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

const scene = scenario();
const {add} = scene;
let anna; let bram; let carla; let dewi;


async function toMembers(p) {
  await p.page.locator('nav a[data-nav="members"]').click();
  await p.page.locator('#member-list li[data-member="m-anna"]').waitFor();
}

const row = (p, id) => p.page.locator(`#member-list li[data-member="${id}"]`);
const controls = (p) => p.page.locator('#member-list').locator('select, button, form');
const roleSelect = (p, name) => p.page.getByRole('combobox', {name: `Rol van ${name}`, exact: true});
const removeButton = (p, name) => p.page.getByRole('button', {name: `${name} verwijderen uit het platform`});
const focused = (p) => p.page.evaluate(() => document.activeElement.dataset.member
  || document.activeElement.getAttribute('aria-label') || document.activeElement.tagName);

// The members view as the server has it now, and its position.
async function membersView(call) {
  const res = await call('GET', `/api/v1/platforms/${PLATFORM}/views/members`);
  assert.equal(res.status, 200);
  return {position: res.body.position, byId: Object.fromEntries(res.body.view.members.map((m) => [m.id, m]))};
}

test('a plain member and the auditor see the members, and no controls', {timeout: 60000}, async () => {
  bram = await add('bram');
  await toMembers(bram);
  assert.ok(await bram.page.locator('#member-list li[data-member]').count() >= 10, 'the demo members are listed');
  assert.equal(await controls(bram).count(), 0);
  const olaf = await add('olaf');
  await toMembers(olaf);
  assert.equal(await controls(olaf).count(), 0);
  await olaf.context.close();
  scene.people.splice(scene.people.indexOf(olaf), 1);
});

test('the admin makes a member coordinator and takes it back; the member\'s own page follows live', {timeout: 90000}, async () => {
  anna = await add('anna');
  await toMembers(anna);
  // Each member a role and a removal, every control named after its member.
  const select = roleSelect(anna, 'Bram Jansen');
  assert.equal(await select.inputValue(), 'ROLE_MEMBER');
  assert.deepEqual(await select.locator('option').allInnerTexts(), ['lid', 'coördinator', 'controleur', 'beheerder']);
  await removeButton(anna, 'Bram Jansen').waitFor();

  await select.selectOption({label: 'coördinator'});
  await anna.page.getByRole('button', {name: 'Rol van Bram Jansen opslaan'}).click();
  // Bram's own page: the new role, and with it what a coordinator may do, without a reload.
  await row(bram, 'm-bram').locator('.badge', {hasText: 'coördinator'}).waitFor({timeout: 5000});
  await removeButton(bram, 'Dewi Soebagio').waitFor({timeout: 5000});
  assert.equal(await bram.page.locator('#member-list select').count(), 0, 'a coordinator gives no roles');
  assert.equal(await removeButton(bram, 'Bram Jansen').count(), 0, 'nor removes themself here');
  // The admin's focus rests on Bram's row, which says the new role.
  // The live event may redraw the row before the command's reply moves the focus there.
  await row(anna, 'm-bram').locator('.badge', {hasText: 'coördinator'}).waitFor();
  await anna.page.waitForFunction(() => document.activeElement.dataset.member === 'm-bram');
  const granted = (await serverEvents(anna.page)).filter((e) => /RoleGranted$/.test(e.type)).pop();
  assert.deepEqual([granted.actor, granted.event.roleGranted.memberId, granted.event.roleGranted.role],
    ['m-anna', 'm-bram', 'ROLE_COORDINATOR']);

  // Taken back with the keyboard alone: the role, Tab to its save, Enter.
  await select.focus();
  await select.selectOption('ROLE_MEMBER');
  await anna.page.keyboard.press('Tab');
  assert.equal(await focused(anna), 'Rol van Bram Jansen opslaan');
  await anna.page.keyboard.press('Enter');
  await row(bram, 'm-bram').locator('.badge', {hasText: /^lid$/}).waitFor({timeout: 5000});
  await removeButton(bram, 'Dewi Soebagio').waitFor({state: 'detached', timeout: 5000});
  assert.equal(await controls(bram).count(), 0);
  await anna.page.waitForFunction(() => document.activeElement.dataset.member === 'm-bram');
  assert.equal(await roleSelect(anna, 'Bram Jansen').inputValue(), 'ROLE_MEMBER');
});

test('the admin removes a member: everyone\'s list drops them live, and they are told so on their next action', {timeout: 90000}, async () => {
  carla = await add('carla');
  await toMembers(carla);
  // A coordinator may remove others, but gives no roles.
  await removeButton(carla, 'Dewi Soebagio').waitFor();
  assert.equal(await carla.page.locator('#member-list select').count(), 0);
  dewi = await add('dewi');
  await dewi.page.locator('nav a[data-nav="tasks"]').click();
  const openTask = dewi.page.locator('#tasks-open li[data-task]').first();
  await openTask.waitFor();
  const count = async (p) => Number((await p.page.locator('#h-members + div .meta').innerText()).match(/\d+/)[0]);
  const before = await count(bram);

  // The confirmation is a step in the page, and can be cancelled.
  const remove = removeButton(anna, 'Dewi Soebagio');
  await remove.click();
  assert.equal(await remove.getAttribute('aria-expanded'), 'true');
  const confirm = row(anna, 'm-dewi').locator('form');
  await confirm.getByText('Dewi Soebagio kan dan niet meer meedoen of meelezen.').waitFor();
  assert.equal(await focused(anna), 'TEXTAREA');
  assert.equal(await anna.page.evaluate(() => document.activeElement.labels[0].textContent), 'Reden (niet verplicht)');
  await fitsThePhone(anna.page);
  await screenshot(anna.page, 'members-390');
  const head = (await serverEvents(anna.page)).length;
  await confirm.getByRole('button', {name: 'Annuleren'}).click();
  assert.equal(await remove.getAttribute('aria-expanded'), 'false');
  assert.equal(await focused(anna), 'Dewi Soebagio verwijderen uit het platform');
  assert.equal((await serverEvents(anna.page)).length, head, 'cancelled: nothing sent');

  await remove.click();
  await confirm.getByLabel('Reden (niet verplicht)').fill('Verhuisd naar Utrecht');
  await confirm.getByRole('button', {name: 'Ja, verwijderen'}).click();
  // Gone from every list of members, live; among the former members.
  for (const p of [anna, bram, carla]) {
    await row(p, 'm-dewi').waitFor({state: 'detached', timeout: 5000});
    await p.page.locator('#former-list li[data-member="m-dewi"]', {hasText: 'gestopt'}).waitFor();
    assert.equal(await count(p), before - 1);
  }
  await anna.page.waitForFunction(() => document.activeElement.dataset.member === 'm-dewi');
  // A former member: no role, no removal; only her data to erase.
  const former = anna.page.locator('#former-list li[data-member="m-dewi"]');
  assert.equal(await former.locator('select, button:not([data-fk="erase-m-dewi"])').count(), 0);
  await former.getByRole('button', {name: 'Persoonsgegevens van Dewi Soebagio wissen'}).waitFor();
  const left = (await serverEvents(anna.page)).filter((e) => /MemberLeft$/.test(e.type)).pop();
  assert.deepEqual([left.actor, left.event.memberLeft.memberId, left.event.memberLeft.reason],
    ['m-anna', 'm-dewi', 'Verhuisd naar Utrecht']);

  // Dewi's page hears it at once: the server ends her feed of the platform, and the page
  // tells her and leaves it, without a reload.
  await dewi.page.locator('#toast', {hasText: 'Je bent geen lid meer van'}).waitFor({timeout: 5000});
  await dewi.page.locator('main h1', {hasText: nl['noPlatform.title']}).waitFor({timeout: 5000});
  assert.equal(await openTask.count(), 0);
  // And after a reload, the platform is still no longer hers.
  await dewi.page.reload();
  await dewi.page.locator('main h1', {hasText: nl['noPlatform.title']}).waitFor();
  await dewi.page.getByText(nl['noPlatform.body']).waitFor();
  const asDewi = await apiAs(scene.server.url, 'dewi');
  assert.equal((await asDewi('GET', `/api/v1/platforms/${PLATFORM}/views/members`)).status, 404);
});

test('the only admin is offered neither another role nor removal, and the server refuses both', {timeout: 90000}, async () => {
  // Kwame steps back: Anna is the only admin left.
  await roleSelect(anna, 'Kwame Mensah').selectOption({label: 'lid'});
  await anna.page.getByRole('button', {name: 'Rol van Kwame Mensah opslaan'}).click();
  const mine = row(anna, 'm-anna');
  await mine.getByText(nl['members.onlyAdmin']).waitFor({timeout: 5000});
  assert.equal(await mine.locator('select, button').count(), 0);
  await removeButton(carla, 'Kwame Mensah').waitFor();
  assert.equal(await removeButton(carla, 'Anna de Vries').count(), 0, 'the coordinator cannot remove her either');
  assert.equal(await row(carla, 'm-anna').getByText(nl['members.onlyAdmin']).count(), 0);

  // Sent anyway, over the API: refused with last_admin, and nothing changes.
  const asAnna = await apiAs(scene.server.url, 'anna');
  const asCarla = await apiAs(scene.server.url, 'carla');
  const seen = await membersView(asAnna);
  assert.equal(seen.byId['m-kwame'].role, 'ROLE_MEMBER');
  const commands = `/api/v1/platforms/${PLATFORM}/commands`;
  for (const [call, command] of [[asAnna, {grantRole: {memberId: 'm-anna', role: 'ROLE_MEMBER'}}],
    [asAnna, {grantRole: {memberId: 'm-anna', role: 'ROLE_COORDINATOR'}}],
    [asAnna, {leavePlatform: {memberId: 'm-anna'}}],
    [asCarla, {leavePlatform: {memberId: 'm-anna', reason: 'weg'}}]]) {
    const res = await call('POST', commands, {commandId: `members-last-${Math.random().toString(36).slice(2)}`, ...command});
    assert.equal(res.status, 409, JSON.stringify(res.body));
    assert.equal(res.body.code, 'last_admin');
  }
  const now = await membersView(asAnna);
  assert.equal(now.position, seen.position, 'no event appended');
  assert.deepEqual(now.byId['m-anna'], seen.byId['m-anna']);
  assert.equal(now.byId['m-anna'].role, 'ROLE_ADMIN');
  assert.equal(now.byId['m-anna'].active, true);
});

test('a refusal the page could not foresee shows beside the member, in Dutch', {timeout: 90000}, async () => {
  // Two admins again: Anna's own row offers her role once more.
  await roleSelect(anna, 'Kwame Mensah').selectOption({label: 'beheerder'});
  await anna.page.getByRole('button', {name: 'Rol van Kwame Mensah opslaan'}).click();
  const own = roleSelect(anna, 'Anna de Vries');
  await own.waitFor({timeout: 5000});

  // Offline, Anna hands over her admin role; meanwhile Kwame steps back on his phone.
  await anna.context.setOffline(true);
  await anna.page.locator('#conn[data-state="offline"]').waitFor({timeout: 5000});
  await own.selectOption('ROLE_COORDINATOR');
  await anna.page.getByRole('button', {name: 'Rol van Anna de Vries opslaan'}).click();
  await anna.page.locator('#outbox', {hasText: 'wacht op verbinding'}).waitFor({timeout: 5000});
  const asKwame = await apiAs(scene.server.url, 'kwame');
  const res = await asKwame('POST', `/api/v1/platforms/${PLATFORM}/commands`,
    {commandId: 'members-kwame-steps-back', grantRole: {memberId: 'm-kwame', role: 'ROLE_MEMBER'}});
  assert.equal(res.status, 200, JSON.stringify(res.body));

  // Back online: her command is refused, and the reason stands beside her.
  await anna.context.setOffline(false);
  const refusal = row(anna, 'm-anna').locator('.form-error');
  await refusal.waitFor({timeout: 30000});
  assert.equal(await refusal.innerText(), nl['err.last_admin']);
  assert.equal(await refusal.getAttribute('role'), 'alert');
  await row(anna, 'm-anna').getByText(nl['members.onlyAdmin']).waitFor({timeout: 5000});
  assert.equal((await membersView(asKwame)).byId['m-anna'].role, 'ROLE_ADMIN');
  // Discarded from the outbox, it goes from beside her too.
  await anna.page.locator('#outbox').getByRole('button', {name: 'Weggooien'}).click();
  await refusal.waitFor({state: 'detached', timeout: 5000});

  await anna.page.setViewportSize({width: 1280, height: 900});
  await anna.page.locator('#toast.toast-show').waitFor({state: 'hidden', timeout: 10000});
  await fitsThePhone(anna.page);
  await screenshot(anna.page, 'members-1280');
  // While the network was cut the browser may have logged a request that could not leave
  // (the page asking whether the server is back); nothing else.
  anna.errors.splice(0, Infinity, ...anna.errors.filter((e) => !/ERR_INTERNET_DISCONNECTED/.test(e)));
});

test('the admin\'s controls, a confirmation open, meet WCAG 2.1 AA as axe-core checks them', {timeout: 60000}, async () => {
  // bypassCSP only so that the test can inject axe-core; the app itself never needs it.
  const context = await scene.browser.newContext({baseURL: scene.server.url, viewport: {width: 390, height: 844}, bypassCSP: true,
    locale: 'nl-NL', timezoneId: 'Europe/Amsterdam'});
  context.setDefaultTimeout(10000);
  const p = {context, page: await context.newPage(), errors: [], dialogs: []};
  p.page.on('console', (m) => m.type() === 'error' && p.errors.push(`axe page console: ${m.text()}`));
  p.page.on('pageerror', (e) => p.errors.push(`axe page: ${e.message}`));
  scene.people.push(p);
  await signIn(p, 'anna');
  await toMembers(p);
  await removeButton(p, 'Bram Jansen').click();
  await row(p, 'm-bram').locator('form').waitFor();
  await p.page.addScriptTag({path: AXE});
  const violations = await p.page.evaluate(async () => (await window.axe.run(document.querySelector('main'), {
    runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
  })).violations.map((v) => `${v.id}: ${v.help} (${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')})`));
  assert.deepEqual(violations, []);
});
