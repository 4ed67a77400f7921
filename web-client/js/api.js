// HTTP calls to the wire API (docs/api.md). The session is the HttpOnly cookie the server
// sets at sign-in, so requests are same-origin with credentials.

export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message || code);
    this.status = status;
    this.code = code;
    this.details = details || {};
  }
}

async function request(method, path, body, signal) {
  let res;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? {Accept: 'application/json'}
        : {'Content-Type': 'application/json', Accept: 'application/json'},
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
  } catch (e) {
    if (e && e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network', String(e && e.message));
  }
  const text = await res.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!res.ok) {
    const err = data && typeof data === 'object' ? data : {};
    throw new ApiError(res.status, err.code || `http_${res.status}`, err.message || text, err.details);
  }
  return data;
}

export const api = {
  get: (path, signal) => request('GET', path, undefined, signal),
  post: (path, body, signal) => request('POST', path, body ?? {}, signal),
  del: (path) => request('DELETE', path),
};

export const paths = {
  session: '/api/v1/session',
  invite: (token) => `/api/v1/invites/${encodeURIComponent(token)}`,
  acceptInvite: (token) => `/api/v1/invites/${encodeURIComponent(token)}/accept`,
  view: (p, name, params) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params || {})) if (v !== undefined && v !== '') q.set(k, v);
    const qs = q.toString();
    return `/api/v1/platforms/${encodeURIComponent(p)}/views/${name}${qs ? `?${qs}` : ''}`;
  },
  commands: (p) => `/api/v1/platforms/${encodeURIComponent(p)}/commands`,
  clashPreview: (p) => `/api/v1/platforms/${encodeURIComponent(p)}/clash-preview`,
  events: (p, from, limit) =>
    `/api/v1/platforms/${encodeURIComponent(p)}/events?from=${from}&limit=${limit}`,
  checkpoint: (p) => `/api/v1/platforms/${encodeURIComponent(p)}/checkpoint`,
  feedKey: (p) => `/api/v1/platforms/${encodeURIComponent(p)}/feed-key`,
  invites: (p) => `/api/v1/platforms/${encodeURIComponent(p)}/invites`,
  inboxRead: (p) => `/api/v1/platforms/${encodeURIComponent(p)}/inbox/read`,
  erase: (p, person) => `/api/v1/platforms/${encodeURIComponent(p)}/people/${encodeURIComponent(person)}/erase`,
  myData: (p) => `/api/v1/platforms/${encodeURIComponent(p)}/people/me/data`,
  mailSettings: '/api/v1/mail/settings',
  unsubscribe: (token) => `/api/v1/mail/unsubscribe?t=${encodeURIComponent(token)}`,
  reportCsv: (p, period) =>
    `/api/v1/platforms/${encodeURIComponent(p)}/report.csv?period=${encodeURIComponent(period)}`,
};

// One page of the NDJSON event feed: {events, head, next, raw}. `raw` keeps the record lines
// as the server sent them, for export.
export async function fetchEvents(platform, from, limit) {
  let res;
  try {
    res = await fetch(paths.events(platform, from, limit), {credentials: 'same-origin'});
  } catch (e) {
    throw new ApiError(0, 'network', String(e && e.message));
  }
  const text = await res.text();
  if (!res.ok) {
    let err = {};
    try {
      err = JSON.parse(text);
    } catch {
      // Not JSON: keep the status.
    }
    throw new ApiError(res.status, err.code || `http_${res.status}`, err.message || text, err.details);
  }
  const events = [];
  const raw = [];
  let head = null;
  let next = null;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const obj = JSON.parse(line);
    if (obj && obj.next !== undefined && obj.id === undefined) {
      head = Number(obj.position);
      next = Number(obj.next);
    } else {
      events.push(obj);
      raw.push(line);
    }
  }
  return {events, raw, head, next};
}
