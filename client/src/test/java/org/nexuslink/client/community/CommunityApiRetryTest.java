// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.community;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nexuslink.client.RefusedException;
import org.nexuslink.protocol.ErrorCode;
import org.nexuslink.protocol.api.ApiRoute;
import org.nexuslink.protocol.api.AuthApi;

/** A 429 with Retry-After is waited out once; a second one reaches the caller as a refusal. */
class CommunityApiRetryTest {
    private HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();

    /** A server on loopback answering the given statuses in turn (the last one from then on). */
    private URI answering(List<Integer> statuses) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            int n = requests.getAndIncrement();
            int status = statuses.get(Math.min(n, statuses.size() - 1));
            byte[] body = (status == 429 ? "{\"code\":\"rate_limited\",\"message\":\"slow down\"}" : "{\"ok\":true}")
                    .getBytes(StandardCharsets.UTF_8);
            if (status == 429) {
                exchange.getResponseHeaders().set("Retry-After", "0");
            }
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void a_rate_limited_call_is_retried_once_after_retry_after() throws Exception {
        CommunityApi api = new CommunityApi(answering(List.of(429, 200)));

        assertThat(api.devices("token").devices()).as("the second answer, read").isEmpty();
        assertThat(requests.get()).isEqualTo(2);
    }

    @Test
    void a_second_refusal_reaches_the_caller() throws Exception {
        CommunityApi api = new CommunityApi(answering(List.of(429)));

        assertThatThrownBy(() -> api.call(
                        ApiRoute.AUTH_CHALLENGE,
                        new AuthApi.ChallengeRequest("a", 1),
                        AuthApi.ChallengeResponse.class,
                        null))
                .isInstanceOfSatisfying(RefusedException.class, e -> {
                    assertThat(e.status()).isEqualTo(429);
                    assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED);
                });
        assertThat(requests.get()).isEqualTo(2);
    }
}
