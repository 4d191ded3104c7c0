// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.chat;

import java.time.ZoneId;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.nexuslink.cli.client.ClientCommand;
import org.nexuslink.cli.client.ConversationArg;
import org.nexuslink.cli.client.SendCommand;
import org.nexuslink.client.NexusClient;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code nexuslink chat <conversation>}: the conversation's latest messages, then live incoming
 * ones printed above an input line; typed lines are sent, and a few slash commands reply, revoke,
 * send a file or quit.
 */
@Command(
        name = "chat",
        mixinStandardHelpOptions = true,
        description = {
            "Chat in one conversation in the terminal: history on top, new messages as they arrive, "
                    + "an input line at the bottom.",
            "CONVERSATION is " + ConversationArg.FORMS + ". In the chat: type a line to send it; "
                    + "/reply REF TEXT, /revoke REF, /file PATH [MIME], /help, /quit (or Ctrl-D)."
        })
public final class ChatCommand extends ClientCommand {
    @Parameters(index = "0", paramLabel = "CONVERSATION", description = "The conversation.")
    String conversation;

    @Option(
            names = "--history",
            paramLabel = "N",
            defaultValue = "20",
            description = "How many earlier messages to show first, 0-1000 (default: ${DEFAULT-VALUE}).")
    int history;

    @Option(names = "--ids", description = "Show account ids instead of display names.")
    boolean ids;

    @Override
    protected void run() throws Exception {
        ConversationArg target = SendCommand.parseConversation(spec, conversation);
        if (history < 0 || history > 1000) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--history must be 0-1000, got " + history);
        }
        // The passphrase prompt (if any) happens here, before the line editor owns the terminal.
        try (Session session = session(true)) {
            NexusClient client = session.client();
            try (Terminal terminal = TerminalBuilder.builder()
                    .system(true)
                    .name("nexuslink chat")
                    .build()) {
                ChatScreen screen = new ChatScreen(
                        terminal,
                        client,
                        new org.nexuslink.cli.client.MessageView(ZoneId.systemDefault(), labels(client, ids, true)));
                screen.run(target, history);
            }
        }
    }
}
