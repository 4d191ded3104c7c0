// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.nexuslink.protocol.ConversationId;
import org.nexuslink.protocol.Event;
import org.nexuslink.protocol.MessageId;
import org.nexuslink.server.auth.Principal;
import org.nexuslink.server.relay.EventLog;
import org.nexuslink.server.storage.Database;
import org.nexuslink.server.storage.DatabaseSettings;
import org.nexuslink.server.storage.DatabaseUrl;

/**
 * A community server that lies: it writes events straight into its own event log, past every
 * check the gateway makes (author, permissions, tags), as a compromised or hostile operator can.
 * Clients then catch the events up like any others.
 */
final class HostileServer implements AutoCloseable {
    private final Database database;
    private final EventLog log;

    private HostileServer(Database database) {
        this.database = database;
        this.log = new EventLog(database);
    }

    /** The event log of the server running on {@code url}. */
    static HostileServer on(DatabaseUrl url) {
        return new HostileServer(Database.open(url, new DatabaseSettings(2, Duration.ofSeconds(5))));
    }

    /** A stored channel event, as the server keeps it (data is the author's ciphertext). */
    Event event(UUID channel, long mid) {
        return log.find(ConversationId.of(channel), new MessageId(mid))
                .orElseThrow()
                .event();
    }

    /** Stores {@code event} as the next of its channel, stamped as written by {@code account}'s device 1. */
    Event append(Event event, String account) {
        return database.inTransaction(h -> log.append(h, event, Principal.fromStored(account, 1), Instant.now()));
    }

    /** Withholds a stored event: only its tombstone is left for readers to catch up. */
    void withhold(UUID channel, long mid) {
        database.inTransaction(h -> log.delete(h, ConversationId.of(channel), new MessageId(mid)));
    }

    @Override
    public void close() {
        database.close();
    }
}
