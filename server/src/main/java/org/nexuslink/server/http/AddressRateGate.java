// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpRequest;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import org.nexuslink.server.ratelimit.Limit;
import org.nexuslink.server.ratelimit.RateLimits;
import org.nexuslink.server.ratelimit.Verdict;

/**
 * {@code rate_limit.requests_per_second}: each request head takes a token from its remote
 * address's bucket before any handler, body aggregation or database work sees it; without one it
 * is answered {@code 429 rate_limited} with {@code Retry-After}. The WebSocket upgrade is a
 * request like the others. With Redis-shared buckets the check runs on a virtual thread.
 */
final class AddressRateGate extends HeadGate {
    private final RateLimits limits;

    AddressRateGate(RateLimits limits, Executor blocking, ObjectMapper json) {
        super(blocking, json);
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    @Override
    Check check(ChannelHandlerContext ctx, HttpRequest head) {
        String key = RateLimits.addressKey(((InetSocketAddress) ctx.channel().remoteAddress()).getAddress());
        if (!limits.mayBlock()) {
            return refusal(limits.take(Limit.ADDRESS, key))
                    .<Check>map(Check.Refuse::new)
                    .orElse(PASS);
        }
        return new Check.Blocking(() -> refusal(limits.take(Limit.ADDRESS, key)));
    }

    private static Optional<ApiException> refusal(Verdict verdict) {
        return verdict.allowed()
                ? Optional.empty()
                : Optional.of(ApiException.rateLimited(
                        "more than rate_limit.requests_per_second requests from this address; retry in "
                                + verdict.retryAfterSeconds() + " s",
                        verdict.retryAfterSeconds()));
    }
}
