// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.media;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;

/**
 * The fresh secret key of one attachment: a 32-byte AES-256 key and a 32-byte HMAC-SHA256 key,
 * as Signal's attachments use. It travels only inside an end-to-end encrypted event
 * ({@link FileDescriptor}); {@link #toString()} hides it and the accessors return copies.
 *
 * @param aesKey 32 bytes
 * @param macKey 32 bytes
 */
public record AttachmentKey(byte[] aesKey, byte[] macKey) {
    /** Length of each half in bytes. */
    public static final int PART_LENGTH = 32;
    /** Length of {@link #encoded()}: the AES key, then the MAC key. */
    public static final int ENCODED_LENGTH = 2 * PART_LENGTH;

    /**
     * @throws IllegalArgumentException unless both keys have 32 bytes
     */
    public AttachmentKey {
        Objects.requireNonNull(aesKey, "aesKey");
        Objects.requireNonNull(macKey, "macKey");
        if (aesKey.length != PART_LENGTH || macKey.length != PART_LENGTH) {
            throw new IllegalArgumentException("an attachment key has a 32-byte AES key and a 32-byte MAC key, got "
                    + aesKey.length + " and " + macKey.length + " bytes");
        }
        aesKey = aesKey.clone();
        macKey = macKey.clone();
    }

    /** A new random key from {@code random}. */
    public static AttachmentKey generate(SecureRandom random) {
        Objects.requireNonNull(random, "random");
        byte[] bytes = new byte[ENCODED_LENGTH];
        random.nextBytes(bytes);
        return decode(bytes);
    }

    /**
     * The key from its 64-byte encoding ({@link #encoded()}).
     *
     * @throws IllegalArgumentException unless {@code encoded} has 64 bytes
     */
    public static AttachmentKey decode(byte[] encoded) {
        Objects.requireNonNull(encoded, "encoded");
        if (encoded.length != ENCODED_LENGTH) {
            throw new IllegalArgumentException("an encoded attachment key has 64 bytes, got " + encoded.length);
        }
        return new AttachmentKey(
                Arrays.copyOfRange(encoded, 0, PART_LENGTH), Arrays.copyOfRange(encoded, PART_LENGTH, ENCODED_LENGTH));
    }

    /** The AES key followed by the MAC key: 64 bytes. */
    public byte[] encoded() {
        byte[] out = new byte[ENCODED_LENGTH];
        System.arraycopy(aesKey, 0, out, 0, PART_LENGTH);
        System.arraycopy(macKey, 0, out, PART_LENGTH, PART_LENGTH);
        return out;
    }

    @Override
    public byte[] aesKey() {
        return aesKey.clone();
    }

    @Override
    public byte[] macKey() {
        return macKey.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AttachmentKey other && MessageDigest.isEqual(encoded(), other.encoded());
    }

    @Override
    public int hashCode() {
        // Not derived from the secret: equal keys still hash equally, and nothing leaks.
        return AttachmentKey.class.hashCode();
    }

    @Override
    public String toString() {
        return "AttachmentKey[hidden]";
    }
}
