// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.bench.client;

import org.signal.libsignal.protocol.IdentityKeyPair;
import org.signal.libsignal.protocol.ecc.ECKeyPair;
import org.signal.libsignal.protocol.kem.KEMKeyPair;
import org.signal.libsignal.protocol.kem.KEMKeyType;
import org.signal.libsignal.protocol.state.KyberPreKeyRecord;
import org.signal.libsignal.protocol.state.PreKeyBundle;
import org.signal.libsignal.protocol.state.PreKeyRecord;
import org.signal.libsignal.protocol.state.SignalProtocolStore;
import org.signal.libsignal.protocol.state.SignedPreKeyRecord;

/**
 * Publishes one PQXDH bundle for a device, as the client's prekey stock does (signed EC prekey,
 * one-time EC prekey, Kyber-1024 prekey, all signed by the device key), keeping the private
 * halves in the device's store.
 */
final class Prekeys {
    private static final int KEY_ID = 1;

    private Prekeys() {}

    static PreKeyBundle publish(SignalProtocolStore store, int deviceId) {
        IdentityKeyPair identity = store.getIdentityKeyPair();
        long now = System.currentTimeMillis();
        ECKeyPair signed = ECKeyPair.generate();
        byte[] signedSignature = identity.getPrivateKey()
                .calculateSignature(signed.getPublicKey().serialize());
        ECKeyPair oneTime = ECKeyPair.generate();
        KEMKeyPair kyber = KEMKeyPair.generate(KEMKeyType.KYBER_1024);
        byte[] kyberSignature =
                identity.getPrivateKey().calculateSignature(kyber.getPublicKey().serialize());
        store.storeSignedPreKey(KEY_ID, new SignedPreKeyRecord(KEY_ID, now, signed, signedSignature));
        store.storePreKey(KEY_ID, new PreKeyRecord(KEY_ID, oneTime));
        store.storeKyberPreKey(KEY_ID, new KyberPreKeyRecord(KEY_ID, now, kyber, kyberSignature));
        return new PreKeyBundle(
                0,
                deviceId,
                KEY_ID,
                oneTime.getPublicKey(),
                KEY_ID,
                signed.getPublicKey(),
                signedSignature,
                identity.getPublicKey(),
                KEY_ID,
                kyber.getPublicKey(),
                kyberSignature);
    }
}
