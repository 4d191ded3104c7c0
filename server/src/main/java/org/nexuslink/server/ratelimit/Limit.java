// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.ratelimit;

import java.util.Locale;

/**
 * The token buckets the server keeps, one per key (an address, an account, a device). Each
 * holds one second's worth of its rate and refills continuously.
 */
public enum Limit {
    /** HTTP requests per remote address ({@code rate_limit.requests_per_second}), checked first. */
    ADDRESS,
    /** Authenticated requests per account, all its devices and addresses together (same rate). */
    ACCOUNT,
    /**
     * WebSocket requests per device, all its connections and nodes together
     * ({@code rate_limit.ws_messages_per_second}); acknowledgements beyond the pushes a
     * connection received count too.
     */
    DEVICE_SENDS,
    /**
     * Directory writes (registrations, updates, KYC, reports) per address and per account
     * ({@code directory.writes_per_hour}).
     */
    DIRECTORY_WRITES,
    /** The same at half the rate, for a key that recently burst past {@link #DIRECTORY_WRITES}. */
    DIRECTORY_WRITES_TIGHTENED,
    /** Directory searches per address ({@code directory.searches_per_minute}). */
    DIRECTORY_SEARCHES;

    /** The metric label and Redis key part. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
