// The API client: every call carries the token from sessionStorage as a bearer header (never in a URL),
// and every error becomes an ApiError holding the problem+json title and detail.
const KEY = 'computegrid.console.token';

export const token = {
  get: () => sessionStorage.getItem(KEY),
  set: (t) => sessionStorage.setItem(KEY, t),
  clear: () => sessionStorage.removeItem(KEY),
};

export class ApiError extends Error {
  constructor(status, title, detail) {
    super(detail || title);
    this.status = status;
    this.title = title;
    this.detail = detail;
  }
}

let unauthorized = () => {};

/** Called when the server answers 401 (token revoked or wrong): the app signs out. */
export function onUnauthorized(handler) {
  unauthorized = handler;
}

function url(path, params) {
  const u = new URL(path, location.origin);
  for (const [k, v] of Object.entries(params || {})) {
    if (v !== undefined && v !== null && v !== '') u.searchParams.set(k, String(v));
  }
  return u;
}

async function call(method, path, { params, body, signal, text } = {}) {
  const headers = { Authorization: 'Bearer ' + (token.get() || ''), Accept: text ? 'text/plain' : 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(url(path, params), {
      method, headers, signal, body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store', credentials: 'omit', redirect: 'error',
    });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, 'Network error', 'the server did not answer (' + e.message + ')');
  }
  if (!res.ok) {
    let p = {};
    try { p = await res.json(); } catch (e) { /* not a problem document */ }
    const err = new ApiError(res.status, p.title || res.statusText, p.detail || '');
    if (res.status === 401) unauthorized(err);
    throw err;
  }
  return text ? res.text() : res.json();
}

export const get = (path, params, opts = {}) => call('GET', path, { ...opts, params });
export const getText = (path, params, opts = {}) => call('GET', path, { ...opts, params, text: true });
export const post = (path, body, opts = {}) => call('POST', path, { ...opts, body });

/** Follows nextCursor until the end or maxPages pages; returns {items, truncated}. */
export async function all(path, params, opts = {}, maxPages = 20) {
  const items = [];
  let cursor = null;
  for (let page = 0; page < maxPages; page++) {
    const r = await get(path, { ...params, limit: 500, cursor }, opts);
    items.push(...r.items);
    if (!r.nextCursor) return { items, truncated: false };
    cursor = r.nextCursor;
  }
  return { items, truncated: true };
}
