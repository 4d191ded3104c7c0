// SPDX-License-Identifier: AGPL-3.0-or-later
// Pure UI logic (no DOM, no React): tested by `npm test` under src/test/web.

/** Notification settings values (CONTRACT.md, Settings). `hidden` is the default. */
export const NOTIFICATION_MODES = ['off', 'hidden', 'full'];

/**
 * What a desktop notification for a received message shows, or null for none.
 * Only while the page is hidden, never for our own messages, and the sender and text only when
 * the user chose `full`: with `hidden` the notification says that something arrived, nothing more.
 */
export function notificationFor(mode, message, { hidden, conversationTitle }) {
  if (!hidden || !message || message.mine) return null;
  if (mode !== 'full' && mode !== 'hidden') return null;
  if (mode === 'hidden') {
    return { title: 'NexusLink', body: 'New message', tag: 'nexuslink-new-message' };
  }
  const sender = message.senderName || shortAccount(message.sender) || 'Someone';
  const title = conversationTitle && conversationTitle !== sender ? `${sender} in ${conversationTitle}` : sender;
  return { title, body: previewText(message), tag: `nexuslink-${message.conversation}` };
}

/** The one-line text that stands for a message in a list or a notification. */
export function previewText(message) {
  if (!message) return '';
  if (message.revoked) return 'This message was revoked';
  if (message.kind === 'file') return `File: ${message.file?.name ?? message.text ?? 'attachment'}`;
  if (message.kind === 'other') return message.text || 'Unsupported message';
  return message.text ?? '';
}

/** `nxl1abc…xyz` for long account ids; short ones unchanged. */
export function shortAccount(account) {
  if (!account) return '';
  return account.length > 16 ? `${account.slice(0, 8)}…${account.slice(-6)}` : account;
}

/** Up to two letters for an avatar. */
export function initials(name) {
  const words = String(name ?? '').replace(/^[#@]/, '').trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return '?';
  const letters = words.length === 1 ? [...words[0]].slice(0, 2) : [[...words[0]][0], [...words[1]][0]];
  return letters.join('').toUpperCase();
}

/** A stable hue (0..359) per id, for avatar colours. */
export function hueOf(id) {
  let h = 0;
  for (const c of String(id ?? '')) h = (h * 31 + c.codePointAt(0)) % 360;
  return h;
}

/** The 5-digit blocks of a safety number, whatever spacing the back end used. */
export function safetyBlocks(safetyNumber) {
  const digits = String(safetyNumber ?? '').replace(/\D/g, '');
  const blocks = [];
  for (let i = 0; i < digits.length; i += 5) blocks.push(digits.slice(i, i + 5));
  return blocks;
}

/** Bytes as "512 B", "1.4 KB", "3.0 MB". */
export function formatSize(bytes) {
  if (!Number.isFinite(bytes) || bytes < 0) return '';
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = bytes / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

function sameDay(a, b) {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}

/** A list timestamp: the time today, the weekday this week, else the date. */
export function formatListTime(iso, now = new Date()) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  if (sameDay(d, now)) return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  const days = (now - d) / 86_400_000;
  if (days < 6 && days > 0) return d.toLocaleDateString([], { weekday: 'short' });
  return d.toLocaleDateString([], { day: 'numeric', month: 'short' });
}

export function formatTime(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

export function formatDay(iso, now = new Date()) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  if (sameDay(d, now)) return 'Today';
  const yesterday = new Date(now);
  yesterday.setDate(now.getDate() - 1);
  if (sameDay(d, yesterday)) return 'Yesterday';
  return d.toLocaleDateString([], { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
}

/** Messages from one sender closer than this in time share one group (one name, one avatar). */
export const GROUP_GAP_MS = 5 * 60 * 1000;

/**
 * Lays out messages (oldest first) for display: a day separator where the local day changes,
 * and `first`/`last` flags for runs of one sender within GROUP_GAP_MS on the same day.
 * Returns [{type:'day', key, label}, {type:'message', key, message, first, last}].
 */
export function layoutMessages(messages, now = new Date()) {
  const rows = [];
  let prev = null;
  let prevRow = null;
  for (const m of messages) {
    const at = new Date(m.at);
    const newDay = !prev || !sameDay(new Date(prev.at), at);
    if (newDay) rows.push({ type: 'day', key: `day-${m.ref}`, label: formatDay(m.at, now) });
    const joins =
      !newDay && prev && prev.sender === m.sender && prev.mine === m.mine && at - new Date(prev.at) <= GROUP_GAP_MS;
    if (!joins && prevRow) prevRow.last = true;
    const row = { type: 'message', key: m.ref, message: m, first: !joins, last: false };
    rows.push(row);
    prev = m;
    prevRow = row;
  }
  if (prevRow) prevRow.last = true;
  return rows;
}

/**
 * A conversation list after a message event: the conversation moves to the top with the new
 * last message, and its unread count grows when it is not the one on screen (and not ours).
 * Returns null when the conversation is unknown (the caller refetches the list).
 */
export function applyMessageToList(list, conversationId, message, activeId) {
  const i = list.findIndex((c) => c.id === conversationId);
  if (i < 0) return null;
  const c = list[i];
  const counts = !message.mine && conversationId !== activeId;
  const updated = {
    ...c,
    unread: counts ? (c.unread ?? 0) + 1 : c.unread ?? 0,
    last: {
      ref: message.ref,
      text: message.kind === 'file' && !message.revoked ? message.file?.name ?? null : previewText(message),
      at: message.at,
      mine: message.mine,
      kind: message.kind,
    },
  };
  return [updated, ...list.slice(0, i), ...list.slice(i + 1)];
}

/** Adds or replaces (by ref) a message in an oldest-first list. */
export function upsertMessage(messages, message) {
  const i = messages.findIndex((m) => m.ref === message.ref);
  if (i >= 0) return messages.map((m, j) => (j === i ? { ...m, ...message } : m));
  const next = [...messages, message];
  if (messages.length && new Date(message.at) < new Date(messages[messages.length - 1].at)) {
    next.sort((a, b) => new Date(a.at) - new Date(b.at));
  }
  return next;
}

/** Marks a message revoked: its text and file are gone from view, and from the replies quoting it. */
export function revokeMessage(messages, ref) {
  return messages.map((m) => {
    if (m.ref === ref) return { ...m, revoked: true, canRevoke: false };
    if (m.replyTo === ref) return { ...m, replyText: null };
    return m;
  });
}

/** Splits `#token=…` out of a location hash; returns { token, rest } (rest keeps other hash parts). */
export function tokenFromHash(hash) {
  const raw = String(hash ?? '').replace(/^#/, '');
  if (!raw) return { token: null, rest: '' };
  const params = new URLSearchParams(raw);
  const token = params.get('token');
  if (!token) return { token: null, rest: `#${raw}` };
  params.delete('token');
  const rest = params.toString();
  return { token, rest: rest ? `#${rest}` : '' };
}

/** Reconnect delay for attempt n (0-based): 1 s doubling to 15 s. */
export function reconnectDelay(attempt) {
  return Math.min(15_000, 1000 * 2 ** Math.max(0, attempt));
}

/** `ch:<uuid>` -> `<uuid>`; anything else -> null. */
export function channelIdOf(conversationId) {
  return typeof conversationId === 'string' && conversationId.startsWith('ch:') ? conversationId.slice(3) : null;
}

/** Normalizes typed recovery words: lower case, single spaces. */
export function normalizeWords(text) {
  return String(text ?? '').toLowerCase().trim().split(/\s+/).filter(Boolean).join(' ');
}
