// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.junit.jupiter.api.Test;
import org.nexuslink.crypto.identity.DeviceKeyPair;

class StoreKeyTest {
    @Test
    void derives_the_two_halves_of_hkdf_sha256_over_the_device_private_key() {
        DeviceKeyPair device = DeviceKeyPair.generate();
        byte[] expected = new byte[64];
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(new HKDFParameters(
                device.privateKeyBytes(), null, "nexuslink/local-store/v1".getBytes(StandardCharsets.US_ASCII)));
        hkdf.generateBytes(expected, 0, 64);

        StoreKey key = StoreKey.derive(device);

        assertThat(key.encryptionKey()).isEqualTo(java.util.Arrays.copyOfRange(expected, 0, 32));
        assertThat(key.indexKey()).isEqualTo(java.util.Arrays.copyOfRange(expected, 32, 64));
    }

    @Test
    void is_stable_for_one_device_and_different_for_another() {
        DeviceKeyPair device = DeviceKeyPair.generate();
        DeviceKeyPair restored = DeviceKeyPair.fromPrivateKeyBytes(device.privateKeyBytes());

        assertThat(StoreKey.derive(restored)).isEqualTo(StoreKey.derive(device));
        assertThat(StoreKey.derive(DeviceKeyPair.generate())).isNotEqualTo(StoreKey.derive(device));
    }

    @Test
    void to_string_hides_both_keys() {
        StoreKey key = StoreKey.derive(DeviceKeyPair.generate());

        assertThat(key.toString())
                .doesNotContain(HexFormat.of().formatHex(key.encryptionKey()))
                .doesNotContain(HexFormat.of().formatHex(key.indexKey()))
                .isEqualTo("StoreKey[redacted]");
    }

    @Test
    void accessors_return_copies() {
        StoreKey key = StoreKey.derive(DeviceKeyPair.generate());
        byte[] leaked = key.encryptionKey();
        leaked[0] ^= 1;

        assertThat(key.encryptionKey()).isNotEqualTo(leaked);
    }

    @Test
    void refuses_keys_of_the_wrong_length() {
        assertThatThrownBy(() -> new StoreKey(new byte[16], new byte[32]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("two 32-byte keys");
    }
}
