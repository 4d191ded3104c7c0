// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.crypto.verification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.crypto.identity.AccountIdentity;

class FirstContactCodeTest {
    static final String ABANDON = "nxl:djxni2wi6bsqi7j52t254r5qa3f6aufjhzs2u2b76flvhfnrsnwa";
    static final String ZOO = "nxl:hickvy6mubegqpcsmk4hiff7yg5ee2plhgedk62jwr54vdsv5bca";

    @Test
    void known_ids_and_nonce_give_the_known_code() throws Exception {
        // Cross-checked with Python's hmac module; docs/identity.md shows the same vector.
        FirstContactNonce nonce = FirstContactNonce.parse("aebagbafaydqqcik");
        assertThat(nonce.bytes()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
        FirstContactCode code = FirstContactCode.compute(AccountId.parse(ABANDON), AccountId.parse(ZOO), nonce);
        assertThat(code.value()).isEqualTo("T7NEMNPBYTWS");
        assertThat(code.displayText()).isEqualTo("T7NE-MNPB-YTWS");
    }

    @Test
    void both_sides_compute_the_same_code_whatever_the_order() {
        AccountId alice = AccountIdentity.generate().accountId();
        AccountId bob = AccountIdentity.generate().accountId();
        FirstContactNonce nonce = FirstContactNonce.generate(new SecureRandom());
        FirstContactNonce received = FirstContactNonce.parse(nonce.toString().toUpperCase());
        assertThat(FirstContactCode.compute(alice, bob, nonce))
                .isEqualTo(FirstContactCode.compute(bob, alice, received));
        assertThat(FirstContactCode.compute(alice, bob, nonce).value())
                .hasSize(12)
                .matches("[A-Z2-7]{12}");
    }

    @Test
    void a_swapped_key_or_another_nonce_changes_the_code() {
        AccountId alice = AccountIdentity.generate().accountId();
        AccountId bob = AccountIdentity.generate().accountId();
        AccountId mallory = AccountIdentity.generate().accountId();
        FirstContactNonce nonce = FirstContactNonce.generate(new SecureRandom());
        FirstContactCode real = FirstContactCode.compute(alice, bob, nonce);
        assertThat(FirstContactCode.compute(alice, mallory, nonce)).isNotEqualTo(real);
        assertThat(FirstContactCode.compute(alice, bob, FirstContactNonce.generate(new SecureRandom())))
                .isNotEqualTo(real);
    }

    @Test
    void matches_what_the_other_person_reads_out() throws Exception {
        FirstContactCode code = FirstContactCode.compute(
                AccountId.parse(ABANDON), AccountId.parse(ZOO), FirstContactNonce.parse("aebagbafaydqqcik"));
        assertThat(code.matches("t7ne mnpb ytws")).isTrue();
        assertThat(code.matches("T7NE-MNPB-YTWS")).isTrue();
        assertThat(code.matches("T7NE-MNPB-YTWT")).isFalse();
        assertThat(code.matches("")).isFalse();
    }

    @Test
    void rejects_one_account_twice_and_bad_nonces() throws Exception {
        AccountId a = AccountId.parse(ABANDON);
        FirstContactNonce nonce = FirstContactNonce.generate(new SecureRandom());
        assertThatThrownBy(() -> FirstContactCode.compute(a, a, nonce))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("two different accounts");
        assertThatThrownBy(() -> FirstContactNonce.parse("abc"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"abc\"");
        assertThatThrownBy(() -> FirstContactNonce.parse("aebagbafaydqqci!"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
