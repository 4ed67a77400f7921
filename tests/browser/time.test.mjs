// Time passes without events, against a real `rotonde serve` in Debian's chromium. The demo
// is written as of its own last day; the server then restarts on the same store with a day
// late in July. The clashes of May and June are past, so the samenwerkingsrotonde shows what
// is coming, not what is stale (what never ends, a second newsletter, stays); tasks whose due date went by are marked overdue ("te laat"),
// on a phone (390 px) without sideways scrolling. The API still gives the view as of any day
// asked for. Then the demo told as of that July day: its story moves by whole weeks, so its
// clashes are ahead again.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {scenario, startServer, apiAs, fitsThePhone, screenshot, STORY_DAY, PLATFORM} from './harness.mjs';
import {nl} from '../../web-client/js/strings-nl.js';

const LATER = '2026-07-31';
const scene = scenario();

const clashCards = (p) => p.page.locator('#clashes li[data-clash]');
const overdue = (p) => p.page.locator('main li[data-task] .badge', {hasText: nl['tasks.overdue']});

async function toTasks(p) {
  await p.page.locator('nav a[data-nav="tasks"]').click();
  await p.page.locator('#tasks-open li[data-task]').first().waitFor();
}

test('the clashes of the past leave the dashboard and tasks past their day are overdue', {timeout: 120000}, async () => {
  const api = await apiAs(scene.server.url, 'anna');
  const asOf = async (day) => (await api('GET', `/api/v1/platforms/${PLATFORM}/views/clashes?today=${day}`)).body.view;
  const open = (await asOf(STORY_DAY)).open || [];
  const stillOpen = (await asOf(LATER)).open || [];
  const gone = open.filter((c) => !stillOpen.some((o) => o.id === c.id));
  assert.ok(gone.length >= 2, 'clashes of June are past by the end of July');
  // What stays open is what is still to come or never ends (a second newsletter).
  const tasks = (await api('GET', `/api/v1/platforms/${PLATFORM}/views/tasks`)).body.view.tasks;
  const dueInJuneOrJuly = tasks.filter((t) => t.status !== 'done' && t.dueDate && t.dueDate > STORY_DAY && t.dueDate < LATER);
  assert.ok(dueInJuneOrJuly.length >= 1, 'a task falls due between the story day and the later day');
  assert.ok(dueInJuneOrJuly.every((t) => !t.overdue), 'not late yet on the story day');

  const anna = await scene.add('anna');
  await clashCards(anna).first().waitFor();
  assert.equal(await clashCards(anna).count(), open.length);
  await toTasks(anna);
  const lateBefore = await overdue(anna).count();

  // The same store, some weeks on.
  const data = scene.server.data;
  const listen = new URL(scene.server.url).host;
  await scene.server.stop({keepData: true});
  scene.server = await startServer({data, listen, today: LATER});
  await anna.page.reload();
  await anna.page.locator('nav a[data-nav="home"]').click();
  if (!stillOpen.length) await anna.page.getByText(nl['home.noClashes']).waitFor({timeout: 10000});
  await anna.page.waitForFunction((n) => document.querySelectorAll('#clashes li[data-clash]').length === n,
    stillOpen.length, {timeout: 10000});
  for (const c of gone) {
    assert.equal(await anna.page.locator(`#clashes li[data-clash="${c.id}"]`).count(), 0, 'held is held');
  }
  // The dashboard's open tasks say which are late, too.
  const homeTasks = anna.page.locator('section', {has: anna.page.locator('#h-tasks')});
  await homeTasks.locator('.badge', {hasText: nl['tasks.overdue']}).first().waitFor();
  await screenshot(anna.page, 'time-home-390');

  await toTasks(anna);
  for (const t of dueInJuneOrJuly) {
    await anna.page.locator(`main li[data-task="${t.id}"] .badge`, {hasText: nl['tasks.overdue']}).waitFor();
  }
  assert.ok(await overdue(anna).count() >= lateBefore + dueInJuneOrJuly.length);
  await fitsThePhone(anna.page);
  await screenshot(anna.page, 'time-tasks-390');
  // While the server was away the page logged its refused reconnections, and the browser a
  // failed check for a newer service worker when one fell in that time; nothing else.
  assert.deepEqual(anna.errors.filter((e) => !/WebSocket connection to .* failed|ERR_CONNECTION_REFUSED|An unknown error occurred when fetching the script/.test(e)), []);
  anna.errors.length = 0;

  // The API gives the view as of any day asked for; a day that does not exist is refused.
  const later = await apiAs(scene.server.url, 'anna');
  const past = (await later('GET', `/api/v1/platforms/${PLATFORM}/views/clashes`)).body.view;
  assert.equal((past.open || []).length, stillOpen.length);
  for (const c of gone) assert.equal(past.closed.find((x) => x.id === c.id).status, 'past');
  assert.equal(((await later('GET', `/api/v1/platforms/${PLATFORM}/views/clashes?today=${STORY_DAY}`)).body.view.open || []).length, open.length);
  const bad = await later('GET', `/api/v1/platforms/${PLATFORM}/views/tasks?today=2026-02-30`);
  assert.equal(bad.status, 400);
  assert.equal(bad.body.code, 'invalid_date');
});

test('the demo told as of a later day moves by whole weeks: its clashes are ahead again', {timeout: 90000}, async () => {
  const server = await startServer({today: LATER});
  try {
    const api = await apiAs(server.url, 'anna');
    const view = (await api('GET', `/api/v1/platforms/${PLATFORM}/views/clashes`)).body.view;
    assert.ok((view.open || []).length >= 2, 'the story is as alive on its new day');
    const board = (await api('GET', `/api/v1/platforms/${PLATFORM}/views/board`)).body.view;
    const braderie = board.initiatives.find((i) => i.id === 'i-braderie-kolenkitplein');
    // Written for Saturday 13 June 2026; eight weeks on it is Saturday 8 August.
    assert.equal(braderie.when.startDate, '2026-08-08');
    assert.equal(new Date(`${braderie.when.startDate}T12:00:00Z`).getUTCDay(), 6);
  } finally {
    await server.stop();
  }
});
