// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.util.Optional;
import org.nexuslink.client.NexusClient;
import org.nexuslink.crypto.server.ServerPublicKey;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code nexuslink community}: the community a profile belongs to. */
@Command(
        name = "community",
        mixinStandardHelpOptions = true,
        description = "Join the community server this profile talks to.",
        subcommands = CommunityCommand.Join.class)
public final class CommunityCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing sub-command: join");
    }

    /** {@code nexuslink community join <url>}. */
    @Command(
            name = "join",
            mixinStandardHelpOptions = true,
            description = {
                "Join a community server with this profile's identity and publish its prekeys.",
                "A device linked with `nexuslink device link` has no identity key: it authenticates instead "
                        + "(its account approved it). A profile belongs to one community.",
                "The server's key is pinned at join: the profile signs in to no other server. Give "
                        + "--server-key (from the operator, out of band) to refuse any server presenting another key."
            })
    public static final class Join extends ClientCommand {
        @Parameters(
                index = "0",
                arity = "0..1",
                paramLabel = "URL",
                description = "The server's base URL, e.g. http://localhost:8080 (or --directory and --id).")
        String url;

        @Option(
                names = "--directory",
                paramLabel = "URL",
                description = "Join a community listed in this directory: its live key must be the listed one.")
        URI directory;

        @Option(names = "--id", paramLabel = "ID", description = "The community's id in --directory.")
        String communityId;

        @Option(
                names = "--name",
                paramLabel = "NAME",
                defaultValue = "",
                description = "Display name shown to the community (at most 100 characters).")
        String name;

        @Option(names = "--json", description = "Print the result as JSON.")
        boolean json;

        @Option(
                names = "--server-key",
                paramLabel = "BASE64",
                description = "The server's public key as its operator gives it (base64, see GET /api/v1/server); "
                        + "joining fails, signing nothing, if the server presents another.")
        String serverKey;

        @Override
        protected void run() throws Exception {
            if ((url == null) == (directory == null) || (directory == null) != (communityId == null)) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(), "give either URL or both --directory and --id");
            }
            Optional<org.nexuslink.cli.directory.DirectoryJoin.Target> listed = directory == null
                    ? Optional.empty()
                    : Optional.of(org.nexuslink.cli.directory.DirectoryJoin.resolve(
                            profileDir(), directory, communityId, environment().clock(), random));
            URI server = listed.map(org.nexuslink.cli.directory.DirectoryJoin.Target::endpoint)
                    .orElseGet(() -> parse(url));
            Optional<ServerPublicKey> expected;
            try {
                expected = listed.map(org.nexuslink.cli.directory.DirectoryJoin.Target::serverKey)
                        .or(() -> Optional.ofNullable(serverKey).map(ServerPublicKey::fromBase64));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--server-key: " + e.getMessage());
            }
            if (name.length() > 100) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--name is at most 100 characters");
            }
            requireKeystore();
            try (ProfileLock lock = ProfileLock.acquire(profileDir())) {
                var keys = unlock();
                try (NexusClient client = open(keys)) {
                    CommunityJoin.join(client, profileDir(), server, name, expected, listed);
                    String pinned =
                            client.serverKey().map(ServerPublicKey::base64).orElseThrow();
                    if (json) {
                        out().println(new ObjectMapper()
                                .createObjectNode()
                                .put("community", server.toString())
                                .put("account", client.device().accountId())
                                .put("device", client.device().deviceId())
                                .put("server_key", pinned));
                    } else {
                        out().println("Joined " + server + " as "
                                + client.device().accountId() + " (device "
                                + client.device().deviceId() + ")");
                        out().println("Server key (pinned): " + pinned);
                    }
                }
            }
        }

        private URI parse(String text) {
            try {
                return CommunityJoin.parseServerUrl(text);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "URL: " + e.getMessage());
            }
        }
    }
}
