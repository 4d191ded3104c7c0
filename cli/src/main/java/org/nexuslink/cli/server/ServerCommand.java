// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.server;

import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.nexuslink.cli.ExitCodes;
import org.nexuslink.server.NexusLinkServer;
import org.nexuslink.server.config.Config;
import org.nexuslink.server.ops.Logs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code nexuslink server}: runs the server in its configured role until stopped. */
@Command(
        name = "server",
        mixinStandardHelpOptions = true,
        description = {
            "Run the NexusLink server (community role by default) until interrupted.",
            "With no configuration it uses SQLite under ./data and listens on port 8080.",
            "--role directory runs the directory instead (docs/directory.md)."
        },
        subcommands = {
            MigrateCommand.class,
            StatusCommand.class,
            BackupCommand.class,
            RestoreCommand.class,
            RegisterCommand.class,
            UnregisterCommand.class
        })
public final class ServerCommand implements Callable<Integer> {
    @Mixin
    ServerOptions options;

    @Override
    public Integer call() throws InterruptedException {
        Config config = options.load(System.getenv());
        Logs.configure(config.logging());
        NexusLinkServer server = NexusLinkServer.start(config, Clock.systemUTC());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            server.close();
                            stopped.countDown();
                        },
                        "shutdown"));
        stopped.await();
        return ExitCodes.OK;
    }
}
