// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.internal;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import org.nexuslink.client.Conversation;
import org.nexuslink.client.LocalDevice;
import org.nexuslink.client.MessageRef;
import org.nexuslink.client.content.Content;
import org.nexuslink.client.content.Payload;
import org.nexuslink.client.session.ChannelMessenger;
import org.nexuslink.client.session.DirectMessenger;
import org.nexuslink.client.session.Wire;
import org.nexuslink.client.store.ConversationType;
import org.nexuslink.client.store.ProfileStore;
import org.nexuslink.client.store.StoredMessage;
import org.nexuslink.protocol.Bytes;
import org.nexuslink.protocol.MessageId;
import org.nexuslink.protocol.Tag;

/**
 * The sending side of the client: an outbox that texts wait in, in the order they were asked
 * for, taken by the worker in batches. Consecutive direct messages are encrypted in one
 * transaction, committed once (one disk sync, before any ciphertext leaves), sent without waiting
 * for each other's answers and filed in one more transaction; consecutive channel messages the
 * same way. Texts to one conversation keep their order.
 *
 * <p>{@link #enqueue} may be called from any thread; everything else runs on the worker.
 */
public final class SendPipeline {
    /** At most this many texts are sent in one batch. */
    private static final int MAX_BATCH = 64;

    private final Worker worker;
    private final SyncLoop connection;
    private final ProfileStore store;
    private final LocalDevice me;
    private final Clock clock;
    private final DirectMessenger direct;
    private final ChannelMessenger channels;
    private final Filing filing;
    private final CommunityLink community;
    private final SecureRandom random = new SecureRandom();

    /** Texts waiting to be sent, in the order they were asked for. */
    private final ConcurrentLinkedQueue<Outgoing> outbox = new ConcurrentLinkedQueue<>();

    private final AtomicBoolean outboxScheduled = new AtomicBoolean();

    /** A message waiting to be sent, and who waits for it. */
    private record Outgoing(Conversation conversation, Content content, CompletableFuture<StoredMessage> done) {}

    SendPipeline(
            Worker worker,
            SyncLoop connection,
            ProfileStore store,
            LocalDevice me,
            Clock clock,
            DirectMessenger direct,
            ChannelMessenger channels,
            Filing filing,
            CommunityLink community) {
        this.worker = Objects.requireNonNull(worker, "worker");
        this.connection = Objects.requireNonNull(connection, "connection");
        this.store = Objects.requireNonNull(store, "store");
        this.me = Objects.requireNonNull(me, "me");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.direct = Objects.requireNonNull(direct, "direct");
        this.channels = Objects.requireNonNull(channels, "channels");
        this.filing = Objects.requireNonNull(filing, "filing");
        this.community = Objects.requireNonNull(community, "community");
    }

    /** Queues a message and returns at once; the future completes once it is sent and filed. */
    public CompletableFuture<StoredMessage> enqueue(Conversation conversation, Content content) {
        Outgoing outgoing = new Outgoing(conversation, content, new CompletableFuture<>());
        outbox.add(outgoing);
        if (outboxScheduled.compareAndSet(false, true) && !worker.execute(this::takeOutbox)) {
            failAll(new IllegalStateException("the client is closed"));
        }
        return outgoing.done();
    }

    /** Sends one message the way a batch is sent (a batch of one) and returns it as stored; on the worker. */
    public StoredMessage send(Conversation conversation, Content content) throws Exception {
        Outgoing alone = new Outgoing(conversation, content, new CompletableFuture<>());
        sendRun(List.of(alone));
        if (alone.done().isCompletedExceptionally()) {
            Throwable cause = alone.done().exceptionNow();
            if (cause instanceof Exception e) {
                throw e;
            }
            throw (Error) cause;
        }
        return alone.done().join();
    }

    /**
     * Revokes a message: one's own (in a channel within the server's window, in a direct message
     * within {@link Receiver#DIRECT_REVOKE_WINDOW}), or anyone's in a channel one moderates.
     */
    public void revoke(Conversation conversation, MessageRef ref) throws Exception {
        StoredMessage target = store.messages()
                .find(conversation.id(), ref.text())
                .orElseThrow(
                        () -> new IllegalArgumentException("no message " + ref.text() + " in " + conversation.id()));
        if (conversation instanceof Conversation.Direct) {
            if (!target.senderAccount().equals(me.accountId())) {
                throw new IllegalArgumentException("only the author may revoke a direct message");
            }
            // The recipients enforce the window (Receiver); a late revoke would hide the message
            // on this device only, so it is refused here too.
            if (!Receiver.withinDirectRevokeWindow(target, clock.instant())) {
                throw new IllegalArgumentException("the revoke window of " + Receiver.DIRECT_REVOKE_WINDOW.toMinutes()
                        + " minutes for message " + ref.text() + " has passed");
            }
        }
        send(conversation, new Content.Revoke(ref.text()));
        store.messages().markRevoked(conversation.id(), ref.text());
    }

    /** Fails every message still waiting (the client closes). */
    public void failAll(Exception why) {
        Outgoing left;
        while ((left = outbox.poll()) != null) {
            left.done().completeExceptionally(why);
        }
    }

