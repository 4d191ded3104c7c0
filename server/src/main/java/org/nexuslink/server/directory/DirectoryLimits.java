// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.directory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.nexuslink.server.http.ApiException;
import org.nexuslink.server.ratelimit.Limit;
import org.nexuslink.server.ratelimit.RateLimits;
import org.nexuslink.server.ratelimit.Verdict;

/**
 * The directory's rate limits over the server's {@link RateLimits}: writes per address and per
 * account ({@code directory.writes_per_hour}), searches per address. The anomaly rule: a key that
 * bursts past its write limit is tightened to half the rate for {@link #TIGHTENED_FOR}.
 * Thread-safe; the tightened set is owned here and bounded by {@link #MAX_TIGHTENED}.
 */
final class DirectoryLimits {
    static final Duration TIGHTENED_FOR = Duration.ofHours(1);
    static final int MAX_TIGHTENED = 100_000;

    private final RateLimits limits;
    private final Clock clock;
    /** Keys under the tightened limit, until when. */
    private final Map<String, Instant> tightened = new ConcurrentHashMap<>();

    DirectoryLimits(RateLimits limits, Clock clock) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Takes a write token for {@code key} (an address or an account).
     *
     * @throws ApiException {@code rate_limited} with Retry-After
     */
    void write(String key) {
        Instant now = clock.instant();
        Instant until = tightened.get(key);
        if (until != null && until.isAfter(now)) {
            refuseUnless(
                    limits.take(Limit.DIRECTORY_WRITES_TIGHTENED, key), "directory writes (tightened after a burst)");
            return;
        }
        Verdict verdict = limits.take(Limit.DIRECTORY_WRITES, key);
        if (!verdict.allowed()) {
            if (tightened.size() >= MAX_TIGHTENED) {
                tightened.entrySet().removeIf(e -> !e.getValue().isAfter(now));
            }
            tightened.put(key, now.plus(TIGHTENED_FOR));
        }
        refuseUnless(verdict, "directory writes");
    }

    /** Takes a search token for the address. */
    void search(String address) {
        refuseUnless(limits.take(Limit.DIRECTORY_SEARCHES, address), "directory searches");
    }

    boolean isTightened(String key) {
        Instant until = tightened.get(key);
        return until != null && until.isAfter(clock.instant());
    }

    private static void refuseUnless(Verdict verdict, String what) {
        if (!verdict.allowed()) {
            throw ApiException.rateLimited("too many " + what + "; retry later", verdict.retryAfterSeconds());
        }
    }
}
