// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.media;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.server.http.ApiException;

/**
 * {@code rate_limit.upload_per_minute}: at most that many uploads begun per member in any
 * sliding minute. In this process only (a shared Redis limit comes with multi-node support).
 * Thread-safe: each member's window is updated under the map's per-key lock.
 */
final class UploadRateLimiter {
    private static final Duration WINDOW = Duration.ofMinutes(1);

    private final int perMinute;
    private final Clock clock;
    /** Start times of each member's uploads in the last minute, oldest first. */
    private final Map<AccountId, Deque<Instant>> windows = new ConcurrentHashMap<>();

    UploadRateLimiter(int perMinute, Clock clock) {
        if (perMinute < 1) {
            throw new IllegalArgumentException("perMinute must be at least 1, got " + perMinute);
        }
        this.perMinute = perMinute;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Counts one upload by {@code account}.
     *
     * @throws ApiException {@code rate_limited} when the member already began
     *     {@code upload_per_minute} uploads in the last minute
     */
    void acquire(AccountId account) {
        Instant now = clock.instant();
        Instant horizon = now.minus(WINDOW);
        boolean[] allowed = {false};
        Instant[] retryAt = {now};
        windows.compute(account, (key, window) -> {
            Deque<Instant> w = window == null ? new ArrayDeque<>() : window;
            while (!w.isEmpty() && !w.peekFirst().isAfter(horizon)) {
                w.pollFirst();
            }
            if (w.size() < perMinute) {
                w.addLast(now);
                allowed[0] = true;
            } else {
                retryAt[0] = w.peekFirst().plus(WINDOW);
            }
            return w;
        });
        if (!allowed[0]) {
            long seconds = Math.max(1, Duration.between(now, retryAt[0]).toSeconds());
            throw ApiException.rateLimited(
                    "at most " + perMinute + " uploads per minute; retry in " + seconds + " s", seconds);
        }
    }

    /** Forgets members whose windows are empty, so the map does not grow with every member ever seen. */
    void prune() {
        Instant horizon = clock.instant().minus(WINDOW);
        for (AccountId account : windows.keySet()) {
            windows.computeIfPresent(account, (key, w) -> {
                while (!w.isEmpty() && !w.peekFirst().isAfter(horizon)) {
                    w.pollFirst();
                }
                return w.isEmpty() ? null : w;
            });
        }
    }
}
