// Checks a platform's log without trusting the server, by docs/verification.md: the hash
// chain of an export, the signed note of its head (C2SP signed-note and tlog-checkpoint,
// Ed25519), and that the log only grows. Pure WebCrypto, for Node 20 and the browser (which
// offers it on HTTPS and localhost only). Hashes are lowercase hex at the edges. read*/parse* throw an Error saying what is wrong;
// verify*/check* answer {ok, ...}, with a `problem` when not ok.

const enc = new TextEncoder();
const utf8 = new TextDecoder('utf-8', {fatal: true});
const subtle = () => globalThis.crypto.subtle;
const sha256 = async (b) => new Uint8Array(await subtle().digest('SHA-256', b));

function cat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const HEX = Array.from({length: 256}, (_, i) => i.toString(16).padStart(2, '0'));
export function toHex(bytes) {
  let s = '';
  for (const b of bytes) s += HEX[b];
  return s;
}

// The bytes of standard base64 with padding (RFC 4648); throws on anything else.
export function fromBase64(s) {
  const b64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
  if (typeof s !== 'string' || !b64.test(s)) throw new Error('not base64');
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i += 1) out[i] = bin.charCodeAt(i);
  return out;
}

// --- the chain

const GENESIS = enc.encode('rotonde-log-v1 genesis\0');
const EVENT = enc.encode('rotonde-log-v1 event\0');

// genesis(p) = SHA-256("rotonde-log-v1 genesis" ‖ 0x00 ‖ p), 32 bytes. Throws unless p is a
// platform id: 1 to 64 visible ASCII characters, no '/'.
export function genesisHash(p) {
  if (typeof p !== 'string' || !/^[!-.0-~]{1,64}$/.test(p)) throw new Error(`no platform id: ${p}`);
  return sha256(cat(GENESIS, enc.encode(p)));
}

// h(n) = SHA-256("rotonde-log-v1 event" ‖ 0x00 ‖ h(n-1) ‖ BE64(n) ‖ body(n)), all bytes.
export function eventHash(prevHash, n, body) {
  if (prevHash.length !== 32) throw new Error('a hash is 32 bytes');
  const be64 = new Uint8Array(8);
  new DataView(be64.buffer).setBigUint64(0, BigInt(n));
  return sha256(cat(EVENT, prevHash, be64, body));
}

// --- body(n): the EventRecord's fields 1 to 9

const BODY = [, 'id', 'stream', 'version', 'position', 'type', 'recordedAt', 'actor',
  'correlationId', 'payload'];
const VARINTS = ['version', 'position', 'seconds', 'nanos'];

// A message's fields, named by `names` (indexed by field number): varints as BigInt, the rest
// as views of buf. Throws on a truncated varint, a length past the end, a wire type other than
// 0 and 2 or not the field's, a field unknown or repeated.
function readFields(buf, names) {
  const out = {};
  let at = 0;
  const varint = () => {
    let v = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (at >= buf.length) throw new Error('truncated varint');
      v |= BigInt(buf[at] & 0x7f) << shift;
      if (buf[at++] < 0x80) return BigInt.asUintN(64, v);
    }
    throw new Error('varint longer than 10 bytes');
  };
  while (at < buf.length) {
    const key = varint();
    const num = key >> 3n;
    const wire = Number(key & 7n);
    const name = names[num];
    if (wire !== 0 && wire !== 2) throw new Error(`field ${num} has wire type ${wire}`);
    if (!name) throw new Error(`unexpected field ${num}`);
    if (!wire !== VARINTS.includes(name)) throw new Error(`field ${num} has wire type ${wire}`);
    if (name in out) throw new Error(`field ${num} comes twice`);
    if (!wire) {
      out[name] = varint();
      continue;
    }
    const len = varint();
    if (len > buf.length - at) throw new Error(`field ${num}'s length runs past the end`);
    out[name] = buf.subarray(at, at += Number(len));
  }
  return out;
}

// body(n) read: {id, stream, version, position, type, recordedAt: {seconds, nanos}, actor,
// correlationId, payload (bytes)}, absent fields as protobuf's defaults. Throws when
// malformed, on text that is not UTF-8 and on a version or position past 2^53.
export function readBody(bytes) {
  const f = readFields(bytes, BODY);
  let t;
  try {
    t = readFields(f.recordedAt || [], [, 'seconds', 'nanos']);
  } catch (e) {
    throw new Error(`recorded_at: ${e.message}`);
  }
  const r = {recordedAt: {seconds: Number(BigInt.asIntN(64, t.seconds || 0n)),
    nanos: Number(BigInt.asIntN(32, t.nanos || 0n))}, payload: f.payload || new Uint8Array()};
  for (const k of ['id', 'stream', 'type', 'actor', 'correlationId']) {
    try {
      r[k] = utf8.decode(f[k]);  // an absent field decodes as ''
    } catch {
      throw new Error(`${k} is not UTF-8`);
    }
  }
  for (const k of ['version', 'position']) {
    r[k] = Number(f[k] || 0n);
    if (r[k] > Number.MAX_SAFE_INTEGER) throw new Error(`${k} is past 2^53`);
  }
  return r;
}

