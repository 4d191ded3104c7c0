// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nexuslink.cli.TerminalText;
import org.nexuslink.client.NexusClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code nexuslink channels}: the community's channels this account can read. */
@Command(name = "channels", mixinStandardHelpOptions = true,
        description = {"List the channels this account can read (address them as #name or ch:<id>).",
                "`channels create NAME` creates one (admins)."},
        subcommands = ChannelsCommand.Create.class)
public final class ChannelsCommand extends ClientCommand {
    @Option(names = "--json", description = "Print the server's JSON list.")
    boolean json;

    @Override
    protected void run() throws Exception {
        try (Session session = session(true)) {
            JsonNode list = session.client().channels();
            if (json) {
                out().println(TerminalText.json(list));
                return;
            }
            for (JsonNode c : list.path("channels")) {
                out().println(row(c));
            }
        }
    }

    static String row(JsonNode c) {
        boolean canWrite = c.path("access").path("can_write").asBoolean(true);
        return String.format("ch:%-36s  #%-20s %-12s %-7s %s%s", TerminalText.safe(c.path("id").asText()),
                TerminalText.safe(c.path("name").asText()), TerminalText.safe(c.path("type").asText()),
                c.path("private").asBoolean() ? "private" : "public",
                c.path("archived").asBoolean() ? "archived" : "active", canWrite ? "" : "  read-only");
    }

    /** {@code nexuslink channels create NAME}. */
    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a channel (admins only), through the community's API.")
    public static final class Create extends ClientCommand {
        @Parameters(index = "0", paramLabel = "NAME", description = "The channel's name (1-100 characters).")
        String name;

        @Option(names = "--private", description = "Only accounts on its member list (and admins) can read it.")
        boolean isPrivate;

        @Option(names = "--description", paramLabel = "TEXT", defaultValue = "", description = "What it is for.")
        String description;

        @Option(names = "--json", description = "Print the server's JSON answer.")
        boolean json;

        @Override
        protected void run() throws Exception {
            try (Session session = session(true)) {
                NexusClient client = session.client();
                requireCommunity(client);
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("name", name);
                body.put("private", isPrivate);
                if (!description.isEmpty()) {
                    body.put("description", description);
                }
                JsonNode created = client.post("/api/v1/channels", body);
                out().println(json ? created.toString() : "created " + row(created).strip());
            }
        }
    }
}
