// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.http;

import io.netty.handler.codec.http.HttpHeaders;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One HTTP request after routing: method, path, the route's path parameters, query parameters,
 * headers and the whole (bounded) body. Immutable.
 */
public final class Request {
    private final String method;
    private final String path;
    private final Map<String, String> pathParams;
    private final Map<String, List<String>> query;
    private final HttpHeaders headers;
    private final byte[] body;
    private final InetSocketAddress remote;
    private final boolean secure;

    Request(
            String method,
            String path,
            Map<String, String> pathParams,
            Map<String, List<String>> query,
            HttpHeaders headers,
            byte[] body,
            InetSocketAddress remote,
            boolean secure) {
        this.method = Objects.requireNonNull(method, "method");
        this.path = Objects.requireNonNull(path, "path");
        this.pathParams = Map.copyOf(pathParams);
        this.query = Map.copyOf(query);
        this.headers = Objects.requireNonNull(headers, "headers");
        this.body = body.clone();
        this.remote = Objects.requireNonNull(remote, "remote");
        this.secure = secure;
    }

    public String method() {
        return method;
    }

    public String path() {
        return path;
    }

    /** The value captured by {@code {name}} in the route pattern. */
    public String pathParam(String name) {
        String value = pathParams.get(name);
        if (value == null) {
            throw new IllegalArgumentException("route has no path parameter '" + name + "'");
        }
        return value;
    }

    /** The first value of a query parameter, if present. */
    public Optional<String> queryParam(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /** Every value of a repeated query parameter, in order (empty when absent). */
    public List<String> queryParams(String name) {
        return List.copyOf(query.getOrDefault(name, List.of()));
    }

    /** A request header, if present. */
    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name));
    }

    /** A copy of the request body (empty when there was none). */
    public byte[] body() {
        return body.clone();
    }

    /** Whether the request came over TLS on this listener. */
    public boolean secure() {
        return secure;
    }

    /** The peer's address. */
    public InetSocketAddress remote() {
        return remote;
    }
}