// Checks export lines (JSON objects in position order: an iterable or async iterable, read
// once) from position from + 1, given prevHash = h(from) in hex (genesis when from is 0), by
// the rules of docs/verification.md in order, holding only the running hash and the hashes at
// the positions in `keep`. Answers {ok, size, head, firstBadPosition, problem, hashes}: the
// last position that held and its hash; the first that did not and why (null when ok); the
// hash at `from` and at each kept position reached.
export async function verifyChain(p, lines, {from = 0, prevHash, keep = []} = {}) {
  const genesis = await genesisHash(p);
  if (!Number.isSafeInteger(from) || from < 0) throw new Error('from is not a position');
  if (from && !/^[0-9a-f]{64}$/.test(prevHash)) throw new Error('prevHash is not 64 hex digits');
  let prev = from ? Uint8Array.from(prevHash.match(/../g), (x) => parseInt(x, 16)) : genesis;
  let n = from;
  const hashes = {[n]: toHex(prev)};
  const bad = (problem) => ({ok: false, size: n, head: toHex(prev), firstBadPosition: n + 1,
    problem, hashes});
  for await (const line of lines) {
    const want = n + 1;
    const said = line?.position;
    if (said !== want) {
      return bad(said > want && Number.isSafeInteger(said) ? `position ${want} is missing`
        : `position ${want} comes next, the line says ${JSON.stringify(said)}`);
    }
    if (line.platform !== p) return bad(`the line's platform is ${JSON.stringify(line.platform)}`);
    let body, rec;
    try {
      rec = readBody(body = fromBase64(line.body));
    } catch (e) {
      return bad(`the body does not decode: ${e.message}`);
    }
    if (rec.position !== want) {
      return bad(`position in the body is ${rec.position}, the line says ${want}`);
    }
    for (const k of ['id', 'stream', 'type']) {
      const [a, b] = [rec[k], line[k]].map((v) => JSON.stringify(v));
      if (a !== b) return bad(`${k} in the body is ${a}, the line says ${b}`);
    }
    if (!rec.stream.startsWith(`${p}/`)) return bad(`stream ${rec.stream} is not of platform ${p}`);
    if (line.prevHash !== toHex(prev)) return bad('prevHash does not link');
    const hash = await eventHash(prev, want, body);
    if (line.hash !== toHex(hash)) return bad('hash does not recompute');
    prev = hash;
    n = want;
    if (keep.includes(n)) hashes[n] = line.hash;
  }
  return {ok: true, size: n, head: toHex(prev), firstBadPosition: null, problem: null, hashes};
}

// Whether the chain verified (a verifyChain answer that kept or started at pinned.size)
// extends a checkpoint {size, hash} trusted before: {ok: true} or {ok: false,
// firstBadPosition, problem}. The pin holds one hash: a rewrite at or below it shows there.
export function checkExtends(pinned, chain) {
  const m = pinned.size;
  if (chain.size < m) {
    return {ok: false, firstBadPosition: chain.ok ? chain.size + 1 : chain.firstBadPosition,
      problem: chain.ok ? `the log shrank from ${m} events to ${chain.size}` : chain.problem};
  }
  if (!(m in chain.hashes)) throw new Error(`the chain was verified without keeping position ${m}`);
  return chain.hashes[m] === pinned.hash ? {ok: true} : {ok: false, firstBadPosition: m,
    problem: `the hash at ${m} is not the pinned one: the log was rewritten at or below ${m}`};
}

// Whether a checkpoint {size, hash} is the head of the chain verified: {ok: true} or {ok:
// false, firstBadPosition, problem}.
export function checkHead(note, chain) {
  if (note.size !== chain.size) {
    return {ok: false, firstBadPosition: Math.min(note.size, chain.size) + 1,
      problem: `the note is for ${note.size} events, the log verified has ${chain.size}`};
  }
  return note.hash === chain.head ? {ok: true}
    : {ok: false, firstBadPosition: note.size, problem: "the note's hash is not the chain's head"};
}

// --- signed notes

const NAME = '[^\\s+]+';

