-- SPDX-License-Identifier: AGPL-3.0-or-later
-- The profile store's first schema (docs/client.md "Local store"). Every BLOB named idx or grp
-- is a blind index (HMAC-SHA256 under the store's index key); every other BLOB is sealed with
-- AES-256-GCM. Only the INTEGER time columns are clear, for ordering.

-- Fixed entries: the sealed key check and the sealed local identity. Names are constants.
CREATE TABLE meta (
    name  TEXT PRIMARY KEY,
    value BLOB NOT NULL
);

-- The sealed maps: idx = blind index of the key, k = sealed key, v = sealed value,
-- grp = blind index of a grouping value (the account of a session, the Kyber prekey of a base key).
-- Rowid tables, not WITHOUT ROWID: values such as session records are kilobytes, and SQLite
-- keeps large rows far better in a rowid table's leaves than in an index b-tree.
CREATE TABLE identities (
    id  INTEGER PRIMARY KEY,
    idx BLOB NOT NULL UNIQUE,
    grp BLOB,
    k   BLOB NOT NULL,
    v   BLOB NOT NULL
);

CREATE TABLE sessions (
    id  INTEGER PRIMARY KEY,
    idx BLOB NOT NULL UNIQUE,
    grp BLOB,
    k   BLOB NOT NULL,
    v   BLOB NOT NULL
);
CREATE INDEX sessions_by_account ON sessions (grp);

CREATE TABLE prekeys (
    id  INTEGER PRIMARY KEY,
    idx BLOB NOT NULL UNIQUE,
    grp BLOB,
    k   BLOB NOT NULL,
    v   BLOB NOT NULL
);

CREATE TABLE signed_prekeys (
    id  INTEGER PRIMARY KEY,
    idx BLOB NOT NULL UNIQUE,
    grp BLOB,
    k   BLOB NOT NULL,
    v   BLOB NOT NULL
);

CREATE TABLE kyber_prekeys (
    id  INTEGER PRIMARY KEY,
    idx BLOB NOT NULL UNIQUE,
    grp BLOB,
    k   BLOB NOT NULL,
    v   BLOB NOT NULL
);

CREATE TABLE kyber_base_keys (
    id  INTEGER PRIMARY KEY,
    idx BLOB NOT NULL UNIQUE,
    grp BLOB,
    k   BLOB NOT NULL,
    v   BLOB NOT NULL
);
CREATE INDEX kyber_base_keys_by_prekey ON kyber_base_keys (grp);

CREATE TABLE sender_keys (
    id  INTEGER PRIMARY KEY,
    idx BLOB NOT NULL UNIQUE,
    grp BLOB,
    k   BLOB NOT NULL,
    v   BLOB NOT NULL
);

CREATE TABLE contacts (
    id  INTEGER PRIMARY KEY,
    idx BLOB NOT NULL UNIQUE,
    grp BLOB,
    k   BLOB NOT NULL,
    v   BLOB NOT NULL
);

CREATE TABLE cursors (
    id  INTEGER PRIMARY KEY,
    idx BLOB NOT NULL UNIQUE,
    grp BLOB,
    k   BLOB NOT NULL,
    v   BLOB NOT NULL
);

CREATE TABLE settings (
    id  INTEGER PRIMARY KEY,
    idx BLOB NOT NULL UNIQUE,
    grp BLOB,
    k   BLOB NOT NULL,
    v   BLOB NOT NULL
);

-- created_at (epoch ms) is clear: it orders conversations that have no message yet.
CREATE TABLE conversations (
    id         INTEGER PRIMARY KEY,
    idx        BLOB NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    body       BLOB NOT NULL
);

-- conv is the conversation's blind index (the same value as conversations.idx), ref the blind
-- index of (conversation, ref); sent_at (epoch ms) is clear for history order and paging.
CREATE TABLE messages (
    seq     INTEGER PRIMARY KEY,
    conv    BLOB NOT NULL,
    ref     BLOB NOT NULL,
    sent_at INTEGER NOT NULL,
    body    BLOB NOT NULL,
    UNIQUE (conv, ref)
);
CREATE INDEX messages_by_time ON messages (conv, sent_at, seq);
