// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.crypto.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class Curve25519KeysProperties {
    @Property(tries = 300)
    void canonical_values_are_rejected_exactly_when_bouncy_castle_finds_small_order(@ForAll("canonical") byte[] u) {
        assertThat(Curve25519Keys.problem(u).isPresent()).isEqualTo(Curve25519KeysTest.smallOrderByX25519(u));
    }

    @Provide
    Arbitrary<byte[]> canonical() {
        BigInteger p = BigInteger.TWO.pow(255).subtract(BigInteger.valueOf(19));
        Arbitrary<byte[]> random = Arbitraries.bigIntegers()
                .between(BigInteger.ZERO, p.subtract(BigInteger.ONE))
                .map(Curve25519KeysTest::littleEndian);
        Arbitrary<byte[]> blocked = Arbitraries.of(Curve25519Keys.SMALL_ORDER).map(byte[]::clone);
        return Arbitraries.oneOf(random, blocked);
    }
}
