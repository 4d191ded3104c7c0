// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.store;

import java.nio.file.Path;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.crypto.identity.DeviceKeyPair;
import org.signal.libsignal.protocol.SignalProtocolAddress;
import org.signal.libsignal.protocol.ecc.ECKeyPair;

/** A profile for tests: an account id, a device key and the store file in a temporary folder. */
record TestProfile(String accountId, int deviceId, DeviceKeyPair device, Path file) {
    static TestProfile create(Path dir, String name) {
        String account = AccountId.of(new org.signal.libsignal.protocol.IdentityKey(
                        ECKeyPair.generate().getPublicKey()))
                .toString();
        return new TestProfile(account, 1, DeviceKeyPair.generate(), dir.resolve(name + ".db"));
    }

    StoreKey key() {
        return StoreKey.derive(device);
    }

    ProfileStore open() {
        return ProfileStore.open(file, key(), device.asIdentityKeyPair());
    }

    SignalProtocolAddress address() {
        return new SignalProtocolAddress(accountId, deviceId);
    }
}
