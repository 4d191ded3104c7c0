// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.nexuslink.protocol.api.ApiJson;
import org.nexuslink.protocol.api.ApiRoute;
import org.nexuslink.protocol.api.Health;
import org.nexuslink.server.ops.MetricName;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code nexuslink server status}: asks a running server how it is. {@code /health} decides the
 * exit code; {@code /metrics} adds figures when it answers (it may be closed to remote callers).
 */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = {
            "Show a running server's health and key figures (GET /health, plus /metrics when reachable).",
            "Exit codes: 0 healthy, 3 degraded (Redis unreachable), 4 unhealthy (database unreachable),",
            "5 unreachable or not a NexusLink server, 2 usage."
        })
public final class StatusCommand implements Callable<Integer> {
    /** The server answered healthy. */
    public static final int HEALTHY = 0;
    /** The server runs but cannot reach Redis: it serves only its own connections. */
    public static final int DEGRADED = 3;
    /** The server cannot reach its database. */
    public static final int UNHEALTHY = 4;
    /** No answer, or an answer that is not a NexusLink {@code /health} body. */
    public static final int UNREACHABLE = 5;

    private static final ObjectMapper JSON = ApiJson.tolerant();
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    /** Gauges and counters worth a line; summed over their labels. */
    private static final List<String> FIGURES = List.of(
            MetricName.MEMBERS.prometheusName(),
            MetricName.WS_MESSAGES.prometheusName(),
            MetricName.MESSAGE_QUEUE_TTL_EXPIRED.prometheusName(),
            MetricName.MEDIA_STORAGE_BYTES.prometheusName(),
            MetricName.FANOUT_MESSAGES.prometheusName(),
            "process_uptime_seconds");

    @Option(
            names = "--url",
            paramLabel = "URL",
            defaultValue = "http://127.0.0.1:8080",
            description = "Base URL of the server (default: ${DEFAULT-VALUE}).")
    URI url;

    @Option(names = "--json", description = "Print one JSON object instead of a table.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
        Health health;
        try {
            HttpResponse<byte[]> response =
                    http.send(request(ApiRoute.HEALTH), HttpResponse.BodyHandlers.ofByteArray());
            try {
                health = JSON.readValue(response.body(), Health.class);
            } catch (IOException | RuntimeException notHealth) {
                health = null;
            }
            if (health == null) {
                return unreachable(out, "HTTP " + response.statusCode() + " without a NexusLink health body");
            }
        } catch (IOException e) {
            return unreachable(out, e.getMessage() == null ? e.toString() : e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return unreachable(out, "interrupted");
        }
        Map<String, Double> figures = metrics(http).orElse(Map.of());
        String status = health.status();
        if (json) {
            Map<String, Object> body = JSON.convertValue(health, new TypeReference<LinkedHashMap<String, Object>>() {});
            body.put("url", url.toString());
            if (!figures.isEmpty()) {
                body.put("metrics", figures);
            }
            out.println(json(body));
        } else {
            table(out, health, figures);
        }
        return switch (status) {
            case Health.HEALTHY -> HEALTHY;
            case Health.DEGRADED -> DEGRADED;
            default -> UNHEALTHY;
        };
    }

    private void table(PrintWriter out, Health health, Map<String, Double> figures) {
        row(out, "server", url.toString());
        row(out, "status", health.status());
        row(out, "version", health.version());
        row(out, "uptime", duration(health.uptimeSeconds()));
        row(out, "database", health.database());
        row(out, "redis", health.redis());
        row(out, "connections", Integer.toString(health.websocketConnections()));
        row(
                out,
                "queue",
                health.pendingMessages().isPresent()
                        ? health.pendingMessages().getAsLong() + " pending messages"
                        : "unknown (database unreachable)");
        if (figures.isEmpty()) {
            row(out, "metrics", "not reachable from here (only /health was read)");
        } else {
            figures.forEach((name, value) ->
                    row(out, name, value == Math.rint(value) ? Long.toString(value.longValue()) : value.toString()));
        }
    }

    private static void row(PrintWriter out, String name, String value) {
        out.printf("%-42s %s%n", name, value);
    }

    static String duration(long seconds) {
        long days = seconds / 86_400;
        long hours = seconds % 86_400 / 3_600;
        long minutes = seconds % 3_600 / 60;
        String shown = days > 0
                ? days + "d " + hours + "h " + minutes + "m"
                : hours > 0 ? hours + "h " + minutes + "m" : minutes + "m " + seconds % 60 + "s";
        return shown + " (" + seconds + " s)";
    }

    /** The chosen figures from {@code /metrics}, or empty when it does not answer 200. */
    private Optional<Map<String, Double>> metrics(HttpClient http) {
        try {
            HttpResponse<String> response = http.send(request(ApiRoute.METRICS), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return Optional.empty();
            }
            Map<String, Double> figures = new LinkedHashMap<>();
            for (String line : response.body().split("\n")) {
                if (line.startsWith("#") || line.isBlank()) {
                    continue;
                }
                int nameEnd = line.indexOf('{') >= 0 ? line.indexOf('{') : line.indexOf(' ');
                int valueStart = line.lastIndexOf(' ');
                if (nameEnd <= 0 || valueStart < nameEnd) {
                    continue;
                }
                String name = line.substring(0, nameEnd);
                if (FIGURES.contains(name)) {
                    try {
                        figures.merge(name, Double.parseDouble(line.substring(valueStart + 1)), Double::sum);
                    } catch (NumberFormatException notAFigure) {
                        // NaN and the like carry nothing worth showing.
                    }
                }
            }
            return Optional.of(figures);
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private HttpRequest request(ApiRoute route) {
        String base = url.toString().endsWith("/")
                ? url.toString().substring(0, url.toString().length() - 1)
                : url.toString();
        return HttpRequest.newBuilder(URI.create(base + route.path()))
                .timeout(TIMEOUT)
                .GET()
                .build();
    }

    private static String json(Map<String, Object> body) {
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a status report always serialises", e);
        }
    }

    private int unreachable(PrintWriter out, String reason) {
        if (json) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", "unreachable");
            body.put("url", url.toString());
            body.put("error", reason);
            out.println(json(body));
        } else {
            spec.commandLine().getErr().println("nexuslink: server at " + url + " unreachable: " + reason);
        }
        return UNREACHABLE;
    }
}
