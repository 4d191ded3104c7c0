// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.server;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.nexuslink.cli.ExitCodes;
import org.nexuslink.server.backup.BackupManifest;
import org.nexuslink.server.backup.ServerRestore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code nexuslink server restore}: unpacks a {@code server backup} archive into an empty data directory. */
@Command(
        name = "restore",
        mixinStandardHelpOptions = true,
        description = {
            "Restore a 'server backup' archive into a new or empty data directory, verifying every digest.",
            "Then start the server with that --data-dir (and the default SQLite database.url)."
        })
public final class RestoreCommand implements Callable<Integer> {
    @Option(names = "--from", paramLabel = "FILE", required = true, description = "The backup archive.")
    Path from;

    @Option(
            names = {"-d", "--data-dir"},
            paramLabel = "DIR",
            description = "The data directory to restore into; must be missing or empty.")
    Path dataDir;

    @Spec
    CommandSpec spec;

    @ParentCommand
    ServerCommand parent;

    @Override
    public Integer call() {
        Path target = dataDir != null ? dataDir : parent.options.dataDir;
        if (target == null) {
            throw new ParameterException(spec.commandLine(), "Missing required option: '--data-dir=DIR'");
        }
        BackupManifest manifest = ServerRestore.restore(from, target);
        spec.commandLine()
                .getOut()
                .printf(
                        "restored %d files into %s: NexusLink %s backup of %s, schema version %s%n",
                        manifest.files().size(),
                        target,
                        manifest.version(),
                        manifest.createdAt(),
                        manifest.schemaVersion());
        return ExitCodes.OK;
    }
}
