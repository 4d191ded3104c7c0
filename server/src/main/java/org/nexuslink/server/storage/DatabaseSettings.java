// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.storage;

import java.time.Duration;
import java.util.Objects;

/**
 * Pool settings from the {@code [database]} table.
 *
 * @param maxConnections {@code database.max_connections}: the most pooled connections; on SQLite
 *     the read pool's size (writes use one more, dedicated connection)
 * @param connectTimeout {@code database.connect_timeout}: the longest wait to open a connection or
 *     to borrow one from the pool; on SQLite also the busy timeout
 */
public record DatabaseSettings(int maxConnections, Duration connectTimeout) {

    /** The smallest connect timeout HikariCP accepts. */
    public static final Duration MIN_CONNECT_TIMEOUT = Duration.ofMillis(250);
    /** An upper bound that catches unit mistakes (milliseconds given as seconds). */
    public static final Duration MAX_CONNECT_TIMEOUT = Duration.ofMinutes(10);
    /** An upper bound on the pool size; PostgreSQL's default max_connections is 100. */
    public static final int MAX_CONNECTIONS = 1000;

    public DatabaseSettings {
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        if (maxConnections < 1 || maxConnections > MAX_CONNECTIONS) {
            throw new IllegalArgumentException(
                    "max_connections must be between 1 and " + MAX_CONNECTIONS + ", got " + maxConnections);
        }
        if (connectTimeout.compareTo(MIN_CONNECT_TIMEOUT) < 0 || connectTimeout.compareTo(MAX_CONNECT_TIMEOUT) > 0) {
            throw new IllegalArgumentException(
                    "connect_timeout must be between 250 ms and 10 minutes, got " + connectTimeout.toMillis() + " ms");
        }
    }

    /** Seed 000's defaults: 20 connections, 10 seconds. */
    public static DatabaseSettings defaults() {
        return new DatabaseSettings(20, Duration.ofSeconds(10));
    }
}
