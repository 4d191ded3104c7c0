-- SPDX-License-Identifier: AGPL-3.0-or-later
--
-- Version 6: the server's long-term Ed25519 public key beside its id. The private key lives in
-- server.key_file; recording the public key lets every node of a cluster check at start that it
-- was given the same key file (a node with another key refuses to start). NULL until the first
-- start after this migration records it.
ALTER TABLE server_identity ADD COLUMN public_key ${blob};
