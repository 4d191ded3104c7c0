// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.keys;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.nexuslink.crypto.identity.AccountId;

/**
 * Owns {@code prekey_fetches}: how many bundle fetches one account made of another's in the
 * current hour ({@code limits.prekey_fetches_per_hour}), so that nobody can drain another
 * account's one-time prekeys. The count lives in the shared database, so every node sees the same
 * one, and it is counted in the fetch's own transaction: a refused or failed fetch consumes no key
 * and counts nothing. Rows are not tied to membership: leaving and rejoining resets nothing.
 * Stateless apart from the limit: every method works in the caller's transaction.
 */
final class PrekeyFetchLimit {
    static final Duration WINDOW = Duration.ofHours(1);

    private final int perHour;

    PrekeyFetchLimit(int perHour) {
        if (perHour < 1) {
            throw new IllegalArgumentException("prekey fetches per hour must be at least 1, got " + perHour);
        }
        this.perHour = perHour;
    }

    /**
     * Counts one fetch of {@code target}'s bundles by {@code requester}, unless the pair is at the
     * limit. The row is locked by the upsert until the caller's transaction ends, so concurrent
     * fetches of one pair (on any node) are counted one after the other.
     *
     * @return empty when counted; otherwise how long until the pair's window ends
     */
    Optional<Duration> count(Handle h, AccountId requester, AccountId target, Instant now) {
        Objects.requireNonNull(requester, "requester");
        Objects.requireNonNull(target, "target");
        Instant expired = now.minus(WINDOW);
        boolean counted = h.createQuery("INSERT INTO prekey_fetches (requester_account, target_account, window_start, "
                        + "fetches) VALUES (:requester, :target, :now, 1) "
                        + "ON CONFLICT (requester_account, target_account) DO UPDATE SET "
                        + "fetches = CASE WHEN prekey_fetches.window_start <= :expired THEN 1 "
                        + "ELSE prekey_fetches.fetches + 1 END, "
                        + "window_start = CASE WHEN prekey_fetches.window_start <= :expired THEN :now "
                        + "ELSE prekey_fetches.window_start END "
                        + "WHERE prekey_fetches.window_start <= :expired OR prekey_fetches.fetches < :limit "
                        + "RETURNING fetches")
                .bind("requester", requester.toString())
                .bind("target", target.toString())
                .bind("now", now)
                .bind("expired", expired)
                .bind("limit", perHour)
                .mapTo(Integer.class)
                .findOne()
                .isPresent();
        if (counted) {
            return Optional.empty();
        }
        Instant started = h.createQuery("SELECT window_start FROM prekey_fetches "
                        + "WHERE requester_account = :requester AND target_account = :target")
                .bind("requester", requester.toString())
                .bind("target", target.toString())
                .mapTo(Instant.class)
                .one();
        Duration left = Duration.between(now, started.plus(WINDOW));
        return Optional.of(left.isNegative() ? Duration.ZERO : left);
    }

    int perHour() {
        return perHour;
    }
}
