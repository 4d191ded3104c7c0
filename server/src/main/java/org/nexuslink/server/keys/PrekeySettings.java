// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.keys;

import java.time.Duration;
import java.util.Objects;

/**
 * The prekey quotas and thresholds of seed 004 §6.2.0.
 *
 * @param maxOneTimePrekeys most one-time EC prekeys stored per device, and the largest batch
 * @param maxKyberPrekeys most one-time Kyber prekeys stored per device, and the largest batch
 * @param lowStockThreshold a device with fewer one-time EC or Kyber prekeys than this is low on stock
 * @param rotationInterval how often a device should rotate its signed prekey; one older than this
 *     with no one-time EC prekey left makes the device "needs re-registration"
 * @param metricRefresh how long the {@code nexuslink_prekeys_available} gauge reuses its last count
 */
public record PrekeySettings(
        int maxOneTimePrekeys,
        int maxKyberPrekeys,
        int lowStockThreshold,
        Duration rotationInterval,
        Duration metricRefresh) {
    /** Seed 004: 100 keys per device, threshold 20, signed prekey rotated every 7 days. */
    public static final PrekeySettings DEFAULTS =
            new PrekeySettings(100, 100, 20, Duration.ofDays(7), Duration.ofSeconds(10));

    public PrekeySettings {
        Objects.requireNonNull(rotationInterval, "rotationInterval");
        Objects.requireNonNull(metricRefresh, "metricRefresh");
        if (maxOneTimePrekeys < 1 || maxKyberPrekeys < 1) {
            throw new IllegalArgumentException(
                    "prekey limits must be positive: " + maxOneTimePrekeys + ", " + maxKyberPrekeys);
        }
        if (lowStockThreshold < 0 || lowStockThreshold > Math.min(maxOneTimePrekeys, maxKyberPrekeys)) {
            throw new IllegalArgumentException("low-stock threshold must be 0.."
                    + Math.min(maxOneTimePrekeys, maxKyberPrekeys) + ", got " + lowStockThreshold);
        }
        if (rotationInterval.isNegative() || rotationInterval.isZero() || metricRefresh.isNegative()) {
            throw new IllegalArgumentException("rotation interval must be positive and metric refresh not negative");
        }
    }

    /** These settings with another low-stock threshold. */
    public PrekeySettings withLowStockThreshold(int threshold) {
        return new PrekeySettings(maxOneTimePrekeys, maxKyberPrekeys, threshold, rotationInterval, metricRefresh);
    }
}
