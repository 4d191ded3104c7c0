// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.p2p;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MultiaddrTest {

    static final String PEER = "12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq";
    static final String PEER_HEX = "0024 080112201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e";

    /** Text and binary forms; the first is the multiaddr spec's example. */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "/ip4/127.0.0.1/udp/1234 | 04 7f000001 9102 04d2",
                "/ip4/127.0.0.1/tcp/4001 | 04 7f000001 06 0fa1",
                "/ip6/::1/tcp/4001 | 29 00000000000000000000000000000001 06 0fa1",
                "/ip6/2001:db8::1:0:0:1/udp/443/quic-v1 | 29 20010db8000000000001000000000001 9102 01bb cd03",
                "/ip6/fe80::/tcp/1 | 29 fe800000000000000000000000000000 06 0001",
                "/dns/example.com/tcp/443 | 35 0b 6578616d706c652e636f6d 06 01bb",
                "/dns4/a.b/tcp/0 | 36 03 612e62 06 0000",
                "/dns6/x/udp/65535 | 37 01 78 9102 ffff",
                "/dnsaddr/bootstrap.libp2p.io | 38 13 626f6f7473747261702e6c69627032702e696f",
                "/ip4/192.0.2.1/tcp/4001/p2p/" + PEER + "/p2p-circuit | 04 c0000201 06 0fa1 a503 26 " + PEER_HEX
                        + " a202",
            })
    void encodes_and_decodes_golden_vectors(String text, String hex) {
        Multiaddr parsed = Multiaddr.parse(text);
        assertThat(Hex.of(parsed.toBytes())).isEqualTo(hex.replace(" ", ""));
        Multiaddr decoded = Multiaddr.fromBytes(Hex.bytes(hex));
        assertThat(decoded).isEqualTo(parsed);
        assertThat(decoded.toString()).isEqualTo(text);
    }

    @Test
    void reads_the_peer_id_and_the_tcp_socket_address() {
        Multiaddr addr = Multiaddr.parse("/ip4/192.0.2.1/tcp/4001/p2p/" + PEER);
        assertThat(addr.peerId()).contains(PeerId.parse(PEER));
        assertThat(addr.tcpSocketAddress()).isEqualTo(new InetSocketAddress("192.0.2.1", 4001));
        assertThat(Multiaddr.parse("/ip4/192.0.2.1/tcp/4001").withPeerId(PeerId.parse(PEER)))
                .isEqualTo(addr);
        assertThat(Multiaddr.tcp(new InetSocketAddress("192.0.2.1", 4001)).toString())
                .isEqualTo("/ip4/192.0.2.1/tcp/4001");
    }

    @Test
    void accepts_the_old_ipfs_name_and_a_trailing_slash() {
        assertThat(Multiaddr.parse("/ip4/1.2.3.4/tcp/5/ipfs/" + PEER + "/").toString())
                .isEqualTo("/ip4/1.2.3.4/tcp/5/p2p/" + PEER);
    }

    @Test
    void prints_ip6_in_rfc_5952_form() {
        assertThat(Multiaddr.parse("/ip6/2001:0DB8:0:0:0:0:0:0001/tcp/1").toString())
                .isEqualTo("/ip6/2001:db8::1/tcp/1");
        assertThat(Multiaddr.parse("/ip6/::ffff:192.0.2.1/tcp/1").toString()).isEqualTo("/ip6/::ffff:c000:201/tcp/1");
        assertThat(Multiaddr.parse("/ip6/1:0:1:0:1:0:1:0/tcp/1").toString()).isEqualTo("/ip6/1:0:1:0:1:0:1:0/tcp/1");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "/",
                "ip4/1.2.3.4",
                "/ip4",
                "/ip4/1.2.3",
                "/ip4/1.2.3.256",
                "/ip4/01.2.3.4",
                "/ip4/1.2.3.4/tcp",
                "/ip4/1.2.3.4/tcp/65536",
                "/ip4/1.2.3.4/tcp/-1",
                "/ip4/1.2.3.4/tcp/080",
                "/ip4/1.2.3.4/tcp/x",
                "/ip6/1::2::3",
                "/ip6/1:2:3:4:5:6:7:8:9",
                "/ip6/12345::",
                "/ip6/1:2:3:4:5:6:7",
                "/ip6/::1%eth0",
                "/dns",
                "/dns4//tcp/1",
                "/p2p/QmNotBase58l0",
                "/p2p/12D3Koo",
                "/foo/1",
                "/ip4/1.2.3.4//tcp/1"
            })
    void rejects_malformed_text(String text) {
        assertThatThrownBy(() -> Multiaddr.parse(text)).isInstanceOf(MalformedDataException.class);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "04 7f0000",
                "06",
                "9102 04",
                "35",
                "35 05 6162",
                "35 00",
                "35 01 2f",
                "35 02 c328",
                "a503 02 0000",
                "a503 26 0024 0801",
                "ffff03",
                "7f 00",
                "04 7f000001 80"
            })
    void rejects_malformed_bytes(String hex) {
        assertThatThrownBy(() -> Multiaddr.fromBytes(Hex.bytes(hex))).isInstanceOf(MalformedDataException.class);
    }
}
