// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.p2p;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nexuslink.p2p.internal.multistream.Multistream;
import org.nexuslink.p2p.internal.noise.DhKeyPair;
import org.nexuslink.p2p.internal.noise.SecureChannel;

@Timeout(60)
class P2pNodeTest {

    private static final Multiaddr LOOPBACK = Multiaddr.parse("/ip4/127.0.0.1/tcp/0");
    private final SecureRandom random = new SecureRandom();
    private final List<P2pNode> nodes = new ArrayList<>();

    @AfterEach
    void closeNodes() {
        nodes.forEach(P2pNode::close);
    }

    private P2pNode node() throws IOException {
        return node(NodeOptions.defaults(PeerKeyPair.generate(random), List.of(LOOPBACK)));
    }

    private P2pNode node(NodeOptions options) throws IOException {
        P2pNode node = P2pNode.start(options);
        nodes.add(node);
        return node;
    }

    private static Multiaddr addressOf(P2pNode node) {
        return node.listenAddresses().get(0).withPeerId(node.peerId());
    }

    @Test
    void two_nodes_connect_ping_and_identify_each_other() throws IOException {
        P2pNode a = node();
        P2pNode b = node();
        PeerConnection ab = a.dial(addressOf(b));
        assertThat(ab.remotePeer()).isEqualTo(b.peerId());
        assertThat(ab.ping()).isPositive();

        IdentifyInfo info = ab.identify();
        assertThat(info.publicKey()).isEqualTo(b.peerId().publicKey().orElseThrow());
        assertThat(info.protocols()).contains("/ipfs/ping/1.0.0", "/ipfs/id/1.0.0", "/ipfs/id/push/1.0.0");
        assertThat(info.listenAddresses()).containsExactlyElementsOf(b.listenAddresses());
        assertThat(info.observedAddress()).isPresent();
        assertThat(info.agentVersion()).startsWith("nexuslink/");

        PeerConnection ba = b.connection(a.peerId()).orElseThrow();
        assertThat(ba.isOutbound()).isFalse();
        assertThat(ba.ping()).isPositive();
        assertThat(ba.identify().publicKey()).isEqualTo(a.peerId().publicKey().orElseThrow());
    }

    @Test
    void identify_push_updates_what_the_peer_knows() throws Exception {
        P2pNode a = node();
        P2pNode b = node();
        PeerConnection ab = a.dial(addressOf(b));
        a.handle("/test/late/1.0.0", s -> {});
        ab.pushIdentify();
        PeerConnection ba = b.connection(a.peerId()).orElseThrow();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (ba.lastIdentify().isEmpty() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(ba.lastIdentify().orElseThrow().protocols()).contains("/test/late/1.0.0");
    }

    @Test
    void a_stream_carries_megabytes_both_ways_under_flow_control() throws Exception {
        P2pNode a = node();
        P2pNode b = node();
        b.handle("/test/echo/1.0.0", s -> s.input().transferTo(s.output()));
        PeerConnection ab = a.dial(addressOf(b));
        P2pStream stream = ab.openStream(List.of("/test/echo/1.0.0"));
        byte[] data = new byte[3 * 1024 * 1024 + 17];
        random.nextBytes(data);
        CompletableFuture<byte[]> echoed = CompletableFuture.supplyAsync(() -> {
            try {
                return stream.input().readAllBytes();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        stream.output().write(data);
        stream.closeWrite();
        assertThat(echoed.get(30, TimeUnit.SECONDS)).isEqualTo(data);
    }

    @Test
    void many_streams_run_at_once_on_one_connection() throws Exception {
        P2pNode a = node();
        P2pNode b = node();
        PeerConnection ab = a.dial(addressOf(b));
        List<CompletableFuture<Duration>> pings = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            pings.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return ab.ping();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            }));
        }
        for (CompletableFuture<Duration> p : pings) {
            assertThat(p.get(30, TimeUnit.SECONDS)).isPositive();
        }
    }

    @Test
    void an_unknown_protocol_is_refused_with_na() throws IOException {
        P2pNode a = node();
        P2pNode b = node();
        PeerConnection ab = a.dial(addressOf(b));
        assertThatThrownBy(() -> ab.openStream(List.of("/not/served/1.0.0"))).isInstanceOf(NegotiationException.class);
        assertThat(ab.ping()).isPositive();
    }

    @Test
    void a_peer_that_is_not_the_dialled_peer_id_is_refused() throws IOException {
        P2pNode a = node();
        P2pNode b = node();
        PeerId someoneElse = PeerKeyPair.generate(random).peerId();
        Multiaddr wrong = b.listenAddresses().get(0).withPeerId(someoneElse);
        assertThatThrownBy(() -> a.dial(wrong))
                .isInstanceOf(NegotiationException.class)
                .hasMessageContaining("dialled");
        assertThat(a.connections()).isEmpty();
    }

    @Test
    void a_peer_cannot_claim_an_identity_key_it_does_not_hold() throws Exception {
        P2pNode b = node();
        PeerKeyPair victim = PeerKeyPair.generate(random);
        PeerKeyPair attacker = PeerKeyPair.generate(random);
        try (Socket socket = new Socket()) {
            socket.connect(b.listenAddresses().get(0).tcpSocketAddress());
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            Multistream.select(in, out, List.of(SecureChannel.PROTOCOL));
            // The attacker presents the victim's public key with a signature made by its own key.
            assertThatThrownBy(() -> ForgedHandshake.initiate(in, out, victim.publicKey(), attacker, random))
                    .isInstanceOf(IOException.class);
        }
        assertThat(b.connections()).isEmpty();
    }

