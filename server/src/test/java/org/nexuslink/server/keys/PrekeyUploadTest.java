// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.keys;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.nexuslink.protocol.Bytes;

/** The shape rules of an upload and its keys, checked before anything touches the database. */
class PrekeyUploadTest {
    private static final Bytes EC = Bytes.of(new byte[33]);
    private static final Bytes KYBER = Bytes.of(new byte[1569]);
    private static final Bytes SIGNATURE = Bytes.of(new byte[64]);

    @Test
    void refuses_an_empty_upload() {
        assertThatThrownBy(() -> new PrekeyUpload(Optional.empty(), List.of(), List.of(), Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nothing to upload");
    }

    @Test
    void refuses_a_one_time_key_id_twice_in_one_upload() {
        assertThatThrownBy(() -> new PrekeyUpload(
                        Optional.empty(),
                        List.of(new EcPrekey(4, EC), new EcPrekey(4, EC)),
                        List.of(),
                        Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("repeats key id 4");
    }

    @Test
    void refuses_a_kyber_key_id_twice_in_one_upload() {
        assertThatThrownBy(() -> new PrekeyUpload(
                        Optional.empty(),
                        List.of(),
                        List.of(new KyberPrekey(7, KYBER, SIGNATURE), new KyberPrekey(7, KYBER, SIGNATURE)),
                        Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("kyber_prekeys repeats key id 7");
    }

    @Test
    void refuses_a_last_resort_key_id_that_a_one_time_kyber_key_uses() {
        assertThatThrownBy(() -> new PrekeyUpload(
                        Optional.empty(),
                        List.of(),
                        List.of(new KyberPrekey(7, KYBER, SIGNATURE)),
                        Optional.of(new KyberPrekey(7, KYBER, SIGNATURE))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("key id 7");
    }

    @Test
    void refuses_keys_and_signatures_of_the_wrong_length() {
        assertThatThrownBy(() -> new EcPrekey(1, Bytes.of(new byte[32])))
                .hasMessage("EC public key must be 33 bytes, got 32");
        assertThatThrownBy(() -> new KyberPrekey(1, Bytes.of(new byte[1568]), SIGNATURE))
                .hasMessage("Kyber public key must be 1569 bytes, got 1568");
        assertThatThrownBy(() -> new SignedEcPrekey(1, EC, Bytes.of(new byte[65])))
                .hasMessage("signature must be 64 bytes, got 65");
    }

    @Test
    void refuses_a_negative_key_id() {
        assertThatThrownBy(() -> new EcPrekey(-1, EC)).hasMessageContaining("key id is 0..2147483647, got -1");
    }
}
