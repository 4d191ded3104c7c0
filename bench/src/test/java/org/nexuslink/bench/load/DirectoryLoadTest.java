// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nexuslink.crypto.identity.AccountIdentity;
import org.nexuslink.crypto.server.ServerKeyPair;
import org.nexuslink.server.directory.CommunityStore;
import org.nexuslink.server.directory.ListingDetails;
import org.nexuslink.server.storage.Database;
import org.nexuslink.server.storage.DatabaseSettings;
import org.nexuslink.server.storage.DatabaseUrl;
import org.nexuslink.server.storage.Schema;
import org.nexuslink.server.testing.TestServer;

/** The directory mode, for a moment against a real directory holding synthetic listings. */
class DirectoryLoadTest {
    @TempDir
    Path dir;

    @Test
    void searches_a_loaded_directory_and_reports_latency_in_the_common_shape() throws Exception {
        DatabaseUrl url = new DatabaseUrl.Sqlite(dir.resolve("directory.db"));
        try (Database database = Database.open(url, new DatabaseSettings(2, Duration.ofSeconds(5)))) {
            database.migrate(Schema.DIRECTORY);
            CommunityStore store = new CommunityStore(database);
            Instant now = Instant.now();
            var admin = AccountIdentity.generate().accountId();
            database.inTransaction(h -> {
                for (int i = 0; i < 200; i++) {
                    DirectoryLoad.Synthetic s = DirectoryLoad.syntheticCommunity(i);
                    store.insertRow(
                            h,
                            "nxc-" + i,
                            new ListingDetails(
                                    s.name(),
                                    s.description(),
                                    s.tags(),
                                    URI.create("https://c" + i + ".example"),
                                    admin,
                                    ServerKeyPair.generate(new SecureRandom()).publicKey()),
                            now,
                            0.5,
                            now.plusSeconds(3600));
                }
                return null;
            });
        }
        try (TestServer directory = TestServer.start(
                url,
                Clock.systemUTC(),
                Map.of(
                        "NEXUSLINK_SERVER_ROLE",
                        "directory",
                        "NEXUSLINK_RATE_LIMIT_REQUESTS_PER_SECOND",
                        "1000000",
                        "NEXUSLINK_DIRECTORY_SEARCHES_PER_MINUTE",
                        "1000000"))) {
            LoadReport report = new DirectoryLoad(
                            URI.create("http://127.0.0.1:" + directory.port()), Duration.ofSeconds(1), 2, n -> {})
                    .run();
            JsonNode json = new ObjectMapper().readTree(report.toJson());

            assertThat(json.get("mode").asText()).isEqualTo("directory");
            assertThat(json.get("errors").asLong()).isZero();
            assertThat(json.get("delivered").asLong()).isPositive();
            assertThat(json.get("searches_with_results").asLong()).isPositive();
            assertThat(json.get("latency_ms").get("p50").asDouble())
                    .isPositive()
                    .isLessThanOrEqualTo(json.get("latency_ms").get("p99").asDouble());
        }
    }
}
