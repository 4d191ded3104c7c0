// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.p2p.internal.noise;

import java.security.SecureRandom;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.X25519PublicKeyParameters;

/**
 * A Curve25519 key pair for Noise's DH functions (X25519 from Bouncy Castle).
 * Holds a private key: {@link #toString()} omits it. Immutable.
 */
public final class DhKeyPair {
    public static final int DHLEN = 32;

    private final X25519PrivateKeyParameters privateKey;
    private final byte[] publicKey;

    private DhKeyPair(X25519PrivateKeyParameters privateKey) {
        this.privateKey = privateKey;
        this.publicKey = privateKey.generatePublicKey().getEncoded();
    }

    public static DhKeyPair generate(SecureRandom random) {
        return new DhKeyPair(new X25519PrivateKeyParameters(random));
    }

    public static DhKeyPair fromPrivate(byte[] key) {
        return new DhKeyPair(new X25519PrivateKeyParameters(key, 0));
    }

    public byte[] publicKey() {
        return publicKey.clone();
    }

    /**
     * X25519 with a peer's public key.
     *
     * @throws NoiseException if the result is all zeros (a low-order point: the peer would
     *     know the shared secret without knowing a key)
     */
    public byte[] dh(byte[] remotePublic) throws NoiseException {
        byte[] out = new byte[DHLEN];
        try {
            privateKey.generateSecret(new X25519PublicKeyParameters(remotePublic, 0), out, 0);
        } catch (IllegalStateException e) {
            throw new NoiseException("X25519 with a low-order public key");
        }
        return out;
    }

    @Override
    public String toString() {
        return "DhKeyPair[public=" + java.util.HexFormat.of().formatHex(publicKey) + ", private=redacted]";
    }
}
