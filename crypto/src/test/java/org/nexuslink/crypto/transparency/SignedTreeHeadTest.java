// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.crypto.transparency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.nexuslink.crypto.server.ServerKeyPair;

class SignedTreeHeadTest {
    private static final ServerKeyPair KEY = ServerKeyPair.fromPrivateKey(new byte[32]);
    private static final TreeHash ROOT = TreeHash.of(HexFormat.of().parseHex(MerkleVectorsTest.ROOTS.get(8)));

    @Test
    void signed_message_has_the_documented_layout() {
        SignedTreeHead head = SignedTreeHead.sign(KEY, 8, Instant.ofEpochMilli(1_700_000_000_123L), ROOT);
        assertThat(HexFormat.of().formatHex(head.signedMessage()))
                .isEqualTo("01" + "0000000000000008" + "0000018bcfe5687b" + MerkleVectorsTest.ROOTS.get(8));
    }

    @Test
    void a_head_verifies_under_its_key_only() {
        SignedTreeHead head = SignedTreeHead.sign(KEY, 8, Instant.ofEpochMilli(1_700_000_000_123L), ROOT);
        SignedTreeHead received = SignedTreeHead.of(8, head.timestamp(), ROOT, head.signature());
        assertThatCode(() -> received.verify(KEY.publicKey())).doesNotThrowAnyException();
        ServerKeyPair other = ServerKeyPair.generate(new SecureRandom());
        assertThatThrownBy(() -> received.verify(other.publicKey()))
                .isInstanceOf(InvalidProofException.class)
                .hasMessageContaining("not signed by the pinned server key");
    }

    @Test
    void changing_size_time_or_root_breaks_the_signature() {
        SignedTreeHead head = SignedTreeHead.sign(KEY, 8, Instant.ofEpochMilli(1_700_000_000_123L), ROOT);
        for (SignedTreeHead forged : new SignedTreeHead[] {
            SignedTreeHead.of(9, head.timestamp(), ROOT, head.signature()),
            SignedTreeHead.of(8, head.timestamp().plusMillis(1), ROOT, head.signature()),
            SignedTreeHead.of(8, head.timestamp(), TreeHash.EMPTY_ROOT, head.signature())
        }) {
            assertThatThrownBy(() -> forged.verify(KEY.publicKey())).isInstanceOf(InvalidProofException.class);
        }
    }

    @Test
    void a_server_challenge_signature_never_verifies_as_a_head() {
        SignedTreeHead head = SignedTreeHead.sign(KEY, 8, Instant.ofEpochMilli(5), ROOT);
        byte[] otherDomain = KEY.sign("nexuslink/server-challenge/v1", head.signedMessage());
        assertThatThrownBy(() -> SignedTreeHead.of(8, head.timestamp(), ROOT, otherDomain)
                        .verify(KEY.publicKey()))
                .isInstanceOf(InvalidProofException.class);
    }

    @Test
    void rejects_out_of_range_fields() {
        assertThatThrownBy(() -> SignedTreeHead.of(-1, Instant.EPOCH, ROOT, new byte[64]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("negative");
        assertThatThrownBy(() -> SignedTreeHead.of(1, Instant.EPOCH, ROOT, new byte[63]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("64 bytes");
    }

    @Test
    void encoding_round_trips_and_refuses_other_lengths_and_versions() {
        SignedTreeHead head = SignedTreeHead.sign(KEY, 8, Instant.ofEpochMilli(1_700_000_000_123L), ROOT);
        byte[] encoded = head.encoded();
        assertThat(encoded).hasSize(113);
        assertThat(SignedTreeHead.decode(encoded)).isEqualTo(head);
        assertThatThrownBy(() -> SignedTreeHead.decode(java.util.Arrays.copyOf(encoded, 112)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("113 bytes");
        byte[] v2 = encoded.clone();
        v2[0] = 2;
        assertThatThrownBy(() -> SignedTreeHead.decode(v2)).hasMessageContaining("version 2");
        byte[] negative = encoded.clone();
        negative[1] = (byte) 0x80;
        assertThatThrownBy(() -> SignedTreeHead.decode(negative)).hasMessageContaining("negative");
    }
}
