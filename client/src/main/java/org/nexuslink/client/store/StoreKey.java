// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Objects;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.nexuslink.crypto.identity.DeviceKeyPair;

/**
 * The two keys of a profile store: the AES-256-GCM key that seals every sensitive column, and
 * the HMAC-SHA256 key of the blind indexes that stand in for lookup values. Both come from the
 * device's private key, so the store opens wherever the keystore has been unlocked and nowhere
 * else.
 *
 * <p>Holds secrets: the accessors return copies and {@link #toString()} shows nothing.
 *
 * @param encryptionKey 32 bytes, the sealing key
 * @param indexKey 32 bytes, the blind-index key
 */
public record StoreKey(byte[] encryptionKey, byte[] indexKey) {
    /** HKDF info: the domain separation of this key from every other use of the device key. */
    public static final String DERIVATION_INFO = "nexuslink/local-store/v1";
    /** Length of each key in bytes. */
    public static final int KEY_BYTES = 32;

    public StoreKey {
        Objects.requireNonNull(encryptionKey, "encryptionKey");
        Objects.requireNonNull(indexKey, "indexKey");
        if (encryptionKey.length != KEY_BYTES || indexKey.length != KEY_BYTES) {
            throw new IllegalArgumentException("a store key is two 32-byte keys, got " + encryptionKey.length + " and "
                    + indexKey.length + " bytes");
        }
        encryptionKey = encryptionKey.clone();
        indexKey = indexKey.clone();
    }

    /**
     * Derives the store key of a device: HKDF-SHA256 over the 32-byte private key, no salt, info
     * {@value #DERIVATION_INFO}, 64 bytes: the first 32 seal, the last 32 index.
     */
    public static StoreKey derive(DeviceKeyPair deviceKey) {
        Objects.requireNonNull(deviceKey, "deviceKey");
        byte[] ikm = deviceKey.privateKeyBytes();
        byte[] okm = new byte[2 * KEY_BYTES];
        try {
            HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
            hkdf.init(new HKDFParameters(ikm, null, DERIVATION_INFO.getBytes(StandardCharsets.US_ASCII)));
            hkdf.generateBytes(okm, 0, okm.length);
            return new StoreKey(Arrays.copyOfRange(okm, 0, KEY_BYTES), Arrays.copyOfRange(okm, KEY_BYTES, okm.length));
        } finally {
            Arrays.fill(ikm, (byte) 0);
            Arrays.fill(okm, (byte) 0);
        }
    }

    @Override
    public byte[] encryptionKey() {
        return encryptionKey.clone();
    }

    @Override
    public byte[] indexKey() {
        return indexKey.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StoreKey other
                && MessageDigest.isEqual(encryptionKey, other.encryptionKey)
                && MessageDigest.isEqual(indexKey, other.indexKey);
    }

    @Override
    public int hashCode() {
        // Never derived from the secret bytes: a hash code can leak through collections.
        return StoreKey.class.hashCode();
    }

    @Override
    public String toString() {
        return "StoreKey[redacted]";
    }
}
