// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.ratelimit;

import io.github.bucket4j.TimeMeter;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;

/** Bucket4j's time source from the server's {@link Clock}, so tests move buckets with their clock. */
record ClockTimeMeter(Clock clock) implements TimeMeter {
    ClockTimeMeter {
        Objects.requireNonNull(clock, "clock");
    }

    @Override
    public long currentTimeNanos() {
        Instant now = clock.instant();
        return Math.addExact(Math.multiplyExact(now.getEpochSecond(), 1_000_000_000L), now.getNano());
    }

    @Override
    public boolean isWallClockBased() {
        // Several nodes share Redis buckets: their clocks must agree, as wall clocks do.
        return true;
    }
}
