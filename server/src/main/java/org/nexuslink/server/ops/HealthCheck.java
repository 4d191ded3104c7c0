// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.ops;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import org.nexuslink.protocol.api.Health;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Computes {@link Health}: the database decides healthy or unhealthy; an enabled Redis that does
 * not answer makes the node degraded (it still serves its own connections). Thread-safe.
 */
public final class HealthCheck {
    private static final Logger log = LoggerFactory.getLogger(HealthCheck.class);

    private final String version;
    private final Clock clock;
    private final Instant started;
    private final BooleanSupplier database;
    private final Optional<BooleanSupplier> redis;
    private final IntSupplier websocketConnections;
    private final LongSupplier pendingMessages;

    /**
     * @param database answers whether the database is reachable, quickly and without throwing
     * @param redis the Redis probe when Redis is enabled, empty otherwise
     * @param websocketConnections live WebSocket connections on this node
     * @param pendingMessages queued messages awaiting delivery (read only when the database is up)
     */
    public HealthCheck(
            String version,
            Clock clock,
            BooleanSupplier database,
            Optional<BooleanSupplier> redis,
            IntSupplier websocketConnections,
            LongSupplier pendingMessages) {
        this.version = Objects.requireNonNull(version, "version");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.started = clock.instant();
        this.database = Objects.requireNonNull(database, "database");
        this.redis = Objects.requireNonNull(redis, "redis");
        this.websocketConnections = Objects.requireNonNull(websocketConnections, "websocketConnections");
        this.pendingMessages = Objects.requireNonNull(pendingMessages, "pendingMessages");
    }

    public Health check() {
        boolean dbUp = database.getAsBoolean();
        OptionalLong pending = OptionalLong.empty();
        if (dbUp) {
            try {
                pending = OptionalLong.of(pendingMessages.getAsLong());
            } catch (RuntimeException e) {
                log.atWarn().addKeyValue("error", e.toString()).log("health: cannot count pending messages");
                dbUp = false;
            }
        }
        String redisState = redis.map(probe -> probe.getAsBoolean() ? "connected" : "disconnected")
                .orElse("disabled");
        String status = !dbUp ? Health.UNHEALTHY : "disconnected".equals(redisState) ? Health.DEGRADED : Health.HEALTHY;
        long uptime = Duration.between(started, clock.instant()).toSeconds();
        return new Health(
                status,
                version,
                uptime,
                dbUp ? "connected" : "disconnected",
                redisState,
                websocketConnections.getAsInt(),
                pending);
    }
}
