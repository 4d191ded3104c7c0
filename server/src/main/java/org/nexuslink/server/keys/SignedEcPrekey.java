// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.keys;

import java.time.Instant;
import java.util.Objects;
import org.nexuslink.protocol.Bytes;

/**
 * A device's signed EC (X25519) prekey: libsignal's serialized public key and the device key's
 * XEdDSA signature over exactly those {@value EcPrekey#KEY_LENGTH} bytes, as libsignal's
 * {@code SignedPreKeyRecord} makes it and {@code SessionBuilder} checks it.
 *
 * @param keyId the client's id for the key, 0..2^31-1
 * @param publicKey the serialized public key
 * @param signature the 64-byte signature by the device key
 */
public record SignedEcPrekey(int keyId, Bytes publicKey, Bytes signature) {
    public SignedEcPrekey {
        Objects.requireNonNull(publicKey, "publicKey");
        Objects.requireNonNull(signature, "signature");
        PrekeyFormats.requireKeyId(keyId);
        PrekeyFormats.requireLength("EC public key", publicKey, EcPrekey.KEY_LENGTH);
        PrekeyFormats.requireLength("signature", signature, PrekeyFormats.SIGNATURE_LENGTH);
    }

    /** The stored key with the time it was uploaded, which decides its age. */
    public record Stored(SignedEcPrekey key, Instant uploadedAt) {
        public Stored {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(uploadedAt, "uploadedAt");
        }
    }
}
