// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.ratelimit;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bucket4j's lock-free local buckets in a map. A bucket that has refilled completely says
 * nothing a new one would not, so such buckets are dropped whenever the map has doubled since
 * the last sweep: memory follows the keys active in the last second or so, not every address
 * ever seen. Thread-safe.
 */
final class LocalBuckets implements Buckets {
    private static final int MIN_SWEEP_SIZE = 4_096;

    private final TimeMeter time;
    private final Map<String, Held> buckets = new ConcurrentHashMap<>();
    /** Map size at which the next sweep runs. */
    private final AtomicInteger sweepAt = new AtomicInteger(MIN_SWEEP_SIZE);

    private record Held(Bucket bucket, long capacity) {}

    LocalBuckets(TimeMeter time) {
        this.time = Objects.requireNonNull(time, "time");
    }

    @Override
    public ConsumptionProbe tryConsume(String key, BucketConfiguration config) {
        Held held = buckets.computeIfAbsent(
                key,
                k -> new Held(
                        Bucket.builder()
                                .withCustomTimePrecision(time)
                                .addLimit(config.getBandwidths()[0])
                                .build(),
                        config.getBandwidths()[0].getCapacity()));
        ConsumptionProbe probe = held.bucket().tryConsumeAndReturnRemaining(1);
        int size = buckets.size();
        int threshold = sweepAt.get();
        if (size >= threshold && sweepAt.compareAndSet(threshold, Integer.MAX_VALUE)) {
            sweep();
            sweepAt.set(Math.max(MIN_SWEEP_SIZE, buckets.size() * 2));
        }
        return probe;
    }

    private void sweep() {
        buckets.forEach((key, held) -> {
            if (held.bucket().getAvailableTokens() >= held.capacity()) {
                buckets.remove(key, held);
            }
        });
    }

    /** How many buckets are held (tests). */
    int size() {
        return buckets.size();
    }
}
