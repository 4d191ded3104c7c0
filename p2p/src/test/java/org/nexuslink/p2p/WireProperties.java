// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.p2p;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.nexuslink.p2p.internal.wire.Base58;
import org.nexuslink.p2p.internal.wire.ProtobufReader;
import org.nexuslink.p2p.internal.wire.Varint;

/** Round trips, and random input raising only {@link MalformedDataException}, for every decoder. */
class WireProperties {

    @Property(tries = 2000)
    void varints_round_trip(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long value) {
        byte[] encoded = Varint.encode(value);
        assertThat(Varint.decode(encoded, 0)).isEqualTo(new Varint.Decoded(value, encoded.length));
    }

    @Property(tries = 2000)
    void base58_round_trips(@ForAll @Size(max = 64) byte[] bytes) {
        assertThat(Base58.decode(Base58.encode(bytes.length == 0 ? new byte[] {0} : bytes)))
                .isEqualTo(bytes.length == 0 ? new byte[] {0} : bytes);
    }

    @Property(tries = 500)
    void multiaddrs_round_trip(@ForAll("multiaddrs") Multiaddr addr) {
        assertThat(Multiaddr.fromBytes(addr.toBytes())).isEqualTo(addr);
        assertThat(Multiaddr.parse(addr.toString())).isEqualTo(addr);
    }

    @Property(tries = 3000)
    void random_bytes_raise_only_malformed_data(@ForAll @Size(max = 80) byte[] bytes) {
        acceptOrMalformed(() -> Varint.decode(bytes, 0));
        acceptOrMalformed(() -> {
            Multiaddr m = Multiaddr.fromBytes(bytes);
            assertThat(Multiaddr.fromBytes(m.toBytes())).isEqualTo(m);
            assertThat(Multiaddr.parse(m.toString())).isEqualTo(m);
        });
        acceptOrMalformed(() -> PeerId.fromBytes(bytes));
        acceptOrMalformed(() -> PeerPublicKey.decode(bytes));
        acceptOrMalformed(() -> PeerKeyPair.decodePrivateKey(bytes));
        acceptOrMalformed(() -> {
            ProtobufReader r = new ProtobufReader(bytes);
            while (r.next()) {
                // Walks every field.
            }
        });
    }

    @org.junit.jupiter.api.Test
    void a_length_prefix_that_decodes_negative_is_malformed() {
        // Field 1, length-delimited, length 2^63 + 1 as a ten-byte protobuf varint.
        byte[] bytes = Hex.bytes("0a 81808080808080808001 00");
        ProtobufReader r = new ProtobufReader(bytes);
        org.assertj.core.api.Assertions.assertThatThrownBy(r::next).isInstanceOf(MalformedDataException.class);
    }

    @Property(tries = 3000)
    void random_bytes_after_a_valid_multiaddr_prefix_raise_only_malformed_data(@ForAll @Size(max = 40) byte[] tail) {
        byte[] prefix = Hex.bytes("04 7f000001 06 0fa1");
        byte[] all = new byte[prefix.length + tail.length];
        System.arraycopy(prefix, 0, all, 0, prefix.length);
        System.arraycopy(tail, 0, all, prefix.length, tail.length);
        acceptOrMalformed(() -> Multiaddr.fromBytes(all));
    }

    @Property(tries = 3000)
    void random_text_raises_only_malformed_data(@ForAll("texts") String text) {
        acceptOrMalformed(() -> {
            Multiaddr m = Multiaddr.parse(text);
            assertThat(Multiaddr.fromBytes(m.toBytes())).isEqualTo(m);
        });
        acceptOrMalformed(() -> PeerId.parse(text));
        acceptOrMalformed(() -> Base58.decode(text));
    }

    private static void acceptOrMalformed(Runnable decode) {
        try {
            decode.run();
        } catch (MalformedDataException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    @Provide
    Arbitrary<String> texts() {
        Arbitrary<String> pieces = Arbitraries.of(
                "/",
                "ip4",
                "ip6",
                "tcp",
                "udp",
                "dns",
                "dns4",
                "p2p",
                "quic-v1",
                "p2p-circuit",
                "1.2.3.4",
                "::1",
                "::",
                "1:2::",
                "4001",
                "65536",
                "0",
                "12D3KooW",
                "Qm",
                "x",
                ".",
                ":",
                "");
        return Arbitraries.oneOf(
                pieces.list().ofMaxSize(8).map(l -> String.join("", l)),
                pieces.list().ofMaxSize(8).map(l -> "/" + String.join("/", l)),
                Arbitraries.strings().ofMaxLength(60));
    }

    @Provide
    Arbitrary<Multiaddr> multiaddrs() {
        Arbitrary<String> ip4 = Arbitraries.integers()
                .between(0, 255)
                .list()
                .ofSize(4)
                .map(l -> "/ip4/" + l.get(0) + "." + l.get(1) + "." + l.get(2) + "." + l.get(3));
        Arbitrary<String> ip6 = Arbitraries.integers()
                .between(0, 0xFFFF)
                .list()
                .ofSize(8)
                .map(l -> "/ip6/"
                        + String.join(":", l.stream().map(Integer::toHexString).toList()));
        Arbitrary<String> dns = Arbitraries.strings()
                .withChars("abcdefghij.-0123456789")
                .ofMinLength(1)
                .ofMaxLength(30)
                .map(s -> "/dns/" + s);
        Arbitrary<String> port = Arbitraries.integers().between(0, 65535).map(p -> "/tcp/" + p);
        Arbitrary<String> peer = Arbitraries.of(List.of("", "/p2p/" + MultiaddrTest.PEER));
        Arbitrary<String> tail = Arbitraries.of("", "/quic-v1", "/p2p-circuit");
        return net.jqwik.api.Combinators.combine(Arbitraries.oneOf(ip4, ip6, dns), port, peer, tail)
                .as((h, p, id, t) -> Multiaddr.parse(h + p + id + t));
    }
}
