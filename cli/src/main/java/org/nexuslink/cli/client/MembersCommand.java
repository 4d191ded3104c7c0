// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.nexuslink.cli.TerminalText;
import org.nexuslink.client.Member;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code nexuslink members [NAME]}: the community's members by display name, with their ids; with
 * a NAME, who goes by it (a display name is chosen by its member and not unique: the id is what
 * identifies them).
 */
@Command(
        name = "members",
        mixinStandardHelpOptions = true,
        description = {
            "List the community's members: display name, role and account id.",
            "With NAME, only the members who go by that display name (whois): names are chosen by their "
                    + "members and not unique, the account id is what identifies them."
        })
public final class MembersCommand extends ClientCommand {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Parameters(
            index = "0",
            paramLabel = "NAME",
            arity = "0..1",
            description = "Show only members with this display name.")
    String name;

    @Option(names = "--json", description = "One JSON object per line.")
    boolean json;

    @Override
    protected void run() throws Exception {
        try (Session session = session(true)) {
            List<Member> members = session.client().members().stream()
                    .filter(m ->
                            name == null || m.displayName().filter(name::equals).isPresent())
                    .toList();
            if (name != null && members.isEmpty()) {
                throw new ClientFailure("no member goes by the name " + name);
            }
            members.forEach(m -> out().println(json ? json(m) : row(m)));
        }
    }

    /** One member as a line: display name (or {@code -}), role, account id. */
    static String row(Member m) {
        return String.format(
                "%-24s %-9s %s",
                TerminalText.safe(m.displayName().orElse("-")), TerminalText.safe(m.role()), m.account());
    }

    static String json(Member m) {
        ObjectNode o =
                JSON.createObjectNode().put("account", m.account().toString()).put("role", m.role());
        m.displayName().ifPresent(n -> o.put("display_name", n));
        return TerminalText.json(o);
    }
}