    @Test
    void connections_beyond_the_limit_are_closed_before_the_handshake() throws IOException {
        P2pNode b = node(NodeOptions.defaults(PeerKeyPair.generate(random), List.of(LOOPBACK))
                .withLimits(1, 8));
        P2pNode a1 = node();
        P2pNode a2 = node();
        a1.dial(addressOf(b));
        assertThatThrownBy(() -> a2.dial(addressOf(b))).isInstanceOf(IOException.class);
        assertThat(b.connections()).hasSize(1);
        assertThat(b.connections().get(0).remotePeer()).isEqualTo(a1.peerId());
    }

    @Test
    void a_peer_cannot_exhaust_the_node_with_unfinished_handshakes() throws Exception {
        P2pNode b = node(NodeOptions.defaults(PeerKeyPair.generate(random), List.of(LOOPBACK))
                .withLimits(1, 8));
        P2pNode a = node();
        try (Socket idle = new Socket()) {
            idle.connect(b.listenAddresses().get(0).tcpSocketAddress());
            // The idle socket holds the only slot until it leaves or its handshake times out.
            assertThat(idle.getInputStream().readNBytes(20)).hasSize(20);
            assertThatThrownBy(() -> a.dial(addressOf(b))).isInstanceOf(IOException.class);
            assertThat(b.connections()).isEmpty();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        PeerConnection later = null;
        while (later == null && System.nanoTime() < deadline) {
            try {
                later = a.dial(addressOf(b));
            } catch (IOException slotNotFreedYet) {
                Thread.onSpinWait();
            }
        }
        assertThat(later).isNotNull();
        assertThat(later.ping()).isPositive();
    }

    @Test
    void streams_beyond_the_inbound_limit_are_reset_and_the_rest_keep_working() throws Exception {
        P2pNode b = node(NodeOptions.defaults(PeerKeyPair.generate(random), List.of(LOOPBACK))
                .withLimits(8, 4));
        CompletableFuture<Void> release = new CompletableFuture<>();
        b.handle("/test/hold/1.0.0", s -> {
            try {
                release.get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IOException(e);
            }
        });
        P2pNode a = node();
        PeerConnection ab = a.dial(addressOf(b));
        List<P2pStream> held = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            held.add(ab.openStream(List.of("/test/hold/1.0.0")));
        }
        assertThatThrownBy(() -> ab.openStream(List.of("/test/hold/1.0.0"))).isInstanceOf(IOException.class);
        release.complete(null);
        for (P2pStream s : held) {
            assertThat(s.input().read()).isEqualTo(-1);
            s.closeWrite();
        }
        assertThat(ab.isOpen()).isTrue();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Duration rtt = null;
        while (rtt == null && System.nanoTime() < deadline) {
            try {
                rtt = ab.ping();
            } catch (IOException stillFull) {
                Thread.onSpinWait();
            }
        }
        assertThat(rtt).isNotNull();
    }

    @Test
    void closing_a_node_closes_its_connections() throws IOException {
        P2pNode a = node();
        P2pNode b = node();
        PeerConnection ab = a.dial(addressOf(b));
        b.close();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (ab.isOpen() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(ab.isOpen()).isFalse();
        assertThatThrownBy(ab::ping).isInstanceOf(IOException.class);
    }

    /** Plays the initiator of a Noise handshake that claims a key it cannot sign with. */
    static final class ForgedHandshake {
        static void initiate(
                InputStream in, OutputStream out, PeerPublicKey claimed, PeerKeyPair signer, SecureRandom random)
                throws IOException {
            DhKeyPair staticKey = DhKeyPair.generate(random);
            org.nexuslink.p2p.internal.noise.XxHandshake hs = new org.nexuslink.p2p.internal.noise.XxHandshake(
                    true, new byte[0], staticKey, () -> DhKeyPair.generate(random));
            frame(out, hs.writeMessage(new byte[0]));
            hs.readMessage(read(in));
            byte[] signed = concat("noise-libp2p-static-key:".getBytes(), staticKey.publicKey());
            byte[] payload = new org.nexuslink.p2p.internal.wire.ProtobufWriter()
                    .bytes(1, claimed.encoded())
                    .bytes(2, signer.sign(signed))
                    .toByteArray();
            frame(out, hs.writeMessage(payload));
            // A listener that accepted the forgery would now answer multistream; a careful one hangs up.
            int b = in.read();
            if (b >= 0) {
                throw new AssertionError("the listener kept talking after a forged handshake");
            }
            throw new IOException("listener closed the connection");
        }

        private static void frame(OutputStream out, byte[] m) throws IOException {
            out.write(new byte[] {(byte) (m.length >> 8), (byte) m.length});
            out.write(m);
            out.flush();
        }

        private static byte[] read(InputStream in) throws IOException {
            byte[] len = in.readNBytes(2);
            return in.readNBytes(((len[0] & 0xFF) << 8) | (len[1] & 0xFF));
        }

        private static byte[] concat(byte[] a, byte[] b) {
            byte[] out = Arrays.copyOf(a, a.length + b.length);
            System.arraycopy(b, 0, out, a.length, b.length);
            return out;
        }
    }
}
