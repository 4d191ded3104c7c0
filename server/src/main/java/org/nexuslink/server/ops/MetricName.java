// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.ops;

import java.util.Objects;

/**
 * Every metric the server exports under seed 000's {@code nexuslink_*} names, declared here and
 * nowhere else: meters are registered with {@link #meterName()}, and readers of {@code /metrics}
 * (the status command, the dashboard, the docs) use {@link #prometheusName()}. docs/operations.md
 * lists the same set, which {@code MetricNamesTest} holds against a real server's scrape and
 * {@code promtool check metrics}.
 */
public enum MetricName {
    HTTP_REQUESTS("nexuslink.http.requests", Type.COUNTER),
    HTTP_REQUEST_DURATION("nexuslink.http.request.duration", Type.TIMER),
    DB_POOL_CONNECTIONS("nexuslink.db.pool.connections", Type.GAUGE),
    MEMBERS("nexuslink.members", Type.GAUGE),
    AUTH_ATTEMPTS("nexuslink.auth.attempts", Type.COUNTER),
    WS_CONNECTIONS_ACTIVE("nexuslink.ws.connections.active", Type.GAUGE),
    WS_MESSAGES("nexuslink.ws.messages", Type.COUNTER),
    MESSAGE_QUEUE_SIZE("nexuslink.message.queue.size", Type.GAUGE),
    MESSAGE_QUEUE_TTL_EXPIRED("nexuslink.message.queue.ttl.expired", Type.COUNTER),
    QUEUE_FULL("nexuslink.queue.full", Type.COUNTER),
    MESSAGE_QUEUE_COMMIT("nexuslink.message.queue.commit", Type.TIMER),
    PREKEYS_AVAILABLE("nexuslink.prekeys.available", Type.GAUGE),
    MEDIA_STORAGE_BYTES("nexuslink.media.storage.bytes", Type.GAUGE),
    MEDIA_SWEPT("nexuslink.media.swept", Type.COUNTER),
    RATE_LIMITED("nexuslink.rate.limited", Type.COUNTER),
    FANOUT_MESSAGES("nexuslink.fanout.messages", Type.COUNTER),
    DIRECTORY_COMMUNITIES("nexuslink.directory.communities", Type.GAUGE, Role.DIRECTORY);

    /** The Micrometer meter kind, which decides the suffix the Prometheus exporter adds. */
    public enum Type {
        COUNTER,
        GAUGE,
        TIMER
    }

    /** Which role's server exports the metric: the community role, or only the directory role. */
    public enum Role {
        COMMUNITY,
        DIRECTORY
    }

    private final String meterName;
    private final Type type;
    private final Role role;

    MetricName(String meterName, Type type) {
        this(meterName, type, Role.COMMUNITY);
    }

    MetricName(String meterName, Type type, Role role) {
        this.meterName = Objects.requireNonNull(meterName, "meterName");
        this.type = Objects.requireNonNull(type, "type");
        this.role = Objects.requireNonNull(role, "role");
    }

    /** The dotted name to register the meter under, e.g. {@code nexuslink.ws.messages}. */
    public String meterName() {
        return meterName;
    }

    public Type type() {
        return type;
    }

    public Role role() {
        return role;
    }

    /**
     * The family name in the Prometheus exposition: counters end in {@code _total}, timers are
     * histograms in seconds ({@code _seconds}, with {@code _bucket}, {@code _count} and
     * {@code _sum} series).
     */
    public String prometheusName() {
        String base = meterName.replace('.', '_');
        return switch (type) {
            case COUNTER -> base + "_total";
            case GAUGE -> base;
            case TIMER -> base + "_seconds";
        };
    }
}
