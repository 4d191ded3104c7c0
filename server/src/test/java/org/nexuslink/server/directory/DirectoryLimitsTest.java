// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.nexuslink.protocol.ErrorCode;
import org.nexuslink.server.config.Config;
import org.nexuslink.server.config.ConfigLoader;
import org.nexuslink.server.http.ApiException;
import org.nexuslink.server.ratelimit.RateLimits;
import org.nexuslink.server.testing.MutableClock;

/** The directory's write and search limits and the anomaly rule, on the server's buckets. */
class DirectoryLimitsTest {
    private final MutableClock clock = new MutableClock();

    private DirectoryLimits limits(int writesPerHour, int searchesPerMinute) {
        Config config = ConfigLoader.load(
                null,
                Map.of(
                        "NEXUSLINK_DIRECTORY_WRITES_PER_HOUR",
                        Integer.toString(writesPerHour),
                        "NEXUSLINK_DIRECTORY_SEARCHES_PER_MINUTE",
                        Integer.toString(searchesPerMinute)),
                Map.of());
        return new DirectoryLimits(
                RateLimits.create(
                        config.rateLimit(), config.directory(), clock, Optional.empty(), new SimpleMeterRegistry()),
                clock);
    }

    @Test
    void writes_are_refused_past_the_hourly_rate_with_a_retry_after() {
        DirectoryLimits limits = limits(4, 100);
        for (int i = 0; i < 4; i++) {
            limits.write("192.0.2.1");
        }

        assertThatThrownBy(() -> limits.write("192.0.2.1")).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED);
            assertThat(e.retryAfterSeconds().getAsLong()).isPositive();
        });
        limits.write("192.0.2.2");
    }

    @Test
    void a_burst_tightens_the_key_to_half_the_rate_for_an_hour() {
        DirectoryLimits limits = limits(4, 100);
        for (int i = 0; i < 4; i++) {
            limits.write("nxl:burster");
        }
        assertThatThrownBy(() -> limits.write("nxl:burster")).isInstanceOf(ApiException.class);
        assertThat(limits.isTightened("nxl:burster")).isTrue();

        // A full hour refills the normal bucket, but the key now draws from the half-rate one:
        // two writes, not four.
        clock.advance(Duration.ofMinutes(59));
        limits.write("nxl:burster");
        limits.write("nxl:burster");
        assertThatThrownBy(() -> limits.write("nxl:burster")).isInstanceOf(ApiException.class);

        clock.advance(Duration.ofMinutes(2));
        assertThat(limits.isTightened("nxl:burster")).isFalse();
        for (int i = 0; i < 4; i++) {
            limits.write("nxl:burster");
        }
    }

    @Test
    void searches_have_their_own_per_minute_bucket() {
        DirectoryLimits limits = limits(1, 3);
        for (int i = 0; i < 3; i++) {
            limits.search("192.0.2.9");
        }
        assertThatThrownBy(() -> limits.search("192.0.2.9")).isInstanceOf(ApiException.class);
        limits.write("192.0.2.9");

        clock.advance(Duration.ofMinutes(1));
        limits.search("192.0.2.9");
    }
}
