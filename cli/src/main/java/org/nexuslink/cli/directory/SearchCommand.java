// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.directory;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.nexuslink.cli.ExitCodes;
import org.nexuslink.cli.TerminalText;
import org.nexuslink.client.directory.DirectoryClient;
import org.nexuslink.client.directory.DirectoryException;
import org.nexuslink.protocol.directory.CommunityListing;
import org.nexuslink.protocol.directory.SearchResults;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code nexuslink directory search}. */
@Command(
        name = "search",
        mixinStandardHelpOptions = true,
        description =
                "Search a directory's communities by name, description and tags (every listing's directory signature is checked).")
public final class SearchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(
            index = "0",
            arity = "0..1",
            defaultValue = "",
            paramLabel = "QUERY",
            description = "Words to find (prefixes match).")
    String query;

    @Option(names = "--directory", required = true, paramLabel = "URL", description = "The directory's base URL.")
    URI directory;

    @Option(
            names = "--tag",
            paramLabel = "TAG",
            description = "Only communities with this tag (repeat for all of several).")
    List<String> tags = List.of();

    @Option(
            names = "--limit",
            defaultValue = "20",
            description = "Results per page, 1 to 50 (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--offset", defaultValue = "0", description = "Skip this many results (default: ${DEFAULT-VALUE}).")
    int offset;

    @Option(names = "--json", description = "Print the results as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try {
            DirectoryClient client =
                    DirectoryClient.connect(directory, Optional.empty(), Clock.systemUTC(), new SecureRandom());
            SearchResults results = client.search(query, tags, limit, offset);
            if (json) {
                ObjectMapper mapper = new ObjectMapper();
                ObjectNode root = mapper.createObjectNode();
                ArrayNode list = root.putArray("communities");
                for (CommunityListing c : results.communities()) {
                    ObjectNode node = list.addObject()
                            .put("id", c.communityId())
                            .put("name", c.name())
                            .put("description", c.description())
                            .put("endpoint", c.endpoint())
                            .put("server_key", c.serverKey())
                            .put("reputation", c.reputation())
                            .put("verified", c.verified());
                    c.tags().forEach(node.putArray("tags")::add);
                }
                results.nextOffset().ifPresent(next -> root.put("next_offset", next));
                out.println(root);
            } else if (results.communities().isEmpty()) {
                out.println("No communities found.");
            } else {
                for (CommunityListing c : results.communities()) {
                    out.println(String.format(
                            Locale.ROOT,
                            "%s  %s%s  reputation %.2f",
                            c.communityId(),
                            TerminalText.safe(c.name()),
                            c.verified() ? "  [verified]" : "",
                            c.reputation()));
                    out.println("    " + TerminalText.safe(c.description()));
                    out.println("    tags: " + TerminalText.safe(String.join(", ", c.tags())) + "  endpoint: "
                            + TerminalText.safe(c.endpoint()));
                }
                results.nextOffset().ifPresent(next -> out.println("More: --offset " + next));
            }
            return ExitCodes.OK;
        } catch (DirectoryException e) {
            spec.commandLine()
                    .getErr()
                    .println(
                            "nexuslink: the directory refused: " + e.code() + ": " + TerminalText.safe(e.getMessage()));
            return ExitCodes.FAILURE;
        }
    }
}
