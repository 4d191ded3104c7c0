// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.keys;

import java.util.Objects;
import org.nexuslink.protocol.Bytes;

/**
 * A signed Kyber-1024 (KEM) prekey for PQXDH: libsignal's serialized public key
 * ({@value #KEY_LENGTH} bytes, type byte 0x08 then the key) and the device key's XEdDSA signature
 * over exactly those bytes, as {@code KyberPreKeyRecord} makes it. The same shape serves one-time
 * keys and the last-resort key.
 *
 * @param keyId the client's id for the key, 0..2^31-1
 * @param publicKey the serialized public key
 * @param signature the 64-byte signature by the device key
 */
public record KyberPrekey(int keyId, Bytes publicKey, Bytes signature) {
    /** Length of libsignal's serialized Kyber-1024 public key, the only KEM type libsignal has. */
    public static final int KEY_LENGTH = 1569;

    public KyberPrekey {
        Objects.requireNonNull(publicKey, "publicKey");
        Objects.requireNonNull(signature, "signature");
        PrekeyFormats.requireKeyId(keyId);
        PrekeyFormats.requireLength("Kyber public key", publicKey, KEY_LENGTH);
        PrekeyFormats.requireLength("signature", signature, PrekeyFormats.SIGNATURE_LENGTH);
    }
}
