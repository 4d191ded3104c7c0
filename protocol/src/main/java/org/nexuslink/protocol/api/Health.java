// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.protocol.api;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * The body of {@code GET /health}, with seed 000's fields. {@code redis} is {@code disabled} when
 * Redis is not enabled; {@code pending_messages} is absent while the database is unreachable.
 */
public record Health(
        String status,
        String version,
        long uptimeSeconds,
        String database,
        String redis,
        int websocketConnections,
        OptionalLong pendingMessages) {

    public static final String HEALTHY = "healthy";
    public static final String DEGRADED = "degraded";
    public static final String UNHEALTHY = "unhealthy";

    /** @throws NullPointerException if status, version, database or redis is missing */
    public Health {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(redis, "redis");
        pendingMessages = pendingMessages == null ? OptionalLong.empty() : pendingMessages;
    }

    /** 503 when unhealthy so load balancers take the node out; 200 otherwise. */
    public int httpStatus() {
        return UNHEALTHY.equals(status) ? 503 : 200;
    }
}
