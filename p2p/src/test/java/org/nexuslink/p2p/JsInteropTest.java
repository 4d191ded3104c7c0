// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.p2p;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nexuslink.p2p.mdns.MdnsDiscovery;
import org.nexuslink.p2p.pubsub.Gossipsub;
import org.nexuslink.p2p.pubsub.GossipsubOptions;
import org.nexuslink.p2p.pubsub.PubsubMessage;

/**
 * Interoperability with js-libp2p 2.x (TCP, @chainsafe/libp2p-noise, @chainsafe/libp2p-yamux,
 * @libp2p/ping, @libp2p/identify, @chainsafe/libp2p-gossipsub) in both directions. Needs Node.js 20+ and the npm registry
 * on first run.
 */
@Timeout(120)
class JsInteropTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private final SecureRandom random = new SecureRandom();

    @Test
    void js_derives_the_same_peer_id_from_a_java_generated_key() throws Exception {
        PeerKeyPair key = PeerKeyPair.generate(random);
        try (JsPeer js = JsPeer.start(key)) {
            assertThat(js.await("listening", WAIT).get("peerId").asText())
                    .isEqualTo(key.peerId().toString());
        }
    }

    @Test
    void java_dials_js_pings_and_identifies_it_and_js_identifies_java() throws Exception {
        PeerKeyPair jsKey = PeerKeyPair.generate(random);
        try (JsPeer js = JsPeer.start(jsKey);
                P2pNode javaNode = P2pNode.start(NodeOptions.defaults(
                        PeerKeyPair.generate(random), List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))))) {
            JsonNode listening = js.await("listening", WAIT);
            Multiaddr jsAddr = Multiaddr.parse(listening.get("addrs").get(0).asText());

            PeerConnection connection = javaNode.dial(jsAddr);
            assertThat(connection.remotePeer()).isEqualTo(jsKey.peerId());
            assertThat(connection.ping()).isPositive();

            IdentifyInfo info = connection.identify();
            assertThat(info.publicKey()).isEqualTo(jsKey.publicKey());
            assertThat(info.agentVersion()).isEqualTo("js-interop-peer");
            assertThat(info.protocols()).contains("/ipfs/ping/1.0.0", "/ipfs/id/1.0.0");
            String jsText = jsAddr.toString();
            assertThat(info.listenAddresses()).contains(Multiaddr.parse(jsText.substring(0, jsText.indexOf("/p2p/"))));

            JsonNode identified = js.await(
                    "identified",
                    e -> e.get("peerId").asText().equals(javaNode.peerId().toString()),
                    WAIT);
            assertThat(identified.get("agentVersion").asText()).startsWith("nexuslink/");
            assertThat(texts(identified.get("protocols"))).contains("/ipfs/ping/1.0.0", "/ipfs/id/1.0.0");
            assertThat(texts(identified.get("listenAddrs")))
                    .contains(javaNode.listenAddresses().get(0).toString());

            for (int i = 0; i < 3; i++) {
                assertThat(connection.ping()).isPositive();
            }
        }
    }

    @Test
    void js_dials_java_pings_it_and_identifies_it() throws Exception {
        try (P2pNode javaNode = P2pNode.start(NodeOptions.defaults(
                        PeerKeyPair.generate(random), List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))));
                JsPeer js = JsPeer.start(PeerKeyPair.generate(random))) {
            JsonNode listening = js.await("listening", WAIT);
            Multiaddr javaAddr = javaNode.listenAddresses().get(0).withPeerId(javaNode.peerId());
            js.send("dial " + javaAddr);

            assertThat(js.await("connected", WAIT).get("peerId").asText())
                    .isEqualTo(javaNode.peerId().toString());
            assertThat(js.await("ping", WAIT).get("rtt").asDouble()).isGreaterThanOrEqualTo(0);
            JsonNode identified = js.await(
                    "identified",
                    e -> e.get("peerId").asText().equals(javaNode.peerId().toString()),
                    WAIT);
            assertThat(texts(identified.get("protocols")))
                    .contains("/ipfs/ping/1.0.0", "/ipfs/id/1.0.0", "/ipfs/id/push/1.0.0");
            assertThat(identified.get("observedAddr").asText()).startsWith("/ip4/127.0.0.1/tcp/");

            PeerConnection back = javaNode.connection(
                            PeerId.parse(listening.get("peerId").asText()))
                    .orElseThrow();
            assertThat(back.isOutbound()).isFalse();
            assertThat(back.ping()).isPositive();
            assertThat(back.identify().agentVersion()).isEqualTo("js-interop-peer");
        }
    }

    @Test
    void java_and_js_exchange_gossipsub_messages_both_ways() throws Exception {
        String topic = "nexuslink/interop";
        PeerKeyPair javaKey = PeerKeyPair.generate(random);
        PeerKeyPair jsKey = PeerKeyPair.generate(random);
        try (P2pNode javaNode =
                        P2pNode.start(NodeOptions.defaults(javaKey, List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))));
                Gossipsub router = Gossipsub.start(
                        javaNode,
                        javaKey,
                        GossipsubOptions.defaults().withHeartbeat(Duration.ofMillis(200)),
                        Clock.systemUTC());
                JsPeer js = JsPeer.start(jsKey)) {
            BlockingQueue<PubsubMessage> received = new LinkedBlockingQueue<>();
            router.subscribe(topic, received::add);
            js.send("subscribe " + topic);
            js.await("subscribed", WAIT);
            javaNode.dial(Multiaddr.parse(
                    js.await("listening", WAIT).get("addrs").get(0).asText()));

            js.await(
                    "subscription",
                    e -> e.get("peerId").asText().equals(javaKey.peerId().toString())
                            && e.get("topic").asText().equals(topic)
                            && e.get("subscribe").asBoolean(),
                    WAIT);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!router.meshPeers(topic).contains(jsKey.peerId()) && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(router.meshPeers(topic)).contains(jsKey.peerId());

            js.send("publish " + topic + " hello from js");
            PubsubMessage fromJs = received.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(fromJs).isNotNull();
            assertThat(fromJs.author()).isEqualTo(jsKey.peerId());
            assertThat(new String(fromJs.data(), StandardCharsets.UTF_8)).isEqualTo("hello from js");

            router.publish(topic, "hello from java".getBytes(StandardCharsets.UTF_8));
            JsonNode fromJava = js.await("message", e -> e.get("text").asText().equals("hello from java"), WAIT);
            assertThat(fromJava.get("from").asText()).isEqualTo(javaKey.peerId().toString());
            assertThat(fromJava.get("topic").asText()).isEqualTo(topic);
            assertThat(received).isEmpty();
        }
    }

    @Test
    void java_and_js_find_each_other_by_mdns_on_the_lan() throws Exception {
        PeerKeyPair jsKey = PeerKeyPair.generate(random);
        try (P2pNode javaNode = P2pNode.start(NodeOptions.defaults(
                        PeerKeyPair.generate(random), List.of(Multiaddr.parse("/ip4/0.0.0.0/tcp/0"))));
                JsPeer js = JsPeer.start(jsKey, true)) {
            BlockingQueue<MdnsDiscovery.DiscoveredPeer> found = new LinkedBlockingQueue<>();
            try (MdnsDiscovery discovery = MdnsDiscovery.start(javaNode, Duration.ofMillis(500), found::add)) {
                JsonNode listening = js.await("listening", WAIT);
                JsonNode discovered = js.await(
                        "discovered",
                        e -> e.get("peerId").asText().equals(javaNode.peerId().toString()),
                        WAIT);
                assertThat(texts(discovered.get("addrs")))
                        .contains(javaNode.listenAddresses().get(0).toString());

                MdnsDiscovery.DiscoveredPeer jsPeer = null;
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (jsPeer == null && System.nanoTime() < deadline) {
                    MdnsDiscovery.DiscoveredPeer p = found.poll(1, TimeUnit.SECONDS);
                    if (p != null && p.peerId().equals(jsKey.peerId())) {
                        jsPeer = p;
                    }
                }
                assertThat(jsPeer).as("js peer found by mDNS").isNotNull();
                String jsAddr = listening.get("addrs").get(0).asText();
                assertThat(jsPeer.addresses()).contains(Multiaddr.parse(jsAddr.substring(0, jsAddr.indexOf("/p2p/"))));
                assertThat(javaNode.dial(jsPeer.addresses().get(0).withPeerId(jsPeer.peerId()))
                                .ping())
                        .isPositive();
            }
        }
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
