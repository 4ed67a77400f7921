// The web client's first load on a slow phone network, with the service worker (web-client/sw.js)
// cold and warm: how long until a volunteer sees the first screen's content. Figures, not
// assertions.
//
// Starts its own `rotonde serve --demo` on a free 127.0.0.1 port with a temporary --data
// directory, and Debian's chromium (/usr/bin/chromium, or CHROMIUM) through the playwright-core
// of tests/browser. The network is throttled with CDP Network.emulateNetworkConditions in the
// page and in its service worker: 400 ms round trip, 400 kbit/s (50,000 B/s) down and up; the
// throughput of Chrome DevTools' "Slow 3G", with a fifth of its latency (DevTools multiplies
// 400 ms by five). The server sends its files uncompressed, each with `no-cache` and an ETag.
//
// Each run, as `bram` on a phone-sized window (390 × 844), signed in beforehand (the cookie):
//   cold         a new browser profile: no HTTP cache, no service worker
//   warm         the same profile again, its service worker installed and in control
//   warm, no SW  another profile with service workers blocked, loaded a second time (the
//                browser's cache only: what the worker adds or costs)
//   offline      the warm profile reloaded with the server stopped: the shell from the worker,
//                the screen from the state the device kept (js/offline.js)
// Times are from the navigation's start (performance.now() in the page): `shell` the first
// screen's heading drawn, `content` the rotonde's first clash card drawn (the views arrived).
//
//   node bench/first_load.mjs [--rotonde build/release/rotonde] [--runs 3] [--web DIR]
//   (ROTONDE_BIN works too, as for the browser tests; --web serves another copy of the client,
//   e.g. an older one to compare with: without a sw.js only its cold load is measured)
import {spawn} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {createRequire} from 'node:module';
import {fileURLToPath} from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..');
const require = createRequire(path.join(repo, 'tests', 'browser', 'package.json'));
const {chromium} = require('playwright-core');

const args = process.argv.slice(2);
const arg = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const BIN = path.resolve(arg('rotonde', process.env.ROTONDE_BIN || path.join(repo, 'build', 'release', 'rotonde')));
const RUNS = Number(arg('runs', 3));
const WEB = path.resolve(arg('web', path.join(repo, 'web-client')));
const HAS_SW = fs.existsSync(path.join(WEB, 'sw.js'));
const SLOW = {offline: false, latency: 400, downloadThroughput: 50000, uploadThroughput: 50000};
const VIEWPORT = {width: 390, height: 844};

async function startServer(data, listen = '127.0.0.1:0') {
  const proc = spawn(BIN, ['serve', '--data', data, '--listen', listen, '--web', WEB,
    '--demo', '--today', '2026-05-31'], {stdio: ['ignore', 'pipe', 'pipe']});
  let out = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`rotonde serve did not start:\n${out}`)), 60000);
    const onData = (chunk) => {
      out += chunk;
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    proc.on('exit', (code) => reject(new Error(`rotonde serve exited with ${code}:\n${out}`)));
  });
  proc.removeAllListeners('exit');
  return {
    url,
    stop: () => new Promise((resolve) => {
      if (proc.exitCode !== null) return resolve();
      proc.on('exit', resolve);
      proc.kill('SIGTERM');
      setTimeout(() => proc.kill('SIGKILL'), 10000).unref();
      return undefined;
    }),
  };
}

// Throttles the page and every service worker of the browser as they appear: a page's own
// emulation does not reach the requests its service worker makes.
async function throttle(browser, page, context, conditions) {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', conditions);
  const {browserContextId} = (await cdp.send('Target.getTargetInfo')).targetInfo;
  const root = await browser.newBrowserCDPSession();
  let id = 0;
  const workers = new Set();
  const apply = async (targetInfo) => {
    if (targetInfo.type !== 'service_worker' || targetInfo.browserContextId !== browserContextId
      || workers.has(targetInfo.targetId)) return;
    workers.add(targetInfo.targetId);
    const {sessionId} = await root.send('Target.attachToTarget', {targetId: targetInfo.targetId, flatten: false});
    for (const [method, params] of [['Network.enable', {}], ['Network.emulateNetworkConditions', conditions],
      ['Runtime.runIfWaitingForDebugger', {}]]) {
      id += 1;
      await root.send('Target.sendMessageToTarget', {sessionId, message: JSON.stringify({id, method, params})});
    }
  };
  root.on('Target.targetCreated', (e) => apply(e.targetInfo).catch(() => {}));
  root.on('Target.targetInfoChanged', (e) => apply(e.targetInfo).catch(() => {}));
  await root.send('Target.setDiscoverTargets', {discover: true});
  for (const t of (await root.send('Target.getTargets')).targetInfos) await apply(t).catch(() => {});
  return {workers, async stop() {
    await cdp.detach().catch(() => {});
    await root.detach().catch(() => {});
  }};
}

