// SPDX-License-Identifier: AGPL-3.0-or-later
// `npm test`: the UI's pure logic (node:test, no browser).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  applyMessageToList,
  channelIdOf,
  formatSize,
  initials,
  layoutMessages,
  normalizeWords,
  notificationFor,
  reconnectDelay,
  revokeMessage,
  safetyBlocks,
  tokenFromHash,
  upsertMessage,
} from '../../main/web/src/logic.js';

const message = (over = {}) => ({
  ref: 'a1',
  conversation: 'dm:nxl1alice',
  sender: 'nxl1alice',
  senderName: 'Alice',
  mine: false,
  at: '2026-12-07T10:00:00Z',
  kind: 'text',
  text: 'the secret plan',
  replyTo: null,
  file: null,
  revoked: false,
  canRevoke: false,
  ...over,
});

describe('notificationFor', () => {
  const hidden = { hidden: true, conversationTitle: 'Alice' };

  it('shows neither sender nor text by default (hidden)', () => {
    const n = notificationFor('hidden', message(), hidden);
    assert.deepEqual(n, { title: 'NexusLink', body: 'New message', tag: 'nexuslink-new-message' });
    assert.ok(!JSON.stringify(n).includes('secret'));
    assert.ok(!JSON.stringify(n).includes('Alice'));
  });

  it('shows sender and text only with full', () => {
    const n = notificationFor('full', message(), hidden);
    assert.equal(n.title, 'Alice');
    assert.equal(n.body, 'the secret plan');
  });

  it('names the channel with the sender', () => {
    const n = notificationFor('full', message({ conversation: 'ch:1' }), { hidden: true, conversationTitle: 'general' });
    assert.equal(n.title, 'Alice in general');
  });

  it('is silent when off, while the page is visible, for our own messages, or for unknown modes', () => {
    assert.equal(notificationFor('off', message(), hidden), null);
    assert.equal(notificationFor('full', message(), { hidden: false, conversationTitle: 'Alice' }), null);
    assert.equal(notificationFor('full', message({ mine: true }), hidden), null);
    assert.equal(notificationFor(undefined, message(), hidden), null);
  });

  it('never shows a revoked text, and names a file instead of its bytes', () => {
    assert.equal(notificationFor('full', message({ revoked: true }), hidden).body, 'This message was revoked');
    const file = message({ kind: 'file', text: null, file: { name: 'plan.pdf', size: 3, mime: 'application/pdf' } });
    assert.equal(notificationFor('full', file, hidden).body, 'File: plan.pdf');
  });
});

describe('layoutMessages', () => {
  it('groups one sender within five minutes and splits on a new sender, a gap or a new day', () => {
    const ms = [
      message({ ref: '1', at: '2026-12-06T23:58:00' }),
      message({ ref: '2', at: '2026-12-07T00:01:00' }), // next day
      message({ ref: '3', at: '2026-12-07T00:03:00' }),
      message({ ref: '4', at: '2026-12-07T00:04:00', sender: 'nxl1me', mine: true }),
      message({ ref: '5', at: '2026-12-07T00:20:00', sender: 'nxl1me', mine: true }), // gap
    ];
    const rows = layoutMessages(ms, new Date('2026-12-07T12:00:00'));
    assert.deepEqual(
      rows.map((r) => (r.type === 'day' ? `day:${r.label}` : `${r.key}:${r.first ? 'F' : '-'}${r.last ? 'L' : '-'}`)),
      ['day:Yesterday', '1:FL', 'day:Today', '2:F-', '3:-L', '4:FL', '5:FL'],
    );
  });

  it('lays out nothing for no messages', () => {
    assert.deepEqual(layoutMessages([]), []);
  });
});

