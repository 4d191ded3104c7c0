// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.cluster;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.nexuslink.protocol.MessageId;
import org.nexuslink.protocol.Notice;
import org.nexuslink.server.auth.Principal;
import org.nexuslink.server.channels.ChannelEvents;
import org.nexuslink.server.delivery.DirectMessages;
import org.nexuslink.server.delivery.QueueEntry;
import org.nexuslink.server.gateway.Connection;
import org.nexuslink.server.gateway.ConnectionRegistry;
import org.nexuslink.server.gateway.Gateway;
import org.nexuslink.server.permissions.ChannelId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's part of the cluster: it announces on the {@link ClusterBus} what it pushes to its
 * own connections, and pushes what the other nodes announce to the connections it holds.
 *
 * <ul>
 *   <li>Direct messages: every commit (here or elsewhere) only says "device D has new entries";
 *       the node holding D's connection reads D's entries after the last one it pushed, in id
 *       order, and pushes them ({@link DirectMessages#pushPending}). Requests for one device
 *       coalesce, and the connection's cursor lock keeps each entry pushed once and in order.</li>
 *   <li>Channel events and {@code event_deleted}: one serial lane per channel (of
 *       {@value #LANES}) reads the event and pushes it to readers here, so a channel's pushes
 *       keep the order in which they were announced.</li>
 *   <li>Notices and socket closes run at once on the subscriber thread (no I/O but the pushes).</li>
 * </ul>
 *
 * Thread-safe; owns its lanes.
 */
public final class ClusterFanOut implements ChannelEvents.Peers, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClusterFanOut.class);
    static final int LANES = 8;

    private final ClusterBus bus;
    private final ConnectionRegistry connections;
    private final ExecutorService blocking;
    private final List<ExecutorService> lanes = new ArrayList<>(LANES);
    /** Devices with a pending-push task queued and not yet started. */
    private final Set<Principal> scheduled = ConcurrentHashMap.newKeySet();

    private final AtomicBoolean resyncWaiting = new AtomicBoolean();
    private volatile DirectMessages direct;

    /**
     * @param blocking runs the coalesced per-device reads (virtual threads)
     */
    public ClusterFanOut(ClusterBus bus, ConnectionRegistry connections, ExecutorService blocking) {
        this.bus = Objects.requireNonNull(bus, "bus");
        this.connections = Objects.requireNonNull(connections, "connections");
        this.blocking = Objects.requireNonNull(blocking, "blocking");
        for (int i = 0; i < LANES; i++) {
            lanes.add(Executors.newSingleThreadExecutor(
                    Thread.ofVirtual().name("fanout-lane-" + i).factory()));
        }
    }

    public ClusterBus bus() {
        return bus;
    }

    /**
     * Starts delivering the other nodes' messages; from now on this node's direct-message commits
     * are pushed through the database too (see the class comment).
     *
     * @param stillValid whether a connected device may still be connected (a member, not banned,
     *     device active): checked after a Redis outage, when closes may have been missed
     */
    public void start(DirectMessages direct, ChannelEvents events, Gateway gateway, Predicate<Principal> stillValid) {
        this.direct = Objects.requireNonNull(direct, "direct");
        Objects.requireNonNull(events, "events");
        Objects.requireNonNull(gateway, "gateway");
        Objects.requireNonNull(stillValid, "stillValid");
        direct.routeCommitted(this::committed);
        bus.start(new ClusterBus.Receiver() {
            @Override
            public void receive(FanOutMessage message) {
                switch (message) {
                    case FanOutMessage.DirectQueued queued -> schedule(queued.device());
                    case FanOutMessage.EventStored stored ->
                        inLane(stored.channel(), () -> events.pushStored(stored.channel(), stored.mid()));
                    case FanOutMessage.EventDeleted deleted ->
                        inLane(deleted.channel(), () -> events.noticeDeleted(deleted.channel(), deleted.mid()));
                    case FanOutMessage.DeviceNotice notice -> connections.notice(notice.device(), notice.notice());
                    case FanOutMessage.DeviceRemoved removed ->
                        gateway.deviceRemoved(
                                removed.device().account(), removed.device().device());
                    case FanOutMessage.AccountClosed closed -> gateway.closeAccount(closed.account(), closed.reason());
                    case FanOutMessage.Resync resync -> scheduleResync(stillValid);
                }
            }

            @Override
            public void resync() {
                // What this node published while it was away was dropped: the others resync too.
                bus.publish(new FanOutMessage.Resync());
                scheduleResync(stillValid);
            }
        });
    }

    /** Direct-message entries committed on this node: announce them, and push this node's share. */
    void committed(List<QueueEntry> stored) {
        Map<Principal, List<Long>> byDevice = new LinkedHashMap<>();
        for (QueueEntry entry : stored) {
            byDevice.computeIfAbsent(entry.recipient(), d -> new ArrayList<>()).add(entry.id());
        }
        byDevice.forEach((device, ids) -> {
            bus.publish(new FanOutMessage.DirectQueued(device, ids));
            schedule(device);
        });
    }

    @Override
    public void stored(ChannelId channel, MessageId mid) {
        bus.publish(new FanOutMessage.EventStored(channel, mid));
    }

    @Override
    public void deleted(ChannelId channel, MessageId mid) {
        bus.publish(new FanOutMessage.EventDeleted(channel, mid));
    }

    /** Sends a notice to a device wherever it is connected. */
    public void notice(Principal device, Notice notice) {
        connections.notice(device, notice);
        bus.publish(new FanOutMessage.DeviceNotice(device, notice));
    }

    /** Announces a device removal the local gateway has handled. */
    public void deviceRemoved(Principal device) {
        bus.publish(new FanOutMessage.DeviceRemoved(device));
    }

    /** Announces an account's sessions end, handled locally already. */
    public void accountClosed(org.nexuslink.crypto.identity.AccountId account, String reason) {
        bus.publish(new FanOutMessage.AccountClosed(account, reason));
    }

    private void schedule(Principal device) {
        DirectMessages delivery = direct;
        if (delivery == null || connections.of(device).isEmpty() || !scheduled.add(device)) {
            return;
        }
        blocking.execute(() -> {
            // Removed before reading: an entry committed from now on schedules another read.
            scheduled.remove(device);
            try {
                delivery.pushPending(device);
            } catch (RuntimeException e) {
                log.atWarn()
                        .addKeyValue("device", device.device())
                        .addKeyValue("error", e.toString())
                        .log("cluster push failed; the device gets its entries on reconnect");
            }
        });
    }

    private void inLane(ChannelId channel, Runnable task) {
        if (connections.size() == 0) {
            return;
        }
        lanes.get(Math.floorMod(channel.hashCode(), LANES)).execute(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.atWarn()
                        .addKeyValue("channel", channel)
                        .addKeyValue("error", e.toString())
                        .log("cluster channel push failed; readers catch up by cursor");
            }
        });
    }

    /**
     * Runs {@link #resyncConnections} unless a run is already waiting to start (it will see all
     * that the new request would): after a Redis restart every node asks every other once.
     */
    private void scheduleResync(Predicate<Principal> stillValid) {
        if (resyncWaiting.compareAndSet(false, true)) {
            blocking.execute(() -> {
                resyncWaiting.set(false);
                resyncConnections(stillValid);
            });
        }
    }

    /**
     * After an outage: closes connections that a missed ban, removal or kick should have closed,
     * pushes every device here the direct messages it was not pushed, and tells it to catch up
     * its channels (a {@code resync} notice).
     */
    private void resyncConnections(Predicate<Principal> stillValid) {
        Map<Principal, Boolean> valid = new LinkedHashMap<>();
        for (Connection connection : connections.all()) {
            Principal device = connection.principal();
            if (!valid.computeIfAbsent(device, stillValid::test)) {
                connection.close(Connection.CLOSE_REVOKED, "no longer authorised");
            }
        }
        Notice resync = new Notice(Notice.RESYNC, "");
        valid.forEach((device, ok) -> {
            if (ok) {
                schedule(device);
                connections.notice(device, resync); // channel events pushed elsewhere meanwhile: catch up
            }
        });
        log.atInfo().addKeyValue("devices", valid.size()).log("cluster resync after reconnect");
    }

    @Override
    public void close() {
        bus.close();
        lanes.forEach(ExecutorService::close);
    }
}
