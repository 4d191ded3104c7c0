// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.http;

import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.nexuslink.protocol.api.ApiRoute;

/**
 * Maps a method and a path such as {@code /api/v1/members/{id}} to a {@link Handler}. Routes are
 * added before the server starts and never change afterwards, so lookups need no lock.
 */
public final class Router {
    /** An endpoint the server serves: a {@link Route} or a {@link Streamed} one. */
    public sealed interface Endpoint {
        String method();

        String pattern();
    }

    /**
     * An endpoint served before the body aggregator by a streaming pipeline handler (see
     * {@link HttpServer#start(org.nexuslink.server.config.Config.Server, Router,
     * com.fasterxml.jackson.databind.ObjectMapper, io.micrometer.core.instrument.MeterRegistry,
     * HttpServer.Guards, List, List)}); declared here so that the route list (and the OpenAPI check) is complete.
     */
    public record Streamed(String method, String pattern) implements Endpoint {
        public Streamed {
            Objects.requireNonNull(method, "method");
            Objects.requireNonNull(pattern, "pattern");
        }
    }

    /** A registered route; {@code pattern} is also the low-cardinality metrics label. */
    public record Route(String method, String pattern, Handler handler) implements Endpoint {
        public Route {
            Objects.requireNonNull(method, "method");
            Objects.requireNonNull(pattern, "pattern");
            Objects.requireNonNull(handler, "handler");
        }
    }

    /** The outcome of a lookup: a route with its captured parameters, or why none matched. */
    public sealed interface Match {
        record Found(Route route, Map<String, String> params) implements Match {}

        record WrongMethod(Set<String> allowed) implements Match {}

        record NotFound() implements Match {}
    }

    private final List<Route> routes = new ArrayList<>();
    private final List<Streamed> streamed = new ArrayList<>();

    /** Registers a route. Patterns are absolute paths; {@code {name}} captures one segment. */
    public Router add(String method, String pattern, Handler handler) {
        if (!pattern.startsWith("/")) {
            throw new IllegalArgumentException("route pattern must start with '/': " + pattern);
        }
        String upper = method.toUpperCase(Locale.ROOT);
        for (Route existing : routes) {
            if (existing.method().equals(upper) && existing.pattern().equals(pattern)) {
                throw new IllegalArgumentException("duplicate route " + upper + " " + pattern);
            }
        }
        routes.add(new Route(upper, pattern, handler));
        return this;
    }

    /** Registers the handler of an endpoint of the REST contract. */
    public Router add(ApiRoute route, Handler handler) {
        return add(route.method(), route.pattern(), handler);
    }

    public Router get(String pattern, Handler handler) {
        return add("GET", pattern, handler);
    }

    public Router post(String pattern, Handler handler) {
        return add("POST", pattern, handler);
    }

    public Router put(String pattern, Handler handler) {
        return add("PUT", pattern, handler);
    }

    public Router delete(String pattern, Handler handler) {
        return add("DELETE", pattern, handler);
    }

    /** Declares an endpoint of the REST contract that a streaming handler serves before routing. */
    public Router streamed(ApiRoute route) {
        return streamed(route.method(), route.pattern());
    }

    /** Declares an endpoint that a streaming handler serves before routing. */
    public Router streamed(String method, String pattern) {
        streamed.add(new Streamed(method.toUpperCase(Locale.ROOT), pattern));
        return this;
    }

    /** Every endpoint, routed ones first, then streamed ones (the OpenAPI check reads these). */
    public List<Endpoint> endpoints() {
        List<Endpoint> all = new ArrayList<>(routes);
        all.addAll(streamed);
        return List.copyOf(all);
    }

    /** Every registered route, in registration order. */
    public List<Route> routes() {
        return List.copyOf(routes);
    }

    /** Finds the route for a request. */
    public Match match(String method, String path) {
        String[] segments = split(path);
        Set<String> allowed = new LinkedHashSet<>();
        for (Route route : routes) {
            Optional<Map<String, String>> params = capture(split(route.pattern()), segments);
            if (params.isEmpty()) {
                continue;
            }
            if (route.method().equals(method) || ("HEAD".equals(method) && "GET".equals(route.method()))) {
                return new Match.Found(route, params.get());
            }
            allowed.add(route.method());
        }
        return allowed.isEmpty() ? new Match.NotFound() : new Match.WrongMethod(allowed);
    }

    private static Optional<Map<String, String>> capture(String[] pattern, String[] path) {
        if (pattern.length != path.length) {
            return Optional.empty();
        }
        Map<String, String> params = new HashMap<>();
        for (int i = 0; i < pattern.length; i++) {
            String p = pattern[i];
            if (p.length() > 2 && p.charAt(0) == '{' && p.charAt(p.length() - 1) == '}') {
                if (path[i].isEmpty()) {
                    return Optional.empty();
                }
                params.put(p.substring(1, p.length() - 1), QueryStringDecoder.decodeComponent(path[i]));
            } else if (!p.equals(path[i])) {
                return Optional.empty();
            }
        }
        return Optional.of(params);
    }

    private static String[] split(String path) {
        String trimmed = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        return trimmed.substring(1).split("/", -1);
    }
}
