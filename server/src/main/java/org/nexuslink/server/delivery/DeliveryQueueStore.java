// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.delivery;

import java.util.Objects;
import org.nexuslink.server.storage.Database;

/**
 * Owns the {@code message_queue} table: ciphertext waiting for a recipient device. The messaging
 * work adds enqueue, drain, acknowledge and expiry here; for now it reports the queue's size for
 * {@code /health}.
 */
public final class DeliveryQueueStore {
    private final Database database;

    public DeliveryQueueStore(Database database) {
        this.database = Objects.requireNonNull(database, "database");
    }

    /** Entries waiting for delivery, across all devices. */
    public long size() {
        return database.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM message_queue")
                .mapTo(Long.class)
                .one());
    }
}
