// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.crypto.seal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SealedBoxTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] AAD = "nxl:account".getBytes(StandardCharsets.UTF_8);
    private static final byte[] MATERIALS = "passport scan bytes".getBytes(StandardCharsets.UTF_8);

    @Test
    void the_recipient_opens_what_was_sealed_to_it() throws Exception {
        SealedBox.KeyPair recipient = SealedBox.KeyPair.generate(RANDOM);

        byte[] box = SealedBox.seal(recipient.publicKey(), "nexuslink/kyc/v1", AAD, MATERIALS);

        assertThat(box).hasSize(32 + MATERIALS.length + 16);
        assertThat(new String(box, StandardCharsets.ISO_8859_1)).doesNotContain("passport");
        assertThat(SealedBox.open(recipient, "nexuslink/kyc/v1", AAD, box)).isEqualTo(MATERIALS);
    }

    @Test
    void two_seals_of_the_same_text_differ() {
        SealedBox.PublicKey key = SealedBox.KeyPair.generate(RANDOM).publicKey();

        assertThat(SealedBox.seal(key, "i", AAD, MATERIALS)).isNotEqualTo(SealedBox.seal(key, "i", AAD, MATERIALS));
    }

    @Test
    void another_key_another_aad_or_an_altered_box_cannot_open_it() {
        SealedBox.KeyPair recipient = SealedBox.KeyPair.generate(RANDOM);
        byte[] box = SealedBox.seal(recipient.publicKey(), "nexuslink/kyc/v1", AAD, MATERIALS);
        byte[] altered = box.clone();
        altered[40] ^= 1;

        assertThatThrownBy(() -> SealedBox.open(SealedBox.KeyPair.generate(RANDOM), "nexuslink/kyc/v1", AAD, box))
                .isInstanceOf(InvalidCipherTextException.class);
        assertThatThrownBy(() -> SealedBox.open(recipient, "nexuslink/kyc/v1", "nxl:other".getBytes(), box))
                .isInstanceOf(InvalidCipherTextException.class);
        assertThatThrownBy(() -> SealedBox.open(recipient, "nexuslink/other/v1", AAD, box))
                .isInstanceOf(InvalidCipherTextException.class);
        assertThatThrownBy(() -> SealedBox.open(recipient, "nexuslink/kyc/v1", AAD, altered))
                .isInstanceOf(InvalidCipherTextException.class);
        assertThatThrownBy(() -> SealedBox.open(recipient, "nexuslink/kyc/v1", AAD, new byte[20]))
                .isInstanceOf(InvalidCipherTextException.class);
    }

    @Test
    void the_key_file_round_trips_and_is_owner_only(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("compliance.key");
        SealedBox.KeyPair created = SealedBox.KeyPair.loadOrCreate(file, RANDOM);

        SealedBox.KeyPair loaded = SealedBox.KeyPair.load(file);

        assertThat(loaded.publicKey()).isEqualTo(created.publicKey());
        assertThat(Files.getPosixFilePermissions(file).toString()).isEqualTo("[OWNER_READ, OWNER_WRITE]");
        assertThat(loaded.toString())
                .doesNotContain(Files.readString(file).strip().split(" ")[2]);
        assertThat(SealedBox.PublicKey.fromBase64(created.publicKey().base64())).isEqualTo(created.publicKey());
    }

    @Test
    void refuses_a_public_key_of_the_wrong_length() {
        assertThatThrownBy(() -> SealedBox.PublicKey.fromBase64("AAAA"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("32 bytes");
    }
}
