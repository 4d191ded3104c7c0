// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nexuslink.protocol.api.ApiRoute;
import org.nexuslink.server.NexusLinkServer;
import org.nexuslink.server.config.ConfigLoader;

/**
 * A server serves exactly the endpoints {@link ApiRoute} names for its role, so a client building
 * its paths from it calls nothing the server lacks (and OpenApiRoutesTest ties both to the file).
 */
class ApiRoutesServedTest {
    @TempDir
    Path dataDir;

    @ParameterizedTest
    @EnumSource(ApiRoute.ServerRole.class)
    void a_server_serves_every_api_route_of_its_role_and_nothing_else(ApiRoute.ServerRole role) {
        Set<String> named = Arrays.stream(ApiRoute.values())
                .filter(r -> r.servedBy(role))
                .map(r -> r.method() + " " + r.pattern())
                .collect(Collectors.toCollection(TreeSet::new));
        Map<String, String> env = new HashMap<>(Map.of(
                "NEXUSLINK_SERVER_DATA_DIR",
                dataDir.toString(),
                "NEXUSLINK_SERVER_PORT",
                "0",
                "NEXUSLINK_SERVER_BIND_ADDRESS",
                "127.0.0.1"));
        if (role == ApiRoute.ServerRole.DIRECTORY) {
            env.put("NEXUSLINK_SERVER_ROLE", "directory");
        }
        Set<String> served = new TreeSet<>();
        try (NexusLinkServer server =
                NexusLinkServer.start(ConfigLoader.load(null, env, Map.of()), Clock.systemUTC())) {
            server.routes().forEach(r -> served.add(r.method() + " " + r.pattern()));
        }

        assertThat(served).isEqualTo(named);
    }
}
