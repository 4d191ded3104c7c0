// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.crypto.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DeviceSignatureTest {
    private static final byte[] MESSAGE = "kyc initiate".getBytes(StandardCharsets.UTF_8);

    @Test
    void a_device_signature_verifies_under_its_certificate_and_domain_only() throws Exception {
        AccountIdentity account = AccountIdentity.generate();
        DeviceKeyPair device = DeviceKeyPair.generate();
        DeviceCertificate certificate =
                account.certify(new DeviceId(1), device.publicKey(), Instant.now(), Optional.empty());

        byte[] signature = device.sign("nexuslink/directory/v1", MESSAGE);

        assertThat(certificate.verifySignature("nexuslink/directory/v1", MESSAGE, signature))
                .isTrue();
        assertThat(certificate.verifySignature("nexuslink/challenge/v2", MESSAGE, signature))
                .isFalse();
        assertThat(certificate.verifySignature("nexuslink/directory/v1", "other".getBytes(), signature))
                .isFalse();
        DeviceCertificate other =
                account.certify(new DeviceId(2), DeviceKeyPair.generate().publicKey(), Instant.now(), Optional.empty());
        assertThat(other.verifySignature("nexuslink/directory/v1", MESSAGE, signature))
                .isFalse();
        assertThat(certificate.verifySignature("nexuslink/directory/v1", MESSAGE, new byte[3]))
                .isFalse();
    }
}
