// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.crypto.pow;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;

/**
 * Hashcash over SHA-256: a proof that {@code SHA-256("nexuslink/pow/v1" || 0x00 || challenge ||
 * counter)}, the counter as 8 big-endian bytes, starts with at least {@code difficulty} zero bits.
 * Finding one takes about {@code 2^difficulty} hashes; checking one takes one. The directory asks
 * for one per registration so that registering communities in bulk costs real work (seed 000's
 * guard against batch registration). Stateless and thread-safe.
 */
public final class ProofOfWork {
    /** The domain label hashed before the challenge, so no other SHA-256 use yields a proof. */
    public static final String DOMAIN = "nexuslink/pow/v1";
    /** The largest difficulty accepted: beyond it a proof would take years. */
    public static final int MAX_DIFFICULTY = 40;

    private ProofOfWork() {}

    /**
     * Searches counters from 0 until one meets {@code difficulty}.
     *
     * @param challenge what the proof is bound to (the directory names it per request)
     * @param difficulty leading zero bits, 0 to {@link #MAX_DIFFICULTY}
     * @return the first counter that meets the difficulty
     * @throws IllegalArgumentException when the difficulty is out of range
     */
    public static long solve(byte[] challenge, int difficulty) {
        checkDifficulty(difficulty);
        MessageDigest sha = prefixed(challenge);
        for (long counter = 0; ; counter++) {
            if (meets(hash(sha, counter), difficulty)) {
                return counter;
            }
        }
    }

    /**
     * Whether {@code counter} proves {@code difficulty} bits of work on {@code challenge}.
     *
     * @throws IllegalArgumentException when the difficulty is out of range
     */
    public static boolean verify(byte[] challenge, int difficulty, long counter) {
        checkDifficulty(difficulty);
        return meets(hash(prefixed(challenge), counter), difficulty);
    }

    private static void checkDifficulty(int difficulty) {
        if (difficulty < 0 || difficulty > MAX_DIFFICULTY) {
            throw new IllegalArgumentException(
                    "difficulty must be 0 to " + MAX_DIFFICULTY + " bits, got " + difficulty);
        }
    }

    private static MessageDigest prefixed(byte[] challenge) {
        Objects.requireNonNull(challenge, "challenge");
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(DOMAIN.getBytes(StandardCharsets.US_ASCII));
            sha.update((byte) 0);
            sha.update(challenge);
            return sha;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static byte[] hash(MessageDigest prefixed, long counter) {
        try {
            MessageDigest sha = (MessageDigest) prefixed.clone();
            sha.update(ByteBuffer.allocate(Long.BYTES).putLong(counter).array());
            return sha.digest();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the JDK's SHA-256 is cloneable", e);
        }
    }

    private static boolean meets(byte[] hash, int difficulty) {
        int full = difficulty / 8;
        for (int i = 0; i < full; i++) {
            if (hash[i] != 0) {
                return false;
            }
        }
        int rest = difficulty % 8;
        return rest == 0 || (hash[full] & 0xff) >>> (8 - rest) == 0;
    }
}
