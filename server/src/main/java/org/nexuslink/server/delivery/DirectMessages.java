// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.delivery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.crypto.identity.DeviceId;
import org.nexuslink.crypto.identity.InvalidAccountIdException;
import org.nexuslink.protocol.Command;
import org.nexuslink.protocol.DirectPush;
import org.nexuslink.protocol.DirectSend;
import org.nexuslink.protocol.ErrorCode;
import org.nexuslink.protocol.Notice;
import org.nexuslink.server.accounts.DeviceStore;
import org.nexuslink.server.auth.Principal;
import org.nexuslink.server.gateway.Connection;
import org.nexuslink.server.gateway.ConnectionRegistry;
import org.nexuslink.server.gateway.QueueCursor;
import org.nexuslink.server.http.ApiException;
import org.nexuslink.server.ops.MetricName;

/**
 * Direct messages: checks a send against the accounts' current devices, queues one entry per
 * device durably (group commit), then pushes each to its device if connected. Entries leave the
 * queue when their device acknowledges them or when they expire. Thread-safe; owns the writer.
 */
public final class DirectMessages implements AutoCloseable {
    /** How many queued entries one page of a drain (on connect, or over REST) holds. */
    public static final int PAGE = 500;
    /** How long a draining connection may stay full before it is dropped as a slow consumer. */
    static final Duration DRAIN_STALL = Duration.ofSeconds(30);

    private final DeviceStore devices;
    private final DeliveryQueueStore queue;
    private final GroupCommit writer;
    private final ConnectionRegistry connections;
    private final Clock clock;
    private final Duration ttl;
    private final Predicate<Principal> withoutBundle;
    private final Counter expired;
    private final Counter queueFull;
    /** Where committed entries go: by default straight to this node's connections. */
    private volatile Consumer<List<QueueEntry>> committed = stored -> stored.forEach(this::pushLive);

    /**
     * @param withoutBundle whether a device has no usable prekey bundle (never uploaded one, or
     *     needs re-registration): nobody can start a session with it, so a send may leave it out
     */
    public DirectMessages(
            DeviceStore devices,
            DeliveryQueueStore queue,
            ConnectionRegistry connections,
            Clock clock,
            Duration ttl,
            MeterRegistry meters,
            Predicate<Principal> withoutBundle) {
        this.devices = Objects.requireNonNull(devices, "devices");
        this.queue = Objects.requireNonNull(queue, "queue");
        this.connections = Objects.requireNonNull(connections, "connections");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.ttl = Objects.requireNonNull(ttl, "ttl");
        this.withoutBundle = Objects.requireNonNull(withoutBundle, "withoutBundle");
        Objects.requireNonNull(meters, "meters");
        this.writer = new GroupCommit(queue, meters);
        this.expired = Counter.builder(MetricName.MESSAGE_QUEUE_TTL_EXPIRED.meterName())
                .description("Queued messages deleted because their TTL passed")
                .register(meters);
        this.queueFull = Counter.builder(MetricName.QUEUE_FULL.meterName())
                .description("Direct messages refused because a recipient device's queue was at a bound")
                .register(meters);
        Gauge.builder(MetricName.MESSAGE_QUEUE_SIZE.meterName(), queue, DeliveryQueueStore::size)
                .description("Messages waiting in the delivery queue")
                .register(meters);
    }

    /** What the sender learns once its message is durably queued; the time in whole seconds, as the wire has it. */
    public record Accepted(Instant time, int queued) {}

    /**
     * Queues a direct message. Validation happens before anything is stored; the future completes
     * after the commit and before the pushes.
     *
     * @throws ApiException {@code stale_devices}, {@code not_found} or {@code invalid_field}; the
     *     future fails with {@code recipient_queue_full} when a device's queue is at a bound
     *     (nothing is stored, counted in {@code nexuslink_queue_full_total})
     */
    public CompletableFuture<Accepted> send(Principal sender, DirectSend message) {
        Map<AccountId, Set<DeviceId>> given = given(sender, message);
        // The cached lists first; a mismatch is checked again against the database before it is
        // refused, so a list cached before another node's change never refuses a correct send.
        Optional<ApiException> refusal = check(sender, given, devices.activeDevices(given.keySet()), withoutBundle);
        if (refusal.isPresent()) {
            refusal = check(sender, given, devices.activeDevicesUncached(given.keySet()), withoutBundle);
            if (refusal.isPresent()) {
                throw refusal.get();
            }
        }
        return queue(sender, message);
    }

