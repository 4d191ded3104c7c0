// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.p2p.mdns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nexuslink.p2p.MalformedDataException;
import org.nexuslink.p2p.Multiaddr;
import org.nexuslink.p2p.NodeOptions;
import org.nexuslink.p2p.P2pNode;
import org.nexuslink.p2p.PeerKeyPair;
import org.nexuslink.p2p.internal.mdns.DnsMessage;

class MdnsDiscoveryTest {

    @Test
    void encodes_the_libp2p_query_as_a_plain_ptr_question() {
        byte[] query = new DnsMessage(
                        false,
                        List.of(new DnsMessage.Question("_p2p._udp.local", DnsMessage.TYPE_PTR)),
                        List.of(),
                        List.of())
                .encode();
        assertThat(HexFormat.of().formatHex(query))
                .isEqualTo("000000000001000000000000" + "045f703270045f756470056c6f63616c00" + "000c0001");
    }

    @Test
    void a_response_round_trips_and_names_follow_compression_pointers() {
        DnsMessage response = new DnsMessage(
                true,
                List.of(),
                List.of(
                        DnsMessage.Record.ptr("_p2p._udp.local", "abc._p2p._udp.local", 120),
                        DnsMessage.Record.txt("abc._p2p._udp.local", List.of("dnsaddr=/ip4/10.0.0.1/tcp/1"), 120)),
                List.of());
        assertThat(DnsMessage.decode(response.encode())).isEqualTo(response);
        // The same PTR with its target written as "abc" + a pointer to the owner name at offset 12.
        byte[] compressed = HexFormat.of()
                .parseHex("000084000000000100000000" + "045f703270045f756470056c6f63616c00" + "000c0001" + "00000078"
                        + "0006" + "03616263c00c");
        assertThat(DnsMessage.decode(compressed).answers().get(0).target()).isEqualTo("abc._p2p._udp.local");
    }

    @Test
    void a_name_pointer_loop_is_malformed_not_a_hang() {
        byte[] loop = HexFormat.of().parseHex("000000000001000000000000" + "c00c" + "000c0001");
        assertThatThrownBy(() -> DnsMessage.decode(loop)).isInstanceOf(MalformedDataException.class);
    }

    @Property(tries = 3000)
    void random_packets_raise_only_malformed_data(@ForAll @Size(max = 120) byte[] bytes) {
        try {
            DnsMessage.decode(bytes);
        } catch (MalformedDataException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    @Test
    @Timeout(60)
    void two_java_nodes_find_each_other_on_the_lan() throws Exception {
        SecureRandom random = new SecureRandom();
        try (P2pNode a = P2pNode.start(NodeOptions.defaults(
                        PeerKeyPair.generate(random), List.of(Multiaddr.parse("/ip4/0.0.0.0/tcp/0"))));
                P2pNode b = P2pNode.start(NodeOptions.defaults(
                        PeerKeyPair.generate(random), List.of(Multiaddr.parse("/ip4/0.0.0.0/tcp/0"))))) {
            BlockingQueue<MdnsDiscovery.DiscoveredPeer> foundByA = new LinkedBlockingQueue<>();
            BlockingQueue<MdnsDiscovery.DiscoveredPeer> foundByB = new LinkedBlockingQueue<>();
            try (MdnsDiscovery ma = MdnsDiscovery.start(a, Duration.ofMillis(500), foundByA::add);
                    MdnsDiscovery mb = MdnsDiscovery.start(b, Duration.ofMillis(500), foundByB::add)) {
                MdnsDiscovery.DiscoveredPeer seenByA = foundByA.poll(20, TimeUnit.SECONDS);
                MdnsDiscovery.DiscoveredPeer seenByB = foundByB.poll(20, TimeUnit.SECONDS);
                assertThat(seenByA).isNotNull();
                assertThat(seenByB).isNotNull();
                assertThat(seenByA.peerId()).isEqualTo(b.peerId());
                assertThat(seenByB.peerId()).isEqualTo(a.peerId());
                assertThat(seenByA.addresses()).containsExactlyInAnyOrderElementsOf(b.listenAddresses());
                // A discovered address is only a dial target: Noise authenticates who answers.
                assertThat(a.dial(seenByA.addresses().get(0).withPeerId(seenByA.peerId()))
                                .ping())
                        .isPositive();
            }
        }
    }

    @Test
    @Timeout(60)
    void two_java_nodes_find_each_other_over_ipv6_alone() throws Exception {
        SecureRandom random = new SecureRandom();
        List<Multiaddr> v6 = List.of(Multiaddr.parse("/ip6/::/tcp/0"));
        try (P2pNode a = P2pNode.start(NodeOptions.defaults(PeerKeyPair.generate(random), v6));
                P2pNode b = P2pNode.start(NodeOptions.defaults(PeerKeyPair.generate(random), v6))) {
            assertThat(b.listenAddresses())
                    .as("this host has a routable IPv6 address")
                    .isNotEmpty();
            BlockingQueue<MdnsDiscovery.DiscoveredPeer> foundByA = new LinkedBlockingQueue<>();
            java.util.Set<MdnsDiscovery.Family> only6 = java.util.EnumSet.of(MdnsDiscovery.Family.IPV6);
            try (MdnsDiscovery ma = MdnsDiscovery.start(a, Duration.ofMillis(500), only6, foundByA::add);
                    MdnsDiscovery mb = MdnsDiscovery.start(b, Duration.ofMillis(500), only6, p -> {})) {
                MdnsDiscovery.DiscoveredPeer seenByA = foundByA.poll(20, TimeUnit.SECONDS);
                assertThat(seenByA).isNotNull();
                assertThat(seenByA.peerId()).isEqualTo(b.peerId());
                assertThat(seenByA.addresses()).containsExactlyInAnyOrderElementsOf(b.listenAddresses());
                assertThat(seenByA.addresses().get(0).toString()).startsWith("/ip6/");
                assertThat(a.dial(seenByA.addresses().get(0).withPeerId(seenByA.peerId()))
                                .ping())
                        .isPositive();
            }
        }
    }
}
