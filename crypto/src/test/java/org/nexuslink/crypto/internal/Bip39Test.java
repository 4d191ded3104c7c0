// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.crypto.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class Bip39Test {
    record Vector(String entropy, String mnemonic, String seed) {}

    static Stream<Vector> officialVectors() throws IOException {
        try (InputStream in = Bip39Test.class.getResourceAsStream("/org/nexuslink/crypto/bip39-vectors.txt")) {
            List<Vector> out = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\\|");
                out.add(new Vector(f[0], f[1], f[2]));
            }
            assertThat(out).hasSize(24);
            return out.stream();
        }
    }

    @ParameterizedTest
    @MethodSource("officialVectors")
    void entropy_encodes_to_the_official_words(Vector v) {
        assertThat(String.join(" ", Bip39.toWords(HexFormat.of().parseHex(v.entropy()))))
                .isEqualTo(v.mnemonic());
    }

    @ParameterizedTest
    @MethodSource("officialVectors")
    void official_words_decode_to_their_entropy(Vector v) throws Exception {
        assertThat(HexFormat.of().formatHex(Bip39.toEntropy(List.of(v.mnemonic().split(" ")))))
                .isEqualTo(v.entropy());
    }

    @ParameterizedTest
    @MethodSource("officialVectors")
    void official_words_give_the_official_seed(Vector v) {
        assertThat(HexFormat.of().formatHex(Bip39.toSeed(List.of(v.mnemonic().split(" ")), "TREZOR")))
                .isEqualTo(v.seed());
    }

    @Test
    void word_list_is_the_published_one() {
        assertThat(Bip39.wordList())
                .hasSize(2048)
                .startsWith("abandon", "ability")
                .endsWith("zone", "zoo");
    }

    @Test
    void rejects_a_wrong_checksum() {
        List<String> words = new ArrayList<>(List.of(
                "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon"
                        .split(" ")));
        assertThatThrownBy(() -> Bip39.toEntropy(words))
                .isInstanceOfSatisfying(
                        Bip39.InvalidWords.class, e -> assertThat(e.problem()).isEqualTo(Bip39.Problem.BAD_CHECKSUM));
    }
}
