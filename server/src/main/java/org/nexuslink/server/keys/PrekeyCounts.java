// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.keys;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A device's prekey stock.
 *
 * @param oneTimePrekeys one-time EC prekeys left
 * @param kyberPrekeys one-time Kyber prekeys left (the last-resort key not counted)
 * @param lastResortKyberPrekey whether a last-resort Kyber prekey is stored
 * @param signedPrekeyUploadedAt when the current signed EC prekey was uploaded, if there is one
 */
public record PrekeyCounts(
        int oneTimePrekeys, int kyberPrekeys, boolean lastResortKyberPrekey, Optional<Instant> signedPrekeyUploadedAt) {
    public PrekeyCounts {
        Objects.requireNonNull(signedPrekeyUploadedAt, "signedPrekeyUploadedAt");
        if (oneTimePrekeys < 0 || kyberPrekeys < 0) {
            throw new IllegalArgumentException("counts cannot be negative");
        }
    }

    /** Whether either one-time stock is below {@code threshold}. */
    public boolean isLow(int threshold) {
        return oneTimePrekeys < threshold || kyberPrekeys < threshold;
    }

    /** How old the signed prekey is at {@code now}, if there is one. */
    public Optional<Duration> signedPrekeyAge(Instant now) {
        return signedPrekeyUploadedAt.map(t -> Duration.between(t, now));
    }

    /**
     * Seed 004's emergency mode: the signed prekey is older than {@code rotationInterval} and no
     * one-time EC prekey is left, so the only bundle left would be a weak one.
     */
    public boolean needsReregistration(Instant now, Duration rotationInterval) {
        return oneTimePrekeys == 0
                && signedPrekeyUploadedAt.isPresent()
                && isStale(signedPrekeyUploadedAt.get(), now, rotationInterval);
    }

    /** Whether a signed prekey uploaded at {@code uploadedAt} is older than {@code rotationInterval} at {@code now}. */
    static boolean isStale(Instant uploadedAt, Instant now, Duration rotationInterval) {
        return Duration.between(uploadedAt, now).compareTo(rotationInterval) > 0;
    }
}
