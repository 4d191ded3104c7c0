// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.crypto.transparency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.nexuslink.crypto.identity.AccountIdentity;
import org.nexuslink.crypto.identity.DeviceCertificate;
import org.nexuslink.crypto.identity.DeviceId;
import org.nexuslink.crypto.identity.DeviceKeyPair;
import org.nexuslink.crypto.identity.DeviceRevocation;
import org.nexuslink.protocol.Bytes;

class KeyLogEntryTest {
    private static final AccountIdentity ALICE = AccountIdentity.generate();
    private static final AccountIdentity MALLORY = AccountIdentity.generate();
    private static final Instant T = Instant.ofEpochSecond(1_800_000_000L);
    private static final DeviceKeyPair DEVICE = DeviceKeyPair.generate();
    private static final DeviceCertificate CERT =
            ALICE.certify(new DeviceId(2), DEVICE.publicKey(), T, Optional.empty());

    @Test
    void identity_entry_has_the_documented_bytes() {
        KeyLogEntry e = new KeyLogEntry.IdentityKey(ALICE.accountId(), T.plusMillis(999));
        String key = HexFormat.of().formatHex(ALICE.accountId().publicKeyBytes());
        // {0:1, 1:1, 2:bin8(32) key, 3:uint32 1800000000}
        assertThat(HexFormat.of().formatHex(e.encode()))
                .isEqualTo("84" + "0001" + "0101" + "02c420" + key + "03ce6b49d200");
    }

    @Test
    void every_type_round_trips_through_decode() throws InvalidProofException {
        DeviceRevocation revocation = ALICE.revoke(CERT, T.plusSeconds(60));
        KeyLogEntry[] entries = {
            new KeyLogEntry.IdentityKey(ALICE.accountId(), T),
            KeyLogEntry.DeviceAdded.of(CERT, T),
            new KeyLogEntry.DeviceRemoved(
                    ALICE.accountId(),
                    T.plusSeconds(60),
                    new DeviceId(2),
                    Bytes.of(DEVICE.publicKeyBytes()),
                    Optional.of(Bytes.of(revocation.encoded()))),
            new KeyLogEntry.DeviceRemoved(
                    ALICE.accountId(),
                    T.plusSeconds(60),
                    new DeviceId(2),
                    Bytes.of(DEVICE.publicKeyBytes()),
                    Optional.empty())
        };
        for (KeyLogEntry e : entries) {
            assertThat(KeyLogEntry.decode(e.encode())).isEqualTo(e);
            assertThat(e.leafHash()).isEqualTo(TreeHash.leaf(e.encode()));
        }
    }

    @Test
    void refuses_a_certificate_of_another_account() {
        byte[] forged = new KeyLogEntry.DeviceAdded(MALLORY.accountId(), T, Bytes.of(CERT.encoded())).encode();
        assertThatThrownBy(() -> KeyLogEntry.decode(forged))
                .isInstanceOf(InvalidProofException.class)
                .hasMessageContaining("certificate does not verify");
    }

    @Test
    void refuses_a_certificate_created_long_after_the_entry() {
        byte[] early = KeyLogEntry.DeviceAdded.of(CERT, T.minusSeconds(3600)).encode();
        assertThatThrownBy(() -> KeyLogEntry.decode(early))
                .isInstanceOf(InvalidProofException.class)
                .hasMessageContaining("future");
    }

    @Test
    void refuses_a_revocation_of_another_device() {
        DeviceCertificate other =
                ALICE.certify(new DeviceId(3), DeviceKeyPair.generate().publicKey(), T, Optional.empty());
        byte[] wrong = new KeyLogEntry.DeviceRemoved(
                        ALICE.accountId(),
                        T,
                        new DeviceId(2),
                        Bytes.of(DEVICE.publicKeyBytes()),
                        Optional.of(Bytes.of(ALICE.revoke(other, T).encoded())))
                .encode();
        assertThatThrownBy(() -> KeyLogEntry.decode(wrong))
                .isInstanceOf(InvalidProofException.class)
                .hasMessageContaining("another device");
    }

    @Test
    void refuses_unknown_types_extra_keys_and_garbage() {
        byte[] identity = new KeyLogEntry.IdentityKey(ALICE.accountId(), T).encode();
        byte[] unknownType = identity.clone();
        unknownType[4] = 9;
        assertThatThrownBy(() -> KeyLogEntry.decode(unknownType)).hasMessageContaining("type 9 is unknown");
        assertThatThrownBy(() -> KeyLogEntry.decode(new byte[] {(byte) 0x80}))
                .isInstanceOf(InvalidProofException.class);
        assertThatThrownBy(() -> KeyLogEntry.decode(new byte[] {1, 2, 3})).isInstanceOf(InvalidProofException.class);
        byte[] extra = KeyLogEntry.DeviceAdded.of(CERT, T).encode();
        byte[] retyped = extra.clone();
        retyped[4] = 1;
        assertThatThrownBy(() -> KeyLogEntry.decode(retyped)).hasMessageContaining("must not carry key 6");
    }
}
