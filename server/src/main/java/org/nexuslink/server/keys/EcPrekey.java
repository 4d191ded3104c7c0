// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.keys;

import java.util.Objects;
import org.nexuslink.protocol.Bytes;

/**
 * A one-time EC (X25519) prekey as the server stores and hands it out: its id and libsignal's
 * serialized public key ({@value #KEY_LENGTH} bytes, type byte 0x05 then the 32-byte key).
 *
 * @param keyId the client's id for the key, 0..2^31-1
 * @param publicKey the serialized public key
 */
public record EcPrekey(int keyId, Bytes publicKey) {
    /** Length of libsignal's serialized Curve25519 public key. */
    public static final int KEY_LENGTH = 33;

    public EcPrekey {
        Objects.requireNonNull(publicKey, "publicKey");
        PrekeyFormats.requireKeyId(keyId);
        PrekeyFormats.requireLength("EC public key", publicKey, KEY_LENGTH);
    }
}