async function signedInContext(browser, url, serviceWorkers = 'allow') {
  const context = await browser.newContext({baseURL: url, viewport: VIEWPORT, locale: 'nl-NL',
    timezoneId: 'Europe/Amsterdam', serviceWorkers});
  const res = await context.request.post('/api/v1/session', {data: {login: 'bram', password: 'rotonde-demo'}});
  if (!res.ok()) throw new Error(`sign-in: ${res.status()}`);
  // The app asks who is signed in only on a device that signed in before.
  await context.addInitScript(() => localStorage.setItem('rotonde.signedIn', '1'));
  return context;
}

// One load of `/`, throttled; {shell, content, bytes, requests, sw} in ms and bytes.
async function load(browser, context, page, {reload = false} = {}) {
  const t = await throttle(browser, page, context, SLOW);
  try {
    if (reload) await page.reload({waitUntil: 'commit', timeout: 120000});
    else await page.goto('/', {waitUntil: 'commit', timeout: 120000});
    const shell = await (await page.waitForFunction(() => document.querySelector('main h1') && performance.now(),
      null, {polling: 'raf', timeout: 120000})).jsonValue();
    const content = await (await page.waitForFunction(() => document.querySelector('#clashes li[data-clash]')
      && performance.now(), null, {polling: 'raf', timeout: 120000})).jsonValue();
    const {bytes, requests, sw} = await page.evaluate(() => {
      const entries = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')];
      return {bytes: entries.reduce((s, e) => s + (e.transferSize || 0), 0), requests: entries.length,
        sw: Boolean(navigator.serviceWorker && navigator.serviceWorker.controller)};
    });
    return {shell, content, bytes, requests, sw, throttledWorkers: t.workers.size};
  } finally {
    await t.stop();
  }
}

// Unthrottled, until the service worker controls the page and has copied the shell.
async function swReady(page) {
  for (const end = Date.now() + 60000; Date.now() < end; await page.waitForTimeout(250)) {
    const ready = await page.evaluate(async () => {
      if (!navigator.serviceWorker.controller) return false;
      const cache = await caches.open('rotonde-shell-v1');
      return (await cache.keys()).length >= 30;
    });
    if (ready) return;
  }
  throw new Error('the service worker did not take control within 60 s');
}

const fmt = (r) => `shell ${Math.round(r.shell)} ms, content ${Math.round(r.content)} ms, `
  + `the page saw ${(r.bytes / 1024).toFixed(1)} KiB come over the network in ${r.requests} requests`
  + `${r.sw ? ' (service worker in control: its own requests, 304s, are not in that count)' : ''}`
  + `${r.sw && !r.throttledWorkers ? ' WARNING: its worker was not throttled' : ''}`;

async function main() {
  if (!fs.existsSync(BIN)) throw new Error(`no rotonde binary at ${BIN} (--rotonde or ROTONDE_BIN)`);
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'rotonde-first-load-'));
  let server = await startServer(data);
  const listen = new URL(server.url).host;
  const browser = await chromium.launch({executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: process.getuid && process.getuid() === 0 ? ['--no-sandbox'] : []});
  const results = {cold: [], warm: [], 'warm, no SW': [], offline: []};
  console.log(`first load of ${server.url} (${path.relative(process.cwd(), WEB) || '.'}) as bram at 390 × 844; `
    + `network: latency ${SLOW.latency} ms, ${SLOW.downloadThroughput * 8 / 1000} kbit/s down, `
    + `${SLOW.uploadThroughput * 8 / 1000} kbit/s up`);
  try {
    for (let run = 1; run <= RUNS; run += 1) {
      const context = await signedInContext(browser, server.url);
      const page = await context.newPage();
      const cold = await load(browser, context, page);
      if (!HAS_SW) {
        results.cold.push(cold);
        console.log(`run ${run} ${'cold'.padEnd(12)} ${fmt(cold)}`);
        await context.close();
        continue;
      }
      await swReady(page);
      const warm = await load(browser, context, page, {reload: true});

      const plain = await signedInContext(browser, server.url, 'block');
      const p2 = await plain.newPage();
      await p2.goto('/');
      await p2.locator('#clashes li[data-clash]').first().waitFor({timeout: 60000});
      const noSw = await load(browser, plain, p2, {reload: true});
      await plain.close();

      // Offline: the server stopped (kept views are written within a second of arriving).
      await page.waitForTimeout(1500);
      await server.stop();
      const offline = await load(browser, context, page, {reload: true});
      server = await startServer(data, listen);
      await context.close();

      for (const [k, r] of [['cold', cold], ['warm', warm], ['warm, no SW', noSw], ['offline', offline]]) {
        results[k].push(r);
        console.log(`run ${run} ${k.padEnd(12)} ${fmt(r)}`);
      }
    }
    const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    console.log(`median of ${RUNS}:`);
    for (const [k, rs] of Object.entries(results).filter(([, rs]) => rs.length)) {
      console.log(`  ${k.padEnd(12)} shell ${Math.round(median(rs.map((r) => r.shell)))} ms, `
        + `content ${Math.round(median(rs.map((r) => r.content)))} ms`);
    }
  } finally {
    await browser.close();
    await server.stop();
    fs.rmSync(data, {recursive: true, force: true});
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
