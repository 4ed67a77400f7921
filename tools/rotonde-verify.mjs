#!/usr/bin/env node
// Checks a platform's log from an export without trusting the server, by the rules of
// docs/verification.md: the hash chain, the server's signed note over its head and, given a
// note trusted before, that the log only grew since. Node's standard library and the web
// client's verify.js only, so anyone can read what it checks.
import fs from 'node:fs';
import readline from 'node:readline';
import {parseArgs} from 'node:util';
import {checkExtends, checkHead, parseVerifierKey, verifyChain, verifyNote}
  from '../web-client/js/verify.js';

const USAGE = `usage: node tools/rotonde-verify.mjs --export FILE.ndjson --note NOTE.txt --key VKEY
                                       [--pinned OLDNOTE.txt]

  --export   the platform's events as NDJSON (rotonde export, or
             GET /api/v1/platforms/{p}/events), from position 1 or from just after
             the pinned note's size
  --note     the signed checkpoint of the export's head
             (GET /api/v1/platforms/{p}/checkpoint)
  --key      the server's verifier key <name>+<hash>+<key>, or a file holding it
             (rotonde admin public-key)
  --pinned   a checkpoint trusted before: the log must extend it

Exit 0 when everything holds; 1 with one line naming the first bad position and why;
2 for usage errors.`;

function usage(message) {
  console.error(`rotonde-verify: ${message}\n${USAGE}`);
  process.exit(2);
}

function fail(message) {
  console.error(`rotonde-verify: ${message}`);
  process.exit(1);
}

function read(file, how = (f) => fs.readFileSync(f, 'utf8')) {
  try {
    return how(file);
  } catch (e) {
    return usage(`cannot read ${file}: ${e.code || e.message}`);
  }
}

// The export's events, one JSON object a line, read as they are checked; the event feed's
// page markers ({"position": H, "next": P}: no id) are skipped.
async function* events(file) {
  const lines = readline.createInterface({input: fs.createReadStream(file), crlfDelay: Infinity});
  let no = 0;
  for await (const text of lines) {
    no += 1;
    if (!text.trim()) continue;
    let line;
    try {
      line = JSON.parse(text);
    } catch {
      fail(`line ${no} of the export is not JSON`);
    }
    if (line === null || typeof line !== 'object' || ('next' in line && !('id' in line))) continue;
    yield line;
  }
}

let args;
try {
  const file = {type: 'string'};
  args = parseArgs({options: {export: file, note: file, key: file, pinned: file,
    help: {type: 'boolean', short: 'h'}}}).values;
} catch (e) {
  usage(e.message);
}
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
for (const name of ['export', 'note', 'key']) if (!args[name]) usage(`--${name} is needed`);

const vkey = (/^[^\s+]+\+[0-9a-f]{8}\+/.test(args.key) ? args.key : read(args.key)).trim();
const key = await parseVerifierKey(vkey).catch((e) => usage(`--key: ${e.message}`));
const noteText = read(args.note);
const pinnedText = args.pinned === undefined ? undefined : read(args.pinned);
read(args.export, (f) => fs.closeSync(fs.openSync(f, 'r')));  // read as it is checked, below

// The platform is the export's; an empty export is the platform the note names.
const stream = events(args.export);
const first = await stream.next();
const p = first.done ? undefined : first.value.platform;
const note = await verifyNote(noteText, vkey, p === undefined ? undefined : `${key.name}/${p}`);
if (!note.ok) fail(`note: ${note.problem}`);
const platform = p ?? note.origin.slice(key.name.length + 1);
if (note.origin !== `${key.name}/${platform}`) fail(`note: ${note.origin} is not a platform of ${key.name}`);

let pinned;
if (pinnedText !== undefined) {
  pinned = await verifyNote(pinnedText, vkey, note.origin);
  if (!pinned.ok) fail(`pinned note: ${pinned.problem}`);
}

// An export that starts later links to the pinned note's hash.
const start = first.done ? 1 : first.value.position;
let from = 0;
if (Number.isSafeInteger(start) && start > 1) {
  if (pinned?.size !== start - 1) {
    fail(`the export starts at position ${start}: it needs a pinned note of size ${start - 1}`
      + ' (--pinned), or an export from position 1');
  }
  from = pinned.size;
}
const chain = await verifyChain(platform, (async function* () {
  if (!first.done) yield first.value;
  yield* stream;
})(), {from, prevHash: pinned?.hash, keep: pinned ? [pinned.size] : []})
  .catch((e) => fail(e.message));
if (!chain.ok) {
  const toPin = from && chain.firstBadPosition === from + 1 && /^prevHash/.test(chain.problem);
  fail(`position ${chain.firstBadPosition}: ${chain.problem}${toPin ? ' to the pinned note' : ''}`);
}
for (const check of [checkHead(note, chain), pinned ? checkExtends(pinned, chain) : {ok: true}]) {
  if (!check.ok) fail(`position ${check.firstBadPosition}: ${check.problem}`);
}
console.log(`ok: ${note.origin} has ${chain.size} events, head ${chain.head}, signed by`
  + ` ${key.name}+${key.hash}${pinned ? `; it extends the pinned note of size ${pinned.size}` : ''}`);
