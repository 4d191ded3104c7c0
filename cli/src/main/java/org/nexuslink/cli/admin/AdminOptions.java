// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.admin;

import java.net.URI;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where an admin command acts: a running server through its API (default), or, with
 * {@code --local}, the server's database named by its configuration.
 */
public final class AdminOptions {
    /** The server an admin command talks to when neither {@code --server} nor {@code --local} is given. */
    public static final String DEFAULT_SERVER = "http://localhost:8080";

    @Option(
            names = "--server",
            paramLabel = "URL",
            description = "The community server's base URL (default: " + DEFAULT_SERVER + ").")
    URI server;

    @Option(
            names = "--local",
            description = "Work on the server's database directly, as the console (recovery when no admin can log in).")
    boolean local;

    @Option(
            names = {"-c", "--config"},
            paramLabel = "FILE",
            description = "With --local: the server's TOML configuration (NEXUSLINK_CONFIG also sets it).")
    Path config;

    @Option(
            names = {"-d", "--data-dir"},
            paramLabel = "DIR",
            description = "With --local: the server's data directory (for the default SQLite database).")
    Path dataDir;
}
