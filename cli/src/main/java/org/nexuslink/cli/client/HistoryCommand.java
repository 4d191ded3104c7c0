// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.client;

import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import org.nexuslink.client.Conversation;
import org.nexuslink.client.ConversationSummary;
import org.nexuslink.client.NexusClient;
import org.nexuslink.client.store.StoredMessage;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code nexuslink history <conversation>}: a conversation from the local store. */
@Command(
        name = "history",
        mixinStandardHelpOptions = true,
        description = {
            "Show a conversation's latest messages from the local encrypted store, oldest first.",
            "Works offline (a #name unknown locally is looked up on the server). "
                    + "Revoked messages show [revoked], never their text. Run `nexuslink inbox` to fetch new ones."
        })
public final class HistoryCommand extends ClientCommand {
    @Parameters(
            index = "0",
            paramLabel = "CONVERSATION",
            description = "The conversation: " + ConversationArg.FORMS + ".")
    String conversation;

    @Option(
            names = "--limit",
            paramLabel = "N",
            defaultValue = "50",
            description = "At most N messages, 1-10000 (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--json", description = "One JSON object per line.")
    boolean json;

    @Option(names = "--ids", description = "Show account ids instead of display names.")
    boolean ids;

    @Override
    protected void run() throws Exception {
        ConversationArg target = SendCommand.parseConversation(spec, conversation);
        if (limit < 1 || limit > 10_000) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--limit must be 1-10000, got " + limit);
        }
        try (Session session = session(false)) {
            NexusClient client = session.client();
            Optional<Conversation> known = target.known();
            Conversation id = known.isPresent() ? known.get() : SendCommand.resolve(client, target);
            List<ConversationSummary> conversations = client.conversations();
            if (conversations.stream().noneMatch(c -> c.conversation().equals(id))) {
                throw new ClientFailure("no conversation " + id.id() + " in this profile yet"
                        + " (send a message or run `nexuslink inbox` first)");
            }
            List<StoredMessage> messages = client.history(id, limit);
            // Offline: the names the last online command listed.
            MessageView view = new MessageView(ZoneId.systemDefault(), labels(client, ids, false));
            String me = client.device().accountId();
            for (StoredMessage m : messages) {
                out().println(
                                json
                                        ? view.json(m, Optional.empty())
                                        : view.shortLine(
                                                m,
                                                m.senderAccount().equals(me)
                                                        ? "me:" + m.senderDevice()
                                                        : view.labels().account(m.senderAccount())));
            }
        }
    }
}
