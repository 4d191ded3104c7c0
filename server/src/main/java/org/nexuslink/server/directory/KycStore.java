// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.directory;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.nexuslink.server.storage.Database;

/**
 * {@code kyc_requests}: one KYC request per account, its state, and its sealed materials until a
 * reviewer decides (then only the outcome stays). Thread-safe.
 */
public final class KycStore {
    /** Where a request stands. */
    public enum State {
        INITIATED,
        PENDING,
        APPROVED,
        REJECTED;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A stored request; {@code materials} is present only while it is pending. */
    public record Request(
            String account,
            String challenge,
            State state,
            Optional<byte[]> materials,
            Instant initiatedAt,
            Optional<Instant> submittedAt,
            Optional<Instant> decidedAt,
            Optional<String> reason) {}

    private final Database database;

    public KycStore(Database database) {
        this.database = Objects.requireNonNull(database, "database");
    }

    public Optional<Request> find(String account) {
        return database.jdbi().withHandle(h -> find(h, account));
    }

    Optional<Request> find(Handle h, String account) {
        return h.createQuery("SELECT * FROM kyc_requests WHERE account_id = :account")
                .bind("account", account)
                .map((rs, ctx) -> {
                    long submitted = rs.getLong("submitted_at");
                    Optional<Instant> submittedAt =
                            rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(submitted));
                    long decided = rs.getLong("decided_at");
                    Optional<Instant> decidedAt =
                            rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(decided));
                    return new Request(
                            rs.getString("account_id"),
                            rs.getString("challenge"),
                            State.valueOf(rs.getString("status").toUpperCase(Locale.ROOT)),
                            Optional.ofNullable(rs.getBytes("materials")),
                            Instant.ofEpochMilli(rs.getLong("initiated_at")),
                            submittedAt,
                            decidedAt,
                            Optional.ofNullable(rs.getString("reason")));
                })
                .findOne();
    }

    /** Starts (or restarts) the request with a new challenge; materials and decision are cleared. */
    void initiate(Handle h, String account, String challenge, Instant now) {
        h.createUpdate("INSERT INTO kyc_requests (account_id, challenge, status, initiated_at) "
                        + "VALUES (:account, :challenge, 'initiated', :now) ON CONFLICT (account_id) DO UPDATE SET "
                        + "challenge = :challenge, status = 'initiated', materials = NULL, initiated_at = :now, "
                        + "submitted_at = NULL, decided_at = NULL, reason = NULL")
                .bind("account", account)
                .bind("challenge", challenge)
                .bind("now", now)
                .execute();
    }

    void submit(Handle h, String account, byte[] materials, Instant now) {
        h.createUpdate("UPDATE kyc_requests SET status = 'pending', materials = :materials, submitted_at = :now "
                        + "WHERE account_id = :account")
                .bind("account", account)
                .bind("materials", materials)
                .bind("now", now)
                .execute();
    }

    /** Records a reviewer's decision and deletes the materials. */
    void decide(Handle h, String account, State outcome, Optional<String> reason, Instant now) {
        h.createUpdate("UPDATE kyc_requests SET status = :status, materials = NULL, decided_at = :now, "
                        + "reason = :reason WHERE account_id = :account")
                .bind("status", outcome.wire())
                .bind("now", now)
                .bind("reason", reason.orElse(null))
                .bind("account", account)
                .execute();
    }

    /** Requests in {@code state}, oldest submission first. */
    public List<Request> list(State state) {
        return database.jdbi()
                .withHandle(h -> h
                        .createQuery(
                                "SELECT account_id FROM kyc_requests WHERE status = :status ORDER BY submitted_at, initiated_at")
                        .bind("status", state.wire())
                        .mapTo(String.class)
                        .list()
                        .stream()
                        .map(account -> find(h, account).orElseThrow())
                        .toList());
    }

    /** Whether the account's KYC is approved. */
    public boolean isApproved(Handle h, String account) {
        return find(h, account).filter(r -> r.state() == State.APPROVED).isPresent();
    }
}