    /** Sends what the outbox holds, up to {@link #MAX_BATCH} texts at a time. */
    private void takeOutbox() {
        outboxScheduled.set(false);
        List<Outgoing> batch = new ArrayList<>();
        Outgoing next;
        while ((next = outbox.poll()) != null) {
            batch.add(next);
            if (batch.size() == MAX_BATCH) {
                sendBatch(batch);
                batch = new ArrayList<>();
            }
        }
        sendBatch(batch);
    }

    /** Consecutive messages to conversations of one kind go out together. */
    private void sendBatch(List<Outgoing> batch) {
        int i = 0;
        while (i < batch.size()) {
            Class<?> kind = batch.get(i).conversation().getClass();
            int end = i + 1;
            while (end < batch.size() && kind == batch.get(end).conversation().getClass()) {
                end++;
            }
            sendRun(batch.subList(i, end));
            i = end;
        }
    }

    /** Sends messages to conversations of one kind together; completes each one's future. */
    private void sendRun(List<Outgoing> run) {
        switch (run.getFirst().conversation()) {
            case Conversation.Direct d -> sendDirect(run);
            case Conversation.Channel c -> sendChannel(run);
        }
    }

    /**
     * Sends several channel messages for one commit ({@link ChannelMessenger#sendAll}) and files
     * the ones the server took in one transaction.
     */
    private void sendChannel(List<Outgoing> batch) {
        try {
            Wire w = connection.requireWire();
            Instant now = clock.instant();
            List<Outgoing> run = new ArrayList<>(batch.size());
            List<ChannelMessenger.Outgoing> events = new ArrayList<>(batch.size());
            for (Outgoing o : batch) {
                try {
                    events.add(new ChannelMessenger.Outgoing(
                            ((Conversation.Channel) o.conversation()).channel().value(),
                            Payload.of(o.content(), now),
                            tags(o.content())));
                    run.add(o);
                } catch (NumberFormatException e) {
                    o.done()
                            .completeExceptionally(new IllegalArgumentException(
                                    "a channel message is referred to by its number, not " + e.getMessage(), e));
                }
            }
            List<CompletableFuture<ChannelMessenger.Sent>> sent = channels.sendAll(w, events);
            fileSent(run, sent, (k, taken) -> {
                Conversation.Channel conversation =
                        (Conversation.Channel) run.get(k).conversation();
                StoredMessage message = filing.outgoing(
                        conversation.id(),
                        Long.toString(taken.mid()),
                        run.get(k).content(),
                        now,
                        taken.time());
                filing.record(
                        message,
                        ConversationType.CHANNEL,
                        conversation.channel().toString());
                store.cursors().put(community.cursorScope(), conversation.id(), taken.mid());
                return message;
            });
        } catch (Exception e) {
            batch.forEach(o -> o.done().completeExceptionally(e));
        }
    }

    /**
     * Sends several direct messages for one commit ({@link DirectMessenger#sendAll}) and files the
     * ones the server took in one transaction.
     */
    private void sendDirect(List<Outgoing> run) {
        try {
            Wire w = connection.requireWire();
            Instant now = clock.instant();
            List<DirectMessenger.Outgoing> messages = new ArrayList<>(run.size());
            for (Outgoing o : run) {
                String peer = ((Conversation.Direct) o.conversation()).peer().toString();
                byte[] id = new byte[16];
                random.nextBytes(id);
                messages.add(new DirectMessenger.Outgoing(
                        peer, Bytes.of(id), new Payload(o.content(), now, Optional.of(peer), Optional.empty())));
            }
            List<CompletableFuture<Instant>> times = direct.sendAll(w, messages);
            fileSent(run, times, (k, time) -> {
                StoredMessage message = filing.outgoing(
                        run.get(k).conversation().id(),
                        messages.get(k).messageId().hex(),
                        run.get(k).content(),
                        now,
                        time);
                filing.record(message, ConversationType.DIRECT, messages.get(k).recipient());
                return message;
            });
        } catch (Exception e) {
            run.forEach(o -> o.done().completeExceptionally(e));
        }
    }

    /**
     * Files, in one transaction, the messages of a run that the server took ({@code file} makes
     * and records each one from what its send returned), then completes every waiting send: with
     * its stored message, or with why it failed.
     */
    private <R> void fileSent(
            List<Outgoing> run, List<CompletableFuture<R>> results, BiFunction<Integer, R, StoredMessage> file) {
        List<StoredMessage> stored = new ArrayList<>(run.size());
        store.transaction(() -> {
            for (int k = 0; k < run.size(); k++) {
                CompletableFuture<R> result = results.get(k);
                stored.add(result.state() == Future.State.SUCCESS ? file.apply(k, result.resultNow()) : null);
            }
        });
        for (int k = 0; k < run.size(); k++) {
            if (stored.get(k) != null) {
                run.get(k).done().complete(stored.get(k));
            } else {
                run.get(k).done().completeExceptionally(results.get(k).exceptionNow());
            }
        }
    }

    /** A channel message's tags: the reply's, and the revoke's target. */
    private static List<Tag> tags(Content content) {
        List<Tag> tags = new ArrayList<>();
        Filing.replyTo(content).ifPresent(ref -> tags.add(new Tag.Reply(new MessageId(Long.parseLong(ref)))));
        if (content instanceof Content.Revoke revoke) {
            tags.add(new Tag.Revoke(new MessageId(Long.parseLong(revoke.target()))));
        }
        return tags;
    }
}