describe('conversation list updates', () => {
  const list = [
    { id: 'dm:a', title: 'A', unread: 0, last: null },
    { id: 'dm:b', title: 'B', unread: 2, last: null },
  ];

  it('moves the conversation to the top and counts unread when it is not open', () => {
    const next = applyMessageToList(list, 'dm:b', message({ ref: 'x', conversation: 'dm:b' }), 'dm:a');
    assert.deepEqual(next.map((c) => c.id), ['dm:b', 'dm:a']);
    assert.equal(next[0].unread, 3);
    assert.equal(next[0].last.text, 'the secret plan');
  });

  it('does not count messages in the open conversation or our own', () => {
    assert.equal(applyMessageToList(list, 'dm:b', message(), 'dm:b')[0].unread, 2);
    assert.equal(applyMessageToList(list, 'dm:b', message({ mine: true }), 'dm:a')[0].unread, 2);
  });

  it("keeps a file's name as the last text, and a revoked one's placeholder", () => {
    const file = message({ kind: 'file', text: null, file: { name: 'plan.pdf', size: 3, mime: 'application/pdf' } });
    assert.equal(applyMessageToList(list, 'dm:a', file, null)[0].last.text, 'plan.pdf');
    assert.equal(applyMessageToList(list, 'dm:a', { ...file, revoked: true }, null)[0].last.text, 'This message was revoked');
  });

  it('returns null for an unknown conversation so the caller refetches', () => {
    assert.equal(applyMessageToList(list, 'dm:zzz', message(), null), null);
  });
});

describe('message list updates', () => {
  it('replaces by ref, appends new ones and keeps time order', () => {
    let ms = [message({ ref: '1', at: '2026-12-07T10:00:00Z' }), message({ ref: '3', at: '2026-12-07T10:02:00Z' })];
    ms = upsertMessage(ms, message({ ref: '1', text: 'edited' }));
    assert.equal(ms.length, 2);
    assert.equal(ms[0].text, 'edited');
    ms = upsertMessage(ms, message({ ref: '2', at: '2026-12-07T10:01:00Z' }));
    assert.deepEqual(ms.map((m) => m.ref), ['1', '2', '3']);
  });

  it('marks a revoked message and leaves the others', () => {
    const ms = revokeMessage([message({ ref: '1', canRevoke: true }), message({ ref: '2' })], '1');
    assert.equal(ms[0].revoked, true);
    assert.equal(ms[0].canRevoke, false);
    assert.equal(ms[1].revoked, false);
  });

  it("takes a revoked message's text out of the replies that quote it", () => {
    const ms = revokeMessage(
      [message({ ref: '1', text: 'gone' }), message({ ref: '2', replyTo: '1', replyText: 'gone' })],
      '1',
    );
    assert.equal(ms[1].replyText, null);
    assert.equal(ms[1].revoked, false);
  });
});

describe('tokenFromHash', () => {
  it('takes the token and keeps the rest of the fragment', () => {
    assert.deepEqual(tokenFromHash('#token=abc-_09'), { token: 'abc-_09', rest: '' });
    assert.deepEqual(tokenFromHash('#token=abc&x=1'), { token: 'abc', rest: '#x=1' });
    assert.deepEqual(tokenFromHash(''), { token: null, rest: '' });
    assert.deepEqual(tokenFromHash('#other'), { token: null, rest: '#other' });
  });
});

describe('small formatters', () => {
  it('groups a safety number in 5-digit blocks whatever its spacing', () => {
    assert.deepEqual(safetyBlocks('12345 67890\n1234567890'), ['12345', '67890', '12345', '67890']);
    assert.equal(safetyBlocks('1'.repeat(60)).length, 12);
  });

  it('formats sizes, initials, channel ids, words and backoff', () => {
    assert.equal(formatSize(512), '512 B');
    assert.equal(formatSize(1536), '1.5 KB');
    assert.equal(formatSize(5 * 1024 * 1024), '5.0 MB');
    assert.equal(initials('Alice Bob Carol'), 'AB');
    assert.equal(initials('#general'), 'GE');
    assert.equal(initials(''), '?');
    assert.equal(channelIdOf('ch:1234'), '1234');
    assert.equal(channelIdOf('dm:nxl1'), null);
    assert.equal(normalizeWords('  Apple\nBANANA   cherry '), 'apple banana cherry');
    assert.deepEqual([0, 1, 2, 3, 4, 10].map(reconnectDelay), [1000, 2000, 4000, 8000, 15000, 15000]);
  });
});
