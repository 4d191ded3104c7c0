// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Objects;
import org.nexuslink.server.ops.MetricName;

/**
 * Seed 000's HTTP metrics: {@code nexuslink_http_requests_total} and
 * {@code nexuslink_http_request_duration_seconds}, labelled by method, route pattern (never the raw
 * path, which would explode cardinality) and status.
 */
public final class HttpMetrics {
    private final MeterRegistry registry;

    /** Meters registered in {@code registry}; several instances on one registry share them. */
    public HttpMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** Counts one answered request and its latency. Thread-safe. */
    public void record(String method, String route, int status, long nanos) {
        String code = Integer.toString(status);
        Counter.builder(MetricName.HTTP_REQUESTS.meterName())
                .description("HTTP requests by method, route and status")
                .tags("method", method, "path", route, "status", code)
                .register(registry)
                .increment();
        Timer.builder(MetricName.HTTP_REQUEST_DURATION.meterName())
                .description("HTTP request latency")
                .tags("method", method, "path", route, "status", code)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(100_000))
                .maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry)
                .record(Duration.ofNanos(nanos));
    }
}
