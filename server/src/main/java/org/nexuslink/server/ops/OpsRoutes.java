// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.ops;

import java.net.InetAddress;
import java.util.Objects;
import org.nexuslink.protocol.ErrorCode;
import org.nexuslink.protocol.api.ApiRoute;
import org.nexuslink.protocol.api.Health;
import org.nexuslink.server.config.Config;
import org.nexuslink.server.http.ApiException;
import org.nexuslink.server.http.Response;
import org.nexuslink.server.http.Router;

/**
 * {@code GET /health} and {@code GET /metrics}, served in both roles. The metrics say how busy
 * the server is and how its members behave (request rates, refusals, queue sizes), so they are
 * not for everyone: on the public port only loopback peers may read them unless
 * {@code server.metrics_public}, and with {@code server.metrics_port} they leave the public port
 * for a listener of their own.
 */
public final class OpsRoutes {
    /** Prometheus text exposition format 0.0.4. */
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final HealthCheck health;
    private final ServerMetrics metrics;

    public OpsRoutes(HealthCheck health, ServerMetrics metrics) {
        this.health = Objects.requireNonNull(health, "health");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    /**
     * Registers the public port's routes: {@code /health}, and {@code /metrics} unless it has a
     * listener of its own.
     */
    public void register(Router router, Config.Metrics access) {
        router.add(ApiRoute.HEALTH, request -> {
            Health h = health.check();
            return new Response.Json(h.httpStatus(), h);
        });
        if (access.port().isPresent()) {
            return;
        }
        router.add(ApiRoute.METRICS, request -> {
            if (!mayRead(request.remote().getAddress(), access)) {
                // As if it did not exist: a stranger learns nothing, not even that it is there.
                throw new ApiException(ErrorCode.NOT_FOUND, "no such endpoint: /metrics");
            }
            return scrape();
        });
    }

    /** The separate metrics listener's routes ({@code server.metrics_port}): {@code /metrics} only. */
    public Router metricsRouter() {
        return new Router().add(ApiRoute.METRICS, request -> scrape());
    }

    /** Whether a peer may read {@code /metrics} on the public port. */
    static boolean mayRead(InetAddress peer, Config.Metrics access) {
        return access.publicAccess() || peer.isLoopbackAddress();
    }

    private Response scrape() {
        return Response.text(200, PROMETHEUS_TEXT, metrics.scrape());
    }
}
