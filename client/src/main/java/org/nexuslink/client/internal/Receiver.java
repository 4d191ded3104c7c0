// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.internal;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.nexuslink.client.ClientEvent;
import org.nexuslink.client.Conversation;
import org.nexuslink.client.LocalDevice;
import org.nexuslink.client.MessageRef;
import org.nexuslink.client.NexusClient;
import org.nexuslink.client.content.Content;
import org.nexuslink.client.session.ChannelMessenger;
import org.nexuslink.client.session.DirectMessenger;
import org.nexuslink.client.session.Received;
import org.nexuslink.client.session.RejectedMessageException;
import org.nexuslink.client.session.Wire;
import org.nexuslink.client.store.ConversationType;
import org.nexuslink.client.store.Direction;
import org.nexuslink.client.store.ProfileStore;
import org.nexuslink.client.store.StoredMessage;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.crypto.identity.InvalidAccountIdException;
import org.nexuslink.protocol.Bytes;
import org.nexuslink.protocol.ConversationId;
import org.nexuslink.protocol.DirectPush;
import org.nexuslink.protocol.Event;
import org.nexuslink.protocol.Flags;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens what the server pushes and files it: a direct message (marked seen first, so a copy
 * delivered again is dropped), a channel event (its cursor moved on), a sender key, a revoke
 * (applied only when the revoker may), a moderator's deletion. Runs inside a batch's transaction
 * on the worker thread; what it tells waits for that batch's sync ({@link Events#inBatch}).
 */
final class Receiver {
    static final Duration DIRECT_REVOKE_WINDOW = NexusClient.DIRECT_REVOKE_WINDOW;
    private static final Logger LOG = LoggerFactory.getLogger(Receiver.class);

    private final ProfileStore store;
    private final LocalDevice me;
    private final Clock clock;
    private final DirectMessenger direct;
    private final ChannelMessenger channels;
    private final Filing filing;
    private final Events events;
    private final CommunityLink community;
    private final Supplier<Optional<Wire>> wire;

    Receiver(
            ProfileStore store,
            LocalDevice me,
            Clock clock,
            DirectMessenger direct,
            ChannelMessenger channels,
            Filing filing,
            Events events,
            CommunityLink community,
            Supplier<Optional<Wire>> wire) {
        this.store = Objects.requireNonNull(store, "store");
        this.me = Objects.requireNonNull(me, "me");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.direct = Objects.requireNonNull(direct, "direct");
        this.channels = Objects.requireNonNull(channels, "channels");
        this.filing = Objects.requireNonNull(filing, "filing");
        this.events = Objects.requireNonNull(events, "events");
        this.community = Objects.requireNonNull(community, "community");
        this.wire = Objects.requireNonNull(wire, "wire");
    }

    /** Opens and files one direct message; runs inside a batch's transaction. */
    void receiveDirect(DirectPush push) {
        if (!store.seen().mark(push.sender(), push.messageId().toByteArray(), clock.instant())) {
            return; // taken before: a copy delivered again
        }
        try {
            // Marking it seen, decrypting and filing the message commit together, before the ack
            // (a failure here rolls the batch back, the mark with it). Only opening can refuse a
            // message; what it changed is undone then, alone, and the mark stays.
            Received received = store.inSavepoint(() -> direct.open(push));
            apply(received);
        } catch (RejectedMessageException e) {
            LOG.atWarn()
                    .setMessage("direct message rejected")
                    .addKeyValue("sender", push.sender())
                    .addKeyValue("device", push.senderDevice())
                    .addKeyValue("reason", e.getMessage())
                    .log();
            // A sender the server named wrongly is not worth telling about: the message is refused anyway.
            parseAccount(push.sender())
                    .ifPresent(sender ->
                            events.tell(new ClientEvent.MessageRejected(sender, e.getMessage(), e.identityChanged())));
        }
    }

    /** Opens and files one channel event; runs inside a batch's transaction. */
    void receiveEvent(Event event) {
        String conversation = ChannelMessenger.conversationId(event.cid());
        long mid = event.mid().orElseThrow().value();
        if (event.flags().contains(Flags.DELETED)) {
            hideDeleted(conversation, mid);
            advanceCursor(conversation, mid);
            return;
        }
        try {
            if (!channels.isOwn(event)
                    && store.messages().find(conversation, Long.toString(mid)).isEmpty()) {
                store.inSavepoint(() -> channels.open(event)).ifPresent(this::apply);
            }
        } catch (RejectedMessageException e) {
            LOG.atWarn()
                    .setMessage("channel event rejected")
                    .addKeyValue("conversation", conversation)
                    .addKeyValue("mid", mid)
                    .addKeyValue("reason", e.getMessage())
                    .log();
        }
        advanceCursor(conversation, mid);
    }

