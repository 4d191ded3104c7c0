// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import org.nexuslink.cli.ExitCodes;
import org.nexuslink.server.backup.BackupManifest;
import org.nexuslink.server.backup.ServerBackup;
import org.nexuslink.server.config.Config;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code nexuslink server backup}: an online backup of the embedded SQLite server into one archive. */
@Command(
        name = "backup",
        mixinStandardHelpOptions = true,
        description = {
            "Back up a server on SQLite (database, media, server key) into one zip archive, while it runs.",
            "The archive holds the server's private key: keep it as safe as the data directory.",
            "On PostgreSQL use pg_dump and WAL archiving instead (docs/operations.md)."
        })
public final class BackupCommand implements Callable<Integer> {
    @Mixin
    ServerOptions options;

    @Option(
            names = "--to",
            paramLabel = "FILE",
            required = true,
            description = "The archive to write; must not exist yet.")
    Path to;

    @Spec
    CommandSpec spec;

    @ParentCommand
    ServerCommand parent;

    @Override
    public Integer call() throws Exception {
        Config config = options.orElse(parent.options).load(System.getenv());
        BackupManifest manifest = ServerBackup.create(config, to, Clock.systemUTC());
        long media = manifest.files().stream()
                .filter(f -> f.path().startsWith(BackupManifest.MEDIA))
                .count();
        boolean key = manifest.files().stream().anyMatch(f -> f.path().equals(BackupManifest.SERVER_KEY));
        spec.commandLine()
                .getOut()
                .printf(
                        "backup written to %s (%d bytes): database at schema version %s, "
                                + "%d media files, %s, taken %s%n",
                        to,
                        Files.size(to),
                        manifest.schemaVersion(),
                        media,
                        key ? "server key" : "no server key",
                        manifest.createdAt());
        return ExitCodes.OK;
    }
}
