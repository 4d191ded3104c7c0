// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.gateway;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A token bucket for one connection's requests ({@code rate_limit.ws_messages_per_second}): a
 * burst of up to one second's worth, refilled continuously. Confined to the connection's event
 * loop, so it needs no lock.
 */
final class SendRateLimiter {
    private final Clock clock;
    private final double perSecond;
    private double tokens;
    private Instant last;

    SendRateLimiter(Clock clock, int perSecond) {
        if (perSecond < 1) {
            throw new IllegalArgumentException("rate must be at least 1 per second, got " + perSecond);
        }
        this.clock = Objects.requireNonNull(clock, "clock");
        this.perSecond = perSecond;
        this.tokens = perSecond;
        this.last = clock.instant();
    }

    /** Takes one token if there is one. */
    boolean tryAcquire() {
        Instant now = clock.instant();
        long nanos = Duration.between(last, now).toNanos();
        if (nanos > 0) {
            tokens = Math.min(perSecond, tokens + perSecond * nanos / 1e9);
            last = now;
        }
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}
