// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.crypto.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.security.SecureRandom;
import org.bouncycastle.math.ec.rfc7748.X25519;
import org.junit.jupiter.api.Test;

class Curve25519KeysTest {
    /** X25519 with a clamped scalar yields zero exactly for small-order inputs (RFC 7748 section 6.1). */
    static boolean smallOrderByX25519(byte[] u) {
        byte[] scalar = new byte[32];
        new SecureRandom().nextBytes(scalar);
        X25519.clampPrivateKey(scalar);
        return !X25519.calculateAgreement(scalar, 0, u, 0, new byte[32], 0);
    }

    @Test
    void every_blocked_point_is_small_order_by_bouncy_castle() {
        for (byte[] u : Curve25519Keys.SMALL_ORDER) {
            assertThat(smallOrderByX25519(u)).isTrue();
            assertThat(Curve25519Keys.problem(u)).isPresent();
        }
    }

    static byte[] littleEndian(BigInteger v) {
        byte[] be = v.toByteArray();
        byte[] le = new byte[32];
        for (int i = 0; i < Math.min(32, be.length); i++) {
            le[i] = be[be.length - 1 - i];
        }
        return le;
    }
}
