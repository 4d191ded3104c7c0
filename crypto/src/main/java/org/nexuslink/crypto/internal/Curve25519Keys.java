// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.crypto.internal;

import java.math.BigInteger;
import java.util.Optional;
import org.bouncycastle.math.ec.rfc7748.X25519;
import org.bouncycastle.util.Arrays;
import org.signal.libsignal.protocol.InvalidKeyException;
import org.signal.libsignal.protocol.ecc.ECPublicKey;

/**
 * Checks that 32 raw bytes are a usable Curve25519 public key before libsignal gets them.
 *
 * <p>libsignal accepts any 32 bytes as a key. An identity, though, must have one spelling and
 * must not be a small-order point (for which every Diffie-Hellman result is zero, so the key
 * proves nothing): the u-coordinate must be canonical (below 2^255 - 19), and an X25519 with a
 * fixed clamped scalar must not give the all-zero output, which is exactly the small-order case
 * (RFC 7748 section 6.1). Thread-safe.
 */
public final class Curve25519Keys {
    public static final int KEY_LENGTH = 32;
    private static final BigInteger P = BigInteger.TWO.pow(255).subtract(BigInteger.valueOf(19));
    private static final byte[] PROBE_SCALAR = new byte[X25519.SCALAR_SIZE];

    static {
        // Any clamped scalar works: clamping clears the low 3 bits, so small-order points map to zero.
        java.util.Arrays.fill(PROBE_SCALAR, (byte) 0x5a);
        X25519.clampPrivateKey(PROBE_SCALAR);
    }

    private Curve25519Keys() {}

    /** Why the bytes are not a key, or empty when they are one. */
    public static Optional<String> problem(byte[] raw) {
        if (raw.length != KEY_LENGTH) {
            return Optional.of("a public key has 32 bytes, got " + raw.length);
        }
        BigInteger u = new BigInteger(1, Arrays.reverse(raw));
        if (u.compareTo(P) >= 0) {
            return Optional.of("not a canonical Curve25519 point (u >= 2^255-19)");
        }
        byte[] out = new byte[X25519.POINT_SIZE];
        if (!X25519.calculateAgreement(PROBE_SCALAR, 0, raw, 0, out, 0)) {
            return Optional.of("a small-order Curve25519 point, not a usable key");
        }
        return Optional.empty();
    }

    /** The libsignal key for raw bytes already checked by {@link #problem}. */
    public static ECPublicKey toPublicKey(byte[] raw) {
        try {
            return ECPublicKey.fromPublicKeyBytes(raw);
        } catch (InvalidKeyException e) {
            throw new IllegalArgumentException("libsignal rejected a checked public key", e);
        }
    }
}
