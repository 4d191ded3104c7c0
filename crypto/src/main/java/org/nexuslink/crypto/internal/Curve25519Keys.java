// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.crypto.internal;

import java.math.BigInteger;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.util.Arrays;
import org.signal.libsignal.protocol.InvalidKeyException;
import org.signal.libsignal.protocol.ecc.ECPublicKey;

/**
 * Checks that 32 raw bytes are a usable Curve25519 public key before libsignal gets them.
 *
 * <p>libsignal accepts any 32 bytes as a key. An identity, though, must have one spelling and
 * must not be a small-order point (for which every Diffie-Hellman result is zero, so the key
 * proves nothing): the u-coordinate must be canonical (below 2^255 - 19) and not one of the five
 * canonical u-coordinates of order 1, 2, 4 or 8 (the list libsodium and others block; the tests
 * check each against Bouncy Castle's X25519, which gives zero for exactly these). A list lookup
 * instead of a scalar multiplication keeps certificate checks cheap. Thread-safe.
 */
public final class Curve25519Keys {
    public static final int KEY_LENGTH = 32;
    private static final BigInteger P = BigInteger.TWO.pow(255).subtract(BigInteger.valueOf(19));
    /** Little-endian u-coordinates of small order below p: 0, 1, two of order 8, and p - 1. */
    public static final List<byte[]> SMALL_ORDER = List.of(
            hex("0000000000000000000000000000000000000000000000000000000000000000"),
            hex("0100000000000000000000000000000000000000000000000000000000000000"),
            hex("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800"),
            hex("5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157"),
            hex("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"));

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
        for (byte[] weak : SMALL_ORDER) {
            if (Arrays.areEqual(weak, raw)) {
                return Optional.of("a small-order Curve25519 point, not a usable key");
            }
        }
        return Optional.empty();
    }

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
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
