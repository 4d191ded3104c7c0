// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.p2p;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PeerIdTest {

    /** The Ed25519 vectors of the libp2p peer-ids spec. */
    static final String PRIVATE_KEY = "080112407e0830617c4a7de83925dfb2694556b12936c477a0e1feb2e148ec9da60fee7d"
            + "1ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e";

    static final String PUBLIC_KEY = "080112201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e";
    static final String PEER_ID = "12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq";

    @Test
    void derives_the_spec_public_key_and_peer_id_from_the_spec_private_key() {
        PeerKeyPair pair = PeerKeyPair.decodePrivateKey(Hex.bytes(PRIVATE_KEY));
        assertThat(Hex.of(pair.encodedPrivateKey())).isEqualTo(PRIVATE_KEY);
        assertThat(Hex.of(pair.publicKey().encoded())).isEqualTo(PUBLIC_KEY);
        assertThat(pair.peerId().toString()).isEqualTo(PEER_ID);
        assertThat(Hex.of(pair.peerId().toBytes())).isEqualTo("0024" + PUBLIC_KEY);
        assertThat(pair.toString()).doesNotContain("7e0830617c");
    }

    @Test
    void parses_an_ed25519_peer_id_and_reads_its_key_back() {
        PeerId id = PeerId.parse(PEER_ID);
        assertThat(id.publicKey()).contains(PeerPublicKey.decode(Hex.bytes(PUBLIC_KEY)));
        assertThat(id.matches(PeerPublicKey.decode(Hex.bytes(PUBLIC_KEY)))).isTrue();
    }

    @Test
    void parses_a_sha256_peer_id_without_a_key() {
        PeerId id = PeerId.parse("QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N");
        assertThat(id.toString()).isEqualTo("QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N");
        assertThat(id.publicKey()).isEmpty();
    }

    @Test
    void a_signature_verifies_only_with_its_key_and_message() {
        PeerKeyPair a = PeerKeyPair.generate(new SecureRandom());
        PeerKeyPair b = PeerKeyPair.generate(new SecureRandom());
        byte[] sig = a.sign(new byte[] {1, 2, 3});
        assertThat(a.publicKey().verify(new byte[] {1, 2, 3}, sig)).isTrue();
        assertThat(a.publicKey().verify(new byte[] {1, 2, 4}, sig)).isFalse();
        assertThat(b.publicKey().verify(new byte[] {1, 2, 3}, sig)).isFalse();
        assertThat(a.publicKey().verify(new byte[] {1, 2, 3}, new byte[3])).isFalse();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "0",
                "12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3p",
                "12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pqq",
                "QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5",
                "bafzbeie5745rpv2m6tjyuugywy4d5ewrqgqqhfnf445he3omzpjbx5xqxe",
                "12D3KooW0tg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq"
            })
    void rejects_malformed_peer_ids(String text) {
        assertThatThrownBy(() -> PeerId.parse(text)).isInstanceOf(MalformedDataException.class);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "00",
                "0024",
                "0001 00",
                "0004 08011200",
                "0026 0801122200",
                "1220 00",
                "1301 00",
                "0025 08011221 001ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e",
                "0026 0801 0801 12201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e"
            })
    void rejects_malformed_peer_id_bytes(String hex) {
        assertThatThrownBy(() -> PeerId.fromBytes(Hex.bytes(hex))).isInstanceOf(MalformedDataException.class);
    }

    @Test
    void rejects_a_private_key_whose_public_half_does_not_match() {
        String tampered = PRIVATE_KEY.substring(0, PRIVATE_KEY.length() - 2) + "7f";
        assertThatThrownBy(() -> PeerKeyPair.decodePrivateKey(Hex.bytes(tampered)))
                .isInstanceOf(MalformedDataException.class);
    }
}
