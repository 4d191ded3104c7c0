// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.auth;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Objects;
import org.nexuslink.server.storage.Database;

/**
 * This server's random id, created once and kept in {@code server_identity}. Devices sign it as
 * part of every auth challenge, so a signature made for one server is worthless at another.
 */
public final class ServerIdentity {
    private ServerIdentity() {}

    /** The stored id, creating it on first use. */
    public static String loadOrCreate(Database database, Clock clock, SecureRandom random) {
        Objects.requireNonNull(database, "database");
        return database.inTransaction(h -> {
            var existing = h.createQuery("SELECT server_id FROM server_identity WHERE id = 1")
                    .mapTo(String.class).findOne();
            if (existing.isPresent()) {
                return existing.get();
            }
            byte[] raw = new byte[16];
            random.nextBytes(raw);
            String id = "nxs-" + HexFormat.of().formatHex(raw);
            // Another node may win the race on a shared PostgreSQL: keep whichever row landed first.
            h.createUpdate("INSERT INTO server_identity (id, server_id, created_at) VALUES (1, :id, :now) "
                            + "ON CONFLICT (id) DO NOTHING")
                    .bind("id", id).bind("now", clock.instant()).execute();
            return h.createQuery("SELECT server_id FROM server_identity WHERE id = 1").mapTo(String.class).one();
        });
    }
}
