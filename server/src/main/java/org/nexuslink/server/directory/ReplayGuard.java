// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.directory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.nexuslink.protocol.ErrorCode;
import org.nexuslink.server.http.ApiException;
import org.nexuslink.server.storage.Database;

/**
 * Refuses replayed signed requests: a request's timestamp must lie within {@link #WINDOW} of the
 * directory's clock, and its nonce must be new for its signer; nonces are kept ({@code
 * request_nonces}) for twice the window, after which the timestamp check alone refuses the
 * request. Thread-safe.
 */
public final class ReplayGuard {
    /** How far a request's timestamp may be from the directory's clock, either way. */
    public static final Duration WINDOW = Duration.ofMinutes(5);

    private static final Pattern NONCE = Pattern.compile("[A-Za-z0-9_-]{16,64}");

    private final Database database;
    private final Clock clock;

    public ReplayGuard(Database database, Clock clock) {
        this.database = Objects.requireNonNull(database, "database");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Checks the timestamp and that the nonce was not seen, without recording it (call
     * {@link #record} in the request's transaction).
     *
     * @throws ApiException {@code invalid_field} for a malformed nonce, {@code replayed_request}
     *     for a stale timestamp or a used nonce
     */
    public void check(String signer, long timestampMillis, String nonce) {
        if (!NONCE.matcher(nonce).matches()) {
            throw new ApiException(ErrorCode.INVALID_FIELD, "nonce must be 16 to 64 characters of A-Z a-z 0-9 _ -");
        }
        Instant now = clock.instant();
        Instant at = Instant.ofEpochMilli(timestampMillis);
        if (at.isBefore(now.minus(WINDOW)) || at.isAfter(now.plus(WINDOW))) {
            throw new ApiException(
                    ErrorCode.REPLAYED_REQUEST,
                    "request timestamp " + at + " is more than " + WINDOW.toMinutes()
                            + " minutes from the directory's clock " + now);
        }
        boolean seen = database.jdbi()
                .withHandle(h ->
                        h.createQuery("SELECT COUNT(*) FROM request_nonces WHERE signer = :signer AND nonce = :nonce")
                                        .bind("signer", signer)
                                        .bind("nonce", nonce)
                                        .mapTo(Integer.class)
                                        .one()
                                > 0);
        if (seen) {
            throw replayed(nonce);
        }
    }

    /**
     * Records the nonce in {@code h}'s transaction.
     *
     * @throws ApiException {@code replayed_request} when a concurrent request recorded it first
     */
    public void record(Handle h, String signer, String nonce) {
        int inserted = h.createUpdate(
                        "INSERT INTO request_nonces (signer, nonce, seen_at) VALUES (:signer, :nonce, :now) "
                                + "ON CONFLICT (signer, nonce) DO NOTHING")
                .bind("signer", signer)
                .bind("nonce", nonce)
                .bind("now", clock.instant())
                .execute();
        if (inserted == 0) {
            throw replayed(nonce);
        }
    }

    /** Deletes nonces older than twice the window; returns how many. */
    public int sweep() {
        return database.inTransaction(h -> h.createUpdate("DELETE FROM request_nonces WHERE seen_at < :before")
                .bind("before", clock.instant().minus(WINDOW.multipliedBy(2)))
                .execute());
    }

    private static ApiException replayed(String nonce) {
        return new ApiException(ErrorCode.REPLAYED_REQUEST, "nonce " + nonce + " was already used by this signer");
    }
}
