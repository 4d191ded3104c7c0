// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.p2p;

import java.util.Optional;

/** The key types of the libp2p peer-ids spec's {@code KeyType} enum, with their wire numbers. */
public enum KeyType {
    RSA(0),
    ED25519(1),
    SECP256K1(2),
    ECDSA(3);

    private final int number;

    KeyType(int number) {
        this.number = number;
    }

    public int number() {
        return number;
    }

    public static Optional<KeyType> of(long number) {
        for (KeyType t : values()) {
            if (t.number == number) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
