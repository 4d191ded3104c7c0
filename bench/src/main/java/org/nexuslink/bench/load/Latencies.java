// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.bench.load;

import java.util.concurrent.TimeUnit;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Send-to-receive latencies in a fixed-size HdrHistogram (microseconds, 3 significant digits, up
 * to one minute): recording costs a few nanoseconds and no garbage, so measuring does not load
 * the shared cores, and memory does not grow with the number of messages. Thread-safe.
 */
final class Latencies {
    private final Histogram histogram = new ConcurrentHistogram(TimeUnit.MINUTES.toMicros(1), 3);

    /** Records the time since {@code sentNanos} ({@link System#nanoTime()} at sending). */
    void recordSince(long sentNanos) {
        long micros = Math.max(0, (System.nanoTime() - sentNanos) / 1000);
        histogram.recordValue(Math.min(micros, histogram.getHighestTrackableValue()));
    }

    void recordMicros(long micros) {
        histogram.recordValue(Math.min(Math.max(0, micros), histogram.getHighestTrackableValue()));
    }

    /** Forgets what was recorded (at the end of a warm-up); recording may go on meanwhile. */
    void reset() {
        histogram.reset();
    }

    long count() {
        return histogram.getTotalCount();
    }

    /** The latency at a percentile (0-100) in milliseconds, or NaN when nothing was recorded. */
    double percentileMillis(double percentile) {
        return count() == 0 ? Double.NaN : histogram.getValueAtPercentile(percentile) / 1000.0;
    }

    double maxMillis() {
        return count() == 0 ? Double.NaN : histogram.getMaxValue() / 1000.0;
    }
}
