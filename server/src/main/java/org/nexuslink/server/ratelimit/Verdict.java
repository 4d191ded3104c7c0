// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.ratelimit;

import java.time.Duration;
import java.util.Objects;

/**
 * The answer of a bucket: allowed, or refused with the time until a token is there again.
 *
 * @param allowed whether a token was taken
 * @param retryAfter zero when allowed; else how long until the request would be allowed
 */
public record Verdict(boolean allowed, Duration retryAfter) {
    /** A token was taken. */
    public static final Verdict ALLOWED = new Verdict(true, Duration.ZERO);

    public Verdict {
        Objects.requireNonNull(retryAfter, "retryAfter");
        if (retryAfter.isNegative()) {
            throw new IllegalArgumentException("retryAfter must not be negative: " + retryAfter);
        }
    }

    /** Refused until {@code retryAfter} has passed. */
    public static Verdict refused(Duration retryAfter) {
        return new Verdict(false, retryAfter);
    }

    /** {@code Retry-After} in whole seconds, rounded up, at least 1 (HTTP allows no fractions). */
    public long retryAfterSeconds() {
        long seconds = retryAfter.toSeconds() + (retryAfter.toNanosPart() > 0 ? 1 : 0);
        return Math.max(1, seconds);
    }
}
