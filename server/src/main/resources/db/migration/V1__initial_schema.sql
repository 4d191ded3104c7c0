-- SPDX-License-Identifier: AGPL-3.0-or-later
--
-- NexusLink community server schema, version 1: seed 000's tables adapted as docs/storage.md
-- records, plus what the following issues need (Kyber prekeys, auth, private channels,
-- overrides, the event log).
--
-- One file for SQLite and PostgreSQL. Flyway placeholders carry the type differences:
--   ${bigint_pk}  never-reused 64-bit surrogate key
--   ${blob}       opaque bytes (keys, signatures, ciphertext)
--   ${json}       JSON document
--   ${uuid}       UUID
-- Times are BIGINT milliseconds since the Unix epoch, UTC. Released migrations are never edited:
-- change the schema in a new V<n>__ file.

-- Members of the community. Seed: members(uuid, public_key, ...).
-- One row: this server's random id, which device signatures over auth challenges name so a
-- signature made for one server is worthless at another.
CREATE TABLE server_identity (
    id              INTEGER      NOT NULL PRIMARY KEY CHECK (id = 1),
    server_id       VARCHAR(64)  NOT NULL,
    created_at      BIGINT       NOT NULL
);

CREATE TABLE members (
    account_id      VARCHAR(60)  NOT NULL PRIMARY KEY,
    identity_key    ${blob}      NOT NULL,
    display_name    VARCHAR(100),
    role            VARCHAR(20)  NOT NULL DEFAULT 'member'
                    CHECK (role IN ('admin', 'moderator', 'member')),
    is_banned       BOOLEAN      NOT NULL DEFAULT FALSE,
    banned_at       BIGINT,
    joined_at       BIGINT       NOT NULL
);

-- A member's devices. device_id is small and per account (libsignal addresses are
-- (name, device id) with device ids 1..127), not a global serial. A revoked device keeps its row
-- so that its id and certificate are never accepted again.
CREATE TABLE devices (
    account_id      VARCHAR(60)  NOT NULL REFERENCES members (account_id) ON DELETE CASCADE,
    device_id       INTEGER      NOT NULL CHECK (device_id BETWEEN 1 AND 127),
    device_key      ${blob}      NOT NULL,
    certificate     ${blob}      NOT NULL,
    device_type     VARCHAR(20)  NOT NULL,
    os              VARCHAR(50),
    app_version     VARCHAR(50),
    push_token      VARCHAR(500),
    registered_at   BIGINT       NOT NULL,
    last_active_at  BIGINT       NOT NULL,
    revoked_at      BIGINT,
    PRIMARY KEY (account_id, device_id)
);

-- One-time EC (X25519) prekeys. Handing one out deletes it, so there is no is_used flag.
CREATE TABLE prekeys (
    account_id      VARCHAR(60)  NOT NULL,
    device_id       INTEGER      NOT NULL,
    key_id          INTEGER      NOT NULL,
    public_key      ${blob}      NOT NULL,
    uploaded_at     BIGINT       NOT NULL,
    PRIMARY KEY (account_id, device_id, key_id),
    FOREIGN KEY (account_id, device_id) REFERENCES devices (account_id, device_id) ON DELETE CASCADE
);

