// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.crypto.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.generators.PKCS5S2ParametersGenerator;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.util.encoders.Hex;

/**
 * BIP-0039 with the English word list: entropy to words, words back to entropy (checking the
 * checksum), and words to the 64-byte seed.
 *
 * <p>Only the encoding lives here; SHA-256 and PBKDF2-HMAC-SHA512 are Bouncy Castle's. The word
 * list is the one published in the bitcoin/bips repository, checked against its SHA-256 when the
 * class loads. Thread-safe.
 */
public final class Bip39 {
    /** SHA-256 of bip-0039/english.txt as published (2048 lines, LF endings). */
    private static final String WORD_LIST_SHA256 = "2f5eed53a4727b4bf8880d8f3f199efc90e58503646d9ff8eff3a2ed3b24dbda";

    private static final int SEED_ITERATIONS = 2048;
    private static final List<String> WORDS;
    private static final Map<String, Integer> INDEX;

    static {
        byte[] raw;
        try (InputStream in = Objects.requireNonNull(
                Bip39.class.getResourceAsStream("bip39-english.txt"), "bip39-english.txt missing")) {
            raw = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!Hex.toHexString(sha256(raw)).equals(WORD_LIST_SHA256)) {
            throw new IllegalStateException("bip39-english.txt does not match the published BIP-0039 list");
        }
        List<String> words = new ArrayList<>(2048);
        try (BufferedReader r = new BufferedReader(
                new InputStreamReader(new java.io.ByteArrayInputStream(raw), StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                words.add(line);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        WORDS = List.copyOf(words);
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < WORDS.size(); i++) {
            index.put(WORDS.get(i), i);
        }
        INDEX = Map.copyOf(index);
    }

    private Bip39() {}

    /** Why a word sequence is not a BIP-0039 mnemonic. */
    public enum Problem {
        WRONG_LENGTH,
        UNKNOWN_WORD,
        BAD_CHECKSUM
    }

    /** A word sequence that is not a valid mnemonic; {@code position} is 1-based, 0 when not about one word. */
    public static final class InvalidWords extends Exception {
        private final Problem problem;
        private final int position;

        InvalidWords(Problem problem, int position, String message) {
            super(message);
            this.problem = problem;
            this.position = position;
        }

        public Problem problem() {
            return problem;
        }

        public int position() {
            return position;
        }
    }

    /** The 2048 English words in list order. */
    public static List<String> wordList() {
        return WORDS;
    }

    /** Encodes 16, 20, 24, 28 or 32 bytes of entropy as 12 to 24 words. */
    public static List<String> toWords(byte[] entropy) {
        int bits = entropy.length * 8;
        if (entropy.length < 16 || entropy.length > 32 || entropy.length % 4 != 0) {
            throw new IllegalArgumentException(
                    "BIP-0039 entropy must be 16 to 32 bytes in steps of 4, got " + entropy.length);
        }
        int checksumBits = bits / 32;
        byte[] hash = sha256(entropy);
        int total = bits + checksumBits;
        List<String> out = new ArrayList<>(total / 11);
        for (int word = 0; word < total / 11; word++) {
            int value = 0;
            for (int b = 0; b < 11; b++) {
                int bit = word * 11 + b;
                value = (value << 1) | (bit < bits ? bitAt(entropy, bit) : bitAt(hash, bit - bits));
            }
            out.add(WORDS.get(value));
        }
        return List.copyOf(out);
    }

    /** Decodes words (already lower-case, NFKD) back to entropy, checking length, words and checksum. */
    public static byte[] toEntropy(List<String> words) throws InvalidWords {
        int n = words.size();
        if (n < 12 || n > 24 || n % 3 != 0) {
            throw new InvalidWords(Problem.WRONG_LENGTH, 0, "a mnemonic has 12, 15, 18, 21 or 24 words, got " + n);
        }
        int total = n * 11;
        int checksumBits = total / 33;
        int bits = total - checksumBits;
        boolean[] stream = new boolean[total];
        for (int i = 0; i < n; i++) {
            Integer value = INDEX.get(words.get(i));
            if (value == null) {
                throw new InvalidWords(
                        Problem.UNKNOWN_WORD, i + 1, "word " + (i + 1) + " is not in the BIP-0039 English word list");
            }
            for (int b = 0; b < 11; b++) {
                stream[i * 11 + b] = ((value >> (10 - b)) & 1) == 1;
            }
        }
        byte[] entropy = new byte[bits / 8];
        for (int bit = 0; bit < bits; bit++) {
            if (stream[bit]) {
                entropy[bit / 8] |= (byte) (0x80 >>> (bit % 8));
            }
        }
        byte[] hash = sha256(entropy);
        for (int i = 0; i < checksumBits; i++) {
            if (stream[bits + i] != (bitAt(hash, i) == 1)) {
                Arrays.fill(entropy, (byte) 0);
                throw new InvalidWords(
                        Problem.BAD_CHECKSUM,
                        0,
                        "the mnemonic's checksum does not match: a word is wrong or the words are out of order");
            }
        }
        return entropy;
    }

    /**
     * The BIP-0039 seed: PBKDF2-HMAC-SHA512, 2048 iterations, password the NFKD words joined by
     * single spaces, salt "mnemonic" + NFKD passphrase, 64 bytes.
     */
    public static byte[] toSeed(List<String> words, String passphrase) {
        String sentence = Normalizer.normalize(String.join(" ", words), Normalizer.Form.NFKD);
        String salt = Normalizer.normalize("mnemonic" + passphrase, Normalizer.Form.NFKD);
        PKCS5S2ParametersGenerator pbkdf2 = new PKCS5S2ParametersGenerator(new SHA512Digest());
        byte[] password = sentence.getBytes(StandardCharsets.UTF_8);
        pbkdf2.init(password, salt.getBytes(StandardCharsets.UTF_8), SEED_ITERATIONS);
        byte[] seed = ((KeyParameter) pbkdf2.generateDerivedParameters(512)).getKey();
        Arrays.fill(password, (byte) 0);
        return seed;
    }

    private static int bitAt(byte[] bytes, int bit) {
        return (bytes[bit / 8] >>> (7 - bit % 8)) & 1;
    }

    private static byte[] sha256(byte[] in) {
        SHA256Digest d = new SHA256Digest();
        d.update(in, 0, in.length);
        byte[] out = new byte[32];
        d.doFinal(out, 0);
        return out;
    }
}
