// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.auth;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import java.util.Objects;
import org.nexuslink.protocol.ErrorCode;
import org.nexuslink.server.http.ApiException;
import org.nexuslink.server.http.Request;

/**
 * Turns a request's {@code Authorization: Bearer <token>} header into the {@link Principal} it
 * stands for, or refuses it with 401/403 and a reason code. Every authenticated endpoint and
 * the WebSocket upgrade go through here. Thread-safe.
 */
public final class Authenticator {
    private static final String BEARER = "bearer ";

    private final TokenStore tokens;
    private final AuthMetrics metrics;

    public Authenticator(TokenStore tokens, AuthMetrics metrics) {
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    /**
     * The device behind the request's bearer token.
     *
     * @throws ApiException when the header is absent or the token is not valid now
     */
    public Principal authenticate(Request request) {
        String header = request.header("Authorization").orElse("");
        if (!header.toLowerCase(Locale.ROOT).startsWith(BEARER)) {
            metrics.failure(ErrorCode.TOKEN_INVALID);
            throw new ApiException(ErrorCode.TOKEN_INVALID, "missing 'Authorization: Bearer <token>' header");
        }
        return authenticate(header.substring(BEARER.length()).trim());
    }

    /** The device behind a bare token (the WebSocket upgrade may carry it as a query parameter). */
    public Principal authenticate(String token) {
        return authenticateWithExpiry(token).principal();
    }

    /** As {@link #authenticate(String)}, with the token's expiry: a WebSocket ends when its token does. */
    public TokenStore.Resolved authenticateWithExpiry(String token) {
        try {
            return tokens.resolveWithExpiry(token);
        } catch (ApiException e) {
            metrics.failure(e.code());
            throw e;
        }
    }

    /** Auth successes and failures by reason: {@code nexuslink_auth_attempts_total{outcome,reason}}. */
    public static final class AuthMetrics {
        private final MeterRegistry registry;

        public AuthMetrics(MeterRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
        }

        /** Counts a successful challenge verification or join. */
        public void success(String via) {
            Counter.builder("nexuslink.auth.attempts").description("Authentication attempts by outcome and reason")
                    .tags("outcome", "success", "reason", via).register(registry).increment();
        }

        /** Counts a refusal with its error code as the reason. */
        public void failure(ErrorCode reason) {
            Counter.builder("nexuslink.auth.attempts").description("Authentication attempts by outcome and reason")
                    .tags("outcome", "failure", "reason", reason.code()).register(registry).increment();
        }
    }
}
