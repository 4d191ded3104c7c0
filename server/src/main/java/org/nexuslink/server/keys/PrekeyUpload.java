// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.keys;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What one {@code POST /api/v1/prekeys} carries: any of a new signed EC prekey, one-time EC
 * prekeys, one-time Kyber prekeys and a new last-resort Kyber prekey. The shape is checked here
 * (something to upload, no id twice in the request); sizes against the quota, key validity and
 * signatures are checked by {@link PrekeyService#upload}.
 */
public record PrekeyUpload(
        Optional<SignedEcPrekey> signedPrekey,
        List<EcPrekey> oneTimePrekeys,
        List<KyberPrekey> kyberPrekeys,
        Optional<KyberPrekey> lastResortKyberPrekey) {
    public PrekeyUpload {
        Objects.requireNonNull(signedPrekey, "signedPrekey");
        Objects.requireNonNull(lastResortKyberPrekey, "lastResortKyberPrekey");
        oneTimePrekeys = List.copyOf(oneTimePrekeys);
        kyberPrekeys = List.copyOf(kyberPrekeys);
        if (signedPrekey.isEmpty()
                && oneTimePrekeys.isEmpty()
                && kyberPrekeys.isEmpty()
                && lastResortKyberPrekey.isEmpty()) {
            throw new IllegalArgumentException("nothing to upload: give signed_prekey, one_time_prekeys, "
                    + "kyber_prekeys or last_resort_kyber_prekey");
        }
        Set<Integer> ec = new HashSet<>();
        for (EcPrekey key : oneTimePrekeys) {
            if (!ec.add(key.keyId())) {
                throw new IllegalArgumentException("one_time_prekeys repeats key id " + key.keyId());
            }
        }
        // One-time and last-resort Kyber keys share the device's Kyber id space (one table).
        Set<Integer> kyber = new HashSet<>();
        for (KyberPrekey key : kyberPrekeys) {
            if (!kyber.add(key.keyId())) {
                throw new IllegalArgumentException("kyber_prekeys repeats key id " + key.keyId());
            }
        }
        if (lastResortKyberPrekey.isPresent()
                && kyber.contains(lastResortKyberPrekey.get().keyId())) {
            throw new IllegalArgumentException("last_resort_kyber_prekey uses key id "
                    + lastResortKyberPrekey.get().keyId() + ", which kyber_prekeys also uses");
        }
    }
}
