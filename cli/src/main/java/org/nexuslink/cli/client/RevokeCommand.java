// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.client;

import java.time.Instant;
import org.nexuslink.client.Conversation;
import org.nexuslink.client.MessageRef;
import org.nexuslink.client.NexusClient;
import org.nexuslink.client.store.StoredMessage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code nexuslink revoke <conversation> <ref>}: take a message back. */
@Command(
        name = "revoke",
        mixinStandardHelpOptions = true,
        description = {
            "Revoke a message: your own (direct messages within "
                    + "2 minutes, channel messages within the server's window), or anyone's in a channel you moderate.",
            "Every member's client then shows it as [revoked]."
        })
public final class RevokeCommand extends ClientCommand {
    @Parameters(
            index = "0",
            paramLabel = "CONVERSATION",
            description = "The conversation: " + ConversationArg.FORMS + ".")
    String conversation;

    @Parameters(index = "1", paramLabel = "REF", description = "The message's ref (as inbox and history show it).")
    String ref;

    @Override
    protected void run() throws Exception {
        ConversationArg target = SendCommand.parseConversation(spec, conversation);
        String cleanRef = SendCommand.cleanRef(ref);
        try (Session session = session(true)) {
            NexusClient client = session.client();
            Conversation id = SendCommand.resolve(client, target);
            StoredMessage message = SendCommand.requireMessage(client, id, cleanRef);
            if (message.revoked()) {
                throw new ClientFailure("message [" + cleanRef + "] in " + id.id() + " is already revoked");
            }
            // The recipients' clients accept a direct revoke only within the window; the SDK does
            // not check it on the sending side, so a late revoke would hide the message here only.
            Instant deadline = message.receivedAt().plus(NexusClient.DIRECT_REVOKE_WINDOW);
            if (id instanceof Conversation.Direct
                    && environment().clock().instant().isAfter(deadline)) {
                throw new ClientFailure("a direct message can be revoked within "
                        + NexusClient.DIRECT_REVOKE_WINDOW.toMinutes() + " minutes of sending; [" + cleanRef
                        + "] was sent at " + message.receivedAt() + ". Nothing was changed.");
            }
            client.revoke(id, MessageRef.of(message));
            out().println("revoked [" + cleanRef + "] in " + id.id());
        }
    }
}
