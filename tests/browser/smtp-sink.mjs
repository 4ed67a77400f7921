// A small SMTP server for the tests: it listens on 127.0.0.1, speaks just enough SMTP for a
// client that sends plain mail (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT), and keeps
// every message it is given, parsed: its headers, its Subject decoded (RFC 2047), and the
// text/plain and text/html parts of a multipart message decoded (base64 or
// quoted-printable). Nothing is sent anywhere.
import net from 'node:net';

// "=?UTF-8?B?...?=" and "=?UTF-8?Q?...?=" words in a header, decoded; the white space between
// two encoded words dropped, as RFC 2047 says.
export function decodeWords(value) {
  return String(value).replace(/\?=\s+=\?/g, '?==?').replace(/=\?([^?]+)\?([bBqQ])\?([^?]*)\?=/g, (m, charset, enc, text) => {
    const bytes = enc.toUpperCase() === 'B' ? Buffer.from(text, 'base64')
      : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (x, hex) => String.fromCharCode(parseInt(hex, 16))),
        'latin1');
    return new TextDecoder(charset.toLowerCase()).decode(bytes);
  });
}

// Headers (names lower-cased, folded lines unfolded) and the body of a message or part.
function split(raw) {
  const at = raw.search(/\r?\n\r?\n/);
  const head = at < 0 ? raw : raw.slice(0, at);
  const body = at < 0 ? '' : raw.slice(at).replace(/^\r?\n\r?\n/, '');
  const headers = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return {headers, body};
}

function decodeBody(headers, body) {
  const cte = (headers['content-transfer-encoding'] || '').toLowerCase();
  if (cte === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (cte === 'quoted-printable') {
    const bytes = Buffer.from(body.replace(/=\r?\n/g, '').replace(/=([0-9A-Fa-f]{2})/g,
      (x, hex) => String.fromCharCode(parseInt(hex, 16))), 'latin1');
    return bytes.toString('utf8');
  }
  return body;
}

// Parts of a multipart body, nested multiparts flattened.
function parts(headers, body) {
  const type = headers['content-type'] || 'text/plain';
  const m = /boundary="?([^";]+)"?/i.exec(type);
  if (!/^multipart\//i.test(type) || !m) return [{type: type.split(';')[0].trim().toLowerCase(), text: decodeBody(headers, body)}];
  const out = [];
  const chunks = body.split(`--${m[1]}`);
  for (const chunk of chunks.slice(1)) {
    if (chunk.startsWith('--')) break;
    const part = split(chunk.replace(/^\r?\n/, ''));
    out.push(...parts(part.headers, part.body.replace(/\r?\n$/, '')));
  }
  return out;
}

export function parseMessage(raw) {
  const {headers, body} = split(raw);
  const all = parts(headers, body);
  const pick = (t) => (all.find((p) => p.type === t) || {}).text || '';
  return {raw, headers, subject: decodeWords(headers.subject || ''), text: pick('text/plain'), html: pick('text/html'),
    parts: all.map((p) => p.type)};
}

// Starts the sink: {port, messages (each {from, to: [...], ...parseMessage}), waitFor(pred,
// ms), close()}.
export async function startSmtpSink() {
  const messages = [];
  const waiters = new Set();
  const sockets = new Set();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let buf = '';
    let inData = false;
    let envelope = {from: '', to: []};
    const say = (line) => socket.write(`${line}\r\n`);
    say('220 127.0.0.1 rotonde-test-sink ESMTP');
    socket.on('data', (chunk) => {
      buf += chunk.toString('latin1');
      for (;;) {
        if (inData) {
          const end = buf.search(/(^|\r\n)\.\r\n/);
          if (end < 0) return;
          const rawLatin = buf.slice(0, end);
          buf = buf.slice(buf.indexOf('.\r\n', end) + 3);
          inData = false;
          const raw = Buffer.from(rawLatin, 'latin1').toString('utf8').replace(/^\.\./gm, '.');
          const msg = {...envelope, ...parseMessage(raw), at: Date.now()};
          messages.push(msg);
          envelope = {from: '', to: []};
          say('250 2.0.0 OK kept');
          for (const w of [...waiters]) w();
          continue;
        }
        const nl = buf.indexOf('\r\n');
        if (nl < 0) return;
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO') {
          say('250-127.0.0.1');
          say('250-8BITMIME');
          say('250 SMTPUTF8');
        } else if (verb === 'HELO') say('250 127.0.0.1');
        else if (verb === 'MAIL') {
          envelope = {from: (/<([^>]*)>/.exec(line) || [])[1] || '', to: []};
          say('250 2.1.0 OK');
        } else if (verb === 'RCPT') {
          envelope.to.push((/<([^>]*)>/.exec(line) || [])[1] || '');
          say('250 2.1.5 OK');
        } else if (verb === 'DATA') {
          inData = true;
          say('354 End data with <CR><LF>.<CR><LF>');
        } else if (verb === 'RSET') {
          envelope = {from: '', to: []};
          say('250 OK');
        } else if (verb === 'NOOP') say('250 OK');
        else if (verb === 'QUIT') {
          say('221 Bye');
          socket.end();
          return;
        } else say('502 5.5.2 Not implemented');
      }
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: server.address().port,
    url: `smtp://127.0.0.1:${server.address().port}`,
    messages,
    // Resolves with the messages once pred(messages) holds; rejects after `ms`.
    waitFor(pred, ms = 10000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!pred(messages)) return false;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(messages);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`the SMTP sink waited ${ms} ms; it has ${messages.length} messages:\n`
            + messages.map((m) => `${m.to.join(',')}: ${m.subject}`).join('\n')));
        }, ms);
        waiters.add(check);
        check();
      });
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
