// SPDX-License-Identifier: AGPL-3.0-or-later
// The client of the local API (CONTRACT.md). The token comes once in the URL fragment
// (#token=…), moves to sessionStorage (this tab only) and leaves the visible URL.
import { reconnectDelay, tokenFromHash } from './logic.js';

const TOKEN_KEY = 'nexuslink.token';

/** Takes the token from location.hash (then hides it) or from sessionStorage; null when none. */
export function takeToken() {
  const { token, rest } = tokenFromHash(window.location.hash);
  if (token) {
    try {
      sessionStorage.setItem(TOKEN_KEY, token);
    } catch {
      // Storage disabled: the token lives in memory for this page only.
    }
    window.history.replaceState(null, '', window.location.pathname + window.location.search + rest);
    return token;
  }
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

/** A failed call: `code` is the contract's error code, `network` when the back end was not reached. */
export class ApiError extends Error {
  constructor(status, code, message, detail = null) {
    super(message || code || `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.detail = detail;
  }

  get network() {
    return this.code === 'network';
  }
}

const enc = encodeURIComponent;

export function createApi(token) {
  async function request(method, path, { json, body, headers = {}, signal } = {}) {
    const init = { method, headers: { Authorization: `Bearer ${token}`, ...headers }, signal, cache: 'no-store' };
    if (json !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(json);
    } else if (body !== undefined) {
      init.body = body;
    }
    let res;
    try {
      res = await fetch(path, init);
    } catch (e) {
      if (e?.name === 'AbortError') throw e;
      throw new ApiError(0, 'network', 'Cannot reach the NexusLink app on this computer.');
    }
    if (!res.ok) throw await errorOf(res);
    return res;
  }

  async function call(method, path, options) {
    const res = await request(method, path, options);
    if (res.status === 204) return null;
    const type = res.headers.get('Content-Type') || '';
    if (!type.includes('json')) return null;
    return res.json();
  }

  const conv = (id) => `/api/conversations/${enc(id)}`;

  return {
    token,
    state: () => call('GET', '/api/state'),
    createIdentity: (passphrase) => call('POST', '/api/identity', { json: { passphrase, words: 12 } }),
    restoreIdentity: (words, passphrase) => call('POST', '/api/identity/restore', { json: { passphrase, words } }),
    requestLink: (passphrase) => call('POST', '/api/link/request', { json: { passphrase } }),
    finishLink: (passphrase, certificate) => call('POST', '/api/link/finish', { json: { passphrase, certificate } }),
    unlock: (passphrase) => call('POST', '/api/unlock', { json: { passphrase } }),
    lock: () => call('POST', '/api/lock'),
    joinUrl: (url, displayName) => call('POST', '/api/community/join', { json: { url, displayName } }),
    joinDirectory: (directory, id, displayName) =>
      call('POST', '/api/community/join', { json: { directory, id, displayName } }),
    searchDirectory: (directory, q) =>
      call('GET', `/api/directory/search?directory=${enc(directory)}&q=${enc(q)}`),
    conversations: () => call('GET', '/api/conversations'),
    openDirect: (account) => call('POST', '/api/conversations', { json: { account } }),
    messages: (id, limit = 200) => call('GET', `${conv(id)}/messages?limit=${limit}`),
    send: (id, text, replyTo) => call('POST', `${conv(id)}/messages`, { json: { text, replyTo: replyTo ?? null } }),
    sendFile: (id, file, replyTo) => {
      const mime = file.type || 'application/octet-stream';
      let q = `name=${enc(file.name)}&mime=${enc(mime)}`;
      if (replyTo) q += `&replyTo=${enc(replyTo)}`;
      return call('POST', `${conv(id)}/files?${q}`, { body: file, headers: { 'Content-Type': mime } });
    },
    /** The file's bytes as a Blob; onProgress(done, total) while they arrive. */
    download: async (id, ref, onProgress) => {
      const res = await request('GET', `${conv(id)}/messages/${enc(ref)}/file`);
      const total = Number(res.headers.get('Content-Length')) || 0;
      const type = res.headers.get('Content-Type') || 'application/octet-stream';
      if (!res.body || !onProgress) return res.blob();
      const reader = res.body.getReader();
      const chunks = [];
      let done = 0;
      for (;;) {
        const { value, done: end } = await reader.read();
        if (end) break;
        chunks.push(value);
        done += value.byteLength;
        onProgress(done, total);
      }
      return new Blob(chunks, { type });
    },
    revoke: (id, ref) => call('POST', `${conv(id)}/messages/${enc(ref)}/revoke`),
    markRead: (id, ref) => call('POST', `${conv(id)}/read`, { json: { ref } }),
    members: () => call('GET', '/api/members'),
    channels: () => call('GET', '/api/channels'),
    createChannel: (name, visibility) => call('POST', '/api/channels', { json: { name, visibility } }),
    channelMembers: (channelId) => call('GET', `/api/channels/${enc(channelId)}/members`),
    verification: (account, nonce) =>
      call('GET', `/api/contacts/${enc(account)}/verification${nonce ? `?nonce=${enc(nonce)}` : ''}`),
    verify: (account) => call('POST', `/api/contacts/${enc(account)}/verify`, { json: {} }),
    devices: () => call('GET', '/api/devices'),
    linkDevice: (code) => call('POST', '/api/devices/link', { json: { code } }),
    removeDevice: (id) => call('DELETE', `/api/devices/${enc(id)}`),
    settings: () => call('GET', '/api/settings'),
    saveSettings: (settings) => call('PUT', '/api/settings', { json: settings }),
    wipe: (confirm) => call('POST', '/api/wipe', { json: { confirm } }),
  };
}

async function errorOf(res) {
  let body = null;
  try {
    body = await res.json();
  } catch {
    // Not JSON (a proxy's page, an empty body): the status speaks.
  }
  const code = body?.error || `http_${res.status}`;
  const message = body?.message || `${res.status} ${res.statusText || 'error'}`.trim();
  return new ApiError(res.status, code, message, body?.detail ?? null);
}

/**
 * The event stream (`/api/events`), reconnecting with backoff while open. onEvent gets each
 * parsed frame; onStatus(true|false) the socket's own state. Returns close().
 */
export function connectEvents(token, onEvent, onStatus) {
  let socket = null;
  let attempt = 0;
  let timer = null;
  let closed = false;

  const open = () => {
    if (closed) return;
    const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
    try {
      socket = new WebSocket(`${scheme}://${window.location.host}/api/events?token=${enc(token)}`);
    } catch {
      schedule();
      return;
    }
    socket.onopen = () => {
      attempt = 0;
      onStatus?.(true);
    };
    socket.onmessage = (e) => {
      let event;
      try {
        event = JSON.parse(e.data);
      } catch {
        return;
      }
      if (event && typeof event.type === 'string') onEvent(event);
    };
    socket.onclose = () => {
      socket = null;
      onStatus?.(false);
      schedule();
    };
  };

  const schedule = () => {
    if (closed || timer) return;
    timer = setTimeout(() => {
      timer = null;
      open();
    }, reconnectDelay(attempt++));
  };

  open();
  return () => {
    closed = true;
    clearTimeout(timer);
    if (socket) {
      socket.onclose = null;
      socket.close();
    }
  };
}
