// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nexuslink.protocol.api.ApiRoute;
import org.nexuslink.server.NexusLinkServer;
import org.nexuslink.server.config.ConfigLoader;

/**
 * The community server serves exactly the endpoints {@link ApiRoute} names, so a client building
 * its paths from it calls nothing the server lacks (and OpenApiRoutesTest ties both to the file).
 */
class ApiRoutesServedTest {
    @TempDir
    Path dataDir;

    @Test
    void the_server_serves_every_api_route_and_nothing_else() {
        Set<String> named = Arrays.stream(ApiRoute.values()).map(r -> r.method() + " " + r.pattern())
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> served = new TreeSet<>();
        try (NexusLinkServer server = NexusLinkServer.start(ConfigLoader.load(null, Map.of(
                "NEXUSLINK_SERVER_DATA_DIR", dataDir.toString(), "NEXUSLINK_SERVER_PORT", "0",
                "NEXUSLINK_SERVER_BIND_ADDRESS", "127.0.0.1"), Map.of()), Clock.systemUTC())) {
            server.routes().forEach(r -> served.add(r.method() + " " + r.pattern()));
        }

        assertThat(served).isEqualTo(named);
    }
}
