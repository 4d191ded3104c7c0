-- SPDX-License-Identifier: AGPL-3.0-or-later
--
-- NexusLink directory schema, version 1 (the directory role; the community role's schema is
-- db/migration and has its own numbering and history table). Seed 000: the directory is a phone
-- book. It holds the public listing of registered communities, KYC requests (sealed materials
-- only until a decision), abuse reports and replay-protection nonces: never member lists, message
-- data or traffic metadata. docs/directory.md says what each table keeps and for how long.
--
-- Same placeholders as db/migration (${bigint_pk}, ${blob}); times are BIGINT milliseconds since
-- the Unix epoch, UTC. Released migrations are never edited.

-- One row: the directory's id and the public half of its long-term Ed25519 key (server.key_file).
CREATE TABLE server_identity (
    id              INTEGER      NOT NULL PRIMARY KEY CHECK (id = 1),
    server_id       VARCHAR(64)  NOT NULL,
    created_at      BIGINT       NOT NULL,
    public_key      ${blob}
);

-- A listed community. server_key identifies it: updates, deletes and heartbeats must be signed
-- by it. tags are the normalised tags, space-separated (community_tags holds them one per row
-- for filtering). last_seen_at is the last successful probe or heartbeat; a community not seen
-- within directory.unreachable_after leaves search results.
CREATE TABLE communities (
    seq                 ${bigint_pk},
    community_id        VARCHAR(40)   NOT NULL UNIQUE,
    name                VARCHAR(100)  NOT NULL,
    description         VARCHAR(1000) NOT NULL,
    tags                VARCHAR(400)  NOT NULL,
    endpoint            VARCHAR(400)  NOT NULL,
    admin_account       VARCHAR(60)   NOT NULL,
    server_key          ${blob}       NOT NULL UNIQUE,
    status              VARCHAR(20)   NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
    registered_at       BIGINT        NOT NULL,
    updated_at          BIGINT        NOT NULL,
    last_heartbeat_at   BIGINT,
    last_seen_at        BIGINT        NOT NULL,
    probes_total        BIGINT        NOT NULL DEFAULT 0,
    probes_ok           BIGINT        NOT NULL DEFAULT 0,
    probe_failures      INTEGER       NOT NULL DEFAULT 0,
    next_probe_at       BIGINT        NOT NULL,
    reputation          DOUBLE PRECISION NOT NULL,
    suspended_at        BIGINT
);
CREATE INDEX communities_next_probe ON communities (next_probe_at);
CREATE INDEX communities_listing ON communities (status, reputation);

CREATE TABLE community_tags (
    tag             VARCHAR(32)  NOT NULL,
    community_seq   BIGINT       NOT NULL REFERENCES communities (seq) ON DELETE CASCADE,
    PRIMARY KEY (tag, community_seq)
);
CREATE INDEX community_tags_community ON community_tags (community_seq);

-- Nonces of signed requests seen within the accepted clock window, per signer: a replay inside
-- the window hits the primary key, one outside it fails the timestamp check. Swept after the
-- window.
CREATE TABLE request_nonces (
    signer          VARCHAR(100) NOT NULL,
    nonce           VARCHAR(64)  NOT NULL,
    seen_at         BIGINT       NOT NULL,
    PRIMARY KEY (signer, nonce)
);
CREATE INDEX request_nonces_seen ON request_nonces (seen_at);

-- One KYC request per account. challenge is the nonce the directory issued at initiate;
-- materials is the HPKE box sealed to the compliance key (the directory cannot open it) and is
-- deleted when a reviewer decides; only the outcome stays.
CREATE TABLE kyc_requests (
    account_id      VARCHAR(60)  NOT NULL PRIMARY KEY,
    challenge       VARCHAR(64)  NOT NULL,
    status          VARCHAR(20)  NOT NULL CHECK (status IN ('initiated', 'pending', 'approved', 'rejected')),
    materials       ${blob},
    initiated_at    BIGINT       NOT NULL,
    submitted_at    BIGINT,
    decided_at      BIGINT,
    reason          VARCHAR(500)
);
CREATE INDEX kyc_requests_status ON kyc_requests (status, submitted_at);

-- Abuse reports: one per reporter and community. Deleting a community deletes its reports.
CREATE TABLE abuse_reports (
    report_id       VARCHAR(40)   NOT NULL PRIMARY KEY,
    community_seq   BIGINT        NOT NULL REFERENCES communities (seq) ON DELETE CASCADE,
    reporter        VARCHAR(60)   NOT NULL,
    category        VARCHAR(32)   NOT NULL,
    details         VARCHAR(2000) NOT NULL,
    status          VARCHAR(20)   NOT NULL CHECK (status IN ('open', 'upheld', 'dismissed')),
    created_at      BIGINT        NOT NULL,
    resolved_at     BIGINT,
    UNIQUE (community_seq, reporter)
);
CREATE INDEX abuse_reports_status ON abuse_reports (status, created_at);
