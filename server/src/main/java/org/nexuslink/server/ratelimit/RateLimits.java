// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.ratelimit;

import io.github.bucket4j.BandwidthBuilder;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.nexuslink.server.config.Config;
import org.nexuslink.server.ops.MetricName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;

/**
 * The server's rate limits ({@code [rate_limit]}): a Bucket4j token bucket per {@link Limit} and
 * key, holding one second's worth of the limit's rate and refilled continuously. With
 * {@code [redis] enabled} the buckets live in Redis and every node draws from the same ones;
 * when Redis does not answer, this node falls back to its own buckets for
 * {@link #REDIS_RETRY_AFTER} (the limits then hold per node) rather than refuse or wait.
 *
 * <p>Refusals are counted in {@code nexuslink_rate_limited_total{limit}}. Thread-safe.
 */
public final class RateLimits {
    private static final Logger log = LoggerFactory.getLogger(RateLimits.class);
    /** How long the node uses its own buckets after Redis failed to answer. */
    static final Duration REDIS_RETRY_AFTER = Duration.ofSeconds(5);

    private final Map<Limit, BucketConfiguration> configs = new EnumMap<>(Limit.class);
    private final LocalBuckets local;
    private final Optional<Buckets> shared;
    private final Map<Limit, Counter> refused = new EnumMap<>(Limit.class);
    private final Counter connectionsRefused;
    /** {@link System#nanoTime()} before which Redis is not tried again; 0 while it answers. */
    private final AtomicLong redisDownUntil = new AtomicLong();

    /** {@code directory.writes_per_hour} and {@code directory.searches_per_minute} by default. */
    static final int DEFAULT_DIRECTORY_WRITES_PER_HOUR = 20;

    static final int DEFAULT_DIRECTORY_SEARCHES_PER_MINUTE = 120;

    private RateLimits(
            Config.RateLimit rates,
            int directoryWritesPerHour,
            int directorySearchesPerMinute,
            Clock clock,
            Optional<SharedStore> redis,
            MeterRegistry meters) {
        ClockTimeMeter time = new ClockTimeMeter(clock);
        configs.put(Limit.DIRECTORY_WRITES, perPeriod(directoryWritesPerHour, Duration.ofHours(1)));
        configs.put(
                Limit.DIRECTORY_WRITES_TIGHTENED,
                perPeriod(Math.max(1, directoryWritesPerHour / 2), Duration.ofHours(1)));
        configs.put(Limit.DIRECTORY_SEARCHES, perPeriod(directorySearchesPerMinute, Duration.ofMinutes(1)));
        configs.put(Limit.ADDRESS, perSecond(rates.requestsPerSecond()));
        configs.put(Limit.ACCOUNT, perSecond(rates.requestsPerSecond()));
        configs.put(Limit.DEVICE_SENDS, perSecond(rates.wsMessagesPerSecond()));
        this.local = new LocalBuckets(time);
        this.shared = redis.map(r -> new RedisBuckets(r.jedis(), r.prefix(), time));
        for (Limit limit : Limit.values()) {
            refused.put(limit, counter(meters, limit.label()));
        }
        this.connectionsRefused = counter(meters, "connections_per_ip");
    }

    /** A Redis the buckets are shared through: the node's client and {@code redis.channel_prefix}. */
    public record SharedStore(UnifiedJedis jedis, String prefix) {
        public SharedStore {
            Objects.requireNonNull(jedis, "jedis");
            Objects.requireNonNull(prefix, "prefix");
        }
    }

    /**
     * @param rates {@code [rate_limit]}
     * @param clock the time the buckets refill by
     * @param redis where buckets are shared, or empty for this process only
     */
    public static RateLimits create(
            Config.RateLimit rates, Clock clock, Optional<SharedStore> redis, MeterRegistry meters) {
        Objects.requireNonNull(rates, "rates");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(redis, "redis");
        Objects.requireNonNull(meters, "meters");
        return new RateLimits(
                rates, DEFAULT_DIRECTORY_WRITES_PER_HOUR, DEFAULT_DIRECTORY_SEARCHES_PER_MINUTE, clock, redis, meters);
    }