    /**
     * {@link #send} if the message can be checked without the database, as an event loop may: every
     * account's device list cached, and the copies matching them. Otherwise (a list to load, or a
     * mismatch, which {@link #send} checks against the database and the prekey bundles) nothing
     * is queued and the result is empty.
     *
     * @throws ApiException {@code invalid_field} for a malformed account id
     */
    public Optional<CompletableFuture<Accepted>> sendIfCached(Principal sender, DirectSend message) {
        Map<AccountId, Set<DeviceId>> given = given(sender, message);
        Optional<Map<AccountId, Set<DeviceId>>> cached = devices.cachedActiveDevices(given.keySet());
        // Every left-out device counts as missing here: whether it may be left out is a database read.
        if (cached.isEmpty()
                || check(sender, given, cached.get(), device -> false).isPresent()) {
            return Optional.empty();
        }
        return Optional.of(queue(sender, message));
    }

    /** The devices a send has copies for, by account, with the sender's account always present. */
    private Map<AccountId, Set<DeviceId>> given(Principal sender, DirectSend message) {
        Map<AccountId, Set<DeviceId>> given = new LinkedHashMap<>();
        for (DirectSend.Copy copy : message.copies()) {
            given.computeIfAbsent(account(copy.account()), a -> new TreeSet<>()).add(new DeviceId(copy.device()));
        }
        // The sender's own other devices get a copy too; a sender that does not know of one
        // learns it here, as it learns of a recipient's.
        given.computeIfAbsent(sender.account(), a -> new TreeSet<>());
        return given;
    }

    private CompletableFuture<Accepted> queue(Principal sender, DirectSend message) {
        Instant now = clock.instant();
        UUID messageId = uuid(message.messageId().toByteArray());
        List<QueueEntry> entries = message.copies().stream()
                .map(c -> new QueueEntry(
                        0,
                        messageId,
                        new Principal(account(c.account()), new DeviceId(c.device())),
                        sender,
                        c.type(),
                        c.ciphertext(),
                        now,
                        now.plus(ttl)))
                .toList();
        return writer.submit(entries)
                .whenComplete((stored, failure) -> {
                    if (failure instanceof ApiException refused && refused.code() == ErrorCode.RECIPIENT_QUEUE_FULL) {
                        queueFull.increment();
                    }
                })
                .thenApply(stored -> {
                    committed.accept(stored);
                    return new Accepted(now.truncatedTo(ChronoUnit.SECONDS), stored.size());
                });
    }

    /** Why these copies do not match the recipients' current devices, if they do not. */
    private static Optional<ApiException> check(
            Principal sender,
            Map<AccountId, Set<DeviceId>> given,
            Map<AccountId, Set<DeviceId>> current,
            Predicate<Principal> withoutBundle) {
        List<String> missing = new ArrayList<>();
        List<String> extra = new ArrayList<>();
        for (Map.Entry<AccountId, Set<DeviceId>> entry : given.entrySet()) {
            AccountId account = entry.getKey();
            Set<DeviceId> active = current.get(account);
            if (active == null) {
                return Optional.of(
                        new ApiException(ErrorCode.NOT_FOUND, account + " is not a member of this community"));
            }
            boolean self = account.equals(sender.account());
            for (DeviceId d : active) {
                if (self && d.equals(sender.device())) {
                    continue;
                }
                if (!entry.getValue().contains(d) && !withoutBundle.test(new Principal(account, d))) {
                    missing.add(account + ":" + d.value());
                }
            }
            for (DeviceId d : entry.getValue()) {
                if (!active.contains(d) || (self && d.equals(sender.device()))) {
                    extra.add(account + ":" + d.value());
                }
            }
        }
        if (missing.isEmpty() && extra.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new ApiException(
                ErrorCode.STALE_DEVICES, "missing=" + String.join(",", missing) + ";extra=" + String.join(",", extra)));
    }

    /**
     * Pushes the queued entries of a device that just connected, oldest first, at the pace the
     * connection takes them, then a {@code queue_empty} notice. Live pushes wait until the queue is
     * through (see {@link QueueCursor}), so the device gets every entry once and in order.
     */
    public void drainTo(Connection connection) {
        QueueCursor cursor = connection.queueCursor();
        while (true) {
            List<QueueEntry> page = queue.pending(connection.principal(), cursor.lastPushed(), PAGE, clock.instant());
            if (page.isEmpty()) {
                cursor.lock().lock();
                try {
                    // Re-check under the lock: an entry committed since is either seen here or pushed live after.
                    if (queue.pending(connection.principal(), cursor.lastPushed(), 1, clock.instant())
                            .isEmpty()) {
                        cursor.caughtUp();
                        break;
                    }
                } finally {
                    cursor.lock().unlock();
                }
                continue;
            }
            for (QueueEntry entry : page) {
                if (!connection.pushWhenWritable(Command.DIRECT_PUSH, pushOf(entry), DRAIN_STALL)) {
                    return;
                }
                cursor.pushed(entry.id());
            }
        }
        // Like the entries, at the connection's pace: the last ones may still fill its buffer, and a
        // plain push to a full buffer would drop the connection as a slow consumer.
        connection.pushWhenWritable(Command.NOTICE, new Notice(Notice.QUEUE_EMPTY, ""), DRAIN_STALL);
    }

