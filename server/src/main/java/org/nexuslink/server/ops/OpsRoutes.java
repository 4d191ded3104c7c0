// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.ops;

import java.util.Objects;
import org.nexuslink.server.http.Response;
import org.nexuslink.server.http.Router;

/** {@code GET /health} and {@code GET /metrics}, served in both roles. */
public final class OpsRoutes {
    /** Prometheus text exposition format 0.0.4. */
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final HealthCheck health;
    private final ServerMetrics metrics;

    public OpsRoutes(HealthCheck health, ServerMetrics metrics) {
        this.health = Objects.requireNonNull(health, "health");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    public void register(Router router) {
        router.get("/health", request -> {
            Health h = health.check();
            return new Response.Json(h.httpStatus(), h);
        });
        router.get("/metrics", request -> Response.text(200, PROMETHEUS_TEXT, metrics.scrape()));
    }
}
