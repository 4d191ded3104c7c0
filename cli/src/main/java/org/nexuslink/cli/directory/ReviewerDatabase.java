// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.directory;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import org.nexuslink.cli.server.ServerOptions;
import org.nexuslink.crypto.server.ServerKeyPair;
import org.nexuslink.server.NexusLinkServer;
import org.nexuslink.server.config.Config;
import org.nexuslink.server.directory.DirectoryRole;
import org.nexuslink.server.storage.Database;

/**
 * A reviewer's access to the directory: its own database and key, opened from the directory's
 * configuration (the same {@code -c}/{@code -d} as {@code nexuslink server}). Reviewers run on
 * the directory's host or against its PostgreSQL; there is no remote reviewer API.
 */
final class ReviewerDatabase implements AutoCloseable {
    private final Database database;
    private final DirectoryRole.Services services;

    private ReviewerDatabase(Database database, DirectoryRole.Services services) {
        this.database = database;
        this.services = services;
    }

    static ReviewerDatabase open(ServerOptions options) throws IOException {
        Config config = options.load(System.getenv());
        ServerKeyPair key = ServerKeyPair.loadOrCreate(config.server().serverKeyFile(), new SecureRandom());
        Database database = NexusLinkServer.openAndMigrate(config.database(), Config.Role.DIRECTORY);
        return new ReviewerDatabase(
                database,
                DirectoryRole.services(config.directory(), database, key, Clock.systemUTC(), new SecureRandom()));
    }

    DirectoryRole.Services services() {
        return services;
    }

    @Override
    public void close() {
        try {
            services.close();
        } finally {
            database.close();
        }
    }
}
