// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nexuslink.protocol.api.Health;
import org.nexuslink.server.NexusLinkServer;
import org.nexuslink.server.config.Config;
import org.nexuslink.server.config.ConfigLoader;
import org.nexuslink.server.delivery.DeliveryQueueStore;
import org.nexuslink.server.http.ApiJson;
import org.nexuslink.server.http.HttpServer;
import org.nexuslink.server.http.Router;
import org.nexuslink.server.storage.Database;
import org.nexuslink.server.storage.DatabaseUrl;
import org.nexuslink.server.testing.DatabaseTest;
import org.nexuslink.server.testing.MutableClock;
import org.nexuslink.server.testing.PostgresDatabaseExtension;

class HealthCheckTest {
    @TempDir
    Path dir;

    private static HealthCheck check(Database database, Clock clock) {
        return new HealthCheck(
                "test",
                clock,
                database::isReachable,
                Optional.empty(),
                () -> 0,
                new DeliveryQueueStore(database)::size);
    }

    @DatabaseTest
    void counts_pending_messages_and_uptime(Database database) {
        MutableClock clock = new MutableClock();
        HealthCheck health = check(database, clock);
        clock.advance(Duration.ofSeconds(42));

        Health h = health.check();

        assertThat(h.status()).isEqualTo(Health.HEALTHY);
        assertThat(h.uptimeSeconds()).isEqualTo(42);
        assertThat(h.pendingMessages()).hasValue(0);
        assertThat(h.httpStatus()).isEqualTo(200);
    }

    @DatabaseTest
    void is_unhealthy_with_503_once_the_database_is_gone(Database database) {
        HealthCheck health = check(database, Clock.systemUTC());
        database.close();

        Health h = health.check();

        assertThat(h.status()).isEqualTo(Health.UNHEALTHY);
        assertThat(h.database()).isEqualTo("disconnected");
        assertThat(h.pendingMessages()).isEmpty();
        assertThat(h.httpStatus()).isEqualTo(503);
    }

    @Test
    void answers_503_over_http_when_the_database_is_unreachable() throws Exception {
        Database database = Database.open(
                new DatabaseUrl.Sqlite(dir.resolve("h.db")),
                new org.nexuslink.server.storage.DatabaseSettings(2, Duration.ofSeconds(2)));
        database.migrate();
        ServerMetrics metrics = new ServerMetrics();
        Router router = new Router();
        new OpsRoutes(check(database, Clock.systemUTC()), metrics).register(router, Config.Metrics.DEFAULT);
        Config.Server listener =
                new Config.Server(Config.Role.COMMUNITY, "127.0.0.1", 0, new Config.Transport.Plain(), dir);
        try (HttpServer http = HttpServer.start(
                listener,
                router,
                ApiJson.create(),
                metrics.registry(),
                org.nexuslink.server.testing.Unlimited.guards(metrics.registry()),
                java.util.List.of())) {
            database.close();

            HttpResponse<String> response = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + "/health"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(response.body())
                    .contains("\"status\":\"unhealthy\"", "\"database\":\"disconnected\"")
                    .doesNotContain("pending_messages");
        } finally {
            metrics.close();
        }
    }

    @Test
    @ExtendWith(PostgresDatabaseExtension.class)
    void a_server_on_postgresql_reports_healthy(DatabaseUrl.Postgres url) throws Exception {
        Config config = ConfigLoader.load(
                null,
                Map.of(
                        "NEXUSLINK_DATABASE_URL",
                        "postgres://" + url.user() + "@" + url.host() + ":" + url.port() + "/" + url.database()
                                + "?schema=" + url.schema().orElseThrow(),
                        "NEXUSLINK_SERVER_PORT",
                        "0",
                        "NEXUSLINK_SERVER_DATA_DIR",
                        dir.toString()),
                Map.of());
        try (NexusLinkServer server = NexusLinkServer.start(config, Clock.systemUTC())) {
            HttpResponse<String> response = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/health"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains("\"status\":\"healthy\"", "\"pending_messages\":0");
        }
    }
}
