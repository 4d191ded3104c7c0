// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.server;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.nexuslink.cli.ExitCodes;
import org.nexuslink.client.directory.DirectoryClient;
import org.nexuslink.client.directory.DirectoryException;
import org.nexuslink.crypto.server.ServerKeyPair;
import org.nexuslink.server.config.Config;
import org.nexuslink.server.directory.DirectoryRegistration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code nexuslink server unregister}: deletes this community's listing from its directory. */
@Command(
        name = "unregister",
        mixinStandardHelpOptions = true,
        description =
                "Delete this community's listing from the directory it registered with (signed with the server key).")
public final class UnregisterCommand implements Callable<Integer> {
    @Mixin
    ServerOptions options;

    @ParentCommand
    ServerCommand parent;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException, InterruptedException {
        Config config = options.orElse(parent.options).load(System.getenv());
        Optional<DirectoryRegistration> registration =
                DirectoryRegistration.read(config.server().dataDir());
        if (registration.isEmpty()) {
            spec.commandLine().getErr().println("nexuslink: this community is not registered with a directory");
            return ExitCodes.FAILURE;
        }
        ServerKeyPair key = ServerKeyPair.loadOrCreate(config.server().serverKeyFile(), new SecureRandom());
        try {
            DirectoryClient client = DirectoryClient.connect(
                    java.net.URI.create(registration.get().directoryUrl()),
                    Optional.empty(),
                    Clock.systemUTC(),
                    new SecureRandom());
            client.delete(key, registration.get().communityId());
            DirectoryRegistration.delete(config.server().dataDir());
            spec.commandLine()
                    .getOut()
                    .println("Deleted " + registration.get().communityId() + " from "
                            + registration.get().directoryUrl());
            return ExitCodes.OK;
        } catch (DirectoryException e) {
            spec.commandLine()
                    .getErr()
                    .println("nexuslink: the directory refused: " + e.code() + ": " + e.getMessage());
            return ExitCodes.FAILURE;
        }
    }
}
