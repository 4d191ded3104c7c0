// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.testing;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.nexuslink.server.config.Config;
import org.nexuslink.server.http.HttpServer;
import org.nexuslink.server.ratelimit.RateLimits;

/** Rate limits and listener guards high enough that a test that is not about them never meets them. */
public final class Unlimited {
    private Unlimited() {}

    /** In-process buckets at a million requests a second. */
    public static RateLimits limits(MeterRegistry registry) {
        return RateLimits.create(
                new Config.RateLimit(1_000_000, 1_000_000, 1_000_000), Clock.systemUTC(), Optional.empty(), registry);
    }

    /** Guards with those limits, the default idle timeout and no bearer check (bodies up to 64 KiB). */
    public static HttpServer.Guards guards(MeterRegistry registry) {
        return new HttpServer.Guards(limits(registry), Duration.ofSeconds(30), 1_000_000, Optional.empty());
    }
}
