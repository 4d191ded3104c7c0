// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.p2p;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.nexuslink.p2p.internal.noise.CipherState;
import org.nexuslink.p2p.internal.noise.DhKeyPair;
import org.nexuslink.p2p.internal.noise.NoiseException;
import org.nexuslink.p2p.internal.noise.XxHandshake;

/** The published cacophony vector for Noise_XX_25519_ChaChaPoly_SHA256 (see resources/noise/SOURCE.md). */
class NoiseVectorTest {

    @Test
    void reproduces_the_cacophony_xx_vector_byte_for_byte() throws Exception {
        JsonNode v;
        try (InputStream in = getClass().getResourceAsStream("/noise/cacophony-xx-25519-chachapoly-sha256.json")) {
            v = new ObjectMapper().readTree(in).get("vectors").get(0);
        }
        assertThat(v.get("protocol_name").asText()).isEqualTo(XxHandshake.PROTOCOL_NAME);
        XxHandshake init = new XxHandshake(
                true,
                hex(v, "init_prologue"),
                DhKeyPair.fromPrivate(hex(v, "init_static")),
                () -> DhKeyPair.fromPrivate(hex(v, "init_ephemeral")));
        XxHandshake resp = new XxHandshake(
                false,
                hex(v, "resp_prologue"),
                DhKeyPair.fromPrivate(hex(v, "resp_static")),
                () -> DhKeyPair.fromPrivate(hex(v, "resp_ephemeral")));
        JsonNode messages = v.get("messages");
        for (int i = 0; i < 3; i++) {
            XxHandshake writer = i % 2 == 0 ? init : resp;
            XxHandshake reader = i % 2 == 0 ? resp : init;
            byte[] payload = hex(messages.get(i), "payload");
            byte[] ciphertext = writer.writeMessage(payload);
            assertThat(Hex.of(ciphertext))
                    .as("handshake message %d", i)
                    .isEqualTo(messages.get(i).get("ciphertext").asText());
            assertThat(reader.readMessage(ciphertext)).isEqualTo(payload);
        }
        assertThat(Hex.of(init.handshakeHash()))
                .isEqualTo(v.get("handshake_hash").asText());
        assertThat(resp.handshakeHash()).isEqualTo(init.handshakeHash());
        CipherState[] i = init.split();
        CipherState[] r = resp.split();
        for (int m = 3; m < messages.size(); m++) {
            CipherState send = m % 2 == 0 ? i[0] : r[0];
            CipherState receive = m % 2 == 0 ? r[1] : i[1];
            byte[] payload = hex(messages.get(m), "payload");
            byte[] ciphertext = send.encryptWithAd(new byte[0], payload);
            assertThat(Hex.of(ciphertext))
                    .as("transport message %d", m)
                    .isEqualTo(messages.get(m).get("ciphertext").asText());
            assertThat(receive.decryptWithAd(new byte[0], ciphertext)).isEqualTo(payload);
        }
    }

    @Test
    void a_tampered_handshake_message_fails_authentication() throws Exception {
        SecureRandom random = new SecureRandom();
        XxHandshake init =
                new XxHandshake(true, new byte[0], DhKeyPair.generate(random), () -> DhKeyPair.generate(random));
        XxHandshake resp =
                new XxHandshake(false, new byte[0], DhKeyPair.generate(random), () -> DhKeyPair.generate(random));
        resp.readMessage(init.writeMessage(new byte[0]));
        byte[] second = resp.writeMessage(new byte[] {1, 2, 3});
        second[40] ^= 1;
        assertThatThrownBy(() -> init.readMessage(second)).isInstanceOf(NoiseException.class);
    }

    @Test
    void messages_out_of_turn_are_refused() {
        SecureRandom random = new SecureRandom();
        XxHandshake resp =
                new XxHandshake(false, new byte[0], DhKeyPair.generate(random), () -> DhKeyPair.generate(random));
        assertThatThrownBy(() -> resp.writeMessage(new byte[0])).isInstanceOf(NoiseException.class);
        assertThatThrownBy(() -> resp.readMessage(new byte[5])).isInstanceOf(NoiseException.class);
    }

    @Test
    void a_low_order_ephemeral_key_is_refused() throws Exception {
        SecureRandom random = new SecureRandom();
        XxHandshake resp =
                new XxHandshake(false, new byte[0], DhKeyPair.generate(random), () -> DhKeyPair.generate(random));
        resp.readMessage(new byte[32]);
        assertThatThrownBy(() -> resp.writeMessage(new byte[0])).isInstanceOf(NoiseException.class);
    }

    private static byte[] hex(JsonNode node, String field) {
        return Hex.bytes(node.get(field).asText());
    }
}
