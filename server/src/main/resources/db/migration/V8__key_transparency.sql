-- SPDX-License-Identifier: AGPL-3.0-or-later
--
-- Version 8 (issue 21): the key-transparency log, an RFC 9162 Merkle tree of every change of an
-- account's identity key and device keys (docs/key-transparency.md).
-- kt_state holds the tree size; appenders lock its one row, so leaf indexes are dense and ordered
-- on PostgreSQL as on SQLite. kt_leaves holds each leaf's data (a canonical MsgPack entry);
-- kt_nodes the hash of every complete aligned subtree (level 0 = leaf hashes), so proofs read
-- O(log^2 n) stored hashes and never rehash leaves. kt_heads holds the tree heads the server key
-- signed, one per tree size. Rows are only ever inserted.
CREATE TABLE kt_state (
    id              INTEGER      PRIMARY KEY CHECK (id = 1),
    tree_size       BIGINT       NOT NULL CHECK (tree_size >= 0)
);
INSERT INTO kt_state (id, tree_size) VALUES (1, 0);

CREATE TABLE kt_leaves (
    leaf_index      BIGINT       PRIMARY KEY CHECK (leaf_index >= 0),
    account_id      VARCHAR(60)  NOT NULL,
    entry           ${blob}      NOT NULL,
    logged_at       BIGINT       NOT NULL
);
CREATE INDEX kt_leaves_account ON kt_leaves (account_id, leaf_index);

CREATE TABLE kt_nodes (
    level           INTEGER      NOT NULL CHECK (level BETWEEN 0 AND 62),
    node_index      BIGINT       NOT NULL CHECK (node_index >= 0),
    hash            ${blob}      NOT NULL,
    PRIMARY KEY (level, node_index)
);

CREATE TABLE kt_heads (
    tree_size       BIGINT       PRIMARY KEY CHECK (tree_size >= 0),
    root_hash       ${blob}      NOT NULL,
    signed_at       BIGINT       NOT NULL,
    signature       ${blob}      NOT NULL
);
