// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.ratelimit;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.redis.jedis.Bucket4jJedis;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import redis.clients.jedis.UnifiedJedis;

/**
 * Buckets in Redis, shared by every node of a cluster: Bucket4j's compare-and-swap proxy manager
 * over the node's Jedis pool. Keys are {@code <redis.channel_prefix>:ratelimit:<key>}, so
 * clusters (and tests) sharing one Redis do not meet, and each expires a little after its bucket
 * would be full again. Thread-safe; every call is a Redis round trip, so callers keep it off
 * event loops.
 */
final class RedisBuckets implements Buckets {
    /** How long a full bucket's key outlives the moment it refilled. */
    static final Duration KEEP_AFTER_REFILL = Duration.ofSeconds(10);

    private final ProxyManager<byte[]> proxies;
    private final String prefix;

    RedisBuckets(UnifiedJedis jedis, String channelPrefix, TimeMeter time) {
        Objects.requireNonNull(jedis, "jedis");
        this.prefix = Objects.requireNonNull(channelPrefix, "channelPrefix") + ":ratelimit:";
        this.proxies = Bucket4jJedis.casBasedBuilder(jedis)
                .clientClock(time)
                .expirationAfterWrite(
                        ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(KEEP_AFTER_REFILL))
                .build();
    }

    @Override
    public ConsumptionProbe tryConsume(String key, BucketConfiguration config) {
        return proxies.builder()
                .build((prefix + key).getBytes(StandardCharsets.UTF_8), () -> config)
                .tryConsumeAndReturnRemaining(1);
    }
}
