// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.store;

import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The direct messages this device has already taken, by sender and message id, so that a copy
 * delivered again (the server resends what it has not seen acknowledged; a sender retries after
 * a lost answer) is dropped before libsignal sees it: decrypting it again would fail as a
 * duplicate and look like a rejected message.
 *
 * <p>A mark is a blind index and the day it was made, nothing more. Marks older than
 * {@link #RETENTION} are pruned ({@link #prune}): by then no server still holds the message (a
 * community keeps queued messages for {@code community.message_ttl}, 7 days by default). A copy
 * that came back later anyway would be refused by libsignal as a duplicate, never shown twice.
 * Thread-safe.
 */
public final class SeenMessages {
    /** The schema version that made the table ({@code V2__seen_messages.sql}). */
    static final int SCHEMA_VERSION = 2;

    /** How long a mark is kept. */
    public static final Duration RETENTION = Duration.ofDays(30);

    private static final String DOMAIN = "seen-message";
    /** The settings key prefix under which versions before the table kept their marks. */
    private static final String LEGACY_PREFIX = "seen:";

    private static final Logger LOG = LoggerFactory.getLogger(SeenMessages.class);

    private final StoreDatabase db;

    SeenMessages(StoreDatabase db) {
        this.db = db;
    }

    /** Whether the message {@code messageId} from {@code sender} was marked. */
    public boolean contains(String sender, byte[] messageId) {
        return db.read(c -> {
            try (CachedStatement s = db.prepare("SELECT 1 FROM seen_messages WHERE idx = ?")) {
                s.setBytes(1, index(sender, messageId));
                try (ResultSet r = s.executeQuery()) {
                    return r.next();
                }
            }
        });
    }

    /**
     * Marks the message as taken on {@code now}'s day, unless it was marked already; joins the
     * open transaction.
     *
     * @return whether it was not marked before (one lookup serves both the check and the mark)
     */
    public boolean mark(String sender, byte[] messageId, Instant now) {
        Objects.requireNonNull(now, "now");
        return db.write(c -> {
            try (CachedStatement s = db.prepare(
                    "INSERT INTO seen_messages (idx, day) VALUES (?, ?) " + "ON CONFLICT (idx) DO NOTHING")) {
                s.setBytes(1, index(sender, messageId));
                s.setLong(2, day(now));
                return s.executeUpdate() == 1;
            }
        });
    }

    /** Deletes the marks older than {@link #RETENTION} before {@code now}; returns how many. */
    public int prune(Instant now) {
        long oldest = day(now.minus(RETENTION));
        return db.write(c -> {
            try (CachedStatement s = db.prepare("DELETE FROM seen_messages WHERE day < ?")) {
                s.setLong(1, oldest);
                return s.executeUpdate();
            }
        });
    }

    /** How many marks there are. */
    public long count() {
        return db.read(c -> {
            try (CachedStatement s = db.prepare("SELECT count(*) FROM seen_messages");
                    ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        });
    }

    /**
     * Moves the marks that earlier versions kept as settings ({@code seen:<sender>:<hex id>}, one
     * sealed row each, never pruned) into this table, dated {@code now}, in one transaction; run
     * once, when the table is made. Housekeeping only: if a settings row does not open, the old
     * marks stay where they are (they only take room) and the store opens anyway.
     *
     * @return how many were moved
     */
    int adoptLegacy(Settings settings, Instant now) {
        try {
            return db.write(c -> {
                int moved = 0;
                for (String key : settings.keysStartingWith(LEGACY_PREFIX)) {
                    String rest = key.substring(LEGACY_PREFIX.length());
                    int colon = rest.lastIndexOf(':');
                    if (colon > 0) {
                        mark(rest.substring(0, colon), HexFormat.of().parseHex(rest.substring(colon + 1)), now);
                    }
                    settings.delete(key);
                    moved++;
                }
                return moved;
            });
        } catch (StoreException | IllegalArgumentException e) {
            LOG.atWarn()
                    .setMessage("old seen-message marks left in the settings")
                    .addKeyValue("reason", e.getMessage())
                    .log();
            return 0;
        }
    }

    /** Call under the database lock. */
    private byte[] index(String sender, byte[] messageId) {
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(messageId, "messageId");
        return db.index()
                .of(
                        DOMAIN,
                        new RowCodec.Writer().string(sender).bytes(messageId).toBytes());
    }

    private static long day(Instant instant) {
        return Math.floorDiv(instant.getEpochSecond(), 86_400);
    }
}
