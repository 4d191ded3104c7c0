// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.auth;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import java.util.Objects;
import org.nexuslink.protocol.ErrorCode;
import org.nexuslink.server.http.ApiException;
import org.nexuslink.server.http.Request;
import org.nexuslink.server.ops.MetricName;
import org.nexuslink.server.ratelimit.Limit;
import org.nexuslink.server.ratelimit.RateLimits;
import org.nexuslink.server.ratelimit.Verdict;

/**
 * Turns a request's {@code Authorization: Bearer <token>} header into the {@link Principal} it
 * stands for, or refuses it with 401/403 and a reason code. Every authenticated endpoint and
 * the WebSocket upgrade go through here, so here each takes a token from its account's bucket
 * ({@link Limit#ACCOUNT}): an account cannot multiply its rate by spreading its requests over
 * devices, addresses or nodes. Thread-safe; may block on the database and on Redis.
 */
public final class Authenticator {
    private static final String BEARER = "bearer ";

    private final TokenStore tokens;
    private final AuthMetrics metrics;
    private final RateLimits limits;

    public Authenticator(TokenStore tokens, AuthMetrics metrics, RateLimits limits) {
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /**
     * The device behind the request's bearer token.
     *
     * @throws ApiException when the header is absent or the token is not valid now
     */
    public Principal authenticate(Request request) {
        return authenticateHeader(request.header("Authorization").orElse(""));
    }

    /**
     * The device behind an {@code Authorization} header's bearer token: the routed and the
     * streamed HTTP paths both authenticate here, so both count failures alike.
     *
     * @param header the header's value, empty when the request has none
     * @throws ApiException when the header is not a bearer token or the token is not valid now
     */
    public Principal authenticateHeader(String header) {
        if (!header.toLowerCase(Locale.ROOT).startsWith(BEARER)) {
            metrics.failure(ErrorCode.TOKEN_INVALID);
            throw new ApiException(ErrorCode.TOKEN_INVALID, "missing 'Authorization: Bearer <token>' header");
        }
        return authenticate(header.substring(BEARER.length()).trim());
    }

    /**
     * The device behind a bare token (the WebSocket upgrade may carry it as a query parameter).
     *
     * @throws ApiException when the token is not valid now, or {@code rate_limited} (with
     *     Retry-After) when its account has used its requests of the moment
     */
    public Principal authenticate(String token) {
        return authenticateWithExpiry(token).principal();
    }

    /**
     * As {@link #authenticate(String)}, with the token's expiry: a WebSocket ends when its token does.
     *
     * @throws ApiException as {@link #authenticate(String)}
     */
    public TokenStore.Resolved authenticateWithExpiry(String token) {
        TokenStore.Resolved resolved = resolve(token);
        Verdict verdict =
                limits.take(Limit.ACCOUNT, resolved.principal().account().toString());
        if (!verdict.allowed()) {
            throw ApiException.rateLimited(
                    "more than rate_limit.requests_per_second requests for this account; " + "retry in "
                            + verdict.retryAfterSeconds() + " s",
                    verdict.retryAfterSeconds());
        }
        return resolved;
    }

    /**
     * The device behind a token, taking nothing from its account's bucket: for a check before a
     * request's body is read, which {@link #authenticate} then counts once.
     *
     * @throws ApiException when the token is not valid now
     */
    public Principal identify(String token) {
        return resolve(token).principal();
    }

    private TokenStore.Resolved resolve(String token) {
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
            Counter.builder(MetricName.AUTH_ATTEMPTS.meterName())
                    .description("Authentication attempts by outcome and reason")
                    .tags("outcome", "success", "reason", via)
                    .register(registry)
                    .increment();
        }

        /** Counts a refusal with its error code as the reason. */
        public void failure(ErrorCode reason) {
            Counter.builder(MetricName.AUTH_ATTEMPTS.meterName())
                    .description("Authentication attempts by outcome and reason")
                    .tags("outcome", "failure", "reason", reason.code())
                    .register(registry)
                    .increment();
        }
    }
}