    /**
     * Replaces the default live push of committed entries (each pushed straight to this node's
     * connections of its device). A cluster routes them through {@link #pushPending} instead,
     * because entries committed by other nodes interleave with this node's. Call before serving.
     */
    public void routeCommitted(Consumer<List<QueueEntry>> route) {
        this.committed = Objects.requireNonNull(route, "route");
    }

    /**
     * Pushes to this node's connections of a device every committed entry it has not been pushed
     * yet, in id order, read from the database: the cluster's live push. Connections still
     * draining are left to the drain. Holds each connection's cursor lock while it reads, so
     * concurrent calls for one device push each entry once.
     */
    public void pushPending(Principal device) {
        for (Connection connection : connections.of(device)) {
            QueueCursor cursor = connection.queueCursor();
            cursor.lock().lock();
            try {
                while (!cursor.isCatchingUp()) {
                    List<QueueEntry> page = queue.pending(device, cursor.lastPushed(), PAGE, clock.instant());
                    for (QueueEntry e : page) {
                        connection.push(Command.DIRECT_PUSH, pushOf(e));
                        cursor.pushed(e.id());
                    }
                    if (page.size() < PAGE) {
                        break;
                    }
                }
            } finally {
                cursor.lock().unlock();
            }
        }
    }

    /** A page of a device's queued entries (REST fallback). */
    public List<QueueEntry> pending(Principal device, long after, int limit) {
        return queue.pending(device, after, limit, clock.instant());
    }

    /**
     * The device has stored an entry: delete it (batched with other writes).
     *
     * @return completes when deleted, or with {@code not_found} when the device has no such entry
     */
    public CompletableFuture<Void> acknowledge(Principal device, long entry) {
        return writer.acknowledge(device, entry).thenAccept(deleted -> {
            if (!deleted) {
                throw new ApiException(ErrorCode.NOT_FOUND, "no queued entry " + entry + " for this device");
            }
        });
    }

    /** Deletes expired entries and counts them in {@code nexuslink_message_queue_ttl_expired_total}. */
    public int sweepExpired() {
        int removed = queue.sweepExpired(clock.instant());
        expired.increment(removed);
        return removed;
    }

    private void pushLive(QueueEntry e) {
        var recipients = connections.of(e.recipient());
        if (recipients.isEmpty()) {
            return;
        }
        DirectPush push = pushOf(e);
        for (Connection connection : recipients) {
            QueueCursor cursor = connection.queueCursor();
            cursor.lock().lock();
            try {
                if (!cursor.isCatchingUp() && e.id() > cursor.lastPushed()) {
                    connection.push(Command.DIRECT_PUSH, push);
                    cursor.pushed(e.id());
                }
            } finally {
                cursor.lock().unlock();
            }
        }
    }

    private static DirectPush pushOf(QueueEntry e) {
        return new DirectPush(
                e.id(),
                org.nexuslink.protocol.Bytes.of(bytes(e.messageId())),
                e.sender().account().toString(),
                e.sender().device().value(),
                e.createdAt().truncatedTo(ChronoUnit.SECONDS),
                e.type(),
                e.ciphertext());
    }

    /** Parsed account ids by text: parsing (base32 both ways) for every copy of every send would weigh on the send path. */
    private final java.util.concurrent.ConcurrentHashMap<String, AccountId> parsed =
            new java.util.concurrent.ConcurrentHashMap<>();

    private AccountId account(String text) {
        AccountId known = parsed.get(text);
        if (known != null) {
            return known;
        }
        try {
            AccountId account = AccountId.parse(text);
            if (parsed.size() >= 100_000) {
                parsed.clear();
            }
            parsed.put(text, account);
            return account;
        } catch (InvalidAccountIdException e) {
            throw new ApiException(ErrorCode.INVALID_FIELD, "copies.account: " + e.getMessage());
        }
    }

    private static UUID uuid(byte[] sixteen) {
        ByteBuffer b = ByteBuffer.wrap(sixteen);
        return new UUID(b.getLong(), b.getLong());
    }

    static byte[] bytes(UUID id) {
        return ByteBuffer.allocate(16)
                .putLong(id.getMostSignificantBits())
                .putLong(id.getLeastSignificantBits())
                .array();
    }

    @Override
    public void close() {
        writer.close();
    }
}
