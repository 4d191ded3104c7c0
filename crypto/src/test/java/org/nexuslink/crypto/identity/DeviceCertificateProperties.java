// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.crypto.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

class DeviceCertificateProperties {
    static final byte[] VECTOR = HexFormat.of().parseHex(KnownVectors.CERTIFICATE);
    static final AccountId ACCOUNT = DeviceCertificateTest.ABANDON.accountId();

    /** One edit to a certificate: flip, replace, insert or delete at a position. */
    record Mutation(int kind, int position, byte value) {
        byte[] apply(byte[] in) {
            int at = Math.floorMod(position, in.length);
            return switch (kind) {
                case 0 -> {
                    byte[] o = in.clone();
                    o[at] ^= (byte) (value == 0 ? 1 : value);
                    yield o;
                }
                case 1 -> {
                    byte[] o = in.clone();
                    o[at] = value;
                    yield o;
                }
                case 2 -> {
                    byte[] o = new byte[in.length + 1];
                    System.arraycopy(in, 0, o, 0, at);
                    o[at] = value;
                    System.arraycopy(in, at, o, at + 1, in.length - at);
                    yield o;
                }
                default -> {
                    byte[] o = new byte[in.length - 1];
                    System.arraycopy(in, 0, o, 0, at);
                    System.arraycopy(in, at + 1, o, at, in.length - at - 1);
                    yield o;
                }
            };
        }
    }

    @Property(tries = 300)
    void random_mutations_never_verify(@ForAll("mutations") @Size(min = 1, max = 4) List<Mutation> mutations) {
        byte[] bytes = VECTOR;
        for (Mutation m : mutations) {
            bytes = m.apply(bytes);
        }
        byte[] mutated = bytes;
        if (Arrays.equals(mutated, VECTOR)) {
            return; // replacing a byte by itself changes nothing
        }
        assertThatThrownBy(() -> DeviceCertificate.verify(mutated, ACCOUNT, DeviceCertificateTest.DURING))
                .isInstanceOf(InvalidCertificateException.class);
    }

    @Property(tries = 300)
    void random_bytes_raise_only_the_typed_error(@ForAll byte[] bytes) {
        try {
            DeviceCertificate.decodeUnverified(bytes);
        } catch (InvalidCertificateException expected) {
            assertThat(expected.reason())
                    .isIn(
                            InvalidCertificateException.Reason.MALFORMED,
                            InvalidCertificateException.Reason.UNSUPPORTED_VERSION);
        }
    }

    @Provide
    Arbitrary<List<Mutation>> mutations() {
        Arbitrary<Mutation> one = Combinators.combine(
                        Arbitraries.integers().between(0, 3),
                        Arbitraries.integers().between(0, 10_000),
                        Arbitraries.bytes())
                .as(Mutation::new);
        return one.list();
    }
}
