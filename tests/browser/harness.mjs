// What the browser tests share: a real `rotonde serve` on a free port with a fresh demo
// store, Debian's chromium driven by playwright-core, and pages that fail the test on any
// console error or uncaught exception. Every wait is bounded.
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {before, after, afterEach} from 'node:test';
import {createRequire} from 'node:module';
import {fileURLToPath} from 'node:url';
import {chromium} from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repo = path.resolve(here, '..', '..');
export const artifacts = path.join(repo, 'build', 'browser-artifacts');
export const PASSWORD = 'rotonde-demo';
export const PLATFORM = 'kolenkit';

export function rotondeBinary() {
  if (process.env.ROTONDE_BIN) return process.env.ROTONDE_BIN;
  return path.join(repo, 'build', process.env.ROTONDE_PRESET || 'release', 'rotonde');
}

// Starts `rotonde serve` on 127.0.0.1 with a free port and a new store holding the demo
// neighbourhood; resolves once it prints the URL it listens on.
// {data, listen}: start again on a store and address a previous start used. `today`: the day
// the server's views take as today, and the demo is told as of; the story's own last day by
// default, so its dates and the tests' stay as written whatever the machine's clock says.
export const STORY_DAY = '2026-05-31';
// `extraArgs`: more arguments for `rotonde serve` (mail: --smtp-url, --mail-from, …).
export async function startServer({data = null, listen = '127.0.0.1:0', today = STORY_DAY, extraArgs = []} = {}) {
  const bin = rotondeBinary();
  if (!fs.existsSync(bin)) throw new Error(`no rotonde binary at ${bin}`);
  if (!data) data = fs.mkdtempSync(path.join(os.tmpdir(), 'rotonde-browser-'));
  const args = ['serve', '--data', data, '--listen', listen, '--web', path.join(repo, 'web-client'), '--demo',
    '--today', today, ...extraArgs];
  const proc = spawn(bin, args, {stdio: ['ignore', 'pipe', 'pipe']});
  let output = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`rotonde serve did not start in 60 s:\n${output}`)), 60000);
    const onData = (chunk) => {
      output += chunk.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', (chunk) => {
      output += chunk.toString();
    });
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`rotonde serve exited with ${code}:\n${output}`));
    });
  });
  proc.removeAllListeners('exit');
  // Keep draining its output so the pipe never fills.
  proc.stdout.on('data', () => {});
  proc.stderr.on('data', (chunk) => {
    output += chunk.toString();
    if (output.length > 200000) output = output.slice(-100000);
  });
  return {
    url,
    data,
    log: () => output,
    // Stops the server (SIGTERM: it drains and closes sockets with 1001); keepData leaves
    // the store for a restart.
    async stop({keepData = false} = {}) {
      if (proc.exitCode === null) {
        proc.kill('SIGTERM');
        await new Promise((resolve) => {
          const timer = setTimeout(() => {
            proc.kill('SIGKILL');
            resolve();
          }, 10000);
          proc.on('exit', () => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      if (!keepData) fs.rmSync(data, {recursive: true, force: true});
      // A sanitizer build (ROTONDE_PRESET=asan) reports memory and undefined-behaviour errors
      // on stderr: any such report fails the run.
      const report = /(ERROR: (Address|Leak)Sanitizer|runtime error:)[\s\S]{0,4000}/.exec(output);
      if (report) throw new Error(`rotonde serve reported:\n${report[0]}`);
    },
  };
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    // Running as root (CI containers) needs --no-sandbox.
    args: process.getuid && process.getuid() === 0 ? ['--no-sandbox'] : [],
    timeout: 60000,
  });
}

// A person at a device: a browser context of its own (cookies, storage), one page, and a
// list of every console error and page error it produced.
export async function person(browser, baseURL, {width = 390, height = 844, name = 'page'} = {}) {
  const context = await browser.newContext({baseURL, viewport: {width, height}, locale: 'nl-NL',
    timezoneId: 'Europe/Amsterdam'});
  context.setDefaultTimeout(10000);
  const page = await context.newPage();
  const errors = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`${name} console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => errors.push(`${name} pageerror: ${err.message}`));
  const dialogs = [];
  page.on('dialog', async (d) => {
    dialogs.push(`${name} dialog: ${d.type()} ${d.message()}`);
    await d.dismiss();
  });
  return {context, page, errors, dialogs, name};
}

// Signs in on the sign-in form that `at` shows when nobody is signed in; the app then opens
// that screen.
export async function signIn(p, login, at = '#/login') {
  const {page} = p;
  await page.goto(`/${at}`);
  await page.getByLabel('Gebruikersnaam').fill(login);
  await page.getByLabel('Wachtwoord').fill(PASSWORD);
  await page.getByRole('button', {name: 'Inloggen'}).click();
  await page.locator('#conn[data-state="online"]').waitFor({timeout: 15000});
}

export async function screenshot(page, name) {
  fs.mkdirSync(artifacts, {recursive: true});
  await page.screenshot({path: path.join(artifacts, `${name}.png`), fullPage: true});
}

// The platform's events as the server's NDJSON feed gives them, read with the page's session.
export async function serverEvents(page, from = 0) {
  return page.evaluate(async ({platform, start}) => {
    const out = [];
    let next = start;
    for (let i = 0; i < 100; i += 1) {
      const res = await fetch(`/api/v1/platforms/${platform}/events?from=${next}&limit=10000`);
      const lines = (await res.text()).split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
      const trailer = lines.pop();
      out.push(...lines);
      if (!lines.length || trailer.next <= next) break;
      next = trailer.next;
    }
    return out;
  }, {platform: PLATFORM, start: from});
}

// rotonde-tamper beside the rotonde binary (a build's tests/support): it flips a bit of one
// stored event's payload in a stopped server's store, leaving its hashes as they were.
export function tamperBinary() {
  return path.join(path.dirname(rotondeBinary()), 'tests', 'support', 'rotonde-tamper');
}

// The wire API as `login` (password PASSWORD), with a bearer token, from Node:
// call(method, path, body) resolves {status, body} (body parsed when JSON, else text).
export async function apiAs(url, login) {
  const call = async (method, rel, body, token) => {
    const res = await fetch(new URL(rel, url), {method,
      headers: {...(token && {Authorization: `Bearer ${token}`}), ...(body && {'Content-Type': 'application/json'})},
      body: body && JSON.stringify(body)});
    const text = await res.text();
    let parsed = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // NDJSON or text: as it came
    }
    return {status: res.status, body: parsed};
  };
  const session = await call('POST', '/api/v1/session', {login, password: PASSWORD});
  if (session.status !== 200) throw new Error(`${login} cannot sign in: ${JSON.stringify(session.body)}`);
  return (method, rel, body) => call(method, rel, body, session.body.token);
}

// A test file's scene: one server with the demo neighbourhood and one browser for all its
// tests (started before the first, stopped after the last), and the people in it. After
// each test, no page may have logged an error or thrown, and nothing may have opened a
// dialog (an injected script would). `scene.server` may be replaced by a test that
// restarts it.
// `serverOpts`: what startServer takes (extraArgs for mail, …).
export function scenario(serverOpts = {}) {
  const scene = {
    server: null,
    browser: null,
    people: [],
    // A person at a phone (or `opts`), signed in as `login`.
    async add(login, opts) {
      const p = await person(scene.browser, scene.server.url, {name: login, ...opts});
      scene.people.push(p);
      await signIn(p, login);
      return p;
    },
  };
  before(async () => {
    scene.server = await startServer(serverOpts);
    scene.browser = await launch();
  }, {timeout: 90000});
  after(async () => {
    for (const p of scene.people) await p.context.close().catch(() => {});
    if (scene.browser) await scene.browser.close().catch(() => {});
    if (scene.server) await scene.server.stop();
  });
  afterEach(() => {
    assert.deepEqual(scene.people.flatMap((p) => [...p.errors, ...p.dialogs]), []);
  });
  return scene;
}

// A person at a phone whose pages axe-core checks, in the scene (its errors count like
// everyone's): the person and axe(where), resolving to what axe-core finds against WCAG 2.1
// A and AA on the page, each line named by `where`. bypassCSP only so that the test can
// inject axe-core; the app itself never needs it.
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
export async function axePerson(scene) {
  const context = await scene.browser.newContext({baseURL: scene.server.url, viewport: {width: 390, height: 844},
    bypassCSP: true, locale: 'nl-NL', timezoneId: 'Europe/Amsterdam'});
  context.setDefaultTimeout(10000);
  const p = {context, page: await context.newPage(), errors: [], dialogs: [], name: 'axe'};
  p.page.on('console', (m) => m.type() === 'error' && p.errors.push(`axe console: ${m.text()}`));
  p.page.on('pageerror', (e) => p.errors.push(`axe page: ${e.message}`));
  scene.people.push(p);
  const axe = async (where) => {
    await p.page.addScriptTag({path: AXE});
    return (await p.page.evaluate(async () => (await window.axe.run(document, {
      runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
    })).violations.map((v) => `${v.id}: ${v.help} (${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')})`)))
      .map((v) => `${where}: ${v}`);
  };
  return {p, axe};
}

// The page shows everything at its width without sideways scrolling, and no text in <main> is
// below 12 px.
export async function fitsThePhone(page) {
  const {scroll, width, small} = await page.evaluate(() => {
    const tiny = [];
    for (const el of document.querySelectorAll('main *')) {
      const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
      if (own && el.getClientRects().length && parseFloat(getComputedStyle(el).fontSize) < 12) {
        tiny.push(`${el.tagName} ${el.textContent.trim().slice(0, 30)}`);
      }
    }
    return {scroll: document.documentElement.scrollWidth, width: document.documentElement.clientWidth, small: tiny};
  });
  assert.ok(scroll <= width, `no sideways scrolling: ${scroll} > ${width}`);
  assert.deepEqual(small, [], 'text at least 12 px');
}

// Text as a person reads it: runs of white space as one space, no space at either end.
export const plain = (s) => s.replace(/\s+/g, ' ').trim();

// The budget screen's total under `term` ("Saldo", "Nog te verdelen", ...), as shown.
export async function budgetFigure(page, term) {
  const dd = page.locator('#budget-totals .total').filter({has: page.locator('dt', {hasText: new RegExp(`^${term}$`)})})
    .locator('dd');
  return plain(await dd.innerText());
}
