// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nexuslink.server.config.Config;
import org.nexuslink.server.storage.DatabaseUrl;
import org.nexuslink.server.testing.MutableClock;
import org.nexuslink.server.testing.SqliteDatabaseExtension;
import org.nexuslink.server.testing.TestServer;

/** Who may read {@code /metrics}: loopback on the public port, anyone who reaches its own listener. */
@ExtendWith(SqliteDatabaseExtension.class)
class MetricsAccessTest {
    @Test
    void metrics_from_a_non_loopback_address_are_refused_on_the_public_port() throws Exception {
        // Documentation (TEST-NET) addresses: nothing is sent anywhere, the decision is on the address.
        assertThat(OpsRoutes.mayRead(InetAddress.getByName("203.0.113.7"), Config.Metrics.DEFAULT))
                .isFalse();
        assertThat(OpsRoutes.mayRead(InetAddress.getByName("2001:db8::7"), Config.Metrics.DEFAULT))
                .isFalse();
        assertThat(OpsRoutes.mayRead(InetAddress.getByName("127.0.0.1"), Config.Metrics.DEFAULT))
                .isTrue();
        assertThat(OpsRoutes.mayRead(InetAddress.getByName("::1"), Config.Metrics.DEFAULT))
                .isTrue();
        assertThat(OpsRoutes.mayRead(
                        InetAddress.getByName("203.0.113.7"), new Config.Metrics(OptionalInt.empty(), true)))
                .as("server.metrics_public")
                .isTrue();
    }

    @Test
    void metrics_move_to_their_own_listener_and_leave_the_public_port(DatabaseUrl url) throws Exception {
        try (TestServer server =
                        TestServer.start(url, new MutableClock(), Map.of("NEXUSLINK_SERVER_METRICS_PORT", "0"));
                HttpClient http = HttpClient.newHttpClient()) {
            int port = server.server().metricsPort().orElseThrow();
            HttpResponse<String> separate = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> publicPort = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/metrics"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> other = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(separate.statusCode()).isEqualTo(200);
            assertThat(separate.body()).contains("nexuslink_db_pool_connections");
            assertThat(publicPort.statusCode()).isEqualTo(404);
            assertThat(other.statusCode())
                    .as("the metrics listener serves nothing else")
                    .isEqualTo(404);
        }
    }
}
