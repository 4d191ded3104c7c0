// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nexuslink.client.LocalDevice;
import org.nexuslink.client.store.ProfileStore;
import org.nexuslink.client.store.StoreKey;
import org.nexuslink.crypto.identity.AccountIdentity;
import org.nexuslink.crypto.identity.DeviceCertificate;
import org.nexuslink.crypto.identity.DeviceId;
import org.nexuslink.crypto.identity.DeviceKeyPair;

class RevocationLookupTest {
    @TempDir
    Path dir;

    @Test
    void a_learnt_revocation_is_found_for_its_device_key_only_and_survives_a_reopen() {
        AccountIdentity me = AccountIdentity.generate();
        DeviceKeyPair myDevice = DeviceKeyPair.generate();
        LocalDevice local = new LocalDevice(
                me.accountId(),
                myDevice,
                me.certify(DeviceId.PRIMARY, myDevice.publicKey(), Instant.now(), Optional.empty()));
        AccountIdentity them = AccountIdentity.generate();
        DeviceKeyPair lost = DeviceKeyPair.generate();
        DeviceCertificate lostCert = them.certify(new DeviceId(2), lost.publicKey(), Instant.now(), Optional.empty());
        DeviceKeyPair relinked = DeviceKeyPair.generate();
        Path file = dir.resolve("messages.db");
        try (ProfileStore store = ProfileStore.open(file, StoreKey.derive(myDevice), myDevice.asIdentityKeyPair())) {
            DirectMessenger messenger = new DirectMessenger(store, local, Clock.systemUTC());
            assertThat(messenger.isRevoked(them.accountId(), 2, lost.publicKeyBytes()))
                    .isFalse();
            messenger.learn(them.revoke(lostCert, Instant.now()));
            assertThat(messenger.isRevoked(them.accountId(), 2, lost.publicKeyBytes()))
                    .isTrue();
            assertThat(messenger.isRevoked(them.accountId(), 2, relinked.publicKeyBytes()))
                    .isFalse();
            assertThat(messenger.isRevoked(me.accountId(), 2, lost.publicKeyBytes()))
                    .isFalse();
        }
        try (ProfileStore store = ProfileStore.open(file, StoreKey.derive(myDevice), myDevice.asIdentityKeyPair())) {
            assertThat(new DirectMessenger(store, local, Clock.systemUTC())
                            .isRevoked(them.accountId(), 2, lost.publicKeyBytes()))
                    .isTrue();
        }
    }
}
