// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.p2p.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nexuslink.p2p.Multiaddr;
import org.nexuslink.p2p.NodeOptions;
import org.nexuslink.p2p.P2pNode;
import org.nexuslink.p2p.P2pStream;
import org.nexuslink.p2p.PeerConnection;
import org.nexuslink.p2p.PeerKeyPair;
import org.nexuslink.p2p.internal.pubsub.PubsubRecord;
import org.nexuslink.p2p.internal.pubsub.Rpc;
import org.nexuslink.p2p.internal.wire.Varint;

@Timeout(60)
class GossipsubTest {

    private static final String TOPIC = "nexuslink/room/test";
    private static final GossipsubOptions FAST = GossipsubOptions.defaults().withHeartbeat(Duration.ofMillis(50));
    private final SecureRandom random = new SecureRandom();
    private final List<AutoCloseable> open = new ArrayList<>();

    record Member(PeerKeyPair key, P2pNode node, Gossipsub router, List<PubsubMessage> received) {}

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    private Member member() throws IOException {
        PeerKeyPair key = PeerKeyPair.generate(random);
        P2pNode node = P2pNode.start(NodeOptions.defaults(key, List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))));
        open.add(node);
        Gossipsub router = Gossipsub.start(node, key, FAST, Clock.systemUTC());
        open.add(router);
        return new Member(key, node, router, new CopyOnWriteArrayList<>());
    }

    private static Multiaddr addr(Member m) {
        return m.node().listenAddresses().get(0).withPeerId(m.node().peerId());
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.onSpinWait();
        }
    }

    private static List<String> texts(Member m) {
        return m.received().stream()
                .map(x -> new String(x.data(), StandardCharsets.UTF_8))
                .toList();
    }

    @Test
    void three_nodes_form_a_mesh_and_every_message_reaches_all_exactly_once() throws Exception {
        Member a = member();
        Member b = member();
        Member c = member();
        a.node().dial(addr(b));
        b.node().dial(addr(c));
        a.node().dial(addr(c));
        for (Member m : List.of(a, b, c)) {
            m.router().subscribe(TOPIC, m.received()::add);
        }
        for (Member m : List.of(a, b, c)) {
            await(
                    () -> m.router().meshPeers(TOPIC).size() == 2,
                    "full mesh at " + m.node().peerId());
        }
        int perNode = 20;
        for (int i = 0; i < perNode; i++) {
            for (Member m : List.of(a, b, c)) {
                m.router().publish(TOPIC, (m.node().peerId() + " #" + i).getBytes(StandardCharsets.UTF_8));
            }
        }
        for (Member m : List.of(a, b, c)) {
            await(
                    () -> m.received().size() >= 2 * perNode,
                    "messages at " + m.node().peerId());
        }
        // Let gossip run (IHAVE/IWANT for anything missing), then send markers behind it.
        for (Member m : List.of(a, b, c)) {
            m.router().heartbeat();
        }
        for (Member m : List.of(a, b, c)) {
            m.router().publish(TOPIC, ("marker " + m.node().peerId()).getBytes(StandardCharsets.UTF_8));
        }
        for (Member m : List.of(a, b, c)) {
            await(() -> texts(m).stream().filter(t -> t.startsWith("marker")).count() == 2, "markers");
            assertThat(m.received()).hasSize(2 * perNode + 2);
            assertThat(m.received()).doesNotHaveDuplicates();
            assertThat(m.received()).noneMatch(x -> x.author().equals(m.node().peerId()));
        }
    }

    @Test
    void a_message_crosses_a_node_that_relays_it() throws Exception {
        Member a = member();
        Member b = member();
        Member c = member();
        a.node().dial(addr(b));
        b.node().dial(addr(c));
        for (Member m : List.of(a, b, c)) {
            m.router().subscribe(TOPIC, m.received()::add);
        }
        await(() -> b.router().meshPeers(TOPIC).size() == 2, "b's mesh");
        a.router().publish(TOPIC, "hello c".getBytes(StandardCharsets.UTF_8));
        await(() -> c.received().size() == 1, "relay to c");
        assertThat(c.received().get(0).author()).isEqualTo(a.node().peerId());
        assertThat(c.received().get(0).receivedFrom()).isEqualTo(b.node().peerId());
    }

    @Test
    void unsubscribing_prunes_the_mesh_and_stops_delivery() throws Exception {
        Member a = member();
        Member b = member();
        a.node().dial(addr(b));
        a.router().subscribe(TOPIC, a.received()::add);
        b.router().subscribe(TOPIC, b.received()::add);
        await(() -> a.router().meshPeers(TOPIC).size() == 1, "mesh");
        b.router().unsubscribe(TOPIC);
        await(
                () -> a.router().meshPeers(TOPIC).isEmpty()
                        && a.router().topicPeers(TOPIC).isEmpty(),
                "prune");
        a.router().publish(TOPIC, "nobody".getBytes(StandardCharsets.UTF_8));
        b.router().subscribe("other", b.received()::add);
        await(() -> a.router().topicPeers("other").size() == 1, "b's new subscription");
        assertThat(b.received()).isEmpty();
    }

    @Test
    void a_peer_cannot_publish_a_message_in_another_peers_name() throws Exception {
        Member victim = member();
        Member b = member();
        b.router().subscribe(TOPIC, b.received()::add);
        PeerKeyPair malloryKey = PeerKeyPair.generate(random);
        P2pNode mallory = P2pNode.start(NodeOptions.defaults(malloryKey, List.of()));
        open.add(mallory);
        P2pStream stream = mallory.dial(addr(b)).openStream(List.of(Gossipsub.PROTOCOL_V11));
        // Mallory signs with her key but names the victim as author.
        PubsubRecord honest =
                PubsubRecord.sign(malloryKey, TOPIC, "pay mallory".getBytes(StandardCharsets.UTF_8), seq(1));
        PubsubRecord forged = PubsubRecord.decode(replaceAuthor(
                honest.encoded().toByteArray(), victim.node().peerId().toBytes()));
        send(
                stream,
                new Rpc(
                        List.of(new Rpc.Subscription(true, TOPIC)),
                        List.of(forged),
                        List.of(),
                        List.of(),
                        List.of(),
                        List.of()));
        await(() -> b.router().score(malloryKey.peerId()) < 0, "penalty for the forgery");
        assertThat(b.received()).isEmpty();
        // The same holds for a genuine message whose data was altered on the way.
        PubsubRecord genuine = PubsubRecord.sign(malloryKey, TOPIC, "one".getBytes(StandardCharsets.UTF_8), seq(2));
        byte[] tampered = genuine.encoded().toByteArray();
        int at = indexOf(tampered, "one".getBytes(StandardCharsets.UTF_8));
        tampered[at] = 't';
        send(
                stream,
                new Rpc(List.of(), List.of(PubsubRecord.decode(tampered)), List.of(), List.of(), List.of(), List.of()));
        await(() -> b.router().score(malloryKey.peerId()) < -30, "penalty for the tampering");
        assertThat(b.received()).isEmpty();
    }

    @Test
    void a_replayed_message_is_delivered_only_once() throws Exception {
        Member a = member();
        Member b = member();
        b.router().subscribe(TOPIC, b.received()::add);
        a.node().dial(addr(b));
        a.router().subscribe(TOPIC, a.received()::add);
        await(() -> a.router().topicPeers(TOPIC).size() == 1, "subscription");
        PeerKeyPair malloryKey = PeerKeyPair.generate(random);
        P2pNode mallory = P2pNode.start(NodeOptions.defaults(malloryKey, List.of()));
        open.add(mallory);
        P2pStream stream = mallory.dial(addr(b)).openStream(List.of(Gossipsub.PROTOCOL_V11));
        PubsubRecord captured =
                PubsubRecord.sign(a.key(), TOPIC, "transfer 10".getBytes(StandardCharsets.UTF_8), seq(7));
        for (int i = 0; i < 3; i++) {
            send(stream, new Rpc(List.of(), List.of(captured), List.of(), List.of(), List.of(), List.of()));
        }
        await(() -> b.received().size() == 1, "first copy");
        // A message published after the replays arrives, and the replay never did again.
        a.router().publish(TOPIC, "after".getBytes(StandardCharsets.UTF_8));
        await(() -> texts(b).contains("after"), "later message");
        assertThat(texts(b)).containsExactly("transfer 10", "after");
        assertThat(b.router().score(malloryKey.peerId())).isNotNegative();
    }

    @Test
    void a_graft_during_backoff_is_refused_and_penalised() throws Exception {
        Member a = member();
        Member b = member();
        b.router().subscribe(TOPIC, b.received()::add);
        PeerKeyPair malloryKey = PeerKeyPair.generate(random);
        P2pNode mallory = P2pNode.start(NodeOptions.defaults(malloryKey, List.of()));
        open.add(mallory);
        P2pStream stream = mallory.dial(addr(b)).openStream(List.of(Gossipsub.PROTOCOL_V11));
        send(
                stream,
                new Rpc(
                        List.of(new Rpc.Subscription(true, TOPIC)),
                        List.of(),
                        List.of(),
                        List.of(),
                        List.of(TOPIC),
                        List.of()));
        await(() -> b.router().meshPeers(TOPIC).contains(malloryKey.peerId()), "graft");
        send(stream, new Rpc(List.of(), List.of(), List.of(), List.of(), List.of(), List.of(new Rpc.Prune(TOPIC, 60))));
        await(() -> b.router().meshPeers(TOPIC).isEmpty(), "prune");
        send(stream, new Rpc(List.of(), List.of(), List.of(), List.of(), List.of(TOPIC), List.of()));
        await(() -> b.router().score(malloryKey.peerId()) < 0, "penalty");
        assertThat(b.router().meshPeers(TOPIC)).isEmpty();
        assertThat(a.router().meshPeers(TOPIC)).isEmpty();
    }

    @Test
    void a_peer_that_advertises_a_message_and_does_not_deliver_it_loses_score_and_its_mesh_place() throws Exception {
        PeerScoreTest.MovableClock clock = new PeerScoreTest.MovableClock(java.time.Instant.now());
        PeerKeyPair key = PeerKeyPair.generate(random);
        P2pNode node = P2pNode.start(NodeOptions.defaults(key, List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))));
        open.add(node);
        Gossipsub b = Gossipsub.start(node, key, GossipsubOptions.defaults().withHeartbeat(Duration.ofHours(1)), clock);
        open.add(b);
        b.subscribe(TOPIC, m -> {});
        PeerKeyPair malloryKey = PeerKeyPair.generate(random);
        P2pNode mallory = P2pNode.start(NodeOptions.defaults(malloryKey, List.of()));
        open.add(mallory);
        List<org.nexuslink.p2p.internal.wire.Bytes> askedFor = new CopyOnWriteArrayList<>();
        mallory.handle(Gossipsub.PROTOCOL_V11, in -> {
            while (true) {
                long length = Varint.read(in.input());
                askedFor.addAll(Rpc.decode(in.input().readNBytes((int) length)).iwant());
            }
        });
        P2pStream stream = mallory.dial(node.listenAddresses().get(0).withPeerId(node.peerId()))
                .openStream(List.of(Gossipsub.PROTOCOL_V11));
        send(
                stream,
                new Rpc(
                        List.of(new Rpc.Subscription(true, TOPIC)),
                        List.of(),
                        List.of(),
                        List.of(),
                        List.of(TOPIC),
                        List.of()));
        await(() -> b.meshPeers(TOPIC).contains(malloryKey.peerId()), "graft");
        org.nexuslink.p2p.internal.wire.Bytes promised =
                org.nexuslink.p2p.internal.wire.Bytes.of(new byte[] {4, 2, 4, 2});
        send(
                stream,
                new Rpc(
                        List.of(),
                        List.of(),
                        List.of(new Rpc.IHave(TOPIC, List.of(promised))),
                        List.of(),
                        List.of(),
                        List.of()));
        await(() -> askedFor.contains(promised), "b's IWANT");
        // Two seconds on, the promise is still open; past the three-second followup it is broken.
        clock.advance(Duration.ofSeconds(2));
        b.heartbeat();
        assertThat(b.score(malloryKey.peerId())).isNotNegative();
        assertThat(b.meshPeers(TOPIC)).contains(malloryKey.peerId());
        clock.advance(Duration.ofSeconds(2));
        await(
                () -> {
                    b.heartbeat();
                    return b.score(malloryKey.peerId()) < 0;
                },
                "the broken promise's penalty");
        b.heartbeat();
        assertThat(b.meshPeers(TOPIC)).doesNotContain(malloryKey.peerId());
    }

    /** A hand-driven gossipsub peer: what the router sent it (GRAFT and PRUNE topics), and how to speak. */
    private record RawPeer(P2pNode node, List<String> grafts, List<String> prunes) {}

    private RawPeer rawPeer() throws IOException {
        P2pNode node = P2pNode.start(
                NodeOptions.defaults(PeerKeyPair.generate(random), List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))));
        open.add(node);
        List<String> grafts = new CopyOnWriteArrayList<>();
        List<String> prunes = new CopyOnWriteArrayList<>();
        node.handle(Gossipsub.PROTOCOL_V11, in -> {
            while (true) {
                Rpc rpc = Rpc.decode(in.input().readNBytes((int) Varint.read(in.input())));
                grafts.addAll(rpc.graft());
                rpc.prune().forEach(p -> prunes.add(p.topic()));
            }
        });
        return new RawPeer(node, grafts, prunes);
    }

    @Test
    void the_mesh_keeps_peers_we_dialled_and_a_full_mesh_refuses_inbound_grafts() throws Exception {
        PeerKeyPair key = PeerKeyPair.generate(random);
        P2pNode node = P2pNode.start(NodeOptions.defaults(key, List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))));
        open.add(node);
        // D=3, D_lo=2, D_hi=3, D_out=1; heartbeats only when the test calls them.
        Gossipsub a = Gossipsub.start(
                node,
                key,
                GossipsubOptions.defaults().withHeartbeat(Duration.ofHours(1)).withDegree(3, 2, 3, 1),
                Clock.systemUTC());
        open.add(a);
        a.subscribe(TOPIC, m -> {});
        Multiaddr aAddr = node.listenAddresses().get(0).withPeerId(node.peerId());
        Rpc joinAndGraft = new Rpc(
                List.of(new Rpc.Subscription(true, TOPIC)), List.of(), List.of(), List.of(), List.of(TOPIC), List.of());
        for (int i = 0; i < 2; i++) {
            RawPeer inbound = rawPeer();
            send(inbound.node().dial(aAddr).openStream(List.of(Gossipsub.PROTOCOL_V11)), joinAndGraft);
            await(() -> a.meshPeers(TOPIC).contains(inbound.node().peerId()), "inbound graft");
        }
        // A dials a peer that joins the topic but never grafts: only the outbound quota grafts it.
        RawPeer dialled = rawPeer();
        PeerConnection toDialled = node.dial(dialled.node()
                .listenAddresses()
                .get(0)
                .withPeerId(dialled.node().peerId()));
        // The dial returns once A's side is up; the dialled node lists the connection a moment later.
        await(() -> dialled.node().connection(node.peerId()).isPresent(), "the dialled node's side of the connection");
        send(
                dialled.node().connection(node.peerId()).orElseThrow().openStream(List.of(Gossipsub.PROTOCOL_V11)),
                new Rpc(
                        List.of(new Rpc.Subscription(true, TOPIC)),
                        List.of(),
                        List.of(),
                        List.of(),
                        List.of(),
                        List.of()));
        await(() -> a.topicPeers(TOPIC).contains(toDialled.remotePeer()), "the dialled peer's subscription");
        assertThat(a.meshPeers(TOPIC)).hasSize(2).doesNotContain(toDialled.remotePeer());
        a.heartbeat();
        assertThat(a.meshPeers(TOPIC)).hasSize(3).contains(toDialled.remotePeer());
        await(() -> dialled.grafts().contains(TOPIC), "the GRAFT to the dialled peer");
        // The mesh is at D_hi: one more inbound peer's GRAFT is answered with PRUNE.
        RawPeer late = rawPeer();
        send(late.node().dial(aAddr).openStream(List.of(Gossipsub.PROTOCOL_V11)), joinAndGraft);
        await(() -> late.prunes().contains(TOPIC), "the PRUNE to the late inbound peer");
        assertThat(a.meshPeers(TOPIC)).hasSize(3).doesNotContain(late.node().peerId());
        assertThat(a.score(late.node().peerId())).isNotNegative(); // refused, not punished
    }

    private static byte[] seq(long n) {
        return ByteBuffer.allocate(8).putLong(n).array();
    }

    private static void send(P2pStream stream, Rpc rpc) throws IOException {
        byte[] bytes = rpc.encode();
        ByteArrayOutputStream framed = new ByteArrayOutputStream();
        Varint.write(bytes.length, framed);
        framed.writeBytes(bytes);
        stream.output().write(framed.toByteArray());
    }

    /** The message with field 1 (from) replaced; it is first in what {@link PubsubRecord#sign} writes. */
    private static byte[] replaceAuthor(byte[] encoded, byte[] author) {
        var r = new org.nexuslink.p2p.internal.wire.ProtobufReader(encoded);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (r.next()) {
            if (r.field() == 1) {
                out.writeBytes(new org.nexuslink.p2p.internal.wire.ProtobufWriter()
                        .bytes(1, author)
                        .toByteArray());
            } else {
                out.writeBytes(r.rawField());
            }
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
