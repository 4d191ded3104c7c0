// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.crypto.identity;

import java.security.SecureRandom;
import java.text.Normalizer;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.nexuslink.crypto.internal.Bip39;

/**
 * A BIP-0039 recovery phrase of 12 or 24 English words, the only thing a person needs to restore
 * an account identity.
 *
 * <p>Holds the secret words: {@link #toString()} never shows them. Immutable and thread-safe.
 */
public final class Mnemonic {
    /** The two phrase lengths NexusLink offers: 128 or 256 bits of entropy. */
    public enum WordCount {
        TWELVE(12, 16),
        TWENTY_FOUR(24, 32);

        private final int words;
        private final int entropyBytes;

        WordCount(int words, int entropyBytes) {
            this.words = words;
            this.entropyBytes = entropyBytes;
        }

        public int words() {
            return words;
        }

        /** The count for 12 or 24; anything else is an error naming the value. */
        public static WordCount of(int words) {
            for (WordCount c : values()) {
                if (c.words == words) {
                    return c;
                }
            }
            throw new IllegalArgumentException("a mnemonic has 12 or 24 words, not " + words);
        }
    }

    private final List<String> words;

    private Mnemonic(List<String> words) {
        this.words = List.copyOf(words);
    }

    /** A new phrase from {@code random}'s entropy. */
    public static Mnemonic generate(WordCount count, SecureRandom random) {
        byte[] entropy = new byte[count.entropyBytes];
        random.nextBytes(entropy);
        Mnemonic m = new Mnemonic(Bip39.toWords(entropy));
        Arrays.fill(entropy, (byte) 0);
        return m;
    }

    /**
     * Parses a phrase: words separated by any whitespace, case-insensitive, NFKD-normalised.
     *
     * @throws InvalidMnemonicException if it does not have 12 or 24 words, a word is not in the
     *     English list, or the checksum does not match
     */
    public static Mnemonic parse(String phrase) throws InvalidMnemonicException {
        Objects.requireNonNull(phrase, "phrase");
        String normal =
                Normalizer.normalize(phrase, Normalizer.Form.NFKD).strip().toLowerCase(Locale.ROOT);
        List<String> words = normal.isEmpty() ? List.of() : List.of(normal.split("\\s+"));
        if (words.size() != 12 && words.size() != 24) {
            throw new InvalidMnemonicException(
                    InvalidMnemonicException.Reason.WRONG_LENGTH,
                    0,
                    "a recovery phrase has 12 or 24 words, got " + words.size());
        }
        try {
            Arrays.fill(Bip39.toEntropy(words), (byte) 0);
        } catch (Bip39.InvalidWords e) {
            InvalidMnemonicException.Reason reason = switch (e.problem()) {
                case WRONG_LENGTH -> InvalidMnemonicException.Reason.WRONG_LENGTH;
                case UNKNOWN_WORD -> InvalidMnemonicException.Reason.UNKNOWN_WORD;
                case BAD_CHECKSUM -> InvalidMnemonicException.Reason.BAD_CHECKSUM;
            };
            throw new InvalidMnemonicException(reason, e.position(), e.getMessage());
        }
        return new Mnemonic(words);
    }

    /** The words, in order. */
    public List<String> words() {
        return words;
    }

    /** The words joined by single spaces. */
    public String phrase() {
        return String.join(" ", words);
    }

    /** The BIP-0039 seed with the empty BIP-0039 passphrase, as NexusLink derives identities. */
    public byte[] seed() {
        return Bip39.toSeed(words, "");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Mnemonic other && words.equals(other.words);
    }

    @Override
    public int hashCode() {
        return words.hashCode();
    }

    /** Redacted: a mnemonic must never reach a log. */
    @Override
    public String toString() {
        return "Mnemonic[" + words.size() + " words, redacted]";
    }
}
