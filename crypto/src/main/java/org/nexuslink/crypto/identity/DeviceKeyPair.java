// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.crypto.identity;

import java.util.Objects;
import org.signal.libsignal.protocol.IdentityKey;
import org.signal.libsignal.protocol.IdentityKeyPair;
import org.signal.libsignal.protocol.InvalidKeyException;
import org.signal.libsignal.protocol.ecc.ECKeyPair;
import org.signal.libsignal.protocol.ecc.ECPrivateKey;
import org.signal.libsignal.protocol.ecc.ECPublicKey;

/**
 * A device's own Curve25519 key pair: its libsignal identity for sessions, and the key that signs
 * server challenges. It never leaves the device; the account identity certifies its public half.
 *
 * <p>Holds a private key: {@link #toString()} shows only the public key. Immutable and thread-safe.
 */
public final class DeviceKeyPair {
    private final ECKeyPair pair;

    private DeviceKeyPair(ECKeyPair pair) {
        this.pair = pair;
    }

    /** A fresh key pair from libsignal's secure randomness. */
    public static DeviceKeyPair generate() {
        return new DeviceKeyPair(ECKeyPair.generate());
    }

    /**
     * The key pair of a stored 32-byte private key.
     *
     * @throws IllegalArgumentException if the bytes are not a private key
     */
    public static DeviceKeyPair fromPrivateKeyBytes(byte[] privateKey) {
        Objects.requireNonNull(privateKey, "privateKey");
        try {
            ECPrivateKey key = new ECPrivateKey(privateKey);
            return new DeviceKeyPair(new ECKeyPair(key.publicKey(), key));
        } catch (InvalidKeyException e) {
            throw new IllegalArgumentException("not a Curve25519 private key", e);
        }
    }

    public ECPublicKey publicKey() {
        return pair.getPublicKey();
    }

    /** The raw 32-byte public key. */
    public byte[] publicKeyBytes() {
        return pair.getPublicKey().getPublicKeyBytes();
    }

    /** The private key, for libsignal stores and signatures. Keep it in memory only. */
    public ECPrivateKey privateKey() {
        return pair.getPrivateKey();
    }

    /**
     * The device's 64-byte XEdDSA signature over {@code domain}, a zero byte and {@code message}:
     * how an account signs a request to a service that is not its community (the directory),
     * verified with {@link DeviceCertificate#verifySignature}.
     */
    public byte[] sign(String domain, byte[] message) {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(message, "message");
        return org.nexuslink.crypto.internal.DomainSignature.sign(pair.getPrivateKey(), domain, message);
    }

    /** The 32-byte private key, for the keystore. */
    public byte[] privateKeyBytes() {
        return pair.getPrivateKey().serialize();
    }

    /** This pair as the device's libsignal identity key pair. */
    public IdentityKeyPair asIdentityKeyPair() {
        return new IdentityKeyPair(new IdentityKey(pair.getPublicKey()), pair.getPrivateKey());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DeviceKeyPair other && pair.getPublicKey().equals(other.pair.getPublicKey());
    }

    @Override
    public int hashCode() {
        return pair.getPublicKey().hashCode();
    }

    @Override
    public String toString() {
        return "DeviceKeyPair[public=" + java.util.HexFormat.of().formatHex(publicKeyBytes()) + ", private=redacted]";
    }
}
