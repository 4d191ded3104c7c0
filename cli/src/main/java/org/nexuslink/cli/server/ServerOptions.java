// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.server;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import org.nexuslink.server.config.Config;
import org.nexuslink.server.config.ConfigKey;
import org.nexuslink.server.config.ConfigLoader;
import picocli.CommandLine.Option;

/** Options shared by {@code server} and its sub-commands: where the configuration comes from. */
public final class ServerOptions {
    @Option(
            names = {"-c", "--config"},
            paramLabel = "FILE",
            description = "TOML configuration file (default: none; NEXUSLINK_CONFIG also sets it).")
    Path config;

    @Option(
            names = {"-d", "--data-dir"},
            paramLabel = "DIR",
            description = "Directory for local state: the SQLite database and media (default: ./data).")
    Path dataDir;

    @Option(
            names = {"-p", "--port"},
            paramLabel = "PORT",
            description = "Listening port (default: 8080).")
    Integer port;

    @Option(
            names = "--role",
            paramLabel = "ROLE",
            description = "community (default) or directory; overrides server.role.")
    String role;

    /** These options, with any left unset taken from {@code outer} (given before the sub-command). */
    ServerOptions orElse(ServerOptions outer) {
        ServerOptions merged = new ServerOptions();
        merged.config = config != null ? config : outer.config;
        merged.dataDir = dataDir != null ? dataDir : outer.dataDir;
        merged.port = port != null ? port : outer.port;
        merged.role = role != null ? role : outer.role;
        return merged;
    }

    /** Loads the configuration: defaults, file, NEXUSLINK_* environment, then these options. */
    public Config load(Map<String, String> env) {
        Path file = config != null
                ? config
                : env.containsKey("NEXUSLINK_CONFIG") ? Path.of(env.get("NEXUSLINK_CONFIG")) : null;
        Map<ConfigKey, String> overrides = new EnumMap<>(ConfigKey.class);
        if (dataDir != null) {
            overrides.put(ConfigKey.SERVER_DATA_DIR, dataDir.toString());
        }
        if (port != null) {
            overrides.put(ConfigKey.SERVER_PORT, port.toString());
        }
        if (role != null) {
            overrides.put(ConfigKey.SERVER_ROLE, role);
        }
        return ConfigLoader.load(file, env, overrides);
    }
}
