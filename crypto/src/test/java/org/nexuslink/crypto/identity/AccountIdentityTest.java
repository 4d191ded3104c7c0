// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.crypto.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.bouncycastle.math.ec.rfc7748.X25519;
import org.junit.jupiter.api.Test;

class AccountIdentityTest {
    static final String ABANDON_12 =
            "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
    static final String ZOO_24 =
            "zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo vote";

    @Test
    void known_mnemonic_gives_the_known_account_id() throws Exception {
        AccountIdentity identity = AccountIdentity.fromMnemonic(Mnemonic.parse(ABANDON_12));
        assertThat(identity.accountId().toString()).isEqualTo(KnownVectors.ABANDON_12_ACCOUNT_ID);
    }

    @Test
    void known_24_word_mnemonic_gives_the_known_account_id() throws Exception {
        AccountIdentity identity = AccountIdentity.fromMnemonic(Mnemonic.parse(ZOO_24));
        assertThat(identity.accountId().toString()).isEqualTo(KnownVectors.ZOO_24_ACCOUNT_ID);
    }

    @Test
    void derivation_matches_an_independent_bouncy_castle_computation() throws Exception {
        Mnemonic m = Mnemonic.parse(ABANDON_12);
        byte[] scalar = new byte[32];
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(new HKDFParameters(m.seed(), null, "nexuslink/identity/v1".getBytes(StandardCharsets.US_ASCII)));
        hkdf.generateBytes(scalar, 0, 32);
        X25519.clampPrivateKey(scalar);
        byte[] pub = new byte[32];
        X25519.scalarMultBase(scalar, 0, pub, 0);

        AccountIdentity identity = AccountIdentity.fromMnemonic(m);
        assertThat(identity.accountId().publicKeyBytes()).isEqualTo(pub);
        assertThat(identity.privateKeyBytes()).isEqualTo(scalar);
    }

    @Test
    void same_words_always_give_the_same_identity_and_others_differ() throws Exception {
        Mnemonic a = Mnemonic.generate(Mnemonic.WordCount.TWELVE, new SecureRandom());
        Mnemonic b = Mnemonic.generate(Mnemonic.WordCount.TWENTY_FOUR, new SecureRandom());
        assertThat(AccountIdentity.fromMnemonic(Mnemonic.parse(a.phrase()))).isEqualTo(AccountIdentity.fromMnemonic(a));
        assertThat(AccountIdentity.fromMnemonic(a)).isNotEqualTo(AccountIdentity.fromMnemonic(b));
        assertThat(b.words()).hasSize(24);
    }

    @Test
    void private_key_round_trips_through_its_bytes() {
        AccountIdentity identity = AccountIdentity.generate();
        assertThat(AccountIdentity.fromPrivateKeyBytes(identity.privateKeyBytes())
                        .accountId())
                .isEqualTo(identity.accountId());
    }

    @Test
    void to_string_never_shows_the_private_key_or_the_words() throws Exception {
        Mnemonic m = Mnemonic.parse(ABANDON_12);
        AccountIdentity identity = AccountIdentity.fromMnemonic(m);
        assertThat(identity.toString())
                .contains(identity.accountId().toString())
                .doesNotContain(HexFormat.of().formatHex(identity.privateKeyBytes()));
        assertThat(m.toString()).doesNotContain("abandon");
    }

    @Test
    void mnemonic_parsing_tolerates_case_and_spacing() throws Exception {
        assertThat(
                        Mnemonic.parse(
                                "  ABANDON abandon\tabandon abandon abandon abandon abandon abandon abandon abandon abandon\n about "))
                .isEqualTo(Mnemonic.parse(ABANDON_12));
    }

    @Test
    void rejects_a_mnemonic_with_a_bad_checksum() {
        assertThatThrownBy(() -> Mnemonic.parse(ABANDON_12.replace("about", "abandon")))
                .isInstanceOfSatisfying(
                        InvalidMnemonicException.class,
                        e -> assertThat(e.reason()).isEqualTo(InvalidMnemonicException.Reason.BAD_CHECKSUM))
                .hasMessageContaining("checksum");
    }

    @Test
    void rejects_a_mnemonic_with_an_unknown_word_naming_its_position_not_the_word() {
        assertThatThrownBy(() ->
                        Mnemonic.parse(ABANDON_12.replaceFirst("abandon abandon abandon", "abandon abandon abandonx")))
                .isInstanceOfSatisfying(InvalidMnemonicException.class, e -> {
                    assertThat(e.reason()).isEqualTo(InvalidMnemonicException.Reason.UNKNOWN_WORD);
                    assertThat(e.position()).isEqualTo(3);
                })
                .hasMessageContaining("word 3")
                .hasMessageNotContaining("abandonx");
    }

    @Test
    void rejects_a_mnemonic_of_the_wrong_length() {
        // 15 words is valid BIP-0039 but not one of the lengths NexusLink offers.
        String fifteen = "abandon ".repeat(14) + "address";
        for (String phrase : new String[] {"", "abandon", ABANDON_12 + " abandon", fifteen}) {
            assertThatThrownBy(() -> Mnemonic.parse(phrase))
                    .isInstanceOfSatisfying(
                            InvalidMnemonicException.class,
                            e -> assertThat(e.reason()).isEqualTo(InvalidMnemonicException.Reason.WRONG_LENGTH))
                    .hasMessageContaining("12 or 24 words");
        }
    }
}