-- Signed Kyber (KEM) prekeys: one-time ones, consumed like prekeys, and at most one last-resort
-- key per device, handed out (not consumed) when the one-time stock is empty.
CREATE TABLE kyber_prekeys (
    account_id      VARCHAR(60)  NOT NULL,
    device_id       INTEGER      NOT NULL,
    key_id          INTEGER      NOT NULL,
    public_key      ${blob}      NOT NULL,
    signature       ${blob}      NOT NULL,
    is_last_resort  BOOLEAN      NOT NULL DEFAULT FALSE,
    uploaded_at     BIGINT       NOT NULL,
    PRIMARY KEY (account_id, device_id, key_id),
    FOREIGN KEY (account_id, device_id) REFERENCES devices (account_id, device_id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX kyber_prekeys_last_resort ON kyber_prekeys (account_id, device_id) WHERE is_last_resort;

-- The current signed EC prekey of each device; rotation replaces the row.
CREATE TABLE signed_prekeys (
    account_id      VARCHAR(60)  NOT NULL,
    device_id       INTEGER      NOT NULL,
    key_id          INTEGER      NOT NULL,
    public_key      ${blob}      NOT NULL,
    signature       ${blob}      NOT NULL,
    uploaded_at     BIGINT       NOT NULL,
    PRIMARY KEY (account_id, device_id),
    FOREIGN KEY (account_id, device_id) REFERENCES devices (account_id, device_id) ON DELETE CASCADE
);

-- Single-use login nonces; verifying one deletes it.
CREATE TABLE auth_challenges (
    nonce           ${blob}      NOT NULL PRIMARY KEY,
    account_id      VARCHAR(60)  NOT NULL,
    device_id       INTEGER      NOT NULL,
    created_at      BIGINT       NOT NULL,
    expires_at      BIGINT       NOT NULL
);
CREATE INDEX auth_challenges_expiry ON auth_challenges (expires_at);

-- Bearer tokens, stored only as their SHA-256: a database leak yields no usable token.
CREATE TABLE auth_tokens (
    token_hash      ${blob}      NOT NULL PRIMARY KEY,
    account_id      VARCHAR(60)  NOT NULL,
    device_id       INTEGER      NOT NULL,
    created_at      BIGINT       NOT NULL,
    expires_at      BIGINT       NOT NULL,
    FOREIGN KEY (account_id, device_id) REFERENCES devices (account_id, device_id) ON DELETE CASCADE
);
CREATE INDEX auth_tokens_device ON auth_tokens (account_id, device_id);
CREATE INDEX auth_tokens_expiry ON auth_tokens (expires_at);

CREATE TABLE channels (
    id              ${uuid}      NOT NULL PRIMARY KEY,
    name            VARCHAR(100) NOT NULL,
    channel_type    VARCHAR(20)  NOT NULL DEFAULT 'text'
                    CHECK (channel_type IN ('text', 'announcement', 'voice')),
    description     TEXT,
    is_private      BOOLEAN      NOT NULL DEFAULT FALSE,
    created_by      VARCHAR(60)  REFERENCES members (account_id) ON DELETE SET NULL,
    created_at      BIGINT       NOT NULL,
    is_archived     BOOLEAN      NOT NULL DEFAULT FALSE
);

-- The explicit member list of a private channel.
CREATE TABLE channel_members (
    channel_id      ${uuid}      NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    account_id      VARCHAR(60)  NOT NULL REFERENCES members (account_id) ON DELETE CASCADE,
    added_by        VARCHAR(60),
    added_at        BIGINT       NOT NULL,
    PRIMARY KEY (channel_id, account_id)
);
CREATE INDEX channel_members_account ON channel_members (account_id);

CREATE TABLE channel_permissions (
    channel_id      ${uuid}      NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    role            VARCHAR(20)  NOT NULL CHECK (role IN ('admin', 'moderator', 'member')),
    can_read        BOOLEAN      NOT NULL DEFAULT TRUE,
    can_write       BOOLEAN      NOT NULL DEFAULT TRUE,
    can_manage      BOOLEAN      NOT NULL DEFAULT FALSE,
    PRIMARY KEY (channel_id, role)
);

-- Per-member exceptions to the role permissions, in one channel or (channel_id NULL) community
-- wide. NULL in a can_* column inherits; a mute is can_write = FALSE. expires_at NULL = until
-- lifted.
CREATE TABLE member_overrides (
    id              ${bigint_pk},
    account_id      VARCHAR(60)  NOT NULL REFERENCES members (account_id) ON DELETE CASCADE,
    channel_id      ${uuid}      REFERENCES channels (id) ON DELETE CASCADE,
    can_read        BOOLEAN,
    can_write       BOOLEAN,
    can_manage      BOOLEAN,
    reason          VARCHAR(500),
    created_by      VARCHAR(60),
    created_at      BIGINT       NOT NULL,
    expires_at      BIGINT
);
-- NULLs are distinct in a unique index, so the community-wide override needs its own.
CREATE UNIQUE INDEX member_overrides_channel ON member_overrides (account_id, channel_id) WHERE channel_id IS NOT NULL;
CREATE UNIQUE INDEX member_overrides_community ON member_overrides (account_id) WHERE channel_id IS NULL;
CREATE INDEX member_overrides_expiry ON member_overrides (expires_at) WHERE expires_at IS NOT NULL;

-- The relay's event log (seed 001). It knows nothing of members or channels: cid is an opaque
-- conversation id and no foreign key leaves this table. mid increases per conversation.
CREATE TABLE events (
    cid             VARCHAR(100) NOT NULL,
    mid             BIGINT       NOT NULL,
    kind            INTEGER      NOT NULL,
    flags           INTEGER      NOT NULL DEFAULT 0,
    tags            ${blob}      NOT NULL,
    ref_mid         BIGINT,
    data            ${blob},
    sig             ${blob},
    sender_account  VARCHAR(60)  NOT NULL,
    sender_device   INTEGER      NOT NULL,
    created_at      BIGINT       NOT NULL,
    is_tombstone    BOOLEAN      NOT NULL DEFAULT FALSE,
    PRIMARY KEY (cid, mid)
);
CREATE INDEX events_time ON events (cid, created_at);
CREATE INDEX events_ref ON events (cid, ref_mid) WHERE ref_mid IS NOT NULL;

-- The last mid handed out per conversation; an upsert ... RETURNING allocates the next one.
CREATE TABLE event_counters (
    cid             VARCHAR(100) NOT NULL PRIMARY KEY,
    last_mid        BIGINT       NOT NULL
);

-- Direct-message delivery queue: one entry per recipient device, deleted when that device
-- acknowledges it or when it expires.
CREATE TABLE message_queue (
    id                 ${bigint_pk},
    message_id         ${uuid}      NOT NULL,
    recipient_account  VARCHAR(60)  NOT NULL,
    recipient_device   INTEGER      NOT NULL,
    sender_account     VARCHAR(60),
    sender_device      INTEGER,
    message_type       INTEGER      NOT NULL DEFAULT 0,
    encrypted_blob     ${blob}      NOT NULL,
    created_at         BIGINT       NOT NULL,
    expires_at         BIGINT       NOT NULL,
    FOREIGN KEY (recipient_account, recipient_device) REFERENCES devices (account_id, device_id) ON DELETE CASCADE
);
CREATE INDEX message_queue_recipient ON message_queue (recipient_account, recipient_device, id);
CREATE UNIQUE INDEX message_queue_message_device ON message_queue (message_id, recipient_account, recipient_device);
CREATE INDEX message_queue_expiry ON message_queue (expires_at);

-- Client-encrypted media. completed_at NULL marks an upload not finished yet (an orphan once old).
CREATE TABLE media_store (
    id                ${uuid}      NOT NULL PRIMARY KEY,
    uploader_account  VARCHAR(60)  REFERENCES members (account_id) ON DELETE SET NULL,
    encrypted_size    BIGINT       NOT NULL CHECK (encrypted_size >= 0),
    mime_type_hint    VARCHAR(100),
    storage_backend   VARCHAR(20)  NOT NULL DEFAULT 'local',
    storage_path      VARCHAR(500) NOT NULL,
    digest            ${blob}      NOT NULL,
    uploaded_at       BIGINT       NOT NULL,
    completed_at      BIGINT,
    expires_at        BIGINT
);
CREATE INDEX media_store_uploader ON media_store (uploader_account);
CREATE INDEX media_store_expiry ON media_store (expires_at) WHERE expires_at IS NOT NULL;
CREATE INDEX media_store_incomplete ON media_store (uploaded_at) WHERE completed_at IS NULL;

-- Moderation and role actions. No foreign keys: history outlives members and channels.
CREATE TABLE audit_log (
    id              ${bigint_pk},
    actor_account   VARCHAR(60),
    action          VARCHAR(50)  NOT NULL,
    target_account  VARCHAR(60),
    target_channel  ${uuid},
    details         ${json},
    created_at      BIGINT       NOT NULL
);
CREATE INDEX audit_log_time ON audit_log (created_at);
CREATE INDEX audit_log_actor ON audit_log (actor_account, created_at);
CREATE INDEX audit_log_target ON audit_log (target_account, created_at);
