// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.directory;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.nexuslink.crypto.server.ServerPublicKey;
import org.nexuslink.protocol.ErrorCode;
import org.nexuslink.protocol.api.ApiJson;
import org.nexuslink.protocol.api.ApiRoute;
import org.nexuslink.protocol.api.Health;
import org.nexuslink.protocol.api.ServerInfo;
import org.nexuslink.server.http.ApiException;

/**
 * Fetches a community endpoint's {@code /health} and {@code GET /api/v1/server}, each within
 * {@link #TIMEOUT}: registration needs both to answer and the second to name the registration's
 * server key; the prober needs {@code /health} only. Unless private endpoints are allowed, an
 * endpoint whose host resolves to a loopback, private, link-local or wildcard address is refused
 * before anything is fetched, so the directory cannot be pointed at its own network.
 * Thread-safe.
 */
public final class EndpointCheck implements AutoCloseable {
    /** How long each fetch may take. */
    public static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final HttpClient http;
    private final ObjectMapper json = ApiJson.tolerant();
    private final boolean allowPrivate;

    public EndpointCheck(boolean allowPrivate) {
        this.allowPrivate = allowPrivate;
        this.http = HttpClient.newBuilder()
                .connectTimeout(TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /**
     * Refuses an endpoint whose host is on a private network (unless allowed).
     *
     * @throws ApiException {@code invalid_field} naming the endpoint
     */
    public void checkAddress(URI endpoint) {
        if (allowPrivate) {
            return;
        }
        try {
            for (InetAddress address : InetAddress.getAllByName(endpoint.getHost())) {
                if (isPrivate(address)) {
                    throw new ApiException(
                            ErrorCode.INVALID_FIELD,
                            "endpoint " + endpoint + " resolves to the private " + "address " + address.getHostAddress()
                                    + "; the directory lists public endpoints only");
                }
            }
        } catch (UnknownHostException e) {
            throw new ApiException(
                    ErrorCode.ENDPOINT_CHECK_FAILED, "endpoint host " + endpoint.getHost() + " does not resolve");
        }
    }

    private static boolean isPrivate(InetAddress address) {
        return address.isLoopbackAddress()
                || address.isSiteLocalAddress()
                || address.isLinkLocalAddress()
                || address.isAnyLocalAddress()
                || address.isMulticastAddress()
                // IPv6 unique local addresses (fc00::/7), which isSiteLocalAddress does not cover.
                || (address instanceof java.net.Inet6Address && (address.getAddress()[0] & 0xfe) == 0xfc);
    }

    /** Whether the host now resolves to a private address (a listed name re-pointed after its check). */
    private boolean resolvesPrivate(URI endpoint) {
        if (allowPrivate) {
            return false;
        }
        try {
            for (InetAddress address : InetAddress.getAllByName(endpoint.getHost())) {
                if (isPrivate(address)) {
                    return true;
                }
            }
            return false;
        } catch (UnknownHostException e) {
            return true;
        }
    }

    /**
     * Checks that the endpoint is healthy and serves {@code expected} as its server key.
     *
     * @throws ApiException {@code endpoint_check_failed} saying which fetch failed and why
     */
    public void verify(URI endpoint, ServerPublicKey expected) {
        checkAddress(endpoint);
        if (!healthy(endpoint)) {
            throw new ApiException(ErrorCode.ENDPOINT_CHECK_FAILED, endpoint + "/health does not answer healthy");
        }
        ServerPublicKey live = liveKey(endpoint);
        if (!live.equals(expected)) {
            throw new ApiException(
                    ErrorCode.ENDPOINT_CHECK_FAILED,
                    endpoint + " serves server key " + live.base64() + ", not the registration's " + expected.base64());
        }
    }

    /**
     * Whether {@code /health} answers 200 with a status other than unhealthy; false without a
     * fetch when the host now resolves to a private address. Never throws.
     */
    public boolean healthy(URI endpoint) {
        if (resolvesPrivate(endpoint)) {
            return false;
        }
        try {
            HttpResponse<byte[]> response = get(URI.create(endpoint + ApiRoute.HEALTH.path()));
            if (response.statusCode() != 200) {
                return false;
            }
            String status = json.readValue(response.body(), Health.class).status();
            return Health.HEALTHY.equals(status) || Health.DEGRADED.equals(status);
        } catch (IOException | RuntimeException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private ServerPublicKey liveKey(URI endpoint) {
        try {
            HttpResponse<byte[]> response = get(URI.create(endpoint + ApiRoute.SERVER_INFO.path()));
            if (response.statusCode() != 200) {
                throw new ApiException(
                        ErrorCode.ENDPOINT_CHECK_FAILED,
                        endpoint + ApiRoute.SERVER_INFO.path() + " answered " + response.statusCode());
            }
            ServerInfo info = json.readValue(response.body(), ServerInfo.class);
            return ServerPublicKey.fromBase64(info.publicKey() == null ? "" : info.publicKey());
        } catch (IOException | IllegalArgumentException e) {
            throw new ApiException(
                    ErrorCode.ENDPOINT_CHECK_FAILED, endpoint + ApiRoute.SERVER_INFO.path() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(ErrorCode.ENDPOINT_CHECK_FAILED, "interrupted while checking " + endpoint);
        }
    }

    private HttpResponse<byte[]> get(URI uri) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Override
    public void close() {
        http.close();
    }

    @Override
    public String toString() {
        return "EndpointCheck[allowPrivate=" + allowPrivate + "]";
    }
}
