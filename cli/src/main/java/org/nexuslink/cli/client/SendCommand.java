// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.nexuslink.client.Conversation;
import org.nexuslink.client.Member;
import org.nexuslink.client.MessageRef;
import org.nexuslink.client.NexusClient;
import org.nexuslink.client.store.StoredMessage;
import org.nexuslink.crypto.identity.AccountId;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code nexuslink send <conversation> <text>}: one message, end to end encrypted. */
@Command(
        name = "send",
        mixinStandardHelpOptions = true,
        description = {
            "Send a text or a file to a conversation, end to end encrypted.",
            "CONVERSATION is " + ConversationArg.FORMS + ". Prints the message's ref."
        })
public final class SendCommand extends ClientCommand {
    @Parameters(index = "0", paramLabel = "CONVERSATION", description = "Where to send.")
    String conversation;

    @Parameters(
            index = "1",
            paramLabel = "TEXT",
            arity = "0..1",
            description = "The text (with --file: an optional caption is not sent; leave it out).")
    String text;

    @Option(names = "--file", paramLabel = "PATH", description = "Send this file (encrypted, then uploaded).")
    Path file;

    @Option(
            names = "--mime",
            paramLabel = "TYPE",
            defaultValue = "application/octet-stream",
            description = "The file's MIME type (default: ${DEFAULT-VALUE}).")
    String mime;

    @Option(
            names = "--reply-to",
            paramLabel = "REF",
            description = "Send as a reply to this message of the conversation.")
    String replyTo;

    @Option(names = "--json", description = "Print the sent message as JSON.")
    boolean json;

    @Override
    protected void run() throws Exception {
        ConversationArg target = parseConversation(spec, conversation);
        if (file == null && (text == null || text.isEmpty())) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give a TEXT to send, or --file PATH");
        }
        if (file != null && text != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give either a TEXT or --file, not both");
        }
        if (file != null && !Files.isRegularFile(file)) {
            throw new ClientFailure("no such file: " + file);
        }
        try (Session session = session(true)) {
            NexusClient client = session.client();
            Conversation to = resolve(client, target);
            Optional<MessageRef> reply = Optional.empty();
            if (replyTo != null) {
                reply = Optional.of(MessageRef.of(requireMessage(client, to, cleanRef(replyTo))));
            }
            StoredMessage sent =
                    file != null ? client.sendFile(to, file, mime, reply) : client.sendText(to, text, reply);
            MessageView view = new MessageView(ZoneId.systemDefault(), Labels.ids());
            out().println(json ? view.json(sent, Optional.empty()) : "sent [" + sent.ref() + "]" + " to " + to.id());
        }
    }

    /** A ref as typed: surrounding spaces, brackets or a leading '#' are dropped. */
    public static String cleanRef(String ref) {
        String r = ref.strip();
        if (r.startsWith("[") && r.endsWith("]")) {
            r = r.substring(1, r.length() - 1).strip();
        }
        return r.startsWith("#") ? r.substring(1) : r;
    }

    /** Parses a conversation argument, as a usage error when malformed. */
    public static ConversationArg parseConversation(CommandLine.Model.CommandSpec spec, String text) {
        try {
            return ConversationArg.parse(text);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "CONVERSATION: " + e.getMessage());
        }
    }

    /** The SDK's conversation, asking the server only for a name the profile does not know. */
    public static Conversation resolve(NexusClient client, ConversationArg target) throws java.io.IOException {
        Map<AccountId, String> kept = client.memberNames();
        return target.resolve(
                client.conversations(),
                () -> {
                    try {
                        return client.channels();
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                },
                new ConversationArg.ServerMembers() {
                    @Override
                    public Map<AccountId, String> kept() {
                        return kept;
                    }

                    @Override
                    public List<Member> fetch() {
                        try {
                            return client.members();
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }
                });
    }

    /** Fails unless the conversation holds a message with this ref. */
    public static StoredMessage requireMessage(NexusClient client, Conversation conversation, String ref)
            throws java.io.IOException {
        Optional<StoredMessage> found;
        try {
            found = client.message(conversation, MessageRef.parse(conversation, ref));
        } catch (IllegalArgumentException notARef) {
            found = Optional.empty(); // a ref of no message here, whatever its form
        }
        return found.orElseThrow(() -> new ClientFailure("no message [" + ref + "]" + " in " + conversation.id()
                + " (see `nexuslink history " + conversation.id() + "`)"));
    }
}
