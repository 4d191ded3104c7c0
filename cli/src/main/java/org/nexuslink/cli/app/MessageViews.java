// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.app;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.nexuslink.cli.client.MessageView;
import org.nexuslink.client.Conversation;
import org.nexuslink.client.MessageRef;
import org.nexuslink.client.NexusClient;
import org.nexuslink.client.media.FileDescriptor;
import org.nexuslink.client.store.Direction;
import org.nexuslink.client.store.StoredMessage;
import org.nexuslink.crypto.identity.AccountId;

/** The contract's {@code Message} of a stored message, with the names the community listed last. */
final class MessageViews {
    static final int KIND_TEXT = 1;
    static final int KIND_FILE = 3;
    static final int KIND_REVOKE = 5;

    private final NexusClient client;
    private final ManagedChannels managed;
    private final Map<AccountId, String> names;
    private final Instant now;

    private MessageViews(NexusClient client, ManagedChannels managed, Map<AccountId, String> names, Instant now) {
        this.client = client;
        this.managed = managed;
        this.names = names;
        this.now = now;
    }

    static MessageViews of(AppSession.Unlocked u, Instant now) throws IOException {
        return new MessageViews(u.client(), u.managed(), u.client().memberNames(), now);
    }

    /** The display name of {@code account}, or the account id. */
    String name(String account) {
        try {
            return Optional.ofNullable(names.get(AccountId.parse(account))).orElse(account);
        } catch (org.nexuslink.crypto.identity.InvalidAccountIdException e) {
            return account;
        }
    }

    /**
     * Whether a stored message is one to show: a revoke (kind 5) is kept in the store as what this
     * device sent, but what people see is its effect on the message it names.
     */
    static boolean shown(StoredMessage m) {
        return m.kind() != KIND_REVOKE;
    }

    static String kind(int kind) {
        return switch (kind) {
            case KIND_TEXT -> "text";
            case KIND_FILE -> "file";
            default -> "other";
        };
    }

    /** The file a message carries: its descriptor, if it is a readable one. */
    static Optional<FileDescriptor> file(StoredMessage m) {
        return MessageView.file(m);
    }

    ObjectNode message(StoredMessage m) throws IOException {
        Conversation conversation = Conversation.of(m);
        boolean mine = m.direction() == Direction.OUT;
        ObjectNode node = AppJson.object()
                .put("ref", m.ref())
                .put("conversation", m.conversationId())
                .put("sender", m.senderAccount())
                .put("senderName", name(m.senderAccount()))
                .put("mine", mine)
                .put("at", m.sentAt().toString())
                .put("kind", kind(m.kind()))
                .put("text", m.text());
        if (m.replyTo().isPresent()) {
            node.put("replyTo", m.replyTo().get());
            Optional<StoredMessage> replied;
            try {
                replied = client.message(
                        conversation, MessageRef.parse(conversation, m.replyTo().get()));
            } catch (IllegalArgumentException e) {
                replied = Optional.empty();
            }
            if (replied.isPresent() && !replied.get().revoked()) {
                node.put("replyText", replied.get().text());
            } else {
                node.putNull("replyText");
            }
        } else {
            node.putNull("replyTo");
            node.putNull("replyText");
        }
        Optional<FileDescriptor> file = file(m);
        if (file.isPresent()) {
            node.putObject("file")
                    .put("name", file.get().name())
                    .put("size", file.get().size())
                    .put("mime", file.get().mime());
        } else {
            node.putNull("file");
        }
        node.put("revoked", m.revoked());
        node.put("canRevoke", !m.revoked() && m.kind() != KIND_REVOKE && mayRevoke(conversation, m, mine));
        return node;
    }

    /**
     * One's own message (a direct one within its window), or anyone's in a channel this account
     * manages: what {@link NexusClient#revoke} and the server allow.
     */
    private boolean mayRevoke(Conversation conversation, StoredMessage m, boolean mine) {
        return switch (conversation) {
            case Conversation.Direct d ->
                mine && Duration.between(m.sentAt(), now).compareTo(NexusClient.DIRECT_REVOKE_WINDOW) <= 0;
            case Conversation.Channel c ->
                mine || managed.manages(client, c.channel().toString());
        };
    }
}
