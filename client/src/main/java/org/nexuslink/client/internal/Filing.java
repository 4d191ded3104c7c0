// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.internal;

import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.nexuslink.client.LocalDevice;
import org.nexuslink.client.content.Content;
import org.nexuslink.client.store.Contact;
import org.nexuslink.client.store.Conversation;
import org.nexuslink.client.store.ConversationType;
import org.nexuslink.client.store.Direction;
import org.nexuslink.client.store.ProfileStore;
import org.nexuslink.client.store.StoredMessage;

/**
 * Files messages, sent or received, in the local store: the stored form of a payload's content,
 * and the conversation (and contact) a first message creates. Runs inside the caller's
 * transaction, on the worker thread.
 */
final class Filing {
    private final ProfileStore store;
    private final LocalDevice me;
    private final Clock clock;

    Filing(ProfileStore store, LocalDevice me, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.me = Objects.requireNonNull(me, "me");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A message this device sent, as stored. */
    StoredMessage outgoing(String conversation, String ref, Content content, Instant sentAt, Instant serverTime) {
        return message(conversation, ref, me.accountId(), me.deviceId(), Direction.OUT, content, sentAt, serverTime);
    }

    /** A message as stored: its text (or a file's caption), reply and file descriptor. */
    StoredMessage message(
            String conversation,
            String ref,
            String sender,
            int device,
            Direction direction,
            Content content,
            Instant sentAt,
            Instant receivedAt) {
        String text = switch (content) {
            case Content.Text t -> t.text();
            case Content.File f -> f.caption().orElse("");
            case Content.Revoke r -> "";
            case Content.SenderKey k -> "";
        };
        Optional<byte[]> attachment =
                content instanceof Content.File f ? Optional.of(f.descriptor().toByteArray()) : Optional.empty();
        return new StoredMessage(
                conversation,
                ref,
                sender,
                device,
                direction,
                content.kind(),
                sentAt,
                receivedAt,
                text,
                replyTo(content),
                attachment,
                false);
    }

    /** The ref a message answers, if it is a reply. */
    static Optional<String> replyTo(Content content) {
        return switch (content) {
            case Content.Text text -> text.replyTo();
            case Content.File file -> file.replyTo();
            case Content.Revoke revoke -> Optional.empty();
            case Content.SenderKey key -> Optional.empty();
        };
    }

    /** Stores a message (a duplicate is dropped) and makes sure its conversation exists. */
    boolean record(StoredMessage message, ConversationType type, String title) {
        if (store.conversations().find(message.conversationId()).isEmpty()) {
            store.conversations().save(new Conversation(message.conversationId(), type, title, clock.instant()));
            if (type == ConversationType.DIRECT && store.contacts().find(title).isEmpty()) {
                // Someone one writes with becomes an (unverified) contact; verifying is the user's act.
                store.contacts().save(new Contact(title, Optional.empty(), false, Optional.empty()));
            }
        }
        return store.messages().insertIfAbsent(message);
    }
}
