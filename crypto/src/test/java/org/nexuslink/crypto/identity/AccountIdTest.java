// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.crypto.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AccountIdTest {
    @Test
    void text_form_is_prefix_and_52_base32_characters() throws Exception {
        AccountId id = AccountId.parse(KnownVectors.ABANDON_12_ACCOUNT_ID);
        assertThat(id.toString()).hasSize(56).startsWith("nxl:").matches("nxl:[a-z2-7]{52}");
        assertThat(AccountId.TEXT_LENGTH).isEqualTo(56);
    }

    @Test
    void text_encodes_the_raw_32_byte_key_not_the_libsignal_serialized_form() throws Exception {
        AccountId id = AccountId.parse(KnownVectors.ABANDON_12_ACCOUNT_ID);
        byte[] serialized = id.identityKey().serialize();
        assertThat(serialized).hasSize(33).startsWith((byte) 0x05);
        assertThat(id.publicKeyBytes()).hasSize(32).isEqualTo(java.util.Arrays.copyOfRange(serialized, 1, 33));
        assertThat(AccountId.fromPublicKeyBytes(id.publicKeyBytes())).isEqualTo(id);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "wrong prefix,    nxm:djxni2wi6bsqi7j52t254r5qa3f6aufjhzs2u2b76flvhfnrsnwa, WRONG_PREFIX",
        "upper prefix,    NXL:djxni2wi6bsqi7j52t254r5qa3f6aufjhzs2u2b76flvhfnrsnwa, WRONG_PREFIX",
        "too short,       nxl:djxni2wi6bsqi7j52t254r5qa3f6aufjhzs2u2b76flvhfnrsnw,  WRONG_LENGTH",
        "too long,        nxl:djxni2wi6bsqi7j52t254r5qa3f6aufjhzs2u2b76flvhfnrsnwaa, WRONG_LENGTH",
        "upper case,      nxl:DJXNI2WI6BSQI7J52T254R5QA3F6AUFJHZS2U2B76FLVHFNRSNWA, BAD_ALPHABET",
        "digit 1,         nxl:djxni2wi6bsqi7j52t254r5qa3f6aufjhzs2u2b76flvhfnrsn1a, BAD_ALPHABET",
        "padding,         nxl:djxni2wi6bsqi7j52t254r5qa3f6aufjhzs2u2b76flvhfnrsnw=, BAD_ALPHABET",
        "non-canonical,   nxl:djxni2wi6bsqi7j52t254r5qa3f6aufjhzs2u2b76flvhfnrsnwb, BAD_ALPHABET",
        "all-zero key,    nxl:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa, NOT_A_KEY",
    })
    void rejects_text_that_is_not_an_account_id(String why, String text, InvalidAccountIdException.Reason reason) {
        assertThatThrownBy(() -> AccountId.parse(text))
                .isInstanceOfSatisfying(
                        InvalidAccountIdException.class,
                        e -> assertThat(e.reason()).isEqualTo(reason))
                .hasMessageContaining(
                        reason == InvalidAccountIdException.Reason.NOT_A_KEY ? "not an identity key" : "account id");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        // u = 1 and the order-8 point from RFC 7748's list of small-order points.
        "one,          0100000000000000000000000000000000000000000000000000000000000000",
        "order 8,      e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
        // p itself and the largest 255-bit value: not canonical u-coordinates.
        "p,            edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "top bit set,  ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    })
    void rejects_keys_that_are_small_order_or_not_canonical(String why, String hex) {
        assertThatThrownBy(() -> AccountId.fromPublicKeyBytes(HexFormat.of().parseHex(hex)))
                .isInstanceOfSatisfying(
                        InvalidAccountIdException.class,
                        e -> assertThat(e.reason()).isEqualTo(InvalidAccountIdException.Reason.NOT_A_KEY));
    }

    @Test
    void rejects_a_key_of_the_wrong_size() {
        assertThatThrownBy(() -> AccountId.fromPublicKeyBytes(new byte[33]))
                .isInstanceOf(InvalidAccountIdException.class)
                .hasMessageContaining("32 bytes, got 33");
    }
}