    /** Reads {@code cid=<hex>,mid=<mid>} of an {@code event_deleted} notice and hides that event. */
    void eventDeleted(String detail) {
        String cid = null;
        long mid = 0;
        for (String part : detail.split(",")) {
            if (part.startsWith("cid=")) {
                cid = part.substring(4);
            } else if (part.startsWith("mid=")) {
                mid = Long.parseLong(part.substring(4));
            }
        }
        if (cid != null && mid > 0) {
            hideDeleted(ChannelMessenger.conversationId(new ConversationId(Bytes.fromHex(cid))), mid);
        }
    }

    /**
     * A moderator deleted a channel event's content on the server: the local copy is erased too
     * (the store keeps the row, marked revoked, without its text or file).
     */
    private void hideDeleted(String conversation, long mid) {
        if (store.messages().markRevoked(conversation, Long.toString(mid))) {
            events.tell(new ClientEvent.MessageRevoked(
                    Conversation.parse(conversation), new MessageRef.Channel(mid), Optional.empty()));
        }
    }

    private void advanceCursor(String conversation, long mid) {
        community.server().ifPresent(server -> store.cursors().put(server.toString(), conversation, mid));
    }

    /** Files a decrypted message in the local store and tells the subscribers. */
    private void apply(Received r) {
        switch (r.payload().content()) {
            case Content.SenderKey key -> {
                try {
                    channels.accept(r, key);
                    channels.retryWaiting().forEach(this::apply);
                } catch (RejectedMessageException e) {
                    LOG.atWarn()
                            .setMessage("sender key rejected")
                            .addKeyValue("sender", r.senderAccount())
                            .log();
                }
            }
            case Content.Revoke revoke -> applyRevoke(r, revoke);
            case Content.Text text -> deliver(r);
            case Content.File file -> deliver(r);
        }
    }

    private void deliver(Received r) {
        boolean channel = r.conversationId().startsWith("ch:");
        Direction direction = r.senderAccount().equals(me.accountId()) ? Direction.OUT : Direction.IN;
        StoredMessage message = filing.message(
                r.conversationId(),
                r.ref(),
                r.senderAccount(),
                r.senderDevice(),
                direction,
                r.payload().content(),
                r.payload().sentAt(),
                r.serverTime());
        String title = r.conversationId().substring(3);
        if (filing.record(message, channel ? ConversationType.CHANNEL : ConversationType.DIRECT, title)) {
            events.tell(new ClientEvent.MessageReceived(message));
        }
    }

    private void applyRevoke(Received r, Content.Revoke revoke) {
        Optional<StoredMessage> target = store.messages().find(r.conversationId(), revoke.target());
        if (target.isEmpty()) {
            return;
        }
        boolean own = target.get().senderAccount().equals(r.senderAccount());
        // In a direct message only the client can enforce the rule: the author, within the window.
        // In a channel the server enforced it (author in time, or a moderator) on the [6, mid] tag,
        // which ChannelMessenger made sure is the target inside; another author's message is
        // withdrawn only if the revoker may manage the channel by the server's lists.
        boolean allowed = r.conversationId().startsWith("ch:")
                ? own || mayManage(UUID.fromString(r.conversationId().substring(3)), r.senderAccount())
                : own && withinDirectRevokeWindow(target.get(), r.serverTime());
        if (!allowed) {
            LOG.atWarn()
                    .setMessage("revoke refused")
                    .addKeyValue("conversation", r.conversationId())
                    .addKeyValue("ref", revoke.target())
                    .addKeyValue("by", r.senderAccount())
                    .log();
            return;
        }
        if (store.messages().markRevoked(r.conversationId(), revoke.target())) {
            Conversation conversation = Conversation.parse(r.conversationId());
            events.tell(new ClientEvent.MessageRevoked(
                    conversation,
                    MessageRef.parse(conversation, revoke.target()),
                    Optional.of(account(r.senderAccount()))));
        }
    }

    /** Whether {@code account} may revoke others' events in {@code channel}; false when it cannot be told. */
    private boolean mayManage(UUID channel, String account) {
        Optional<Wire> current = wire.get();
        if (current.isEmpty()) {
            return false;
        }
        try {
            return channels.mayManage(current.get(), channel, account);
        } catch (IOException e) {
            LOG.atWarn()
                    .setMessage("cannot check the revoker's role")
                    .addKeyValue("channel", channel)
                    .addKeyValue("error", e.getMessage())
                    .log();
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Whether a direct message may still be revoked at {@code now}: within the window of its
     * server time, which the wire gives in whole seconds (hence the extra second).
     */
    static boolean withinDirectRevokeWindow(StoredMessage target, Instant now) {
        return !now.isAfter(target.receivedAt().plus(DIRECT_REVOKE_WINDOW).plusSeconds(1));
    }

    /** An account id a verified certificate vouched for already. */
    static AccountId account(String text) {
        return parseAccount(text).orElseThrow(() -> new IllegalArgumentException("not an account id: " + text));
    }

    private static Optional<AccountId> parseAccount(String text) {
        try {
            return Optional.of(AccountId.parse(text));
        } catch (InvalidAccountIdException e) {
            return Optional.empty();
        }
    }
}
