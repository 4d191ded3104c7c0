// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.internal;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.nexuslink.client.ClientEvent;
import org.nexuslink.client.LocalDevice;
import org.nexuslink.client.community.CommunityApi;
import org.nexuslink.client.community.GatewayConnection;
import org.nexuslink.client.keys.PrekeyStock;
import org.nexuslink.client.session.ChannelMessenger;
import org.nexuslink.client.session.DirectMessenger;
import org.nexuslink.client.session.Wire;
import org.nexuslink.client.store.Conversation;
import org.nexuslink.client.store.ConversationType;
import org.nexuslink.client.store.ProfileStore;
import org.nexuslink.crypto.keystore.VaultContents;
import org.nexuslink.protocol.Ack;
import org.nexuslink.protocol.Body;
import org.nexuslink.protocol.CatchUpRequest;
import org.nexuslink.protocol.CatchUpResult;
import org.nexuslink.protocol.Command;
import org.nexuslink.protocol.ConversationId;
import org.nexuslink.protocol.DirectPush;
import org.nexuslink.protocol.Envelope;
import org.nexuslink.protocol.Event;
import org.nexuslink.protocol.MessageId;
import org.nexuslink.protocol.Notice;
import org.nexuslink.protocol.api.ChannelsApi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection to the community and the receiving side of the client: it signs in, opens the
 * gateway, tops up prekeys, takes the direct messages queued while offline and every readable
 * channel's events from its cursor, then receives pushes in batches, acknowledging each only
 * after the disk sync that made it durable (sync before ack). When the connection drops it
 * reconnects with backoff and jitter until told to stop.
 *
 * <p>Everything but {@link #received} (the connection's thread) and the status getters runs on
 * the worker thread, which owns the connection state below.
 */
public final class SyncLoop {
    static final Duration MIN_BACKOFF = Duration.ofMillis(250);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    /** At most this many pushes are opened in one transaction. */
    private static final int MAX_BATCH = 64;
    /**
     * At most this many received messages wait, committed, for the one disk sync after which they
     * are acknowledged and shown (see {@link #takeInbox}).
     */
    private static final int MAX_UNSYNCED = 1024;
    /** How long {@link #receiveBacklog} waits without hearing from the server. */
    private static final Duration BACKLOG_SILENCE = GatewayConnection.REPLY_TIMEOUT;

    private static final Logger LOG = LoggerFactory.getLogger(SyncLoop.class);

    private final Worker worker;
    private final Events events;
    private final ProfileStore store;
    private final VaultContents keys;
    private final LocalDevice me;
    private final Clock clock;
    private final CommunityLink community;
    private final PrekeyStock prekeys;
    private final DirectMessenger direct;
    private final Receiver receiver;
    private final KeyLogWatch keyLog;

    /** Pushes received and not yet handled, in arrival order; the worker takes them in batches. */
    private final ConcurrentLinkedQueue<Envelope> inbox = new ConcurrentLinkedQueue<>();

    private final AtomicBoolean inboxScheduled = new AtomicBoolean();
    /** Received and committed, not yet synced: the pushes to acknowledge after the sync. */
    private final List<Envelope> unsyncedPushes = new ArrayList<>();

    // Written only on the worker thread; volatile for the status getters.
    private volatile Wire wire;
    private boolean stayConnected;
    private int failedAttempts;
    /** Whether this connection's {@code queue_empty} notice has been taken (see {@link #receiveBacklog}). */
    private boolean queueEmpty;
    /** The worker, while it waits in {@link #receiveBacklog}; pushes wake it. */
    private volatile Thread backlogWaiter;

    SyncLoop(
            Worker worker,
            Events events,
            ProfileStore store,
            VaultContents keys,
            LocalDevice me,
            Clock clock,
            CommunityLink community,
            PrekeyStock prekeys,
            DirectMessenger direct,
            ChannelMessenger channels,
            Filing filing,
            KeyLogWatch keyLog) {
        this.worker = Objects.requireNonNull(worker, "worker");
        this.events = Objects.requireNonNull(events, "events");
        this.store = Objects.requireNonNull(store, "store");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.me = Objects.requireNonNull(me, "me");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.community = Objects.requireNonNull(community, "community");
        this.prekeys = Objects.requireNonNull(prekeys, "prekeys");
        this.direct = Objects.requireNonNull(direct, "direct");
        this.keyLog = Objects.requireNonNull(keyLog, "keyLog");
        this.receiver = new Receiver(store, me, clock, direct, channels, filing, events, community, this::currentWire);
    }

    /** Connects unless a connection is open, and stays connected from now on; on the worker. */
    public void connect() throws Exception {
        stayConnected = true;
        if (!isConnected()) {
            openConnection();
        }
    }

    /** Whether a connection is open now (any thread). */
    public boolean isConnected() {
        Wire current = wire;
        return current != null && !current.gateway().isClosed();
    }

    /** The open connection, if any (any thread). */
    public Optional<Wire> currentWire() {
        return Optional.ofNullable(wire);
    }

    /** The open connection, opened first when there is none; on the worker. */
    public Wire requireWire() throws Exception {
        if (wire == null || wire.gateway().isClosed()) {
            wire = null;
            openConnection();
        }
        return wire;
    }

    /** A token for a REST call: the connection's, or a fresh sign-in's when none is open. */
    public String token() throws Exception {
        Wire current = wire;
        return current != null ? current.token() : community.signIn();
    }

    /** Stops reconnecting and closes the connection; on the worker. */
    public void disconnect() {
        stayConnected = false;
        if (wire != null) {
            wire.gateway().close();
            wire = null;
        }
    }

    private void openConnection() throws Exception {
        takeInbox(); // what the last connection left, its queue_empty included, is not this one's
        queueEmpty = false;
        store.seen().prune(clock.instant());
        CommunityApi api = community.pinned();
        CommunityApi.Session session = api.authenticate(me.accountId(), me.deviceId(), keys.deviceKey());
        GatewayConnection gateway = GatewayConnection.open(
                api.http(),
                api.webSocketUri(),
                session.token(),
                this::received,
                (code, reason) -> worker.submit(() -> onClosed(code, reason)));
        wire = new Wire(api, session.token(), gateway);
        failedAttempts = 0;
        String replenished = prekeys.replenish(api, session.token());
        LOG.atDebug()
                .setMessage("prekeys checked")
                .addKeyValue("uploaded", replenished)
                .log();
        direct.refreshOwnDevices(api, session.token());
        keyLog.check(api);
        receiveBacklog();
        catchUpChannels();
        events.tellNow(new ClientEvent.ConnectionChanged(true));
    }

    /**
     * Takes the direct messages queued while this device was offline, which the server pushes
     * right after the connection opens, until its {@code queue_empty} notice says they are all
     * through, so {@link #connect} returns with them stored. They are received in batches like any
     * pushes. Gives up when the connection closes, or when neither a push nor the notice comes for
     * {@link #BACKLOG_SILENCE}.
     */
    private void receiveBacklog() throws IOException {
        backlogWaiter = Thread.currentThread();
        try {
            long lastHeard = System.nanoTime();
            while (true) {
                if (!inbox.isEmpty()) {
                    takeInbox();
                    lastHeard = System.nanoTime();
                }
                if (queueEmpty) {
                    return;
                }
                if (wire == null || wire.gateway().isClosed()) {
                    throw new IOException("the connection closed before the queued messages were through");
                }
                if (System.nanoTime() - lastHeard > BACKLOG_SILENCE.toNanos()) {
                    throw new IOException("the server pushed neither a queued message nor queue_empty for "
                            + BACKLOG_SILENCE.toSeconds() + " s");
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50)); // received() unparks at once
            }
        } finally {
            backlogWaiter = null;
        }
    }

    private void catchUpChannels() throws Exception {
        for (ChannelsApi.ChannelView channel : wire.api().channels(wire.token()).channels()) {
            UUID id = UUID.fromString(channel.id());
            String conversation = "ch:" + id;
            String name = channel.name();
            Optional<Conversation> known = store.conversations().find(conversation);
            if (known.isEmpty() || !known.get().title().equals(name)) {
                // Channels first seen in a message are titled by their id; the list names them.
                store.conversations()
                        .save(new Conversation(
                                conversation,
                                ConversationType.CHANNEL,
                                name,
                                known.map(Conversation::createdAt).orElse(clock.instant())));
            }
            boolean more = true;
            while (more) {
                long after = store.cursors().get(community.cursorScope(), conversation);
                CatchUpResult page = (CatchUpResult) wire.gateway()
                        .request(
                                Command.CATCH_UP,
                                new CatchUpRequest(
                                        ConversationId.of(id),
                                        after == 0 ? Optional.empty() : Optional.of(new MessageId(after)),
                                        200))
                        .body();
                if (!receiveEvents(page.events())) {
                    LOG.atWarn()
                            .setMessage("channel catch-up stopped at an event that cannot be stored; it is tried again "
                                    + "at the next connect")
                            .addKeyValue("channel", id)
                            .log();
                    break;
                }
                more = page.more() && !page.events().isEmpty();
            }
        }
    }

    /**
     * Receives a page of channel events as one batch; if that fails for another reason than a
     * rejected event, one by one, stopping at the first that fails alone (each moves the cursor,
     * so the channel's catch-up resumes there next time and nothing is skipped).
     *
     * @return whether every event was taken
     */
    private boolean receiveEvents(List<Event> page) {
        try {
            try {
                events.inBatch(store, () -> page.forEach(receiver::receiveEvent));
                return true;
            } catch (RuntimeException e) {
                LOG.atWarn()
                        .setMessage("catch-up page failed, receiving one by one")
                        .addKeyValue("error", e.toString())
                        .log();
            }
            for (Event event : page) {
                try {
                    events.inBatch(store, () -> receiver.receiveEvent(event));
                } catch (RuntimeException e) {
                    LOG.atWarn()
                            .setMessage("event not received")
                            .addKeyValue("error", e.toString())
                            .log();
                    return false;
                }
            }
            return true;
        } finally {
            syncReceived(); // a page of 200 events is one sync, as before
        }
    }

    /** On the connection's thread: queue the push and make sure the worker will take it. */
    private void received(Envelope envelope) {
        inbox.add(envelope);
        Thread waiter = backlogWaiter;
        if (waiter != null) {
            LockSupport.unpark(waiter); // the worker is taking the backlog itself (receiveBacklog)
        }
        if (inboxScheduled.compareAndSet(false, true)) {
            worker.submit(this::takeInbox);
        }
    }

    /**
     * Handles what the inbox holds, in order. Consecutive messages are opened in one transaction
     * (each in a savepoint of its own, so one that fails is undone alone), up to
     * {@link #MAX_BATCH}. Those transactions are not synced one by one: when the inbox is empty
     * (or {@link #MAX_UNSYNCED} messages wait), one disk sync makes all of them durable, and only
     * then are their messages acknowledged and shown. A backlog costs one sync per
     * {@link #MAX_UNSYNCED} messages instead of one per batch; a lone message still one; each is
     * on disk before its ack.
     */
    private void takeInbox() {
        inboxScheduled.set(false);
        List<Envelope> batch = new ArrayList<>();
        Envelope next;
        while ((next = inbox.poll()) != null) {
            if (next.command() == Command.DIRECT_PUSH || next.command() == Command.EVENT_PUSH) {
                batch.add(next);
                if (batch.size() < MAX_BATCH) {
                    continue;
                }
                receiveBatch(batch);
                batch = new ArrayList<>();
            } else {
                receiveBatch(batch);
                batch = new ArrayList<>();
                syncReceived(); // subscribers hear of the messages before the notice that followed them
                try {
                    onOther(next);
                } catch (Exception e) {
                    LOG.atWarn()
                            .setMessage("client task failed")
                            .addKeyValue("error", e.toString())
                            .log();
                }
            }
        }
        receiveBatch(batch);
        syncReceived();
    }

    /**
     * Receives {@code pushes} in one transaction, to be acknowledged after the next sync
     * ({@link #syncReceived}). If something other than a rejected message fails, they are taken
     * again one by one, so only the one that fails stays unacknowledged (the server offers it
     * again) and the others land.
     */
    private void receiveBatch(List<Envelope> pushes) {
        if (pushes.isEmpty()) {
            return;
        }
        try {
            events.inBatch(store, () -> pushes.forEach(this::receive));
            unsyncedPushes.addAll(pushes);
        } catch (RuntimeException e) {
            if (pushes.size() == 1) {
                LOG.atWarn()
                        .setMessage("message not received")
                        .addKeyValue("error", e.toString())
                        .log();
                return;
            }
            LOG.atWarn()
                    .setMessage("batch failed, receiving one by one")
                    .addKeyValue("error", e.toString())
                    .log();
            for (Envelope push : pushes) {
                receiveBatch(List.of(push));
            }
        }
        // Outside the try: a failed sync is no reason to receive the batch again.
        if (unsyncedPushes.size() >= MAX_UNSYNCED) {
            syncReceived();
        }
    }

    private void receive(Envelope push) {
        switch (push.body()) {
            case DirectPush message -> receiver.receiveDirect(message);
            case Event event -> receiver.receiveEvent(event);
            default -> throw new IllegalArgumentException("not a message push: " + push.command());
        }
    }

    /**
     * Syncs the store (one disk sync for every batch received since the last), then tells the
     * subscribers what those batches received and acknowledges their pushes. If the sync fails,
     * the pushes stay unacknowledged: the server offers them again at the next connection, and
     * the ones that did reach the disk are recognised then as already taken.
     */
    private void syncReceived() {
        if (!events.hasUnsynced() && unsyncedPushes.isEmpty()) {
            return;
        }
        List<ClientEvent> told = events.takeUnsynced();
        List<Envelope> pushes = List.copyOf(unsyncedPushes);
        unsyncedPushes.clear();
        store.sync();
        told.forEach(events::tellNow);
        pushes.forEach(this::acknowledge);
    }

    private void acknowledge(Envelope push) {
        Wire current = wire;
        if (current == null) {
            return; // the connection dropped: the server offers unacknowledged messages again
        }
        Ack ack = push.body() instanceof DirectPush message
                ? new Ack(Optional.of(new MessageId(message.entry())), Optional.empty())
                : Ack.EMPTY;
        current.gateway().send(Command.ACK, push.seq(), ack);
    }

    private void onOther(Envelope envelope) throws Exception {
        switch (envelope.command()) {
            case NOTICE -> onNotice((Notice) envelope.body());
            case PING -> {
                if (wire != null) {
                    wire.gateway().send(Command.PONG, envelope.seq(), Body.Empty.INSTANCE);
                }
            }
            default ->
                LOG.atDebug()
                        .setMessage("ignored envelope")
                        .addKeyValue("command", envelope.command())
                        .log();
        }
    }

    private void onNotice(Notice notice) throws Exception {
        switch (notice.type()) {
            case Notice.PREKEYS_LOW -> {
                if (wire != null) {
                    prekeys.replenish(wire.api(), wire.token());
                }
            }
            case Notice.EVENT_DELETED -> receiver.eventDeleted(notice.detail());
            case Notice.QUEUE_EMPTY -> queueEmpty = true;
            case Notice.RESYNC -> {
                if (wire != null) {
                    catchUpChannels(); // the server's nodes lost each other a while: events may have been missed
                }
            }
            case Notice.DEVICE_REMOVED -> {
                if (wire != null) {
                    direct.refreshOwnDevices(wire.api(), wire.token());
                }
            }
            default -> {}
        }
    }

    private void onClosed(int code, String reason) {
        wire = null;
        events.tellNow(new ClientEvent.ConnectionChanged(false));
        if (code == 4001) {
            stayConnected = false;
            events.tellNow(new ClientEvent.DeviceRemoved(reason));
            return;
        }
        scheduleReconnect();
    }

    private void scheduleReconnect() {
        if (!stayConnected || worker.isClosed()) {
            return;
        }
        failedAttempts++;
        long delay = backoff(failedAttempts, ThreadLocalRandom.current().nextDouble())
                .toMillis();
        LOG.atInfo()
                .setMessage("reconnecting")
                .addKeyValue("attempt", failedAttempts)
                .addKeyValue("delay_ms", delay)
                .log();
        worker.schedule(
                () -> {
                    if (!stayConnected || wire != null) {
                        return;
                    }
                    try {
                        openConnection();
                    } catch (IOException e) {
                        LOG.atInfo()
                                .setMessage("reconnect failed")
                                .addKeyValue("error", e.getMessage())
                                .log();
                        if (wire != null) {
                            wire.gateway().close();
                            wire = null;
                        }
                        scheduleReconnect();
                    }
                },
                delay);
    }

    /**
     * Exponential backoff with full jitter (a uniformly random wait up to the exponential bound),
     * so many clients that lost the same server do not come back in step.
     */
    static Duration backoff(int attempt, double jitter) {
        long bound = MIN_BACKOFF.toMillis() << Math.min(attempt - 1, 20);
        bound = Math.min(bound, MAX_BACKOFF.toMillis());
        return Duration.ofMillis(Math.max(MIN_BACKOFF.toMillis() / 2, (long) (bound * jitter)));
    }
}
