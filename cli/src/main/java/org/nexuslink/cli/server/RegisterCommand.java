// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.server;

import java.io.IOException;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.nexuslink.cli.ExitCodes;
import org.nexuslink.client.directory.DirectoryClient;
import org.nexuslink.client.directory.DirectoryException;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.crypto.identity.InvalidAccountIdException;
import org.nexuslink.crypto.server.ServerKeyPair;
import org.nexuslink.protocol.directory.CommunityListing;
import org.nexuslink.server.config.Config;
import org.nexuslink.server.config.ConfigKey;
import org.nexuslink.server.directory.DirectoryRegistration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code nexuslink server register}: lists this community in a directory, signed with the
 * server key; again with the same directory, updates the listing.
 */
@Command(
        name = "register",
        mixinStandardHelpOptions = true,
        description = {
            "List this community in a directory (seed 000's mode A), signed with the server key (server.key_file).",
            "Name and admin come from community.name and community.admin_uuid; the admin's KYC must be approved",
            "at the directory. Solves the directory's proof of work first. Run again to update the listing.",
            "Set [directory] url to the same URL so the running server sends heartbeats."
        })
public final class RegisterCommand implements Callable<Integer> {
    @Mixin
    ServerOptions options;

    @ParentCommand
    ServerCommand parent;

    @Spec
    CommandSpec spec;

    @Option(names = "--directory", required = true, paramLabel = "URL", description = "The directory's base URL.")
    URI directory;

    @Option(
            names = "--endpoint",
            required = true,
            paramLabel = "URL",
            description = "This community's public base URL, which the directory checks and lists.")
    URI endpoint;

    @Option(names = "--description", defaultValue = "", paramLabel = "TEXT", description = "Up to 1000 characters.")
    String description;

    @Option(names = "--tag", paramLabel = "TAG", description = "A tag (repeat, at most 10).")
    List<String> tags = List.of();

    @Override
    public Integer call() throws IOException, InterruptedException {
        Config config = options.orElse(parent.options).load(System.getenv());
        AccountId admin = admin(config);
        ServerKeyPair key = ServerKeyPair.loadOrCreate(config.server().serverKeyFile(), new SecureRandom());
        try {
            DirectoryClient client =
                    DirectoryClient.connect(directory, Optional.empty(), Clock.systemUTC(), new SecureRandom());
            DirectoryClient.Details details =
                    new DirectoryClient.Details(config.community().name(), description, tags, endpoint, admin);
            Optional<DirectoryRegistration> earlier = DirectoryRegistration.read(
                            config.server().dataDir())
                    .filter(r -> r.directoryId().equals(client.directoryId()));
            CommunityListing listing;
            if (earlier.isPresent()) {
                listing = client.update(key, earlier.get().communityId(), details);
                spec.commandLine().getOut().println("Updated " + listing.communityId() + " in " + directory);
            } else {
                spec.commandLine().getErr().println("solving the directory's proof of work ...");
                listing = client.register(key, details).listing();
                new DirectoryRegistration(client.uri().toString(), client.directoryId(), listing.communityId())
                        .write(config.server().dataDir());
                spec.commandLine().getOut().println("Registered " + listing.communityId() + " in " + directory);
            }
            if (!client.uri().toString().equals(stripSlash(config.directory().url()))) {
                spec.commandLine()
                        .getOut()
                        .println("Set [directory] url = \"" + client.uri()
                                + "\" (or NEXUSLINK_DIRECTORY_URL) so the server sends heartbeats.");
            }
            return ExitCodes.OK;
        } catch (DirectoryException e) {
            spec.commandLine()
                    .getErr()
                    .println("nexuslink: the directory refused: " + e.code() + ": " + e.getMessage());
            return ExitCodes.FAILURE;
        }
    }

    private AccountId admin(Config config) {
        String admin = config.community()
                .admin()
                .orElseThrow(() -> new ParameterException(
                        spec.commandLine(),
                        "set " + ConfigKey.COMMUNITY_ADMIN_UUID.path()
                                + " (the admin whose KYC the directory approved)"));
        try {
            return AccountId.parse(admin);
        } catch (InvalidAccountIdException e) {
            throw new ParameterException(
                    spec.commandLine(), ConfigKey.COMMUNITY_ADMIN_UUID.path() + ": " + e.getMessage());
        }
    }

    static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
