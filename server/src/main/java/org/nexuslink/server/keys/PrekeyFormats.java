// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.keys;

import org.nexuslink.protocol.Bytes;

/** The size rules shared by the prekey value types. */
final class PrekeyFormats {
    /** Length of an XEdDSA signature. */
    static final int SIGNATURE_LENGTH = 64;

    private PrekeyFormats() {}

    static void requireKeyId(int keyId) {
        // libsignal's Java API uses -1 for "no prekey"; ids are otherwise unsigned.
        if (keyId < 0) {
            throw new IllegalArgumentException("a key id is 0.." + Integer.MAX_VALUE + ", got " + keyId);
        }
    }

    static void requireLength(String what, Bytes bytes, int length) {
        if (bytes.length() != length) {
            throw new IllegalArgumentException(what + " must be " + length + " bytes, got " + bytes.length());
        }
    }
}
