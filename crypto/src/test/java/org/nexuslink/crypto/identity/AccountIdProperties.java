// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.crypto.identity;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.signal.libsignal.protocol.ecc.ECKeyPair;

class AccountIdProperties {
    @Property(tries = 200)
    void random_keys_round_trip_through_the_text_form(@ForAll("keys") ECKeyPair pair) throws Exception {
        AccountId id = AccountId.fromPublicKeyBytes(pair.getPublicKey().getPublicKeyBytes());
        AccountId parsed = AccountId.parse(id.toString());
        assertThat(parsed).isEqualTo(id);
        assertThat(parsed.publicKey()).isEqualTo(pair.getPublicKey());
        assertThat(id.toString()).hasSize(AccountId.TEXT_LENGTH);
    }

    @Property(tries = 500)
    void arbitrary_text_raises_only_the_typed_error(@ForAll String text) {
        try {
            AccountId id = AccountId.parse(text);
            assertThat(id.toString()).isEqualTo(text);
        } catch (InvalidAccountIdException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    @Property(tries = 500)
    void arbitrary_base32_text_of_the_right_length_parses_only_canonically(@ForAll("base32Bodies") String body) {
        try {
            assertThat(AccountId.parse("nxl:" + body).toString()).isEqualTo("nxl:" + body);
        } catch (InvalidAccountIdException expected) {
            assertThat(expected.reason())
                    .isIn(InvalidAccountIdException.Reason.BAD_ALPHABET, InvalidAccountIdException.Reason.NOT_A_KEY);
        }
    }

    @Provide
    Arbitrary<ECKeyPair> keys() {
        return Arbitraries.randomValue(r -> ECKeyPair.generate());
    }

    @Provide
    Arbitrary<String> base32Bodies() {
        return Arbitraries.strings()
                .withChars("abcdefghijklmnopqrstuvwxyz234567")
                .ofLength(52);
    }
}