    /**
     * As {@link #create(Config.RateLimit, Clock, Optional, MeterRegistry)}, with the directory
     * role's limits from {@code [directory]}.
     */
    public static RateLimits create(
            Config.RateLimit rates,
            Config.Directory directory,
            Clock clock,
            Optional<SharedStore> redis,
            MeterRegistry meters) {
        Objects.requireNonNull(rates, "rates");
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(redis, "redis");
        Objects.requireNonNull(meters, "meters");
        return new RateLimits(rates, directory.writesPerHour(), directory.searchesPerMinute(), clock, redis, meters);
    }

    private static BucketConfiguration perPeriod(int tokens, Duration period) {
        return BucketConfiguration.builder()
                .addLimit(BandwidthBuilder.builder()
                        .capacity(tokens)
                        .refillGreedy(tokens, period)
                        .build())
                .build();
    }

    private static BucketConfiguration perSecond(int rate) {
        return BucketConfiguration.builder()
                .addLimit(BandwidthBuilder.builder()
                        .capacity(rate)
                        .refillGreedy(rate, Duration.ofSeconds(1))
                        .build())
                .build();
    }

    private static Counter counter(MeterRegistry meters, String limit) {
        return Counter.builder(MetricName.RATE_LIMITED.meterName())
                .description("Requests and connections refused by a rate limit, by limit")
                .tag("limit", limit)
                .register(meters);
    }

    /** Whether {@link #take} may wait on Redis: callers on an event loop must then hand it off. */
    public boolean mayBlock() {
        return shared.isPresent();
    }

    /**
     * Takes a token from the bucket of {@code limit} for {@code key}; a refusal is counted.
     * May block on Redis for up to its timeout (see {@link #mayBlock()}).
     */
    public Verdict take(Limit limit, String key) {
        Objects.requireNonNull(limit, "limit");
        Objects.requireNonNull(key, "key");
        BucketConfiguration config = configs.get(limit);
        String name = limit.label() + ":" + key;
        ConsumptionProbe probe = shared.filter(s -> redisUp())
                .map(s -> fromRedis(s, name, config))
                .orElseGet(() -> local.tryConsume(name, config));
        if (probe.isConsumed()) {
            return Verdict.ALLOWED;
        }
        refused.get(limit).increment();
        return Verdict.refused(Duration.ofNanos(probe.getNanosToWaitForRefill()));
    }

    /** Counts a connection closed at accept by {@code limits.connections_per_ip}. */
    public void connectionRefused() {
        connectionsRefused.increment();
    }

    private boolean redisUp() {
        long until = redisDownUntil.get();
        return until == 0 || System.nanoTime() - until >= 0;
    }

    private ConsumptionProbe fromRedis(Buckets redis, String name, BucketConfiguration config) {
        try {
            ConsumptionProbe probe = redis.tryConsume(name, config);
            if (redisDownUntil.getAndSet(0) != 0) {
                log.info("redis answers again; rate limits are shared again");
            }
            return probe;
        } catch (RuntimeException e) {
            if (redisDownUntil.getAndSet(System.nanoTime() + REDIS_RETRY_AFTER.toNanos()) == 0) {
                log.atWarn()
                        .addKeyValue("error", e.toString())
                        .log("redis does not answer; rate limits hold per node until it does");
            }
            return local.tryConsume(name, config);
        }
    }

    /**
     * The bucket key of a remote address: the address itself for IPv4, its /64 network for IPv6
     * (one host usually holds a whole /64, so a bucket per address would be no limit at all).
     */
    public static String addressKey(InetAddress address) {
        if (address instanceof Inet6Address v6) {
            byte[] bytes = v6.getAddress();
            java.util.Arrays.fill(bytes, 8, 16, (byte) 0);
            try {
                return InetAddress.getByAddress(bytes).getHostAddress() + "/64";
            } catch (UnknownHostException e) {
                throw new IllegalStateException("16 bytes are an IPv6 address", e);
            }
        }
        return address.getHostAddress();
    }
}
