// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.auth;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Objects;
import org.nexuslink.crypto.server.ServerPublicKey;
import org.nexuslink.server.config.ConfigException;
import org.nexuslink.server.storage.Database;

/**
 * Who this server is: its random id ({@code nxs-...}) and the public half of its long-term
 * Ed25519 server key, both kept in {@code server_identity}. Every sign-in challenge names both
 * and is signed with the key, so clients that pinned the key at join sign challenges of this
 * server only.
 */
public record ServerIdentity(String serverId, ServerPublicKey publicKey) {
    public ServerIdentity {
        Objects.requireNonNull(serverId, "serverId");
        Objects.requireNonNull(publicKey, "publicKey");
    }

    /**
     * The stored identity: creates the id on first use and records {@code key} the first time,
     * in one transaction (nodes of a cluster racing on a shared PostgreSQL keep whichever row
     * landed first).
     *
     * @throws ConfigException naming {@code server.key_file} when the database records another
     *     key than {@code key}: this node was given another key file than the others
     */
    public static ServerIdentity loadOrCreate(
            Database database, ServerPublicKey key, Clock clock, SecureRandom random) {
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(key, "key");
        byte[] ours = key.bytes();
        record Row(String serverId, byte[] publicKey) {}
        Row row = database.inTransaction(h -> {
            byte[] raw = new byte[16];
            random.nextBytes(raw);
            h.createUpdate("INSERT INTO server_identity (id, server_id, created_at, public_key) "
                            + "VALUES (1, :id, :now, :key) ON CONFLICT (id) DO NOTHING")
                    .bind("id", "nxs-" + HexFormat.of().formatHex(raw))
                    .bind("now", clock.instant())
                    .bind("key", ours)
                    .execute();
            // A server created before the key existed records it at its first start with one.
            h.createUpdate("UPDATE server_identity SET public_key = :key WHERE id = 1 AND public_key IS NULL")
                    .bind("key", ours)
                    .execute();
            return h.createQuery("SELECT server_id, public_key FROM server_identity WHERE id = 1")
                    .map((rs, ctx) -> new Row(rs.getString(1), rs.getBytes(2)))
                    .one();
        });
        ServerPublicKey recorded = ServerPublicKey.of(row.publicKey());
        if (!recorded.equals(key)) {
            throw new ConfigException(
                    "server.key_file",
                    "this node's server key " + key.base64()
                            + " differs from the key " + recorded.base64() + " the database records for server "
                            + row.serverId() + "; every node of a cluster must be given the same key file");
        }
        return new ServerIdentity(row.serverId(), recorded);
    }
}
