// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.crypto.internal;

import java.nio.charset.StandardCharsets;
import org.signal.libsignal.protocol.ecc.ECPrivateKey;
import org.signal.libsignal.protocol.ecc.ECPublicKey;

/**
 * XEdDSA signatures (libsignal) over a domain label, a zero byte, and the message.
 *
 * <p>The label keeps a signature made for one purpose (a device certificate, a revocation, a
 * server challenge) from ever verifying as another, even if the message bytes coincide.
 * Thread-safe.
 */
public final class DomainSignature {
    /** XEdDSA signatures are 64 bytes. */
    public static final int LENGTH = 64;

    private DomainSignature() {}

    public static byte[] sign(ECPrivateKey key, String domain, byte[] message) {
        return key.calculateSignature(signedBytes(domain, message));
    }

    public static boolean verify(ECPublicKey key, String domain, byte[] message, byte[] signature) {
        if (signature.length != LENGTH) {
            return false;
        }
        return key.verifySignature(signedBytes(domain, message), signature);
    }

    /** {@code UTF-8(domain) || 0x00 || message}: the exact bytes that are signed. */
    public static byte[] signedBytes(String domain, byte[] message) {
        byte[] label = domain.getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[label.length + 1 + message.length];
        System.arraycopy(label, 0, out, 0, label.length);
        System.arraycopy(message, 0, out, label.length + 1, message.length);
        return out;
    }
}
