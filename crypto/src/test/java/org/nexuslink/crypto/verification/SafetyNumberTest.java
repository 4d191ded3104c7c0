// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.crypto.verification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.crypto.identity.AccountIdentity;

class SafetyNumberTest {
    @Test
    void both_sides_see_the_same_sixty_digits() {
        AccountId alice = AccountIdentity.generate().accountId();
        AccountId bob = AccountIdentity.generate().accountId();
        SafetyNumber forAlice = SafetyNumber.between(alice, bob);
        SafetyNumber forBob = SafetyNumber.between(bob, alice);
        assertThat(forAlice.digits()).hasSize(60).containsOnlyDigits().isEqualTo(forBob.digits());
        assertThat(forAlice.displayText()).matches("(\\d{5} ){11}\\d{5}");
    }

    @Test
    void known_ids_give_a_stable_safety_number() throws Exception {
        SafetyNumber n = SafetyNumber.between(
                AccountId.parse(FirstContactCodeTest.ABANDON), AccountId.parse(FirstContactCodeTest.ZOO));
        assertThat(n.digits()).isEqualTo("245257121853354447394055461191919570172084022874630128855400");
    }

    @Test
    void scanning_the_other_side_matches_and_a_third_party_does_not() throws Exception {
        AccountId alice = AccountIdentity.generate().accountId();
        AccountId bob = AccountIdentity.generate().accountId();
        AccountId mallory = AccountIdentity.generate().accountId();
        assertThat(SafetyNumber.between(alice, bob)
                        .matchesScanned(SafetyNumber.between(bob, alice).scannable()))
                .isTrue();
        assertThat(SafetyNumber.between(alice, bob)
                        .matchesScanned(SafetyNumber.between(mallory, alice).scannable()))
                .isFalse();
    }

    @Test
    void garbage_scan_is_a_typed_error() {
        AccountId alice = AccountIdentity.generate().accountId();
        AccountId bob = AccountIdentity.generate().accountId();
        assertThatThrownBy(() -> SafetyNumber.between(alice, bob).matchesScanned(new byte[] {1, 2, 3}))
                .isInstanceOf(InvalidFingerprintException.class);
    }
}
