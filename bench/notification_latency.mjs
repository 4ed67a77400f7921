// How soon a notification reaches the person it is for: `rotonde serve --demo` of its own
// (started as the browser tests start it: a temporary store, 127.0.0.1 and a free port,
// --today 2026-05-31), Bram's page open on the rotonde in Debian's chromium (playwright-core
// from tests/browser/node_modules), and N (default 20) street markets proposed by Dewi over
// HTTP, one at a time, each on the day of Bram's own market, so each raises a clash that goes
// into Bram's inbox. Measured per command: from just before the POST is sent to the moment
// the bell's count changes in Bram's page (a MutationObserver on it, both sides on the
// machine's wall clock). Prints the median, p95, min and max in ms, and the POST's own round
// trip beside them.
// Run: node bench/notification_latency.mjs (ROTONDE_BIN picks the binary, CHROMIUM the
// browser; tests/browser's npm packages must be installed).
import {performance} from 'node:perf_hooks';
import {startServer, launch, person, signIn, apiAs, PLATFORM} from '../tests/browser/harness.mjs';

const N = Number(process.env.N || 20);
const DAY = '2026-09-19';  // after the demo's last initiative: only these markets on it
const now = () => performance.timeOrigin + performance.now();

const server = await startServer();
const browser = await launch();
try {
  const asBram = await apiAs(server.url, 'bram');
  const asDewi = await apiAs(server.url, 'dewi');
  const propose = (as, id, title) => as('POST', `/api/v1/platforms/${PLATFORM}/commands`, {commandId: id,
    proposeInitiative: {kind: 'INITIATIVE_KIND_STREET_MARKET', title, when: {startDate: DAY}, place: {text: 'Kolenkitplein'}}});
  const first = await propose(asBram, 'bench-bram', 'Septembermarkt van Bram');
  if (first.status !== 200) throw new Error(JSON.stringify(first.body));

  const bram = await person(browser, server.url, {name: 'bram'});
  await signIn(bram, 'bram');
  const {page} = bram;
  await page.locator('#clashes').waitFor();
  await page.locator('#bell[data-unread]').waitFor();
  // Every change of the count, with when it showed (ms since the epoch, as Node's `now`).
  await page.evaluate(() => {
    window.bellChanges = [];
    const el = document.getElementById('bell');
    new MutationObserver(() => window.bellChanges.push({n: Number(el.dataset.unread),
      at: performance.timeOrigin + performance.now()})).observe(el, {attributes: true, attributeFilter: ['data-unread']});
  });
  await page.waitForTimeout(1000);

  const latencies = [];
  const trips = [];
  for (let i = 0; i < N; i += 1) {
    const before = Number(await page.locator('#bell').getAttribute('data-unread'));
    const seen = await page.evaluate(() => window.bellChanges.length);
    const t0 = now();
    const r = await propose(asDewi, `bench-dewi-${i}`, `Markt ${i + 1} van Dewi`);
    trips.push(now() - t0);
    if (r.status !== 200) throw new Error(JSON.stringify(r.body));
    const handle = await page.waitForFunction(({k, n}) => window.bellChanges.slice(k).find((c) => c.n > n),
      {k: seen, n: before}, {timeout: 15000, polling: 5});
    const change = await handle.jsonValue();
    latencies.push(change.at - t0);
    await page.waitForTimeout(150);
  }
  if (bram.errors.length) throw new Error(bram.errors.join('\n'));
  const stats = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    const q = (p) => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)];
    return `median ${q(0.5).toFixed(1)}, p95 ${q(0.95).toFixed(1)}, min ${s[0].toFixed(1)}, max ${s.at(-1).toFixed(1)}`;
  };
  console.log(`${N} clashes for Bram; command sent -> bell changed in his page, ms: ${stats(latencies)}`);
  console.log(`  the POST's own round trip, ms: ${stats(trips)}`);
} finally {
  await browser.close();
  await server.stop();
}
