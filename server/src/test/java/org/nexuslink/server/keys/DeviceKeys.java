// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.keys;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.nexuslink.crypto.identity.DeviceKeyPair;
import org.nexuslink.protocol.Bytes;
import org.signal.libsignal.protocol.ecc.ECKeyPair;
import org.signal.libsignal.protocol.kem.KEMKeyPair;
import org.signal.libsignal.protocol.kem.KEMKeyType;
import org.signal.libsignal.protocol.state.KyberPreKeyRecord;
import org.signal.libsignal.protocol.state.PreKeyRecord;
import org.signal.libsignal.protocol.state.SignalProtocolStore;
import org.signal.libsignal.protocol.state.SignedPreKeyRecord;

/**
 * Prekeys a client would generate with libsignal, signed by its device key: the private records
 * (for the client's own store) and their public halves as uploaded.
 */
final class DeviceKeys {
    private final DeviceKeyPair device;
    final List<SignedPreKeyRecord> signed = new ArrayList<>();
    final List<PreKeyRecord> oneTime = new ArrayList<>();
    final List<KyberPreKeyRecord> kyber = new ArrayList<>();
    final List<KyberPreKeyRecord> lastResort = new ArrayList<>();

    DeviceKeys(DeviceKeyPair device) {
        this.device = device;
    }

    SignedEcPrekey signedPrekey(int id) {
        ECKeyPair pair = ECKeyPair.generate();
        byte[] signature =
                device.privateKey().calculateSignature(pair.getPublicKey().serialize());
        SignedPreKeyRecord record = new SignedPreKeyRecord(id, System.currentTimeMillis(), pair, signature);
        signed.add(record);
        return new SignedEcPrekey(id, Bytes.of(pair.getPublicKey().serialize()), Bytes.of(signature));
    }

    List<EcPrekey> oneTimePrekeys(int firstId, int count) {
        List<EcPrekey> keys = new ArrayList<>();
        for (int id = firstId; id < firstId + count; id++) {
            ECKeyPair pair = ECKeyPair.generate();
            oneTime.add(new PreKeyRecord(id, pair));
            keys.add(new EcPrekey(id, Bytes.of(pair.getPublicKey().serialize())));
        }
        return keys;
    }

    List<KyberPrekey> kyberPrekeys(int firstId, int count) {
        List<KyberPrekey> keys = new ArrayList<>();
        for (int id = firstId; id < firstId + count; id++) {
            keys.add(kyber(id, kyber));
        }
        return keys;
    }

    KyberPrekey lastResortPrekey(int id) {
        return kyber(id, lastResort);
    }

    private KyberPrekey kyber(int id, List<KyberPreKeyRecord> into) {
        KEMKeyPair pair = KEMKeyPair.generate(KEMKeyType.KYBER_1024);
        byte[] signature =
                device.privateKey().calculateSignature(pair.getPublicKey().serialize());
        into.add(new KyberPreKeyRecord(id, System.currentTimeMillis(), pair, signature));
        return new KyberPrekey(id, Bytes.of(pair.getPublicKey().serialize()), Bytes.of(signature));
    }

    /** A full first upload: signed prekey 1, one-time EC ids 1.., Kyber ids 1.. and last-resort Kyber id 1000. */
    PrekeyUpload fullUpload(int oneTimeCount, int kyberCount) {
        return new PrekeyUpload(
                Optional.of(signedPrekey(1)),
                oneTimePrekeys(1, oneTimeCount),
                kyberPrekeys(1, kyberCount),
                Optional.of(lastResortPrekey(1000)));
    }

    /** Puts every private record into a client's libsignal store. */
    void storeInto(SignalProtocolStore store) {
        signed.forEach(r -> store.storeSignedPreKey(r.getId(), r));
        oneTime.forEach(r -> store.storePreKey(r.getId(), r));
        kyber.forEach(r -> store.storeKyberPreKey(r.getId(), r));
        lastResort.forEach(r -> store.storeKyberPreKey(r.getId(), r));
    }
}
