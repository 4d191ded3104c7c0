// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nexuslink.client.store.ProfileStore;
import org.nexuslink.client.store.StoreKey;
import org.nexuslink.crypto.identity.DeviceKeyPair;
import org.signal.libsignal.protocol.IdentityKeyPair;
import org.signal.libsignal.protocol.SessionBuilder;
import org.signal.libsignal.protocol.SessionCipher;
import org.signal.libsignal.protocol.SignalProtocolAddress;
import org.signal.libsignal.protocol.message.CiphertextMessage;
import org.signal.libsignal.protocol.message.PreKeySignalMessage;
import org.signal.libsignal.protocol.state.PreKeyBundle;
import org.signal.libsignal.protocol.state.impl.InMemorySignalProtocolStore;

class DirectBundleTest {
    @TempDir
    Path dir;

    @Test
    void the_direct_bundle_is_made_once_kept_in_the_store_and_starts_a_session_it_can_answer() throws Exception {
        DeviceKeyPair device = DeviceKeyPair.generate();
        try (ProfileStore store =
                ProfileStore.open(dir.resolve("messages.db"), StoreKey.derive(device), device.asIdentityKeyPair())) {
            PrekeyStock stock = new PrekeyStock(store, device, Clock.systemUTC());
            PreKeyBundle first = stock.directBundle(3);
            PreKeyBundle again = stock.directBundle(3);
            assertThat(again.getSignedPreKeyId()).isEqualTo(first.getSignedPreKeyId());
            assertThat(again.getKyberPreKeyId()).isEqualTo(first.getKyberPreKeyId());
            assertThat(store.signal().signedPreKeyIds()).hasSize(1);
            assertThat(store.signal().lastResortKyberPreKeyIds()).hasSize(1);
            assertThat(store.signal().oneTimeKyberPreKeyIds()).isEmpty();
            assertThat(first.getDeviceId()).isEqualTo(3);
            assertThat(first.getIdentityKey().getPublicKey().getPublicKeyBytes())
                    .isEqualTo(device.publicKeyBytes());

            // A peer starts a session from it; this profile decrypts with the keys it stored.
            IdentityKeyPair peerIdentity = IdentityKeyPair.generate();
            InMemorySignalProtocolStore peer = new InMemorySignalProtocolStore(peerIdentity, 0);
            SignalProtocolAddress me = new SignalProtocolAddress("nxl:me", 3);
            new SessionBuilder(peer, me).process(first);
            CiphertextMessage message = new SessionCipher(peer, me).encrypt("hello".getBytes());
            assertThat(message.getType()).isEqualTo(CiphertextMessage.PREKEY_TYPE);
            byte[] plain = new SessionCipher(store.signal(), new SignalProtocolAddress("nxl:peer", 1))
                    .decrypt(new PreKeySignalMessage(message.serialize()));
            assertThat(new String(plain)).isEqualTo("hello");
            assertThat(store.signal().lastResortKyberPreKeyIds())
                    .as("a last-resort key survives its use")
                    .hasSize(1);
        }
    }
}
