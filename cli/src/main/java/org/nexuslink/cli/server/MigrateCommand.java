// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.server;

import java.util.concurrent.Callable;
import org.nexuslink.cli.ExitCodes;
import org.nexuslink.server.NexusLinkServer;
import org.nexuslink.server.config.Config;
import org.nexuslink.server.ops.Logs;
import org.nexuslink.server.storage.Database;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code nexuslink server migrate}: brings the database schema up to date, then exits. */
@Command(
        name = "migrate",
        mixinStandardHelpOptions = true,
        description = "Apply pending database migrations (the server also does this at start) and exit.")
public final class MigrateCommand implements Callable<Integer> {
    @Mixin
    ServerOptions options;

    @Spec
    CommandSpec spec;

    @ParentCommand
    ServerCommand parent;

    @Override
    public Integer call() {
        Config config = options.orElse(parent.options).load(System.getenv());
        Logs.configure(config.logging());
        try (Database database = NexusLinkServer.openAndMigrate(
                config.database(), config.server().role())) {
            spec.commandLine()
                    .getOut()
                    .println("database schema is up to date (" + database.dialect() + ", "
                            + config.database().url() + ")");
        }
        return ExitCodes.OK;
    }
}
