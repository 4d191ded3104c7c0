// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.p2p.pubsub;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.nexuslink.p2p.ConnectionListener;
import org.nexuslink.p2p.MalformedDataException;
import org.nexuslink.p2p.P2pNode;
import org.nexuslink.p2p.P2pStream;
import org.nexuslink.p2p.PeerConnection;
import org.nexuslink.p2p.PeerId;
import org.nexuslink.p2p.PeerKeyPair;
import org.nexuslink.p2p.internal.pubsub.PubsubRecord;
import org.nexuslink.p2p.internal.pubsub.Rpc;
import org.nexuslink.p2p.internal.wire.Bytes;
import org.nexuslink.p2p.internal.wire.Varint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A gossipsub v1.1 router ({@code /meshsub/1.1.0}, also speaking {@code /meshsub/1.0.0}) on a
 * {@link P2pNode}: topic meshes kept between {@code dLow} and {@code dHigh} by GRAFT and PRUNE
 * each heartbeat, prune backoff, fanout for topics we publish to without joining, IHAVE/IWANT
 * gossip from a sliding message cache, flood publishing of our own messages, and StrictSign
 * validation of every message (author, 8-byte seqno, signature over the exact fields).
 *
 * <p>Each message id is delivered and forwarded at most once (seen cache). Every peer has the
 * v1.1 score ({@link PeerScoreParams}: time in mesh, first and mesh deliveries, mesh failures,
 * invalid messages, application score, IP colocation, behaviour penalties such as GRAFT during
 * backoff and IWANT promises not kept): a negative score keeps a peer out of our meshes, below
 * the gossip threshold it gets and gives no gossip, below the publish threshold our messages are
 * not flooded to it, below the graylist threshold its RPCs are ignored. Oversubscribed meshes keep
 * their best-scoring peers, and a mesh whose median score is low grafts better peers
 * (opportunistic grafting). At least {@code dOut} mesh peers are ones we dialled, and a full mesh
 * refuses GRAFTs from inbound peers, so connecting to us in numbers cannot take a mesh over.
 *
 * <p>All router state is guarded by {@link #lock}; RPCs are built under it and sent after it
 * is released, through one bounded outbox (and writer thread) per peer, so a slow peer cannot
 * stall the router. Subscriber callbacks run outside the lock on the reading thread.
 */
public final class Gossipsub implements AutoCloseable {
    public static final String PROTOCOL_V11 = "/meshsub/1.1.0";
    public static final String PROTOCOL_V10 = "/meshsub/1.0.0";
    private static final Logger log = LoggerFactory.getLogger(Gossipsub.class);
    private static final int OUTBOX_CAPACITY = 1024;
    private static final int MAX_IWANT_REPLIES = 3;
    private static final Duration MAX_BACKOFF = Duration.ofHours(1);
    /** How long a peer has to deliver a message we asked for with IWANT (the spec's followup time). */
    private static final Duration IWANT_FOLLOWUP = Duration.ofSeconds(3);
    /** Every this many heartbeats, a mesh with a low median score grafts better peers. */
    private static final int OPPORTUNISTIC_GRAFT_TICKS = 60;

    private static final int OPPORTUNISTIC_GRAFT_PEERS = 2;

    private final P2pNode node;
    private final PeerKeyPair identity;
    private final GossipsubOptions options;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final AtomicLong seqno;
    private final ScheduledExecutorService timer;

    private final ReentrantLock lock = new ReentrantLock();
    private final Map<PeerId, Peer> peers = new HashMap<>();
    private final Map<String, Consumer<PubsubMessage>> subscriptions = new HashMap<>();
    private final Map<String, Set<PeerId>> mesh = new HashMap<>();
    private final Map<String, Set<PeerId>> fanout = new HashMap<>();
    private final Map<String, Instant> fanoutPublished = new HashMap<>();
    private final Map<String, Map<PeerId, Instant>> backoff = new HashMap<>();
    private final Map<Bytes, Instant> seen = new LinkedHashMap<>();
    private final Map<Bytes, PubsubRecord> cache = new HashMap<>();
    private final ArrayDeque<List<Bytes>> cacheWindows = new ArrayDeque<>();
    private final PeerScore score;
    /** Message ids we asked for with IWANT: who promised each, and by when. */
    private final Map<Bytes, Promise> promises = new HashMap<>();

    private long heartbeats;
    private boolean closed;

    private record Promise(PeerId peer, Instant deadline) {}

    /** Per-peer router state; guarded by {@link #lock} except its outbox, which is thread-safe. */
    private final class Peer {
        final PeerId id;
        final Set<String> topics = new HashSet<>();
        final BlockingQueue<byte[]> outbox = new LinkedBlockingQueue<>(OUTBOX_CAPACITY);
        final Map<Bytes, Integer> iwantReplies = new HashMap<>();
        /** We dialled this peer (counts towards the mesh's outbound quota, D_out). */
        final boolean outbound;

        boolean writerStarted;

        Peer(PeerId id, boolean outbound) {
            this.id = id;
            this.outbound = outbound;
        }
    }

    private Gossipsub(P2pNode node, PeerKeyPair identity, GossipsubOptions options, Clock clock) {
        this.node = node;
        this.identity = identity;
        this.options = options;
        this.clock = clock;
        this.seqno = new AtomicLong(clock.millis() * 1_000_000L);
        this.timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofVirtual().name("gossipsub-heartbeat").factory());
        this.score = new PeerScore(options.score(), clock);
    }

    /**
     * Starts a router on {@code node}, serving the meshsub protocols and running a heartbeat.
     *
     * @param identity the node's key (signs our messages); must be the node's own
     */
    public static Gossipsub start(P2pNode node, PeerKeyPair identity, GossipsubOptions options, Clock clock) {
        if (!identity.peerId().equals(node.peerId())) {
            throw new IllegalArgumentException("the router signs with the node's own key");
        }
        Gossipsub router = new Gossipsub(node, identity, options, clock);
        node.handle(PROTOCOL_V11, router::readFrom);
        node.handle(PROTOCOL_V10, router::readFrom);
        node.addConnectionListener(new ConnectionListener() {
            @Override
            public void connected(PeerConnection connection) {
                router.peerConnected(connection.remotePeer());
            }

            @Override
            public void disconnected(PeerConnection connection) {
                router.peerDisconnected(connection.remotePeer());
            }
        });
        node.connections().forEach(c -> router.peerConnected(c.remotePeer()));
        long period = options.heartbeat().toMillis();
        router.timer.scheduleAtFixedRate(router::heartbeatSafely, period, period, TimeUnit.MILLISECONDS);
        return router;
    }

    // ---------------------------------------------------------------- public API

    /** Joins {@code topic}; {@code handler} gets each new valid message on it once. */
    public void subscribe(String topic, Consumer<PubsubMessage> handler) {
        Objects.requireNonNull(topic);
        Objects.requireNonNull(handler);
        Outgoing out = new Outgoing();
        lock.lock();
        try {
            boolean fresh = subscriptions.put(topic, handler) == null;
            if (fresh) {
                Set<PeerId> members = new HashSet<>();
                Set<PeerId> fan = fanout.remove(topic);
                fanoutPublished.remove(topic);
                if (fan != null) {
                    fan.stream()
                            .filter(p -> peers.containsKey(p) && eligible(topic, p))
                            .limit(options.d())
                            .forEach(members::add);
                }
                for (PeerId p : shuffled(candidates(topic, members))) {
                    if (members.size() >= options.d()) {
                        break;
                    }
                    members.add(p);
                }
                mesh.put(topic, members);
                members.forEach(p -> {
                    out.to(p).graft.add(topic);
                    score.graft(p, topic);
                });
                peers.keySet().forEach(p -> out.to(p).subscriptions.add(new Rpc.Subscription(true, topic)));
            }
        } finally {
            lock.unlock();
        }
        out.send();
    }

    /** Leaves {@code topic}: prunes its mesh and tells every peer. */
    public void unsubscribe(String topic) {
        Outgoing out = new Outgoing();
        lock.lock();
        try {
            if (subscriptions.remove(topic) == null) {
                return;
            }
            Set<PeerId> members = mesh.remove(topic);
            if (members != null) {
                for (PeerId p : members) {
                    score.prune(p, topic);
                    setBackoff(topic, p, options.pruneBackoff());
                    out.to(p)
                            .prune
                            .add(new Rpc.Prune(topic, options.pruneBackoff().toSeconds()));
                }
            }
            peers.keySet().forEach(p -> out.to(p).subscriptions.add(new Rpc.Subscription(false, topic)));
        } finally {
            lock.unlock();
        }
        out.send();
    }

    /**
     * Signs and publishes {@code data} on {@code topic} to every peer known to be in it (flood
     * publishing, v1.1), joined or not.
     *
     * @return the message id
     * @throws IllegalArgumentException if {@code data} is larger than {@code maxMessageSize}
     */
    public byte[] publish(String topic, byte[] data) {
        if (data.length > options.maxMessageSize()) {
            throw new IllegalArgumentException(
                    "message of " + data.length + " bytes exceeds " + options.maxMessageSize());
        }
        byte[] seq = ByteBuffer.allocate(8).putLong(seqno.incrementAndGet()).array();
        PubsubRecord record = PubsubRecord.sign(identity, topic, data, seq);
        Bytes id = record.messageId(identity.publicKey());
        Outgoing out = new Outgoing();
        lock.lock();
        try {
            Instant now = clock.instant();
            seen.put(id, now);
            remember(id, record);
            if (!subscriptions.containsKey(topic)) {
                fanoutPublished.put(topic, now);
                Set<PeerId> fan = fanout.computeIfAbsent(topic, t -> new HashSet<>());
                for (PeerId p : shuffled(candidates(topic, fan))) {
                    if (fan.size() >= options.d()) {
                        break;
                    }
                    fan.add(p);
                }
            }
            for (Peer p : peers.values()) {
                if (p.topics.contains(topic)
                        && score.score(p.id) >= score.thresholds().publishThreshold()) {
                    out.to(p.id).messages.add(record);
                }
            }
        } finally {
            lock.unlock();
        }
        out.send();
        return id.toByteArray();
    }

    /** Peers in our mesh for {@code topic}. */
    public Set<PeerId> meshPeers(String topic) {
        lock.lock();
        try {
            return Set.copyOf(mesh.getOrDefault(topic, Set.of()));
        } finally {
            lock.unlock();
        }
    }

    /** Connected peers subscribed to {@code topic}. */
    public Set<PeerId> topicPeers(String topic) {
        lock.lock();
        try {
            Set<PeerId> out = new HashSet<>();
            peers.values().stream().filter(p -> p.topics.contains(topic)).forEach(p -> out.add(p.id));
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** The current v1.1 score of {@code peer}: 0 if unknown, negative once it misbehaved. */
    public double score(PeerId peer) {
        lock.lock();
        try {
            return score.score(peer);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
        } finally {
            lock.unlock();
        }
        timer.shutdownNow();
    }

    // ---------------------------------------------------------------- peers

    private void peerConnected(PeerId id) {
        Outgoing out = new Outgoing();
        lock.lock();
        try {
            if (closed || peers.containsKey(id)) {
                return;
            }
            peers.put(
                    id,
                    new Peer(
                            id,
                            node.connection(id).map(PeerConnection::isOutbound).orElse(false)));
            score.add(id, node.connection(id).flatMap(Gossipsub::ipOf));
            // Every new peer learns our topics; an empty RPC still opens our stream to it.
            out.to(id);
            subscriptions.keySet().forEach(t -> out.to(id).subscriptions.add(new Rpc.Subscription(true, t)));
        } finally {
            lock.unlock();
        }
        out.send();
    }

    private void peerDisconnected(PeerId id) {
        if (node.connection(id).isPresent()) {
            return;
        }
        lock.lock();
        try {
            Peer p = peers.remove(id);
            if (p != null) {
                p.outbox.clear();
                p.outbox.offer(new byte[0]);
            }
            score.remove(id);
            mesh.values().forEach(s -> s.remove(id));
            fanout.values().forEach(s -> s.remove(id));
        } finally {
            lock.unlock();
        }
    }

    private void startWriter(Peer peer) {
        Thread.ofVirtual().name("gossipsub-writer").start(() -> {
            P2pStream stream = null;
            try {
                PeerConnection connection =
                        node.connection(peer.id).orElseThrow(() -> new IOException("no connection to " + peer.id));
                stream = connection.openStream(List.of(PROTOCOL_V11, PROTOCOL_V10));
                OutputStream out = stream.output();
                while (true) {
                    byte[] rpc = peer.outbox.take();
                    if (rpc.length == 0) {
                        break;
                    }
                    ByteArrayOutputStream framed = new ByteArrayOutputStream(rpc.length + 5);
                    Varint.write(rpc.length, framed);
                    framed.writeBytes(rpc);
                    out.write(framed.toByteArray());
                }
                stream.closeWrite();
            } catch (IOException e) {
                log.atDebug()
                        .addKeyValue("peer", peer.id)
                        .addKeyValue("error", e.toString())
                        .log("gossipsub stream failed");
                if (stream != null) {
                    stream.reset();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    // ---------------------------------------------------------------- receiving

    private void readFrom(P2pStream stream) throws IOException {
        PeerId from = stream.remotePeer();
        peerConnected(from);
        while (true) {
            long length;
            try {
                length = Varint.read(stream.input());
            } catch (EOFException e) {
                return;
            }
            if (length > options.maxRpcSize()) {
                penalise(from, 10); // (10 - 0)² × -10: graylisted at once
                throw new MalformedDataException(
                        "gossipsub RPC of " + length + " bytes exceeds " + options.maxRpcSize());
            }
            byte[] bytes = stream.input().readNBytes((int) length);
            if (bytes.length != length) {
                return;
            }
            Rpc rpc;
            try {
                rpc = Rpc.decode(bytes);
            } catch (MalformedDataException e) {
                penalise(from, 1);
                throw e;
            }
            handle(from, rpc);
        }
    }

    /** Processes one RPC from {@code from}. */
    void handle(PeerId from, Rpc rpc) {
        Outgoing out = new Outgoing();
        List<Runnable> deliveries = new ArrayList<>();
        lock.lock();
        try {
            Peer peer = peers.get(from);
            if (peer == null || closed || score.score(from) < score.thresholds().graylistThreshold()) {
                return;
            }
            for (Rpc.Subscription s : rpc.subscriptions()) {
                if (s.subscribe()) {
                    peer.topics.add(s.topic());
                } else {
                    peer.topics.remove(s.topic());
                    Set<PeerId> m = mesh.get(s.topic());
                    if (m != null) {
                        m.remove(from);
                    }
                    Set<PeerId> f = fanout.get(s.topic());
                    if (f != null) {
                        f.remove(from);
                    }
                }
            }
            for (PubsubRecord record : rpc.messages()) {
                onMessage(peer, record, out, deliveries);
            }
            onControl(peer, rpc, out);
        } finally {
            lock.unlock();
        }
        out.send();
        deliveries.forEach(Runnable::run);
    }

    private void onMessage(Peer source, PubsubRecord record, Outgoing out, List<Runnable> deliveries) {
        PubsubRecord.Validation v = record.validate();
        if (!v.isValid() || record.data().length > options.maxMessageSize()) {
            log.atDebug()
                    .addKeyValue("peer", source.id)
                    .addKeyValue("problem", v.problem())
                    .log("invalid pubsub message");
            score.rejectInvalid(source.id, record.topic());
            return;
        }
        Bytes id = record.messageId(v.key());
        promises.remove(id);
        if (seen.containsKey(id)) {
            score.deliverDuplicate(source.id, id);
            return;
        }
        seen.put(id, clock.instant());
        remember(id, record);
        if (v.author().equals(node.peerId())) {
            return;
        }
        String topic = record.topic();
        Consumer<PubsubMessage> handler = subscriptions.get(topic);
        if (handler != null) {
            score.deliverFirst(source.id, topic, id);
            PubsubMessage message = new PubsubMessage(v.author(), topic, record.data(), id.toByteArray(), source.id);
            deliveries.add(() -> handler.accept(message));
            for (PeerId p : mesh.getOrDefault(topic, Set.of())) {
                if (!p.equals(source.id) && !p.equals(v.author())) {
                    out.to(p).messages.add(record);
                }
            }
        }
    }

    private void onControl(Peer peer, Rpc rpc, Outgoing out) {
        Instant now = clock.instant();
        int asked = 0;
        boolean gossips = score.score(peer.id) >= score.thresholds().gossipThreshold();
        for (Rpc.IHave ihave : rpc.ihave()) {
            if (!subscriptions.containsKey(ihave.topic()) || !gossips) {
                continue;
            }
            for (Bytes id : ihave.messageIds()) {
                if (asked >= options.maxIHaveIds()) {
                    break;
                }
                if (!seen.containsKey(id) && !promises.containsKey(id)) {
                    out.to(peer.id).iwant.add(id);
                    promises.put(id, new Promise(peer.id, now.plus(IWANT_FOLLOWUP)));
                    asked++;
                }
            }
        }
        for (Bytes id : gossips ? rpc.iwant() : List.<Bytes>of()) {
            PubsubRecord record = cache.get(id);
            if (record == null) {
                continue;
            }
            int replies = peer.iwantReplies.merge(id, 1, Integer::sum);
            if (replies <= MAX_IWANT_REPLIES) {
                out.to(peer.id).messages.add(record);
            }
        }
        for (String topic : rpc.graft()) {
            if (!subscriptions.containsKey(topic)) {
                out.to(peer.id)
                        .prune
                        .add(new Rpc.Prune(topic, options.pruneBackoff().toSeconds()));
                continue;
            }
            Instant until = backoff.getOrDefault(topic, Map.of()).get(peer.id);
            if (until != null && now.isBefore(until)) {
                // Grafting during a backoff is a v1.1 protocol violation.
                score.addPenalty(peer.id, 1);
                setBackoff(topic, peer.id, options.pruneBackoff());
                out.to(peer.id)
                        .prune
                        .add(new Rpc.Prune(topic, options.pruneBackoff().toSeconds()));
                continue;
            }
            if (score.score(peer.id) < 0) {
                out.to(peer.id)
                        .prune
                        .add(new Rpc.Prune(topic, options.pruneBackoff().toSeconds()));
                continue;
            }
            Set<PeerId> members = mesh.computeIfAbsent(topic, t -> new HashSet<>());
            if (!members.contains(peer.id) && members.size() >= options.dHigh() && !peer.outbound) {
                // A full mesh takes no more inbound peers; outbound ones may always join (v1.1).
                out.to(peer.id)
                        .prune
                        .add(new Rpc.Prune(topic, options.pruneBackoff().toSeconds()));
                continue;
            }
            if (members.add(peer.id)) {
                score.graft(peer.id, topic);
            }
        }
        for (Rpc.Prune prune : rpc.prune()) {
            Set<PeerId> m = mesh.get(prune.topic());
            if (m != null && m.remove(peer.id)) {
                score.prune(peer.id, prune.topic());
            }
            Duration wait = prune.backoffSeconds() > 0
                    ? Duration.ofSeconds(Math.min(prune.backoffSeconds(), MAX_BACKOFF.toSeconds()))
                    : options.pruneBackoff();
            setBackoff(prune.topic(), peer.id, wait);
        }
    }

    private void penalise(PeerId id, double amount) {
        lock.lock();
        try {
            score.addPenalty(id, amount);
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- heartbeat

    private void heartbeatSafely() {
        try {
            heartbeat();
        } catch (RuntimeException e) {
            log.atError().setCause(e).log("gossipsub heartbeat failed");
        }
    }

    /** One round of mesh maintenance, fanout expiry, gossip and cache shifting. */
    public void heartbeat() {
        Outgoing out = new Outgoing();
        lock.lock();
        try {
            if (closed) {
                return;
            }
            Instant now = clock.instant();
            for (Map<PeerId, Instant> m : backoff.values()) {
                m.values().removeIf(until -> !now.isBefore(until));
            }
            heartbeats++;
            score.refresh();
            for (Peer p : peers.values()) {
                p.iwantReplies.clear();
            }
            for (Iterator<Map.Entry<Bytes, Promise>> it = promises.entrySet().iterator(); it.hasNext(); ) {
                Promise promise = it.next().getValue();
                if (now.isAfter(promise.deadline())) {
                    // A peer that advertised a message and did not deliver it when asked (P7).
                    score.addPenalty(promise.peer(), 1);
                    it.remove();
                }
            }
            Map<PeerId, Double> scores = new HashMap<>();
            peers.keySet().forEach(p -> scores.put(p, score.score(p)));
            for (Map.Entry<String, Set<PeerId>> e : mesh.entrySet()) {
                maintain(e.getKey(), e.getValue(), scores, out);
            }
            for (Iterator<Map.Entry<String, Set<PeerId>>> it = fanout.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<String, Set<PeerId>> e = it.next();
                Instant last = fanoutPublished.get(e.getKey());
                if (last == null || now.isAfter(last.plus(options.fanoutTtl()))) {
                    it.remove();
                    fanoutPublished.remove(e.getKey());
                    continue;
                }
                e.getValue()
                        .removeIf(p ->
                                !peers.containsKey(p) || !peers.get(p).topics.contains(e.getKey()));
                for (PeerId p : shuffled(candidates(e.getKey(), e.getValue()))) {
                    if (e.getValue().size() >= options.d()) {
                        break;
                    }
                    e.getValue().add(p);
                }
            }
            emitGossip(out);
            cacheWindows.addFirst(new ArrayList<>());
            while (cacheWindows.size() > options.historyLength()) {
                cacheWindows.removeLast().forEach(cache::remove);
            }
            Instant oldest = now.minus(options.seenTtl());
            seen.values().removeIf(t -> t.isBefore(oldest));
        } finally {
            lock.unlock();
        }
        out.send();
    }

    private void emitGossip(Outgoing out) {
        Map<String, List<Bytes>> recent = new HashMap<>();
        int window = 0;
        for (List<Bytes> ids : cacheWindows) {
            if (window++ >= options.historyGossip()) {
                break;
            }
            for (Bytes id : ids) {
                PubsubRecord r = cache.get(id);
                if (r != null) {
                    recent.computeIfAbsent(r.topic(), t -> new ArrayList<>()).add(id);
                }
            }
        }
        Set<String> topics = new HashSet<>(mesh.keySet());
        topics.addAll(fanout.keySet());
        for (String topic : topics) {
            List<Bytes> ids = recent.get(topic);
            if (ids == null || ids.isEmpty()) {
                continue;
            }
            Set<PeerId> exclude = new HashSet<>(mesh.getOrDefault(topic, Set.of()));
            exclude.addAll(fanout.getOrDefault(topic, Set.of()));
            List<PeerId> targets = shuffled(candidates(topic, exclude));
            targets.removeIf(p -> score.score(p) < score.thresholds().gossipThreshold());
            for (PeerId p : targets.subList(0, Math.min(options.dLazy(), targets.size()))) {
                out.to(p).ihave.add(new Rpc.IHave(topic, ids));
            }
        }
    }

    /**
     * One topic's mesh upkeep (the v1.1 heartbeat): drop peers that left, unsubscribed or score
     * below zero; graft up to D when under D_lo; when over D_hi keep the D_score best and a random
     * rest up to D; every {@link #OPPORTUNISTIC_GRAFT_TICKS} heartbeats graft better peers into a
     * mesh whose median score is below the opportunistic graft threshold.
     */
    private void maintain(String topic, Set<PeerId> members, Map<PeerId, Double> scores, Outgoing out) {
        for (Iterator<PeerId> it = members.iterator(); it.hasNext(); ) {
            PeerId p = it.next();
            Peer peer = peers.get(p);
            if (peer == null || !peer.topics.contains(topic)) {
                it.remove();
                score.prune(p, topic);
            } else if (scores.getOrDefault(p, 0.0) < 0) {
                it.remove();
                score.prune(p, topic);
                setBackoff(topic, p, options.pruneBackoff());
                out.to(p).prune.add(new Rpc.Prune(topic, options.pruneBackoff().toSeconds()));
            }
        }
        if (members.size() < options.dLow()) {
            for (PeerId p : shuffled(candidates(topic, members))) {
                if (members.size() >= options.d()) {
                    break;
                }
                members.add(p);
                score.graft(p, topic);
                out.to(p).graft.add(topic);
            }
        }
        if (members.size() > options.dHigh()) {
            List<PeerId> byScore = shuffled(members);
            byScore.sort(java.util.Comparator.comparingDouble((PeerId p) -> scores.getOrDefault(p, 0.0))
                    .reversed());
            int dScore = Math.max(1, options.d() * 2 / 3);
            List<PeerId> keep = new ArrayList<>(byScore.subList(0, dScore));
            List<PeerId> rest = shuffled(byScore.subList(dScore, byScore.size()));
            keep.addAll(rest.subList(0, options.d() - dScore));
            // Keep the outbound quota: trade the last-chosen inbound peers for the best outbound ones left.
            long outbound = keep.stream().filter(this::isOutbound).count();
            for (PeerId o : byScore) {
                if (outbound >= options.dOut()) {
                    break;
                }
                if (keep.contains(o) || !isOutbound(o)) {
                    continue;
                }
                for (int k = keep.size() - 1; k >= 0; k--) {
                    if (!isOutbound(keep.get(k))) {
                        keep.remove(k);
                        keep.add(o);
                        outbound++;
                        break;
                    }
                }
            }
            for (PeerId p : byScore) {
                if (!keep.contains(p)) {
                    members.remove(p);
                    score.prune(p, topic);
                    setBackoff(topic, p, options.pruneBackoff());
                    out.to(p)
                            .prune
                            .add(new Rpc.Prune(topic, options.pruneBackoff().toSeconds()));
                }
            }
        }
        long outbound = members.stream().filter(this::isOutbound).count();
        if (members.size() >= options.dLow() && outbound < options.dOut()) {
            for (PeerId p : shuffled(candidates(topic, members))) {
                if (outbound >= options.dOut()) {
                    break;
                }
                if (isOutbound(p)) {
                    members.add(p);
                    score.graft(p, topic);
                    out.to(p).graft.add(topic);
                    outbound++;
                }
            }
        }
        if (heartbeats % OPPORTUNISTIC_GRAFT_TICKS == 0 && members.size() > 1) {
            List<Double> sorted = members.stream()
                    .map(p -> scores.getOrDefault(p, 0.0))
                    .sorted()
                    .toList();
            double median = sorted.get(sorted.size() / 2);
            if (median < score.thresholds().opportunisticGraftThreshold()) {
                int grafted = 0;
                for (PeerId p : shuffled(candidates(topic, members))) {
                    if (grafted >= OPPORTUNISTIC_GRAFT_PEERS) {
                        break;
                    }
                    if (scores.getOrDefault(p, 0.0) > median) {
                        members.add(p);
                        score.graft(p, topic);
                        out.to(p).graft.add(topic);
                        grafted++;
                    }
                }
            }
        }
    }

    private boolean isOutbound(PeerId p) {
        Peer peer = peers.get(p);
        return peer != null && peer.outbound;
    }

    /** The IP a peer connected from, for the colocation factor (P6). */
    private static java.util.Optional<java.net.InetAddress> ipOf(PeerConnection connection) {
        try {
            return java.util.Optional.of(
                    connection.remoteAddress().tcpSocketAddress().getAddress());
        } catch (MalformedDataException e) {
            return java.util.Optional.empty();
        }
    }

    // ---------------------------------------------------------------- helpers (hold the lock)

    private void remember(Bytes id, PubsubRecord record) {
        if (cacheWindows.isEmpty()) {
            cacheWindows.addFirst(new ArrayList<>());
        }
        if (cache.putIfAbsent(id, record) == null) {
            cacheWindows.peekFirst().add(id);
        }
    }

    private boolean eligible(String topic, PeerId p) {
        Peer peer = peers.get(p);
        Instant until = backoff.getOrDefault(topic, Map.of()).get(p);
        return peer != null
                && peer.topics.contains(topic)
                && score.score(p) >= 0
                && (until == null || !clock.instant().isBefore(until));
    }

    private List<PeerId> candidates(String topic, Set<PeerId> exclude) {
        List<PeerId> out = new ArrayList<>();
        for (PeerId p : peers.keySet()) {
            if (!exclude.contains(p) && eligible(topic, p)) {
                out.add(p);
            }
        }
        return out;
    }

    private List<PeerId> shuffled(java.util.Collection<PeerId> in) {
        List<PeerId> out = new ArrayList<>(in);
        Collections.shuffle(out, random);
        return out;
    }

    private void setBackoff(String topic, PeerId p, Duration wait) {
        backoff.computeIfAbsent(topic, t -> new HashMap<>())
                .put(p, clock.instant().plus(wait));
    }

    /** RPCs being assembled under the lock, sent once it is released. */
    private final class Outgoing {
        private final Map<PeerId, Builder> rpcs = new LinkedHashMap<>();

        Builder to(PeerId p) {
            return rpcs.computeIfAbsent(p, k -> new Builder());
        }

        void send() {
            for (Map.Entry<PeerId, Builder> e : rpcs.entrySet()) {
                Peer peer;
                boolean start = false;
                lock.lock();
                try {
                    peer = peers.get(e.getKey());
                    if (peer == null) {
                        continue;
                    }
                    if (!peer.writerStarted) {
                        peer.writerStarted = true;
                        start = true;
                    }
                } finally {
                    lock.unlock();
                }
                if (start) {
                    startWriter(peer);
                }
                Rpc rpc = e.getValue().build();
                if (rpc.isEmpty()) {
                    continue;
                }
                if (!peer.outbox.offer(rpc.encode())) {
                    log.atDebug().addKeyValue("peer", peer.id).log("gossipsub outbox full, RPC dropped");
                }
            }
        }
    }

    private static final class Builder {
        final List<Rpc.Subscription> subscriptions = new ArrayList<>();
        final List<PubsubRecord> messages = new ArrayList<>();
        final List<Rpc.IHave> ihave = new ArrayList<>();
        final List<Bytes> iwant = new ArrayList<>();
        final List<String> graft = new ArrayList<>();
        final List<Rpc.Prune> prune = new ArrayList<>();

        Rpc build() {
            return new Rpc(subscriptions, messages, ihave, iwant, graft, prune);
        }
    }
}