// "<name>+<key hash>+<base64(0x01 ‖ Ed25519 public key)>" read: {name, hash, key (32 bytes)},
// the key hash being SHA-256(name ‖ 0x0A ‖ 0x01 ‖ key)'s first 4 bytes in hex. Throws when
// malformed or when the key hash is not the key's.
export async function parseVerifierKey(vkey) {
  const m = new RegExp(`^(${NAME})\\+([0-9a-f]{8})\\+(.*)$`).exec(vkey);
  if (!m) throw new Error('not <name>+<8 hex digits>+<base64 key>');
  const raw = fromBase64(m[3]);
  if (raw.length !== 33 || raw[0] !== 1) throw new Error('not an Ed25519 key');
  const hash = toHex((await sha256(cat(enc.encode(`${m[1]}\n`), raw))).subarray(0, 4));
  if (hash !== m[2]) throw new Error(`its key hash is ${hash}, not ${m[2]}`);
  return {name: m[1], hash, key: raw.subarray(1)};
}

// A signed note of a checkpoint read: {origin, size, hash, text (the signed part), sigs:
// [{name, keyHash, sig (bytes)}]}, signatures unchecked. The checkpoint is three lines:
// origin, size in canonical decimal, base64 of a 32-byte hash. Throws on anything else.
export function parseNote(note) {
  // As Go's golang.org/x/mod/sumdb/note: UTF-8 text, no control characters but newlines.
  if (typeof note !== 'string' || /[\0-\x09\x0b-\x1f\ufffd]/.test(note)) {
    throw new Error('not note text');
  }
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw new Error('no blank line before the signatures');
  const text = note.slice(0, split + 1);
  const sigText = note.slice(split + 2);
  if (!sigText.endsWith('\n')) throw new Error('no newline after the signatures');
  const sigs = sigText.slice(0, -1).split('\n').map((line) => {
    const m = new RegExp(`^\u2014 (${NAME}) (\\S+)$`).exec(line);
    if (!m) throw new Error(`not a signature line: ${JSON.stringify(line.slice(0, 60))}`);
    const raw = fromBase64(m[2]);
    if (raw.length < 5) throw new Error('a signature too short');
    return {name: m[1], keyHash: toHex(raw.subarray(0, 4)), sig: raw.subarray(4)};
  });
  const [origin, size, hash64, ...more] = text.slice(0, -1).split('\n');
  if (!origin || hash64 === undefined || more.length) {
    throw new Error('the checkpoint is not 3 lines: origin, size, hash');
  }
  if (!/^(0|[1-9][0-9]*)$/.test(size) || size > Number.MAX_SAFE_INTEGER) {
    throw new Error(`size ${JSON.stringify(size)} is not a decimal number`);
  }
  let hash;
  try {
    hash = fromBase64(hash64);
  } catch (e) {
    throw new Error(`the hash is ${e.message}`);
  }
  if (hash.length !== 32) throw new Error(`the hash is ${hash.length} bytes, not 32`);
  return {origin, size: Number(size), hash: toHex(hash), text, sigs};
}

// Checks a signed checkpoint against a verifier key and, when given, the origin it must
// have: {ok: true, origin, size, hash} or {ok: false, problem}, with unsupported: true when
// this runtime cannot check Ed25519 at all. Signatures by other keys are ignored; one by this
// key must be there, and all by it must verify.
export async function verifyNote(text, vkey, origin) {
  let key, note;
  try {
    key = await parseVerifierKey(vkey);
    note = parseNote(text);
  } catch (e) {
    return {ok: false, problem: `${key ? 'the note' : 'the verifier key'}: ${e.message}`};
  }
  const mine = note.sigs.filter((s) => s.name === key.name && s.keyHash === key.hash);
  if (!mine.length) return {ok: false, problem: `not signed by ${key.name}+${key.hash}`};
  for (const s of mine) {
    let good;
    try {  // browsers before 2025 may lack WebCrypto's Ed25519
      const pub = await subtle().importKey('raw', key.key, 'Ed25519', false, ['verify']);
      good = await subtle().verify('Ed25519', pub, s.sig, enc.encode(note.text));
    } catch (e) {
      return {ok: false, unsupported: true, problem: `Ed25519 signatures cannot be checked here: ${e.message}`};
    }
    if (!good) return {ok: false, problem: `the signature by ${key.name} does not verify`};
  }
  if (origin !== undefined && note.origin !== origin) {
    return {ok: false, problem: `the note is for ${note.origin}, not ${origin}`};
  }
  return {ok: true, origin: note.origin, size: note.size, hash: note.hash};
}
