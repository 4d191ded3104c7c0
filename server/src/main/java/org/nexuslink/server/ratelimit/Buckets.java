// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.ratelimit;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;

/** Where the buckets live: in this process, or in Redis for all nodes. Thread-safe. */
interface Buckets {
    /**
     * Takes one token from the bucket named {@code key}, creating it full with {@code config}.
     *
     * @throws RuntimeException when the store cannot be reached (Redis)
     */
    ConsumptionProbe tryConsume(String key, BucketConfiguration config);
}
