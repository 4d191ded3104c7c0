// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bucket4j.BandwidthBuilder;
import io.github.bucket4j.BucketConfiguration;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.nexuslink.server.config.Config;
import org.nexuslink.server.testing.MutableClock;

/** The buckets' arithmetic, keys and memory, without a server. */
class RateLimitsTest {
    private final MutableClock clock = new MutableClock();

    @Test
    void retry_after_is_whole_seconds_rounded_up() {
        assertThat(Verdict.refused(Duration.ofMillis(1)).retryAfterSeconds()).isEqualTo(1);
        assertThat(Verdict.refused(Duration.ofMillis(1_500)).retryAfterSeconds())
                .isEqualTo(2);
        assertThat(Verdict.refused(Duration.ofSeconds(3)).retryAfterSeconds()).isEqualTo(3);
        assertThat(Verdict.refused(Duration.ZERO).retryAfterSeconds()).isEqualTo(1);
    }

    @Test
    void an_ipv6_host_cannot_multiply_its_bucket_by_changing_address_within_its_64() throws Exception {
        String one = RateLimits.addressKey(InetAddress.getByName("2001:db8:1:2::1"));
        String other = RateLimits.addressKey(InetAddress.getByName("2001:db8:1:2:ffff:ffff:ffff:ffff"));
        String nextNetwork = RateLimits.addressKey(InetAddress.getByName("2001:db8:1:3::1"));

        assertThat(one).isEqualTo(other).isNotEqualTo(nextNetwork);
        assertThat(RateLimits.addressKey(InetAddress.getByName("192.0.2.7"))).isEqualTo("192.0.2.7");
    }

    @Test
    void a_bucket_holds_one_seconds_worth_and_refills_with_the_clock() {
        RateLimits limits =
                RateLimits.create(new Config.RateLimit(4, 2, 1), clock, Optional.empty(), new SimpleMeterRegistry());

        assertThat(limits.mayBlock()).isFalse();
        for (int i = 0; i < 4; i++) {
            assertThat(limits.take(Limit.ADDRESS, "192.0.2.7").allowed()).isTrue();
        }
        Verdict refused = limits.take(Limit.ADDRESS, "192.0.2.7");
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.retryAfter()).isEqualTo(Duration.ofMillis(250));
        assertThat(limits.take(Limit.ADDRESS, "192.0.2.8").allowed())
                .as("another address")
                .isTrue();
        assertThat(limits.take(Limit.ACCOUNT, "192.0.2.7").allowed())
                .as("another limit, same key")
                .isTrue();

        clock.advance(Duration.ofMillis(250));
        assertThat(limits.take(Limit.ADDRESS, "192.0.2.7").allowed()).isTrue();
        assertThat(limits.take(Limit.ADDRESS, "192.0.2.7").allowed()).isFalse();
    }

    @Test
    void refilled_buckets_are_forgotten_so_memory_follows_active_clients() {
        LocalBuckets buckets = new LocalBuckets(new ClockTimeMeter(clock));
        BucketConfiguration config = BucketConfiguration.builder()
                .addLimit(BandwidthBuilder.builder()
                        .capacity(10)
                        .refillGreedy(10, Duration.ofSeconds(1))
                        .build())
                .build();
        for (int i = 0; i < 4_000; i++) {
            buckets.tryConsume("old-" + i, config);
        }
        clock.advance(Duration.ofSeconds(1));
        for (int i = 0; i < 200; i++) {
            buckets.tryConsume("new-" + i, config);
        }

        assertThat(buckets.size())
                .as("the 4,000 refilled buckets went at the sweep")
                .isLessThan(4_000);
    }
}
