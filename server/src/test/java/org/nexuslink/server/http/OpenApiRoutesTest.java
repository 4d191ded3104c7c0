// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nexuslink.server.NexusLinkServer;
import org.nexuslink.server.config.ConfigLoader;

/** docs/openapi.yaml documents exactly the routes the running server serves. */
class OpenApiRoutesTest {
    private static final Set<String> METHODS = Set.of("get", "post", "put", "delete", "patch");

    @TempDir
    Path dataDir;

    @Test
    void openapi_file_and_server_routes_agree() throws Exception {
        JsonNode spec = new ObjectMapper(new YAMLFactory())
                .readTree(Path.of("..", "docs", "openapi.yaml").toFile());
        Set<String> documented = new TreeSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = spec.get("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (Iterator<String> ops = path.getValue().fieldNames(); ops.hasNext(); ) {
                String op = ops.next();
                if (METHODS.contains(op)) {
                    documented.add(op.toUpperCase(Locale.ROOT) + " " + path.getKey());
                }
            }
        }

        Set<String> served = new TreeSet<>();
        try (NexusLinkServer server = NexusLinkServer.start(
                ConfigLoader.load(
                        null,
                        Map.of(
                                "NEXUSLINK_SERVER_DATA_DIR",
                                dataDir.toString(),
                                "NEXUSLINK_SERVER_PORT",
                                "0",
                                "NEXUSLINK_SERVER_BIND_ADDRESS",
                                "127.0.0.1"),
                        Map.of()),
                Clock.systemUTC())) {
            server.routes().forEach(r -> served.add(r.method() + " " + r.pattern()));
        }
        // The directory role serves the same file's directory routes.
        try (NexusLinkServer server = NexusLinkServer.start(
                ConfigLoader.load(
                        null,
                        Map.of(
                                "NEXUSLINK_SERVER_ROLE",
                                "directory",
                                "NEXUSLINK_SERVER_DATA_DIR",
                                dataDir.resolve("directory").toString(),
                                "NEXUSLINK_SERVER_PORT",
                                "0",
                                "NEXUSLINK_SERVER_BIND_ADDRESS",
                                "127.0.0.1"),
                        Map.of()),
                Clock.systemUTC())) {
            server.routes().forEach(r -> served.add(r.method() + " " + r.pattern()));
        }

        assertThat(documented).isEqualTo(served);
    }
}
